package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// DefaultAPIURL is Discord's own REST API, the usual argument to APITransport.
const DefaultAPIURL = "https://discord.com/api/v10"

// discordAPIPath matches the /api or /api/vN prefix of a path on discord.com.
// discordgo v0.29.0 builds every REST URL, the gateway lookup included, as
// https://discord.com/api/v9/... from package variables (endpoints.go).
var discordAPIPath = regexp.MustCompile(`^/api(/v[0-9]+)?(/|$)`)

// APITransport returns a RoundTripper that sends the requests discordgo makes
// to https://discord.com/api/vN/... to apiURL instead: scheme and host become
// apiURL's, and the /api/vN prefix becomes apiURL's path. Requests to other
// hosts, such as cdn.discordapp.com, pass to next unchanged. A nil next means
// http.DefaultTransport.
//
// Setting it as a discordgo Session's Client.Transport points one session at a
// fake Discord, a proxy, or another API version without touching discordgo's
// global endpoint variables.
//
// Every failed request is described by an error that is safe to log: it
// names apiURL's host, never discord.com, and no interaction or webhook
// token (see requestError).
func APITransport(apiURL string, next http.RoundTripper) (http.RoundTripper, error) {
	return newAPITransport(apiURL, next)
}

func newAPITransport(apiURL string, next http.RoundTripper) (*apiTransport, error) {
	base, err := url.Parse(apiURL)
	if err != nil {
		return nil, fmt.Errorf("api transport: parse %q: %w", apiURL, err)
	}
	if base.Scheme != "http" && base.Scheme != "https" || base.Host == "" {
		return nil, fmt.Errorf("api transport: %q is not an absolute http(s) URL", apiURL)
	}
	if base.RawQuery != "" || base.Fragment != "" {
		return nil, fmt.Errorf("api transport: %q has a query or fragment", apiURL)
	}
	if next == nil {
		next = http.DefaultTransport
	}
	return &apiTransport{
		scheme: base.Scheme,
		host:   base.Host,
		path:   strings.TrimSuffix(base.EscapedPath(), "/"),
		next:   next,
		base:   strings.TrimSuffix(apiURL, "/"),
	}, nil
}

type apiTransport struct {
	scheme string
	host   string
	path   string // escaped, without a trailing slash
	next   http.RoundTripper
	base   string // apiURL, without a trailing slash, for messages
}

func (t *apiTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.EqualFold(req.URL.Hostname(), "discord.com") {
		return t.next.RoundTrip(req)
	}
	escaped := req.URL.EscapedPath()
	prefix := discordAPIPath.FindString(escaped)
	if prefix == "" {
		return t.next.RoundTrip(req)
	}
	rest := escaped[len(strings.TrimSuffix(prefix, "/")):]
	newPath := t.path + rest
	unescaped, err := url.PathUnescape(newPath)
	if err != nil {
		return nil, fmt.Errorf("api transport: rewrite %s: %s", req.Method, redactTokens(t.base+rest))
	}

	// The RoundTripper contract forbids changing the caller's request.
	out := req.Clone(req.Context())
	out.URL.Scheme = t.scheme
	out.URL.Host = t.host
	out.URL.Path = unescaped
	out.URL.RawPath = newPath
	// http.NewRequest set Host to discord.com, and the transport prefers it
	// over URL.Host for the Host header.
	out.Host = t.host
	where := redactTokens(t.base + rest)
	resp, err := t.next.RoundTrip(out)
	if err != nil {
		err = &requestError{method: req.Method, url: where, cause: scrubbed(err)}
		record(req.Context(), err.(*requestError))
		return nil, err
	}
	if resp.StatusCode < 400 {
		return resp, nil
	}
	// Read an error's body here, so that its message is known and reading
	// it cannot fail later; Discord's error bodies are small.
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	e := &requestError{method: req.Method, url: where, status: resp.StatusCode, statusText: resp.Status}
	if rerr != nil {
		e.cause = scrubbed(rerr)
	}
	var msg struct {
		Message    string  `json:"message"`
		Code       int     `json:"code"`
		RetryAfter float64 `json:"retry_after"`
	}
	if json.Unmarshal(body, &msg) == nil {
		e.message, e.code = msg.Message, msg.Code
		e.retryAfter = time.Duration(msg.RetryAfter * float64(time.Second))
	}
	if e.retryAfter == 0 && resp.StatusCode == http.StatusTooManyRequests {
		if secs, err := strconv.ParseFloat(resp.Header.Get("Retry-After"), 64); err == nil && secs > 0 && !math.IsInf(secs, 0) {
			e.retryAfter = time.Duration(secs * float64(time.Second))
		}
	}
	record(req.Context(), e)
	return resp, nil
}

// requestError is a REST request to Discord that failed: no response came
// (status 0, cause says why) or it was an HTTP error. Its text names the
// configured API host and no token, so it may be logged and returned. The
// transport builds it, because discordgo's own errors carry the URL it
// built (https://discord.com/api/v9/..., tokens included), and the http
// client wraps a transport's errors in that URL too.
type requestError struct {
	method     string
	url        string // the configured API's URL, tokens redacted
	status     int    // 0 when no response came
	statusText string // "503 Service Unavailable"
	code       int    // Discord's JSON error code
	message    string // Discord's error message
	retryAfter time.Duration
	cause      error // why no response came, without URLs
}

func (e *requestError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: ", e.method, e.url)
	if e.status == 0 {
		b.WriteString(e.cause.Error())
		return b.String()
	}
	fmt.Fprintf(&b, "HTTP %s", e.statusText)
	if e.message != "" {
		fmt.Fprintf(&b, ": %s", e.message)
	}
	if e.code != 0 {
		fmt.Fprintf(&b, " (code %d)", e.code)
	}
	if e.retryAfter > 0 {
		fmt.Fprintf(&b, ", retry after %v", e.retryAfter)
	}
	return b.String()
}

func (e *requestError) Unwrap() error { return e.cause }

// temporary reports whether the request may succeed if sent again: no
// response came (a timeout, a dropped connection) or Discord had a server
// error. A 429 is retried too, but after its retry_after.
func (e *requestError) temporary() bool {
	return e.status == 0 || e.status >= 500
}

// recordKey carries a *requestError slot in a request's context: the bot's
// REST calls (rest.go) read back what the transport saw, instead of the
// error discordgo made of it.
type recordKey struct{}

type requestRecord struct{ err *requestError }

func withRecord(ctx context.Context) (context.Context, *requestRecord) {
	r := &requestRecord{}
	return context.WithValue(ctx, recordKey{}, r), r
}

func record(ctx context.Context, e *requestError) {
	if r, ok := ctx.Value(recordKey{}).(*requestRecord); ok {
		r.err = e
	}
}

// tokenPath finds the token in an interaction or webhook path.
var tokenPath = regexp.MustCompile(`((?:interactions|webhooks)/[^/\s"?]+/)[^/\s"?]+`)

// redactTokens replaces interaction and webhook tokens in s.
func redactTokens(s string) string {
	return tokenPath.ReplaceAllString(s, "${1}[redacted]")
}

// discordURL finds the URLs discordgo builds.
var discordURL = regexp.MustCompile(`https?://discord\.com/api(/v[0-9]+)?`)

// scrubbed returns err with any token in its text redacted, keeping what
// errors.Is finds in it.
func scrubbed(err error) error {
	text := redactTokens(err.Error())
	if text == err.Error() {
		return err
	}
	return &scrubbedError{text: text, err: err}
}

// scrubbedError is an error whose text was redacted; Unwrap gives what
// errors.Is needs but its text must not be shown.
type scrubbedError struct {
	text string
	err  error
}

func (e *scrubbedError) Error() string { return e.text }

// Unwrap returns only the sentinel errors callers test for.
func (e *scrubbedError) Unwrap() error {
	for _, target := range []error{context.DeadlineExceeded, context.Canceled, io.EOF, io.ErrUnexpectedEOF} {
		if errors.Is(e.err, target) {
			return target
		}
	}
	return nil
}

// redactError turns any error from a discordgo call that did not come
// through the transport's record into one safe to log: tokens redacted,
// discordgo's hard-coded API base replaced by the configured one.
func (t *apiTransport) redactError(err error) error {
	if err == nil {
		return nil
	}
	text := discordURL.ReplaceAllString(err.Error(), t.base)
	text = redactTokens(text)
	if text == err.Error() {
		return err
	}
	return &scrubbedError{text: text, err: err}
}
