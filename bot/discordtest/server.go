package discordtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// IDs the fake uses unless a test says otherwise. The bot user and the
// application differ on purpose, although on Discord they are usually equal,
// so that a bot mixing them up fails here.
const (
	AppID       = "900000000000000001" // the application, sent in READY
	BotUserID   = "900000000000000002" // the bot user, sent in READY
	BotUsername = "summitbot"
	GuildID     = "900000000000000003" // the guild of the default channel
	ChannelID   = "900000000000000004" // a text channel every fake starts with
	UserID      = "900000000000000005" // the member who sends interactions and messages
	Username    = "tester"
)

// DefaultHeartbeatInterval is sent in Hello unless New is given
// HeartbeatInterval. It is Discord's usual value, so heartbeats stay rare.
const DefaultHeartbeatInterval = 41250 * time.Millisecond

// lastID makes IDs unique across every fake in the process.
var lastID atomic.Int64

// newID returns a fresh snowflake-like ID.
func newID() string {
	return strconv.FormatInt(910000000000000000+lastID.Add(1), 10)
}

// An Option configures a Server made by New.
type Option func(*Server)

// HeartbeatInterval sets the interval the gateway announces in Hello.
// discordgo sends a heartbeat at once and then every interval, and
// reconnects when no ack came for five intervals.
func HeartbeatInterval(d time.Duration) Option {
	return func(s *Server) { s.heartbeat = d }
}

// Server is a fake Discord: REST API and gateway on one local HTTP server.
// All its methods are safe for concurrent use.
type Server struct {
	tb        testing.TB
	http      *httptest.Server
	heartbeat time.Duration
	// wg counts gateway connections: httptest stops tracking a connection
	// once the websocket upgrade hijacks it.
	wg sync.WaitGroup

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every new call, handshake or drop
	closed  bool
	calls   []Call
	limits  []rateLimit
	// faults and latencies are faults.go's; quit is closed when Close
	// begins, to end the calls they hold.
	faults    []*fault
	latencies []latencyRule
	quit      chan struct{}

	conns      map[*gatewayConn]bool // true once READY or RESUMED was sent
	sessions   map[string]*session
	handshakes []Handshake
	live       int     // connections that completed a handshake and heartbeated
	pending    []event // dispatched while no client was connected

	channels     map[string]*discordgo.Channel
	messages     map[string]*discordgo.Message
	interactions map[string]*interaction   // by ID
	tokens       map[string]*interaction   // by token
	nonces       map[string]string         // message ID by nonce, for enforce_nonce
	attachments  map[string]attachmentFile // by URL path (attachments.go)
}

// New starts a fake Discord on 127.0.0.1 and closes it when the test ends.
// Register the bot's own Close after calling New, so that the bot closes
// first: discordgo retries a lost gateway forever (see the package doc).
func New(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := &Server{
		tb:           tb,
		heartbeat:    DefaultHeartbeatInterval,
		changed:      make(chan struct{}),
		quit:         make(chan struct{}),
		conns:        make(map[*gatewayConn]bool),
		sessions:     make(map[string]*session),
		channels:     make(map[string]*discordgo.Channel),
		messages:     make(map[string]*discordgo.Message),
		interactions: make(map[string]*interaction),
		tokens:       make(map[string]*interaction),
		nonces:       make(map[string]string),
		attachments:  make(map[string]attachmentFile),
	}
	for _, opt := range opts {
		opt(s)
	}
	s.channels[ChannelID] = &discordgo.Channel{
		ID:      ChannelID,
		GuildID: GuildID,
		Name:    "general",
		Type:    discordgo.ChannelTypeGuildText,
	}
	// Assigned before it serves: a client can connect the moment it
	// listens (a bot of an earlier test retrying a port now reused), and
	// the handlers read s.http.
	s.http = httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	s.http.Start()
	tb.Cleanup(s.Close)
	return s
}

// APIURL returns the base of the fake's REST API, http://127.0.0.1:PORT/api/v10.
// Paths under /api/v9/ are served as well.
func (s *Server) APIURL() string { return s.http.URL + "/api/v10" }

// gatewayURL is what GET gateway answers. discordgo appends
// "/?v=9&encoding=json" (restapi.go Gateway, wsapi.go Open).
func (s *Server) gatewayURL() string {
	return "ws://" + strings.TrimPrefix(s.http.URL, "http://") + "/ws"
}

// Close ends every gateway connection and the HTTP server, and waits for
// their goroutines. It is called by the test's Cleanup; calling it earlier is
// fine.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.quit)
	conns := s.takeConnsLocked()
	s.pending = nil
	s.signalLocked()
	s.mu.Unlock()

	for _, c := range conns {
		c.ws.Close()
	}
	s.http.Close()
	s.wg.Wait()
}

// signalLocked wakes everyone waiting in WaitFor or WaitConnected.
func (s *Server) signalLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// A Call is one REST request the fake received.
type Call struct {
	Method string
	// Path is the URL path without the /api/vN/ prefix, unescaped, for
	// example "channels/1/messages". A path outside /api/v9/ and /api/v10/
	// is kept whole, with its leading slash.
	Path   string
	Query  url.Values
	Header http.Header
	// Body is the request's JSON decoded into maps, slices, strings,
	// float64s and bools; for a multipart upload, its payload_json part.
	// It is nil when there was no JSON.
	Body any
	// Raw is the request body exactly as received.
	Raw []byte
	// Status is the HTTP status the fake answered with.
	Status int
	// Response is the body the fake answered with, such as the message it
	// created; see DecodeResponse.
	Response []byte
	// Time is when the request arrived.
	Time time.Time
	// Answered is when the fake answered, after any latency (see
	// SetLatency); for a call that got no answer, when the fake gave up on
	// it.
	Answered time.Time

	json []byte // the bytes Body was decoded from
}

// Decode unmarshals the call's JSON (see Body) into v, typically a discordgo
// request type such as *discordgo.InteractionResponse.
func (c Call) Decode(v any) error {
	if len(c.json) == 0 {
		return fmt.Errorf("decode %s %s: no JSON body", c.Method, c.Path)
	}
	if err := json.Unmarshal(c.json, v); err != nil {
		return fmt.Errorf("decode %s %s: %w", c.Method, c.Path, err)
	}
	return nil
}

// DecodeResponse unmarshals the fake's answer to the call into v, for
// example the *discordgo.Message a POST channels/{id}/messages created.
func (c Call) DecodeResponse(v any) error {
	if len(c.Response) == 0 {
		return fmt.Errorf("decode response to %s %s: no body", c.Method, c.Path)
	}
	if err := json.Unmarshal(c.Response, v); err != nil {
		return fmt.Errorf("decode response to %s %s: %w", c.Method, c.Path, err)
	}
	return nil
}

// String returns "METHOD path -> status".
func (c Call) String() string {
	return fmt.Sprintf("%s %s -> %d", c.Method, c.Path, c.Status)
}

// Match returns a matcher for WaitFor: pattern is a method, a space and a
// path.Match pattern over Call.Path, such as
// "PATCH webhooks/*/*/messages/@original". Without a method, any method
// matches. It panics on a malformed pattern.
func Match(pattern string) func(Call) bool {
	method, glob, ok := strings.Cut(pattern, " ")
	if !ok {
		method, glob = "", pattern
	}
	if _, err := path.Match(glob, ""); err != nil {
		panic(fmt.Sprintf("discordtest.Match(%q): %v", pattern, err))
	}
	return func(c Call) bool {
		if method != "" && c.Method != method {
			return false
		}
		ok, _ := path.Match(glob, c.Path)
		return ok
	}
}

// Calls returns every REST call so far, oldest first.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// WaitFor returns the first call, already recorded or still to come, that
// match accepts. It fails when ctx ends or the server closes first; the error
// lists the calls seen. match runs without the server's lock held.
func (s *Server) WaitFor(ctx context.Context, match func(Call) bool) (Call, error) {
	next := 0
	for {
		s.mu.Lock()
		// Recorded calls are never changed, so reading them after unlocking
		// is safe even while new ones are appended.
		seen := s.calls[next:]
		changed, closed := s.changed, s.closed
		s.mu.Unlock()

		for _, c := range seen {
			if match(c) {
				return c, nil
			}
		}
		next += len(seen)
		if closed {
			return Call{}, fmt.Errorf("discordtest: wait for call: server closed; calls: %s", s.callList())
		}
		select {
		case <-ctx.Done():
			return Call{}, fmt.Errorf("discordtest: wait for call: %w; calls: %s", ctx.Err(), s.callList())
		case <-changed:
		}
	}
}

func (s *Server) callList() string {
	calls := s.Calls()
	if len(calls) == 0 {
		return "none"
	}
	list := make([]string, len(calls))
	for i, c := range calls {
		list[i] = c.String()
	}
	return strings.Join(list, ", ")
}

type rateLimit struct {
	prefix     string
	retryAfter time.Duration
}

// RateLimitNext answers the next call whose Path starts with prefix with
// HTTP 429, as Discord does: a Retry-After header in whole seconds, rounded
// up, X-RateLimit headers, and a JSON body whose retry_after holds the exact
// seconds. The call is recorded but has no other effect. Each RateLimitNext
// limits one call.
func (s *Server) RateLimitNext(prefix string, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits = append(s.limits, rateLimit{prefix: prefix, retryAfter: retryAfter})
}

// takeRateLimit removes and returns the first rate limit that applies to p.
func (s *Server) takeRateLimit(p string) (rateLimit, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, l := range s.limits {
		if strings.HasPrefix(p, l.prefix) {
			s.limits = append(s.limits[:i], s.limits[i+1:]...)
			return l, true
		}
	}
	return rateLimit{}, false
}

// apiPrefix matches the API versions discordgo (v9) and bot.DefaultAPIURL
// (v10) use.
var apiPrefix = regexp.MustCompile(`^/api/v(9|10)/`)

// response is what a REST handler answers. Handlers build it instead of
// writing, so that the call is recorded before the client can see the answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/ws" || r.URL.Path == "/ws/" {
		s.serveGateway(w, r)
		return
	}
	if isAttachmentPath(r.URL.Path) {
		s.serveAttachment(w, r)
		return
	}

	c := Call{
		Method: r.Method,
		Path:   r.URL.Path,
		Query:  r.URL.Query(),
		Header: r.Header.Clone(),
		Time:   time.Now(),
	}
	raw, err := io.ReadAll(r.Body)
	c.Raw = raw
	var resp response
	how := answer
	switch {
	case err != nil:
		resp = errorResponse(http.StatusBadRequest, 0, "400: Bad Request")
	default:
		resp, how = s.respond(r.Context(), &c, r.Header.Get("Content-Type"))
	}
	if how == hangThenEnd {
		select {
		case <-r.Context().Done():
			how = clientGone
		case <-s.quit:
			how = closeConn
		}
	}
	c.Answered = time.Now()
	if how == answer {
		c.Status = resp.status
	}
	c.Response = resp.body

	s.mu.Lock()
	s.calls = append(s.calls, c)
	s.signalLocked()
	s.mu.Unlock()

	switch how {
	case closeConn:
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
		}
		return
	case clientGone:
		return
	}
	for k, v := range resp.header {
		w.Header()[k] = v
	}
	if resp.body != nil {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(resp.status)
	w.Write(resp.body)
}

// respond fills in c's path and body and answers it, or says why it does
// not (see faults.go).
func (s *Server) respond(ctx context.Context, c *Call, contentType string) (response, noAnswer) {
	loc := apiPrefix.FindStringIndex(c.Path)
	if loc == nil {
		s.tb.Logf("discordtest: %s %s is outside /api/v9/ and /api/v10/; answered 404", c.Method, c.Path)
		return notFound(), answer
	}
	c.Path = c.Path[loc[1]:]
	c.json = jsonPart(contentType, c.Raw)
	if len(c.json) > 0 {
		if err := json.Unmarshal(c.json, &c.Body); err != nil {
			c.Body = nil
			return errorResponse(http.StatusBadRequest, 50109, "The request body contains invalid JSON."), answer
		}
	}

	if l, ok := s.takeRateLimit(c.Path); ok {
		return rateLimited(l.retryAfter), answer
	}
	if d := s.latencyOf(*c); d > 0 && !s.wait(ctx, d) {
		if ctx.Err() != nil {
			return response{}, clientGone
		}
		return response{}, closeConn
	}
	f, faulty := s.takeFault(*c)
	if faulty && f.kind != faultLoseResponse {
		return s.withoutEffect(f)
	}

	resp := s.handle(c)
	if faulty {
		return resp, closeConn
	}
	return resp, answer
}

// handle routes c to the fake endpoint that answers it.
func (s *Server) handle(c *Call) response {
	segs := strings.Split(c.Path, "/")
	for _, rt := range routes {
		if params, ok := rt.match(c.Method, segs); ok {
			return rt.handle(s, &request{call: c, params: params})
		}
	}
	s.tb.Logf("discordtest: no fake for %s %s; answered 404", c.Method, c.Path)
	return notFound()
}

// jsonPart returns the JSON in a request body: the body itself, or for a
// multipart upload (files attached) its payload_json field.
func jsonPart(contentType string, raw []byte) []byte {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil || mediaType != "multipart/form-data" {
		return bytes.TrimSpace(raw)
	}
	mr := multipart.NewReader(bytes.NewReader(raw), params["boundary"])
	for {
		part, err := mr.NextPart()
		if err != nil {
			return nil
		}
		if part.FormName() == "payload_json" {
			b, err := io.ReadAll(part)
			if err != nil {
				return nil
			}
			return b
		}
	}
}

func rateLimited(retryAfter time.Duration) response {
	secs := retryAfter.Seconds()
	h := http.Header{}
	h.Set("Retry-After", strconv.FormatFloat(math.Ceil(secs), 'f', 0, 64))
	h.Set("X-RateLimit-Limit", "5")
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(secs, 'f', 3, 64))
	h.Set("X-RateLimit-Bucket", "discordtest")
	h.Set("X-RateLimit-Scope", "user")
	resp := jsonResponse(http.StatusTooManyRequests, map[string]any{
		"message":     "You are being rate limited.",
		"retry_after": secs,
		"global":      false,
	})
	resp.header = h
	return resp
}

func jsonResponse(status int, v any) response {
	b, err := json.Marshal(v)
	if err != nil {
		return errorResponse(http.StatusInternalServerError, 0, "discordtest: "+err.Error())
	}
	return response{status: status, body: b}
}

// errorResponse is Discord's error shape, {"message": ..., "code": ...}.
func errorResponse(status, code int, message string) response {
	b, _ := json.Marshal(map[string]any{"message": message, "code": code})
	return response{status: status, body: b}
}

func notFound() response {
	return errorResponse(http.StatusNotFound, 0, "404: Not Found")
}

func noContent() response { return response{status: http.StatusNoContent} }
