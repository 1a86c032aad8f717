package qa_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/summitbot/summitbot/retrieval/qa"
)

func TestBreaker(t *testing.T) {
	now := time.Date(2023, 9, 13, 0, 0, 0, 0, time.UTC)
	b := &qa.Breaker{Failures: 3, Cooldown: time.Minute, Now: func() time.Time { return now }}
	call := func(err error) error {
		done, aerr := b.Allow()
		if aerr != nil {
			return aerr
		}
		done(err)
		return nil
	}
	boom := errors.New("500")
	// The caller's own cancellations and deadlines count neither way.
	for _, err := range []error{boom, boom, context.Canceled, fmt.Errorf("x: %w", context.DeadlineExceeded)} {
		if call(err) != nil {
			t.Fatal("refused while closed")
		}
	}
	if b.State() != qa.BreakerClosed {
		t.Fatalf("state %s after 2 failures", b.State())
	}
	call(boom)
	if b.State() != qa.BreakerOpen || !errors.Is(call(nil), qa.ErrBreakerOpen) {
		t.Fatalf("state %s after 3 failures", b.State())
	}
	now = now.Add(time.Minute)
	// Half open: one trial at a time.
	done, err := b.Allow()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Allow(); !errors.Is(err, qa.ErrBreakerOpen) {
		t.Errorf("a second call during the trial: %v", err)
	}
	done(nil)
	if b.State() != qa.BreakerClosed {
		t.Errorf("state %s after a good trial", b.State())
	}
	// A success resets the count.
	call(boom)
	call(boom)
	call(nil)
	call(boom)
	if b.State() != qa.BreakerClosed {
		t.Errorf("state %s: failures were not reset by a success", b.State())
	}
	// A nil breaker allows everything.
	var nb *qa.Breaker
	if d, err := nb.Allow(); err != nil || d == nil {
		t.Error("nil breaker refused")
	}
}
