package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/summitbot/summitbot/bot/store"
	"github.com/summitbot/summitbot/bot/store/postgres"
	"github.com/summitbot/summitbot/bot/store/sqlite"
)

// openStore opens the store the configuration names — PostgreSQL at
// store.url, else SQLite at store.path or its default — behind an Async
// whose failed and dropped writes are logged and counted in reg. The
// Notifier is PostgreSQL's, for shards; nil with SQLite. Only serve opens
// the store: ask and eval have nothing to keep.
func openStore(ctx context.Context, cfg StoreConfig, log *slog.Logger, reg prometheus.Registerer) (*store.Async, store.Notifier, error) {
	var (
		s      store.Store
		where  string
		notify store.Notifier
	)
	if cfg.URL != "" {
		db, err := postgres.Open(ctx, cfg.URL, log)
		if err != nil {
			return nil, nil, err // never the URL: it may hold a password
		}
		s, where, notify = db, "postgres", db
	} else {
		path := cfg.Path
		if path == "" {
			var err error
			if path, err = sqlite.DefaultPath(); err != nil {
				return nil, nil, fmt.Errorf("store.path is not set and there is no default: %w", err)
			}
		}
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			return nil, nil, err
		}
		s, where = db, path
	}
	failed := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "summitbot_store_writes_failed_total",
		Help: "Writes to the store that failed (logged; the reply went out regardless), by operation.",
	}, []string{"op"})
	dropped := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "summitbot_store_writes_dropped_total",
		Help: "Writes to the store dropped because its queue was full, by operation.",
	}, []string{"op"})
	if err := registerAll(reg, failed, dropped); err != nil {
		s.Close()
		return nil, nil, err
	}
	log.Info("store open", "store", where, "retention", cfg.Retention)
	a := store.NewAsync(s, store.AsyncOptions{
		Logger:  log,
		Failed:  func(op string) { failed.WithLabelValues(op).Inc() },
		Dropped: func(op string) { dropped.WithLabelValues(op).Inc() },
	})
	return a, notify, nil
}

func registerAll(reg prometheus.Registerer, cs ...prometheus.Collector) error {
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return fmt.Errorf("metrics: %w", err)
		}
	}
	return nil
}
