package main

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/summitbot/summitbot/retrieval"
)

// engineMetrics counts what the retrieval side does: answers' evidence,
// reloads, model and embedding requests. The bot's own metrics are in
// bot/metrics.go; retrieval imports no metrics library and reports through
// retrieval.Observer and the Generator and Embedder decorators below.
type engineMetrics struct {
	evidence       prometheus.Histogram
	reloads        *prometheus.CounterVec
	modelRequests  *prometheus.CounterVec
	modelErrors    *prometheus.CounterVec
	modelLatency   prometheus.Histogram
	embedRequests  *prometheus.CounterVec
	embedTexts     prometheus.Counter
	corpusWatchErr prometheus.Counter
	degraded       *prometheus.GaugeVec
}

// newRegistry returns a registry with the Go runtime and process
// collectors and summitbot_build_info (version.go).
func newRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		readBuildInfo().collector(),
	)
	return reg
}

func newEngineMetrics(reg prometheus.Registerer) *engineMetrics {
	m := &engineMetrics{
		evidence: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "summitbot_retrieval_evidence",
			Help: "Evidence of each answer: how well the best sentence and its passage cover the question, 0 to 1; below the calibrated threshold the question is refused.",
			// Finer near the calibrated thresholds (about 0.2).
			Buckets: []float64{.05, .1, .15, .2, .25, .3, .4, .5, .6, .8, 1},
		}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "summitbot_reloads_total",
			Help: "Corpus reloads by result: ok, failed (the old index still serves), busy (another reload was running).",
		}, []string{"result"}),
		modelRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "summitbot_model_requests_total",
			Help: "Requests to the chat model (after its breaker), by result: ok or error.",
		}, []string{"result"}),
		modelErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "summitbot_model_errors_total",
			Help: "Failed chat model requests by reason: timeout, rate_limited, unavailable, rejected, cancelled, other.",
		}, []string{"reason"}),
		modelLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "summitbot_model_request_duration_seconds",
			Help:    "Time a chat model request took, retries and a streamed reply included.",
			Buckets: []float64{.1, .25, .5, 1, 2, 4, 8, 15, 30, 60},
		}),
		embedRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "summitbot_embedding_requests_total",
			Help: "Calls to the embedder behind the vector cache (the offline one, or an embedding model), by result: ok or error.",
		}, []string{"result"}),
		embedTexts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "summitbot_embedding_texts_total",
			Help: "Texts sent to the embedder behind the vector cache.",
		}),
		corpusWatchErr: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "summitbot_corpus_watch_errors_total",
			Help: "Times the corpus directory could not be read while watching it for changes.",
		}),
		degraded: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "summitbot_degraded",
			Help: "1 while the bot runs degraded, by reason: embedder (the embedding server was unreachable, the offline embedder answers).",
		}, []string{"reason"}),
	}
	reg.MustRegister(m.evidence, m.reloads, m.modelRequests, m.modelErrors, m.modelLatency,
		m.embedRequests, m.embedTexts, m.corpusWatchErr, m.degraded)
	// Zero series, so that rates and alerts have something to start from.
	for _, r := range []string{"ok", "failed", "busy"} {
		m.reloads.WithLabelValues(r)
	}
	for _, r := range []string{"ok", "error"} {
		m.modelRequests.WithLabelValues(r)
		m.embedRequests.WithLabelValues(r)
	}
	m.degraded.WithLabelValues("embedder")
	return m
}

// Answered implements retrieval.Observer.
func (m *engineMetrics) Answered(a *retrieval.Answer, err error) {
	if m == nil || err != nil {
		return
	}
	m.evidence.Observe(a.Evidence)
}

// Reloaded implements retrieval.Observer.
func (m *engineMetrics) Reloaded(_ *retrieval.ReloadReport, err error) {
	if m == nil {
		return
	}
	switch {
	case err == nil:
		m.reloads.WithLabelValues("ok").Inc()
	case errors.Is(err, retrieval.ErrReloadRunning):
		m.reloads.WithLabelValues("busy").Inc()
	default:
		m.reloads.WithLabelValues("failed").Inc()
	}
}

// generator returns g with its requests counted and timed.
func (m *engineMetrics) generator(g retrieval.Generator) retrieval.Generator {
	if m == nil {
		return g
	}
	return meteredGenerator{Generator: g, m: m}
}

type meteredGenerator struct {
	retrieval.Generator
	m *engineMetrics
}

func (g meteredGenerator) Generate(ctx context.Context, p retrieval.Prompt, partial func(string)) (string, error) {
	start := time.Now()
	text, err := g.Generator.Generate(ctx, p, partial)
	g.m.modelLatency.Observe(time.Since(start).Seconds())
	if err != nil {
		g.m.modelRequests.WithLabelValues("error").Inc()
		g.m.modelErrors.WithLabelValues(modelErrorReason(err)).Inc()
		return text, err
	}
	g.m.modelRequests.WithLabelValues("ok").Inc()
	return text, nil
}

// modelErrorReason names a Generator's error for the errors counter.
func modelErrorReason(err error) string {
	switch {
	case errors.Is(err, retrieval.ErrModelTimeout), errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, retrieval.ErrModelRateLimited):
		return "rate_limited"
	case errors.Is(err, retrieval.ErrModelUnavailable):
		return "unavailable"
	case errors.Is(err, retrieval.ErrModelRejected):
		return "rejected"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	}
	return "other"
}

// embedder returns e with its requests counted. Wrap the embedder behind
// the vector cache, so that cache hits are not counted as requests.
func (m *engineMetrics) embedder(e retrieval.Embedder) retrieval.Embedder {
	if m == nil {
		return e
	}
	return meteredEmbedder{Embedder: e, m: m}
}

type meteredEmbedder struct {
	retrieval.Embedder
	m *engineMetrics
}

func (e meteredEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	vecs, err := e.Embedder.Embed(ctx, texts)
	result := "ok"
	if err != nil {
		result = "error"
	}
	e.m.embedRequests.WithLabelValues(result).Inc()
	e.m.embedTexts.Add(float64(len(texts)))
	return vecs, err
}

// setDegraded sets summitbot_degraded{reason}.
func (m *engineMetrics) setDegraded(reason string, on bool) {
	if m == nil {
		return
	}
	v := 0.0
	if on {
		v = 1
	}
	m.degraded.WithLabelValues(reason).Set(v)
}

// watchError counts a failed read of the corpus directory.
func (m *engineMetrics) watchError() {
	if m != nil {
		m.corpusWatchErr.Inc()
	}
}
