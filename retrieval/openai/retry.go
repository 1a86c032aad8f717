package openai

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/summitbot/summitbot/retrieval"
)

// Retry says how a failed request is tried again. Only failures that
// another try may cure are retried: 429, 5xx, and connections refused or
// dropped. A timeout is not retried (the user has waited long enough), nor
// is any other 4xx (a bad key or model name stays bad).
type Retry struct {
	// Attempts is the number of tries, the first included; 3 when 0, and 1
	// turns retries off.
	Attempts int
	// Base is the first backoff; each retry doubles it, up to Max. The wait
	// is drawn uniformly below it ("full jitter"), so that clients that
	// failed together do not retry together.
	Base time.Duration
	// Max bounds a backoff, and is the longest Retry-After honoured: a
	// server that asks for a longer wait is not retried, and the answer
	// falls back at once. 10s when 0.
	Max time.Duration
	// Sleep waits d or until ctx ends; nil means a timer. Tests inject one
	// that records and returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a number in [0, 1); nil means math/rand/v2.
	Jitter func() float64
}

func (r Retry) attempts() int {
	if r.Attempts > 0 {
		return r.Attempts
	}
	return 3
}

func (r Retry) base() time.Duration {
	if r.Base > 0 {
		return r.Base
	}
	return 500 * time.Millisecond
}

func (r Retry) max() time.Duration {
	if r.Max > 0 {
		return r.Max
	}
	return 10 * time.Second
}

// backoff is the wait before retry n (1 for the first retry), unless the
// server said how long.
func (r Retry) backoff(n int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return retryAfter
	}
	d := r.base() << min(n-1, 30)
	if d <= 0 || d > r.max() {
		d = r.max()
	}
	j := rand.Float64
	if r.Jitter != nil {
		j = r.Jitter
	}
	return time.Duration(j() * float64(d))
}

func (r Retry) sleep(ctx context.Context, d time.Duration) error {
	if r.Sleep != nil {
		return r.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// final marks an error that must not be retried whatever its kind: a
// stream that failed after text was already shown.
type final struct{ error }

func (f final) Unwrap() error { return f.error }

// do runs call until it succeeds, fails for good, or runs out of
// attempts, each attempt under the configured timeout. The error it
// returns wraps one of retrieval's model errors, or ctx's error.
func (c Config) do(ctx context.Context, op string, call func(ctx context.Context) error) error {
	r := c.Retry
	for attempt := 1; ; attempt++ {
		hctx, h := withHint(ctx)
		actx, cancel := context.WithTimeout(hctx, c.timeout())
		err := call(actx)
		timedOut := errors.Is(actx.Err(), context.DeadlineExceeded) && ctx.Err() == nil
		cancel()
		if err == nil {
			return nil
		}
		kind, retryable := classify(err)
		var f final
		switch {
		case ctx.Err() != nil:
			return fmt.Errorf("%s: %w", op, ctx.Err())
		case timedOut:
			// The cause is formatted, not wrapped: it holds
			// context.DeadlineExceeded, which would read as the caller's own
			// deadline, and a timeout is the backend's failure.
			return fmt.Errorf("%s: %w (%s): %v", op, retrieval.ErrModelTimeout, c.timeout(), err)
		case errors.As(err, &f):
			retryable = false
		}
		if kind != nil {
			err = fmt.Errorf("%w: %w", kind, err)
		}
		if !retryable || attempt >= r.attempts() {
			return fmt.Errorf("%s (attempt %d): %w", op, attempt, err)
		}
		if h.retryAfter > r.max() {
			return fmt.Errorf("%s: server asks to retry after %s: %w", op, h.retryAfter, err)
		}
		if err := r.sleep(ctx, r.backoff(attempt, h.retryAfter)); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
	}
}

// classify sorts a failed request into retrieval's kinds, and says
// whether trying again may help.
func classify(err error) (kind error, retryable bool) {
	if errors.Is(err, retrieval.ErrModelMalformed) {
		return nil, false // already of its kind; it may wrap an io.ErrUnexpectedEOF
	}
	status := 0
	var apiErr *goopenai.APIError
	var reqErr *goopenai.RequestError
	switch {
	case errors.As(err, &apiErr):
		status = apiErr.HTTPStatusCode
	case errors.As(err, &reqErr):
		status = reqErr.HTTPStatusCode
	}
	var netErr net.Error
	switch {
	case status == http.StatusTooManyRequests:
		return retrieval.ErrModelRateLimited, true
	case status >= 500:
		return retrieval.ErrModelUnavailable, true
	case status >= 400:
		return retrieval.ErrModelRejected, false
	case errors.As(err, &netErr), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		// Refused, reset or dropped connections: the server may be
		// restarting.
		return retrieval.ErrModelUnavailable, true
	}
	return nil, false
}

// parseRetryAfter reads how long a response asks the client to wait:
// Retry-After in seconds or as an HTTP date, or OpenAI's retry-after-ms.
// It returns 0 when the response says nothing.
func parseRetryAfter(h http.Header, now time.Time) time.Duration {
	if ms := strings.TrimSpace(h.Get("Retry-After-Ms")); ms != "" {
		if n, err := strconv.ParseFloat(ms, 64); err == nil && n > 0 {
			return time.Duration(n * float64(time.Millisecond))
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil {
		if n <= 0 {
			return 0
		}
		return time.Duration(n * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
