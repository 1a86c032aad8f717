// Package openai talks to any OpenAI-compatible server (OpenAI itself,
// Ollama, vLLM, llama.cpp's server, LM Studio) through
// github.com/sashabaranov/go-openai: Chat is a retrieval.Generator and
// Embedder a retrieval.Embedder.
//
// # Code overview
//
// go-openai sends one request and returns its error; it never retries and
// drops the response headers of a failed request. This package adds what a
// bot needs around each call (retry.go): a timeout per attempt, retries
// with exponential backoff and full jitter on 429, 5xx and refused
// connections that honour Retry-After (read by an http.Client wrapper,
// since go-openai does not keep it), and errors wrapped in the retrieval
// package's kinds (retrieval.ErrModelTimeout, ErrModelRateLimited,
// ErrModelUnavailable, ErrModelRejected) so that an answer can say why the
// model was not used. chat.go writes answers, streamed or not; embed.go
// embeds texts in batches, maps results by their index, and checks and
// normalizes every vector.
//
// # Testing
//
// Tests run against httptest servers that speak the OpenAI API (JSON and
// server-sent events), with backoff sleeps injected so that no test waits.
package openai

import (
	"context"
	"net/http"
	"time"

	goopenai "github.com/sashabaranov/go-openai"
)

// Config is what both clients need.
type Config struct {
	// BaseURL is the API root, ending in /v1: https://api.openai.com/v1,
	// http://localhost:11434/v1 for Ollama.
	BaseURL string
	// APIKey is sent as a bearer token; empty sends none (local servers).
	APIKey string
	// Model is the model's name on that server.
	Model string
	// Timeout bounds each attempt, a streamed answer's whole stream
	// included; 0 means 30s.
	Timeout time.Duration
	// Retry says how failed attempts are retried.
	Retry Retry
	// HTTPClient makes the requests; nil means a new http.Client.
	HTTPClient *http.Client
}

func (c Config) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return 30 * time.Second
}

// newClient returns a go-openai client whose requests record the
// Retry-After of their responses.
func newClient(c Config) *goopenai.Client {
	cfg := goopenai.DefaultConfig(c.APIKey)
	if c.BaseURL != "" {
		cfg.BaseURL = c.BaseURL
	}
	hc := c.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	cfg.HTTPClient = hintDoer{hc}
	return goopenai.NewClientWithConfig(cfg)
}

// hint is where hintDoer leaves what go-openai drops from a failed
// response: its Retry-After.
type hint struct {
	retryAfter time.Duration
}

type hintKey struct{}

// hintDoer is the HTTP client given to go-openai: it records each
// response's Retry-After in the hint its request's context carries.
// go-openai calls Do on the caller's goroutine, so the hint needs no lock.
type hintDoer struct{ c *http.Client }

func (d hintDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.c.Do(req)
	if err == nil {
		if h, ok := req.Context().Value(hintKey{}).(*hint); ok {
			h.retryAfter = parseRetryAfter(resp.Header, time.Now())
		}
	}
	return resp, err
}

func withHint(ctx context.Context) (context.Context, *hint) {
	h := new(hint)
	return context.WithValue(ctx, hintKey{}, h), h
}
