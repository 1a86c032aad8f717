package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/summitbot/summitbot/bot"
	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
)

// runServe runs the Discord bot until ctx is cancelled (SIGINT or SIGTERM
// in main), then shuts it down gracefully and returns nil.
func runServe(ctx context.Context, e *env, args []string) error {
	fs, cfgPath := newFlags("serve", e)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: serve takes no arguments, got %q", errUsage, pos[0])
	}
	cfg, err := LoadConfig(*cfgPath, e.getenv)
	if err != nil {
		return err
	}
	if cfg.Discord.Token == "" {
		return errors.New("no Discord bot token: set DISCORD_TOKEN (or discord.token in the config file)")
	}
	log := cfg.newLogger(e.stderr)

	eng, err := newServeEngine(ctx, cfg, e.getenv, log)
	if err != nil {
		return err
	}
	defer eng.Close()

	d := cfg.Discord
	b, err := bot.New(bot.Config{
		Token:              d.Token,
		APIURL:             d.APIURL,
		GuildID:            d.GuildID,
		ModeratorRoleIDs:   d.ModeratorRoleIDs,
		AllowDMs:           d.AllowDMs,
		QuestionsPerMinute: d.QuestionsPerMinute,
		Burst:              d.Burst,
		ShardID:            d.ShardID,
		ShardCount:         d.ShardCount,
		ShutdownGrace:      d.ShutdownGrace,
	}, eng, log)
	if err != nil {
		return err
	}
	if cfg.Health.Addr != "" {
		h, err := startHealth(cfg.Health.Addr, botMetrics(b), botReady(b), log)
		if err != nil {
			return err
		}
		defer h.Close()
	}
	return b.Run(ctx)
}

// botReady is /readyz: ready once the bot is connected and its commands
// are registered.
func botReady(b *bot.Bot) func() error {
	return func() error {
		select {
		case <-b.Ready():
			return nil
		default:
			return errors.New("not connected to Discord yet")
		}
	}
}

// botMetrics is /metrics: the Go runtime, the process, and the feedback
// votes.
func botMetrics(b *bot.Bot) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	vote := func(up bool) func() float64 {
		return func() float64 {
			u, d := b.Feedback()
			if up {
				return float64(u)
			}
			return float64(d)
		}
	}
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "summitbot_feedback_helpful_total", Help: "👍 votes on answers since the bot started.",
		}, vote(true)),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "summitbot_feedback_unhelpful_total", Help: "👎 votes on answers since the bot started.",
		}, vote(false)),
	)
	return reg
}

// newServeEngine builds the engine the bot answers from. Unlike the other
// commands it keeps the corpus loader, so that /reload can read the
// directory again.
func newServeEngine(ctx context.Context, cfg Config, getenv func(string) string, log *slog.Logger) (*retrieval.Engine, error) {
	fsys, where := corpus.Default(), "embedded corpus"
	if cfg.Corpus.Dir != "" {
		fsys, where = corpus.Dir(cfg.Corpus.Dir), cfg.Corpus.Dir
	} else {
		log.Info("corpus.dir is not set: serving the embedded articles, which /reload cannot change")
	}
	load := func() (*corpus.Corpus, error) {
		c, err := corpus.Load(fsys)
		if err != nil && c == nil {
			return nil, fmt.Errorf("load %s: %w", where, err)
		}
		return c, err // a *corpus.LoadError with a corpus: see retrieval.LoadFunc
	}
	cal, err := loadCalibration(cfg)
	if err != nil {
		return nil, err
	}
	emb, err := newEmbedder(cfg, getenv, log)
	if err != nil {
		return nil, err
	}
	warnCalibration(log, cal, emb)
	mode, err := retrieval.ParseMode(cfg.Retrieval.Mode)
	if err != nil {
		return nil, err
	}
	eng, _, err := retrieval.NewEngine(ctx, load, emb, cal,
		retrieval.Options{Mode: mode, Passages: cfg.Retrieval.Passages}, log)
	if err != nil {
		return nil, fmt.Errorf("build the index: %w", err)
	}
	if g := newGenerative(cfg, getenv, log); g != nil {
		eng.UseModel(g)
	}
	return eng, nil
}
