package bot

import (
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics counts what the bot does, for Prometheus: every interaction and
// mention by command and outcome, how long each took, gateway reconnects
// and feedback votes. Make one with NewMetrics and hand it to New in
// Config.Metrics; a nil *Metrics counts nothing.
type Metrics struct {
	questions  *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	reconnects prometheus.Counter
	connected  prometheus.Gauge
	lost       *prometheus.CounterVec

	// bot is the bot whose votes the feedback counters read; New sets it.
	bot atomic.Pointer[Bot]
}

// NewMetrics registers the bot's metrics with reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		questions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "summitbot_questions_total",
			Help: "Interactions and mentions handled, by command (ask, mention, dm, sources, source, reload, help, button:up, …) and outcome (answered, refused, error, rate_limited, invalid_question, …).",
		}, []string{"command", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "summitbot_answer_duration_seconds",
			Help: "Time from an interaction or mention arriving to the bot's last reply to it, by command.",
			// From an acknowledgement to a model-written answer.
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"command"}),
		reconnects: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "summitbot_gateway_reconnects_total",
			Help: "Gateway connections made after the first (resumed or identified again).",
		}),
		connected: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "summitbot_gateway_connected",
			Help: "1 while the gateway connection is up, 0 otherwise.",
		}),
		lost: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "summitbot_answers_lost_total",
			Help: "Replies Discord did not take after every retry, or that shutdown cut short, by command and stage (acknowledgement, response, edit, reply).",
		}, []string{"command", "stage"}),
	}
	votes := func(vote string, up bool) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name:        "summitbot_feedback_votes_total",
			Help:        "Feedback votes on answers since the bot started (one per user and answer), by vote.",
			ConstLabels: prometheus.Labels{"vote": vote},
		}, func() float64 {
			b := m.bot.Load()
			if b == nil {
				return 0
			}
			u, d := b.Feedback()
			if up {
				return float64(u)
			}
			return float64(d)
		})
	}
	for _, c := range []prometheus.Collector{m.questions, m.latency, m.reconnects, m.connected, m.lost,
		votes("helpful", true), votes("unhelpful", false)} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// metricCommands are the command labels kept as they are; anything else
// (a command Discord still shows after it was removed, a stray custom id)
// is counted as "other", so that no input can grow the label set.
var metricCommands = map[string]bool{
	"ask": true, "sources": true, "source": true, "reload": true, "help": true,
	"source:autocomplete": true, "mention": true, "dm": true,
	"button:" + buttonPassages: true, "button:" + buttonVoteUp: true, "button:" + buttonVoteDown: true,
}

// handled counts one interaction or mention once its outcome is known:
// where its log line is written.
func (m *Metrics) handled(command string, o outcome, took time.Duration) {
	if m == nil {
		return
	}
	if !metricCommands[command] {
		command = "other"
	}
	if strings.HasSuffix(string(o), " choices") {
		o = outcomeChoices // autocomplete logs how many
	}
	m.questions.WithLabelValues(command, string(o)).Inc()
	m.latency.WithLabelValues(command).Observe(took.Seconds())
}

// gateway records the connection going up or down; up after the first time
// is a reconnect.
func (m *Metrics) gateway(up, reconnect bool) {
	if m == nil {
		return
	}
	if up {
		m.connected.Set(1)
	} else {
		m.connected.Set(0)
	}
	if reconnect {
		m.reconnects.Inc()
	}
}

// answerLost counts a reply that could not be delivered.
func (m *Metrics) answerLost(command, stage string) {
	if m == nil {
		return
	}
	if !metricCommands[command] {
		command = "other"
	}
	m.lost.WithLabelValues(command, stage).Inc()
}
