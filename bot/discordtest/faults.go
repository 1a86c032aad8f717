package discordtest

import (
	"context"
	"net/http"
	"time"
)

// Faults make the fake behave as Discord does on a bad day, so that tests
// can see what the bot does then. Each applies to the REST calls whose
// method and path a pattern accepts (see Match); the fault-injecting
// methods take n, how many matching calls the fault spoils, and queue up:
// FailNext(p, 500, 1) and then HangNext(p, 1) make the first matching call
// fail and the second hang. A call that a fault spoils is recorded like any
// other; one that got no answer has Status 0.

// faultKind is what a fault does to a call.
type faultKind int

const (
	faultStatus       faultKind = iota // answer with a status, no effect
	faultHang                          // never answer, no effect
	faultDrop                          // close the connection, no effect
	faultLoseResponse                  // take effect, then close the connection
	faultRateLimit                     // answer 429 with retry_after, no effect
)

type fault struct {
	match      func(Call) bool
	kind       faultKind
	status     int
	retryAfter time.Duration
	left       int
}

// Latency makes every REST call matching pattern (see Match) wait d before
// the fake handles it, as SetLatency does.
func Latency(pattern string, d time.Duration) Option {
	return func(s *Server) { s.setLatencyLocked(pattern, d) }
}

// SetLatency makes every REST call matching pattern (see Match) wait d
// before the fake handles it, so that its effect and its answer come d
// after it arrived; the first pattern that matches a call sets its
// latency, and d = 0 takes pattern's latency away. A client that gives up
// while it waits finds nothing changed, and the call is recorded with
// Status 0.
func (s *Server) SetLatency(pattern string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setLatencyLocked(pattern, d)
}

func (s *Server) setLatencyLocked(pattern string, d time.Duration) {
	for i, l := range s.latencies {
		if l.pattern == pattern {
			if d <= 0 {
				s.latencies = append(s.latencies[:i], s.latencies[i+1:]...)
			} else {
				s.latencies[i].d = d
			}
			return
		}
	}
	if d > 0 {
		s.latencies = append(s.latencies, latencyRule{pattern: pattern, match: Match(pattern), d: d})
	}
}

type latencyRule struct {
	pattern string
	match   func(Call) bool
	d       time.Duration
}

// FailNext answers the next n calls matching pattern with status, such as
// 500, 502 or 503, and Discord's JSON error body; they have no effect.
func (s *Server) FailNext(pattern string, status, n int) {
	s.addFault(pattern, n, fault{kind: faultStatus, status: status})
}

// HangNext holds the next n calls matching pattern without answering until
// the client gives up or the fake closes; they have no effect.
func (s *Server) HangNext(pattern string, n int) {
	s.addFault(pattern, n, fault{kind: faultHang})
}

// DropNext closes the connection of the next n calls matching pattern
// without answering them; they have no effect.
func (s *Server) DropNext(pattern string, n int) {
	s.addFault(pattern, n, fault{kind: faultDrop})
}

// LoseResponseNext carries out the next n calls matching pattern and then
// closes the connection instead of answering, as when Discord did what was
// asked but the answer was lost on the way back. The call is recorded with
// Status 0 and the Response the client never saw.
func (s *Server) LoseResponseNext(pattern string, n int) {
	s.addFault(pattern, n, fault{kind: faultLoseResponse})
}

// RateLimitMatching answers the next n calls matching pattern with HTTP 429
// and retryAfter, like RateLimitNext.
func (s *Server) RateLimitMatching(pattern string, retryAfter time.Duration, n int) {
	s.addFault(pattern, n, fault{kind: faultRateLimit, retryAfter: retryAfter})
}

func (s *Server) addFault(pattern string, n int, f fault) {
	if n <= 0 {
		return
	}
	f.match, f.left = Match(pattern), n
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// takeFault uses up one call of the first fault that applies to c.
func (s *Server) takeFault(c Call) (fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.match(c) {
			f.left--
			if f.left == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			return *f, true
		}
	}
	return fault{}, false
}

// latencyOf returns how long c waits before it is handled.
func (s *Server) latencyOf(c Call) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.latencies {
		if l.match(c) {
			return l.d
		}
	}
	return 0
}

// wait waits d, or until the client gives up or the fake closes; it
// reports whether d passed.
func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.quit:
		return false
	}
}

// noAnswer is a response the fake does not send: the connection is left
// hanging, closed, or was given up by the client.
type noAnswer int

const (
	answer      noAnswer = iota
	closeConn            // close the connection without a response
	clientGone           // the client gave up; nothing to write
	hangThenEnd          // hang until the client gives up or the fake closes
)

// withoutEffect answers a call a fault spoils before it takes effect.
func (s *Server) withoutEffect(f fault) (response, noAnswer) {
	switch f.kind {
	case faultStatus:
		return errorResponse(f.status, 0, http.StatusText(f.status)), answer
	case faultRateLimit:
		return rateLimited(f.retryAfter), answer
	case faultHang:
		return response{}, hangThenEnd
	}
	return response{}, closeConn // faultDrop
}
