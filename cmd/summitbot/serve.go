package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/summitbot/summitbot/bot"
	"github.com/summitbot/summitbot/bot/store"
	"github.com/summitbot/summitbot/corpus"
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
	log.Info("summitbot starting", readBuildInfo().logAttrs()...) // the log's first line says which build runs

	reg := newRegistry()
	em := newEngineMetrics(reg)
	botMetrics, err := bot.NewMetrics(reg)
	if err != nil {
		return err
	}
	// The store outlives the bot: it closes after Run has returned (the
	// deferred calls run in reverse), so that every write the bot queued
	// while answering, up to the last answer of the grace period, is
	// written before the process exits.
	st, notifier, err := openStore(ctx, cfg.Store, log, reg)
	if err != nil {
		return err
	}
	defer func() {
		if err := st.Close(); err != nil {
			log.Error("close store", "err", err)
		}
	}()
	purgeCtx, stopPurge := context.WithCancel(context.WithoutCancel(ctx))
	var purging sync.WaitGroup
	purging.Go(func() { store.PurgeEvery(purgeCtx, st, cfg.Store.Retention, time.Hour, log) })
	defer purging.Wait()
	defer stopPurge()

	var watch *corpusWatcher
	if cfg.Corpus.Dir != "" {
		watch = &corpusWatcher{fsys: corpus.Dir(cfg.Corpus.Dir), log: log, m: em}
	}
	g, err := build(ctx, cfg, e.getenv, e.stderr, buildOptions{serve: true, metrics: em, watch: watch, offlineFallback: true})
	if err != nil {
		return err
	}
	defer g.Close()
	eng := g.engine
	eng.UseObserver(em)

	// Reloads besides /reload: on SIGHUP, and when corpus.dir changes (see
	// watch.go). They stop before the engine closes.
	bg, stopBg := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer stopBg()
	wg.Go(func() { reloadOnHangup(bg, eng, log) })
	switch {
	case watch != nil && cfg.Corpus.WatchInterval > 0:
		log.Info("watching the corpus directory for changes", "dir", cfg.Corpus.Dir, "interval", cfg.Corpus.WatchInterval)
		wg.Go(func() { watch.run(bg, eng, cfg.Corpus.WatchInterval) })
	case watch != nil && cfg.Discord.ShardCount > 1 && notifier == nil:
		log.Warn("corpus.watch_interval is 0 and the store is not PostgreSQL: a /reload or /article reaches only its own shard; set store.url or the interval, or send every shard SIGHUP after changing the articles",
			"shard", cfg.Discord.ShardID, "shards", cfg.Discord.ShardCount)
	}

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
		Metrics:            botMetrics,
		Store:              st,
		Notifier:           notifier,
		CorpusDir:          cfg.Corpus.Dir,
	}, eng, log)
	if err != nil {
		return err
	}
	if cfg.Health.Addr != "" {
		h, err := startHealth(cfg.Health.Addr, reg, botReady(b), g.degradedReason, log)
		if err != nil {
			return err
		}
		defer h.Close()
	}
	return b.Run(ctx)
}

// botReady is /readyz: ready once the bot has registered its commands
// (the index was built before the bot started) and while its gateway
// connection is up.
func botReady(b *bot.Bot) func() error {
	return func() error {
		select {
		case <-b.Ready():
		default:
			return errors.New("not connected to Discord yet")
		}
		if !b.Connected() {
			return errors.New("the Discord gateway connection is down; reconnecting")
		}
		return nil
	}
}
