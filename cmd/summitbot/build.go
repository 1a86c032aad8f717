package main

import (
	"context"
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
}

// buildOptions are what a command changes in the one way of building.
type buildOptions struct {
	mode      retrieval.Mode // overrides retrieval.mode when not empty
	threshold *float64       // overrides the calibrated refusal threshold when not nil
	serve     bool           // a long-running bot: log every load at the configured level
	metrics   *engineMetrics // counts the model's and the embedder's requests; nil: none
	watch     *corpusWatcher // sees every corpus load; nil: none
	progress  func(what string, done, total int)
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
	if a.cal, err = loadCalibration(cfg); err != nil {
		return nil, err
	}
	threshold := a.cal.Threshold(mode)
	if o.threshold != nil {
		threshold = *o.threshold
	}
	if a.embedder, a.cache, err = newEmbedder(cfg, getenv, a.log, o.metrics); err != nil {
		return nil, err
	}
	if a.cache != nil && o.progress != nil {
		a.cache.Progress = o.progress
	}
	warnCalibration(a.log, a.cal, a.embedder)
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
	answerWith := func(ctx context.Context, c *corpus.Corpus) (retrieval.Snapshot, error) {
		ix, err := search.NewIndex(ctx, c, a.embedder, indexOpts...)
		if err != nil {
			return nil, err
		}
		a.corpus.Store(c)
		a.log.Debug("index built", "articles", len(c.Articles), "passages", len(c.Chunks), "took", ix.BuildTime())
		return qa.New(ix, opts, threshold, gen), nil
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
