package qa

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrBreakerOpen is returned instead of calling a backend that failed
// several times in a row: a dead model server is then not waited on for
// every question.
var ErrBreakerOpen = errors.New("the model is paused after repeated failures")

// Breaker is a circuit breaker. After Failures consecutive failures it opens
// and refuses every call for Cooldown; then it lets one call through (half
// open): its success closes the breaker, its failure opens it for another
// Cooldown. The zero value is ready to use with the defaults. A Breaker is
// safe for concurrent use.
type Breaker struct {
	Failures int              // consecutive failures that open it; 5 when 0
	Cooldown time.Duration    // how long it stays open; 30s when 0
	Now      func() time.Time // the clock; time.Now when nil (tests inject one)

	mu       sync.Mutex
	fails    int
	openedAt time.Time
	open     bool
	probing  bool // the half-open trial call is under way
}

// BreakerState is what a breaker does with the next call.
type BreakerState string

// The states of a Breaker.
const (
	BreakerClosed   BreakerState = "closed"    // calls go through
	BreakerOpen     BreakerState = "open"      // calls are refused
	BreakerHalfOpen BreakerState = "half-open" // one trial call may go through
)

func (b *Breaker) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

func (b *Breaker) failures() int {
	if b.Failures > 0 {
		return b.Failures
	}
	return 5
}

func (b *Breaker) cooldown() time.Duration {
	if b.Cooldown > 0 {
		return b.Cooldown
	}
	return 30 * time.Second
}

// State reports the breaker's state now.
func (b *Breaker) State() BreakerState {
	if b == nil {
		return BreakerClosed
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stateLocked()
}

func (b *Breaker) stateLocked() BreakerState {
	switch {
	case !b.open:
		return BreakerClosed
	case b.now().Sub(b.openedAt) >= b.cooldown():
		return BreakerHalfOpen
	default:
		return BreakerOpen
	}
}

// Allow asks to make a call. It returns ErrBreakerOpen, or a function to
// report the call's outcome with: nil for a success, the call's error for a
// failure. An error that is the caller's own (its context cancelled or past
// its deadline) counts neither way. A nil *Breaker allows everything.
func (b *Breaker) Allow() (done func(err error), err error) {
	if b == nil {
		return func(error) {}, nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.stateLocked() {
	case BreakerOpen:
		return nil, ErrBreakerOpen
	case BreakerHalfOpen:
		if b.probing {
			return nil, ErrBreakerOpen
		}
		b.probing = true
	}
	var once sync.Once
	return func(err error) { once.Do(func() { b.record(err) }) }, nil
}

func (b *Breaker) record(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.probing = false
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return
	}
	if err == nil {
		b.fails, b.open = 0, false
		return
	}
	b.fails++
	if b.open || b.fails >= b.failures() {
		// A failed trial reopens for a whole cooldown.
		b.open, b.openedAt = true, b.now()
	}
}
