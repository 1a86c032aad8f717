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
// ErrModelUnavailable, ErrModelRejected, ErrModelMalformed) so that an
// answer can say why the model was not used. A reply that arrived whole but
// cannot be read (not JSON, no choices) is malformed and not retried: the
// HTTP client reads a successful body whole before go-openai decodes it, so
// a connection dropped mid-body still counts as the server being down. chat.go writes answers, streamed or not; embed.go
// embeds texts in batches, maps results by their index, and checks and
// normalizes every vector.
//
// # Testing
//
// Tests run against httptest servers that speak the OpenAI API (JSON and
// server-sent events), with backoff sleeps injected so that no test waits.
package openai

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
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

// hint is where hintDoer leaves what go-openai drops or cannot tell: a
// response's Retry-After, and whether a successful response's body arrived
// whole (so that a reply that cannot be decoded is known to be malformed,
// not cut off by a dropped connection).
type hint struct {
	retryAfter time.Duration
	bodyRead   bool
}

type hintKey struct{}

// hintDoer is the HTTP client given to go-openai: it records each
// response's Retry-After in the hint its request's context carries, and
// reads a successful JSON response's body whole before go-openai decodes
// it, so that a connection dropped mid-body fails here, as a network
// error, and not in the decoder, where it would look like bad JSON.
// go-openai calls Do on the caller's goroutine, so the hint needs no lock.
type hintDoer struct{ c *http.Client }

func (d hintDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.c.Do(req)
	if err != nil {
		return resp, err
	}
	h, _ := req.Context().Value(hintKey{}).(*hint)
	if h != nil {
		h.retryAfter = parseRetryAfter(resp.Header, time.Now())
	}
	if resp.StatusCode/100 != 2 || strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		return resp, nil
	}
	body, err := io.ReadAll(resp.Body) // go-openai would decode it all anyway
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read the reply: %w", err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if h != nil {
		h.bodyRead = true
	}
	return resp, nil
}

func withHint(ctx context.Context) (context.Context, *hint) {
	h := new(hint)
	return context.WithValue(ctx, hintKey{}, h), h
}

// replyRead reports whether the last response of ctx's attempt arrived
// whole.
func replyRead(ctx context.Context) bool {
	h, _ := ctx.Value(hintKey{}).(*hint)
	return h != nil && h.bodyRead
}
