package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
)

// engine is what the commands answer with: one built index and the refusal
// thresholds for it.
type engine struct {
	cfg   Config
	log   *slog.Logger
	index *retrieval.Index
	cal   *retrieval.Calibration
	model *retrieval.Generative // nil: extractive answers
}

// loadEngine reads the configuration at path and builds the index it asks for.
func loadEngine(ctx context.Context, e *env, path string) (*engine, error) {
	cfg, err := LoadConfig(path, e.getenv)
	if err != nil {
		return nil, err
	}
	log := cfg.newLogger(e.stderr)
	c, err := loadCorpus(cfg, log)
	if err != nil {
		return nil, err
	}
	cal, err := loadCalibration(cfg)
	if err != nil {
		return nil, err
	}
	emb, err := newEmbedder(cfg, e.getenv, log, nil)
	if err != nil {
		return nil, err
	}
	warnCalibration(log, cal, emb)
	ix, err := retrieval.NewIndex(ctx, c, emb)
	if err != nil {
		return nil, err
	}
	log.Debug("index built", "articles", len(c.Articles), "passages", len(c.Chunks), "took", ix.BuildTime())
	return &engine{cfg: cfg, log: log, index: ix, cal: cal, model: newGenerative(cfg, e.getenv, log)}, nil
}

func (g *engine) Close() error { return g.index.Close() }

// answerer returns the answerer in the configured mode, or in mode when it
// is not empty: through the model when one is configured, else extractive.
func (g *engine) answerer(mode retrieval.Mode) retrieval.Answerer {
	if mode == "" {
		mode = retrieval.Mode(g.cfg.Retrieval.Mode)
	}
	opts := retrieval.Options{
		Mode:      mode,
		Passages:  g.cfg.Retrieval.Passages,
		Threshold: g.cal.Threshold(mode),
	}
	if g.model != nil {
		gen := *g.model
		gen.Index, gen.Options = g.index, opts
		return gen
	}
	return retrieval.Extractive{Index: g.index, Options: opts}
}

// loadCorpus reads the configured corpus. Articles that fail to load are
// logged and skipped; the rest are served.
func loadCorpus(cfg Config, log *slog.Logger) (*corpus.Corpus, error) {
	fsys, where := corpusSource(cfg)
	c, err := corpus.Load(fsys)
	var lerr *corpus.LoadError
	switch {
	case c != nil && errors.As(err, &lerr):
		for _, f := range lerr.Files {
			log.Warn("article skipped", "corpus", where, "file", f.File, "reason", f.Reason)
		}
	case err != nil:
		return nil, fmt.Errorf("load %s: %w", where, err)
	}
	return c, nil
}

// corpusSource returns the configured articles and how to name them in
// messages: corpus.dir, or the articles embedded in the binary.
func corpusSource(cfg Config) (fsys fs.FS, where string) {
	if cfg.Corpus.Dir != "" {
		return corpus.Dir(cfg.Corpus.Dir), cfg.Corpus.Dir
	}
	return corpus.Default(), "embedded corpus"
}

func loadCalibration(cfg Config) (*retrieval.Calibration, error) {
	if cfg.Retrieval.Calibration == "" {
		return retrieval.DefaultCalibration()
	}
	f, err := os.Open(cfg.Retrieval.Calibration)
	if err != nil {
		return nil, fmt.Errorf("calibration: %w", err)
	}
	defer f.Close()
	cal, err := retrieval.ReadCalibration(f)
	if err != nil {
		return nil, fmt.Errorf("calibration %s: %w", cfg.Retrieval.Calibration, err)
	}
	return cal, nil
}
