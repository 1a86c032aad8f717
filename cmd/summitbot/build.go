package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"sync/atomic"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/eval"
	"github.com/summitbot/summitbot/retrieval/qa"
	"github.com/summitbot/summitbot/retrieval/search"
)

// app is what every command runs on: the configuration, the logger, and
// the engine built from them.
type app struct {
	cfg      Config
	log      *slog.Logger
	engine   *retrieval.Engine
	cal      *eval.Calibration
	embedder retrieval.Embedder
	// cache is the vector cache in front of a model's embedder; nil with
	// the offline embedder, which has nothing to cache.
	cache  *search.CachedEmbedder
	loaded *retrieval.ReloadReport // what the first load read
	// corpus is the corpus of the index built last.
	corpus atomic.Pointer[corpus.Corpus]
	// degraded is set while the index was built with the offline embedder
	// because the configured embedding server could not be reached
	// (buildOptions.offlineFallback).
	degraded atomic.Bool
}

// buildOptions are what a command changes in the one way of building.
type buildOptions struct {
	mode     retrieval.Mode  // overrides retrieval.mode when not empty
	judge    *qa.Calibration // overrides the calibrated judge when not nil
	serve    bool            // a long-running bot: log every load at the configured level
	metrics  *engineMetrics  // counts the model's and the embedder's requests; nil: none
	watch    *corpusWatcher  // sees every corpus load; nil: none
	progress func(what string, done, total int)
	// offlineFallback lets a command that answers or lists (ask, serve,
	// sources) start on the offline embedder when the configured embedding
	// server cannot be reached; see degradedIndex. Commands that measure or fill the
	// vector cache (eval, index) leave it off and fail instead.
	offlineFallback bool
}

// build is the one construction path of every command (ask, eval, sources,
// index and serve): it reads the configured corpus, sets up the embedder,
// the calibration and the model, and builds the engine. The corpus loader
// is kept, so that the engine can reload it; what a partly broken corpus
// means (the first load serves the articles that load, a reload keeps the
// old index) is the engine's rule (retrieval.Engine.Reload).
func build(ctx context.Context, cfg Config, getenv func(string) string, stderr io.Writer, o buildOptions) (*app, error) {
	a := &app{cfg: cfg, log: cfg.newLogger(stderr)}
	mode := o.mode
	if mode == "" {
		var err error
		if mode, err = retrieval.ParseMode(cfg.Retrieval.Mode); err != nil {
			return nil, err
		}
	}
	var err error
	var judge qa.Calibration
	if o.judge != nil {
		// What eval measures: the shipped calibration is read only to warn
		// when it was made with another embedder, and may be out of date.
		judge = *o.judge
		a.cal, _ = loadCalibration(cfg)
	} else {
		if a.cal, err = loadCalibration(cfg); err != nil {
			return nil, err
		}
		judge = a.cal.For(mode)
	}
	if a.embedder, a.cache, err = newEmbedder(cfg, getenv, a.log, o.metrics); err != nil {
		return nil, err
	}
	if a.cache != nil && o.progress != nil {
		a.cache.Progress = o.progress
	}
	if a.cal != nil {
		warnCalibration(a.log, a.cal, a.embedder)
	}
	gen := newGenerate(cfg, getenv, a.log)
	if gen != nil {
		gen.Generator = o.metrics.generator(gen.Generator)
	}
	opts := qa.Options{Mode: mode, Passages: cfg.Retrieval.Passages}
	var indexOpts []search.Option
	if a.cache != nil {
		// Questions' vectors come from the cache's in-memory LRU, before
		// the embedder's request counter (metrics) sees them.
		indexOpts = append(indexOpts, search.WithQueryEmbedder(a.cache))
	}
	newIndex := func(ctx context.Context, c *corpus.Corpus) (*search.Index, error) {
		return search.NewIndex(ctx, c, a.embedder, indexOpts...)
	}
	if o.offlineFallback && a.cache != nil {
		newIndex = a.degradedIndex(newIndex, o.metrics.embedder(search.NewLocalEmbedder(cfg.Retrieval.Dimensions)), o.metrics)
	}
	answerWith := func(ctx context.Context, c *corpus.Corpus) (retrieval.Snapshot, error) {
		ix, err := newIndex(ctx, c)
		if err != nil {
			return nil, err
		}
		a.corpus.Store(c)
		a.log.Debug("index built", "articles", len(c.Articles), "passages", len(c.Chunks), "took", ix.BuildTime())
		return qa.New(ix, opts, judge, gen), nil
	}

	fsys, where := corpusSource(cfg)
	if o.serve && cfg.Corpus.Dir == "" {
		a.log.Info("corpus.dir is not set: serving the embedded articles, which /reload cannot change")
	}
	load := func() (*corpus.Corpus, error) {
		c, err := corpus.Load(fsys)
		if err != nil && c == nil {
			return nil, fmt.Errorf("load %s: %w", where, err)
		}
		return c, err // a *corpus.LoadError with a corpus: see retrieval.LoadFunc
	}
	if o.watch != nil {
		load = o.watch.wrap(load)
	}
	// A one-off command says only what went wrong (skipped articles), unless
	// asked for debug logs; the bot logs every load.
	engineLog := a.log
	if !o.serve && !a.log.Enabled(ctx, slog.LevelDebug) {
		engineLog = cfg.newLoggerAt(stderr, slog.LevelWarn)
	}
	a.engine, a.loaded, err = retrieval.NewEngine(ctx, load, answerWith, engineLog)
	if err != nil {
		if o.serve {
			return nil, fmt.Errorf("build the index: %w", err)
		}
		return nil, err
	}
	return a, nil
}

// buildFrom loads the configuration at path and builds from it, for the
// commands that need nothing else from the configuration first.
func buildFrom(ctx context.Context, e *env, path string, o buildOptions) (*app, error) {
	cfg, err := LoadConfig(path, e.getenv)
	if err != nil {
		return nil, err
	}
	return build(ctx, cfg, e.getenv, e.stderr, o)
}

// degradedReason is what /readyz says while the bot runs degraded, or "".
func (a *app) degradedReason() string {
	if a.degraded.Load() {
		return "embedding server unreachable, using the offline embedder"
	}
	return ""
}

// degradedIndex returns a way of building the index that falls back on
// offline when configured fails because the embedding server cannot be
// reached: at the first build (a bot that answers with the offline
// embedder beats one that does not start) and at every build while
// degraded, so that the next reload which reaches the server switches back
// to it. Once the configured embedder has built an index, a failure to
// reach it fails the reload as before and the old index keeps serving:
// swapping embedders because of a blip would change every ranking.
func (a *app) degradedIndex(configured func(context.Context, *corpus.Corpus) (*search.Index, error), offline retrieval.Embedder, m *engineMetrics) func(context.Context, *corpus.Corpus) (*search.Index, error) {
	built := false // builds run one at a time, under the engine's reload lock
	return func(ctx context.Context, c *corpus.Corpus) (*search.Index, error) {
		first, wasDegraded := !built, a.degraded.Load()
		ix, err := configured(ctx, c)
		switch {
		case err == nil:
			built = true
			if wasDegraded {
				a.log.Info("embedding server reached: answering with the configured embedder again", "embedder", a.embedder.Model())
				a.degraded.Store(false)
				m.setDegraded("embedder", false)
			}
			return ix, nil
		case !unreachable(err) || !(first || wasDegraded):
			return nil, err
		}
		ix, oerr := search.NewIndex(ctx, c, offline)
		if oerr != nil {
			return nil, errors.Join(err, oerr)
		}
		built = true
		if first {
			a.log.Warn("embedding server unreachable and the vector cache lacks vectors: answering with the offline embedder until a reload reaches the server",
				"base_url", a.cfg.Embedding.BaseURL, "embedder", a.embedder.Model(), "offline", offline.Model(), "err", err)
		} else {
			a.log.Warn("embedding server still unreachable: the reloaded index uses the offline embedder", "base_url", a.cfg.Embedding.BaseURL, "err", err)
		}
		a.degraded.Store(true)
		m.setDegraded("embedder", true)
		return ix, nil
	}
}

// unreachable reports whether err says the embedding server could not be
// reached or did not answer in time, rather than refusing the request (a
// bad key, an unknown model), which is a configuration to fix.
func unreachable(err error) bool {
	return errors.Is(err, retrieval.ErrModelUnavailable) || errors.Is(err, retrieval.ErrModelTimeout)
}

// Close closes the engine.
func (a *app) Close() error { return a.engine.Close() }

// corpusSource returns the configured articles and how to name them in
// messages: corpus.dir, or the articles embedded in the binary.
func corpusSource(cfg Config) (fsys fs.FS, where string) {
	if cfg.Corpus.Dir != "" {
		return corpus.Dir(cfg.Corpus.Dir), cfg.Corpus.Dir
	}
	return corpus.Default(), "embedded corpus"
}

func loadCalibration(cfg Config) (*eval.Calibration, error) {
	if cfg.Retrieval.Calibration == "" {
		return eval.DefaultCalibration()
	}
	f, err := os.Open(cfg.Retrieval.Calibration)
	if err != nil {
		return nil, fmt.Errorf("calibration: %w", err)
	}
	defer f.Close()
	cal, err := eval.ReadCalibration(f)
	if err != nil {
		return nil, fmt.Errorf("calibration %s: %w", cfg.Retrieval.Calibration, err)
	}
	return cal, nil
}
