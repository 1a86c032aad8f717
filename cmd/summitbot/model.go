package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/eval"
	"github.com/summitbot/summitbot/retrieval/openai"
	"github.com/summitbot/summitbot/retrieval/qa"
	"github.com/summitbot/summitbot/retrieval/search"
)

// LLMConfig says which chat model, if any, writes answers. With no base_url
// or no model, answers are extractive: quoted from the articles.
type LLMConfig struct {
	BaseURL string `yaml:"base_url"` // OpenAI-compatible API root, ending in /v1
	Model   string `yaml:"model"`
	// APIKeyEnv names the environment variable holding the API key; the
	// key itself is never read from a file nor logged. Local servers need
	// none: leave the variable unset.
	APIKeyEnv       string        `yaml:"api_key_env"`
	Timeout         time.Duration `yaml:"timeout"`          // per attempt, a streamed answer included
	Retries         int           `yaml:"retries"`          // after the first attempt, on 429, 5xx and refused connections
	Backoff         time.Duration `yaml:"backoff"`          // first backoff, doubled each retry, jittered
	MaxBackoff      time.Duration `yaml:"max_backoff"`      // longest backoff, and longest Retry-After honoured
	MaxTokens       int           `yaml:"max_tokens"`       // bounds a reply's length and cost
	Passages        int           `yaml:"passages"`         // passages put in the prompt
	BreakerFailures int           `yaml:"breaker_failures"` // consecutive failures that stop calls
	BreakerCooldown time.Duration `yaml:"breaker_cooldown"` // how long calls stay stopped
}

// EmbeddingConfig says which embedding model the openai embedder uses.
type EmbeddingConfig struct {
	BaseURL    string        `yaml:"base_url"`
	Model      string        `yaml:"model"`
	APIKeyEnv  string        `yaml:"api_key_env"`
	BatchSize  int           `yaml:"batch_size"` // texts per request
	Dimensions int           `yaml:"dimensions"` // expected vector length; 0 takes the model's
	Timeout    time.Duration `yaml:"timeout"`
	// Cache is the file the vectors persist in; empty means
	// summitbot/vectors.bin in the user's cache directory.
	Cache string `yaml:"cache"`
}

func defaultLLM() LLMConfig {
	return LLMConfig{
		APIKeyEnv:       "OPENAI_API_KEY",
		Timeout:         30 * time.Second,
		Retries:         2,
		Backoff:         500 * time.Millisecond,
		MaxBackoff:      10 * time.Second,
		MaxTokens:       500,
		Passages:        6,
		BreakerFailures: 5,
		BreakerCooldown: 30 * time.Second,
	}
}

func defaultEmbedding() EmbeddingConfig {
	return EmbeddingConfig{
		APIKeyEnv: "OPENAI_API_KEY",
		BatchSize: openai.DefaultBatchSize,
		Timeout:   60 * time.Second,
	}
}

// modelEnv lists the environment variables of the llm and embedding
// sections and of retrieval.embedder.
func (c *Config) modelEnv() []envVar {
	return []envVar{
		{"SUMMITBOT_RETRIEVAL_EMBEDDER", setString(&c.Retrieval.Embedder)},
		{"SUMMITBOT_LLM_BASE_URL", setString(&c.LLM.BaseURL)},
		{"SUMMITBOT_LLM_MODEL", setString(&c.LLM.Model)},
		{"SUMMITBOT_LLM_API_KEY_ENV", setString(&c.LLM.APIKeyEnv)},
		{"SUMMITBOT_LLM_TIMEOUT", setDuration(&c.LLM.Timeout)},
		{"SUMMITBOT_LLM_RETRIES", setInt(&c.LLM.Retries)},
		{"SUMMITBOT_LLM_BACKOFF", setDuration(&c.LLM.Backoff)},
		{"SUMMITBOT_LLM_MAX_BACKOFF", setDuration(&c.LLM.MaxBackoff)},
		{"SUMMITBOT_LLM_MAX_TOKENS", setInt(&c.LLM.MaxTokens)},
		{"SUMMITBOT_LLM_PASSAGES", setInt(&c.LLM.Passages)},
		{"SUMMITBOT_LLM_BREAKER_FAILURES", setInt(&c.LLM.BreakerFailures)},
		{"SUMMITBOT_LLM_BREAKER_COOLDOWN", setDuration(&c.LLM.BreakerCooldown)},
		{"SUMMITBOT_EMBEDDING_BASE_URL", setString(&c.Embedding.BaseURL)},
		{"SUMMITBOT_EMBEDDING_MODEL", setString(&c.Embedding.Model)},
		{"SUMMITBOT_EMBEDDING_API_KEY_ENV", setString(&c.Embedding.APIKeyEnv)},
		{"SUMMITBOT_EMBEDDING_BATCH_SIZE", setInt(&c.Embedding.BatchSize)},
		{"SUMMITBOT_EMBEDDING_DIMENSIONS", setInt(&c.Embedding.Dimensions)},
		{"SUMMITBOT_EMBEDDING_TIMEOUT", setDuration(&c.Embedding.Timeout)},
		{"SUMMITBOT_EMBEDDING_CACHE", setString(&c.Embedding.Cache)},
	}
}

// validateModel checks the llm and embedding sections.
func (c *Config) validateModel() []error {
	var errs []error
	l := c.LLM
	if l.BaseURL != "" {
		if err := checkURL(l.BaseURL); err != nil {
			errs = append(errs, fmt.Errorf("llm.base_url: %w", err))
		}
		if l.Model == "" {
			errs = append(errs, errors.New("llm.model: a model name is needed with llm.base_url"))
		}
	}
	if l.Timeout <= 0 || l.Retries < 0 || l.Retries > 10 || l.Backoff <= 0 || l.MaxBackoff < l.Backoff {
		errs = append(errs, errors.New("llm: timeout and backoff must be above 0, max_backoff at least backoff, retries from 0 to 10"))
	}
	if l.MaxTokens < 0 || l.Passages < 1 || l.Passages > 20 || l.BreakerFailures < 1 || l.BreakerCooldown <= 0 {
		errs = append(errs, errors.New("llm: max_tokens must be 0 or more, passages from 1 to 20, breaker_failures at least 1, breaker_cooldown above 0"))
	}
	switch c.Retrieval.Embedder {
	case "local", "sif", "fused":
	case "openai":
		if err := checkURL(c.Embedding.BaseURL); err != nil {
			errs = append(errs, fmt.Errorf("embedding.base_url (needed with retrieval.embedder openai): %w", err))
		}
		if c.Embedding.Model == "" {
			errs = append(errs, errors.New("embedding.model: needed with retrieval.embedder openai"))
		}
	default:
		errs = append(errs, fmt.Errorf("retrieval.embedder: %q is not local, sif, fused or openai", c.Retrieval.Embedder))
	}
	if e := c.Embedding; e.BatchSize < 1 || e.BatchSize > 2048 || e.Dimensions < 0 || e.Timeout <= 0 {
		errs = append(errs, errors.New("embedding: batch_size from 1 to 2048, dimensions 0 or more, timeout above 0"))
	}
	return errs
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", s)
	}
	return nil
}

// modelConfigured reports whether answers are written by a model.
func (c *Config) modelConfigured() bool { return c.LLM.BaseURL != "" && c.LLM.Model != "" }

// newGenerate returns the model's answer writer, or nil when no model is
// configured.
func newGenerate(cfg Config, getenv func(string) string, log *slog.Logger) *qa.Generate {
	if !cfg.modelConfigured() {
		return nil
	}
	l := cfg.LLM
	chat := openai.NewChat(openai.Config{
		BaseURL: l.BaseURL,
		APIKey:  getenv(l.APIKeyEnv),
		Model:   l.Model,
		Timeout: l.Timeout,
		Retry:   openai.Retry{Attempts: l.Retries + 1, Base: l.Backoff, Max: l.MaxBackoff},
	}, l.MaxTokens)
	log.Info("answers are written by a model", "base_url", l.BaseURL, "model", l.Model,
		"api_key_set", getenv(l.APIKeyEnv) != "")
	return &qa.Generate{
		Generator:      chat,
		Breaker:        &qa.Breaker{Failures: l.BreakerFailures, Cooldown: l.BreakerCooldown},
		PromptPassages: l.Passages,
		Log:            log,
	}
}

// newEmbedder returns the configured embedder: an offline one (local:
// hashed features; sif: GloVe averages fitted to the corpus; fused: both,
// their similarities summed half and half), or an
// OpenAI-compatible model behind the vector cache file, which it also
// returns (nil for the offline one).
// m, when not nil, counts the requests that reach the embedder itself.
func newEmbedder(cfg Config, getenv func(string) string, log *slog.Logger, m *engineMetrics) (retrieval.Embedder, *search.CachedEmbedder, error) {
	switch cfg.Retrieval.Embedder {
	case "sif":
		// Fitted to the corpus by every index build (search.CorpusFitter),
		// so it is not wrapped: a wrapper would hide Fit.
		return search.NewSIFEmbedder(), nil, nil
	case "fused":
		return search.NewFusedEmbedder(search.NewLocalEmbedder(cfg.Retrieval.Dimensions), search.NewSIFEmbedder(), search.DefaultFusedWeight), nil, nil
	case "openai":
	default:
		return m.embedder(search.NewLocalEmbedder(cfg.Retrieval.Dimensions)), nil, nil
	}
	em := cfg.Embedding
	path, err := cachePath(em.Cache)
	if err != nil {
		return nil, nil, err
	}
	next := openai.NewEmbedder(openai.Config{
		BaseURL: em.BaseURL,
		APIKey:  getenv(em.APIKeyEnv),
		Model:   em.Model,
		Timeout: em.Timeout,
		Retry:   openai.Retry{Attempts: cfg.LLM.Retries + 1, Base: cfg.LLM.Backoff, Max: cfg.LLM.MaxBackoff},
	}, em.BatchSize, em.Dimensions)
	log.Debug("embedding with a model", "base_url", em.BaseURL, "model", em.Model, "cache", path)
	c := search.NewCachedEmbedder(m.embedder(next), path, 0, log)
	return c, c, nil
}

// cachePath is the vector cache file: as configured, or in the user's
// cache directory.
func cachePath(p string) (string, error) {
	if p != "" {
		return p, nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("embedding.cache is empty and there is no user cache directory: %w", err)
	}
	return filepath.Join(dir, "summitbot", "vectors.bin"), nil
}

// warnCalibration says when the refusal thresholds were measured with
// another embedder: the evidence scores they cut are the same, but the
// passages retrieval finds, and so the evidence, differ by embedder.
func warnCalibration(log *slog.Logger, cal *eval.Calibration, emb retrieval.Embedder) {
	if cal.Embedder != "" && cal.Embedder != emb.Model() {
		log.Warn("refusal thresholds were measured with another embedder; run summitbot eval --write-calibration FILE and set retrieval.calibration",
			"calibrated", cal.Embedder, "running", emb.Model())
	}
}
