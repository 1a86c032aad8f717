package bot

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// progressEdits shows work in progress — a model's answer as it is
// written, a reload's embedding — by editing the message that will hold
// the result. Updates never wait for Discord: each replaces the one not
// yet shown, and one goroutine sends the newest, no sooner than delay after
// the start and then at least every after the previous edit completed (so
// that even the receiving end sees them spaced by every). stop waits for an
// edit in flight, so the result, sent after stop, is always the last edit.
type progressEdits struct {
	show   func(message) error
	render func(state string) message
	log    *slog.Logger

	mu      sync.Mutex
	pending string
	waiting bool // pending has not been shown
	sent    int

	wake     chan struct{} // buffered: an update is waiting
	done     chan struct{} // closed by stop
	exited   chan struct{} // closed when the loop returns
	stopOnce sync.Once
}

// startProgressEdits starts showing updates with show, each state turned
// into a message by render. ctx ending stops the edits too.
func startProgressEdits(ctx context.Context, delay, every time.Duration, show func(message) error,
	render func(string) message, log *slog.Logger) *progressEdits {
	p := &progressEdits{
		show: show, render: render, log: log,
		wake: make(chan struct{}, 1), done: make(chan struct{}), exited: make(chan struct{}),
	}
	go p.loop(ctx, time.Now().Add(delay), every)
	return p
}

// update makes state the next thing shown. It never blocks.
func (p *progressEdits) update(state string) {
	p.mu.Lock()
	p.pending, p.waiting = state, true
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default: // the loop has been woken already
	}
}

// stop ends the edits, waits for one in flight, and returns how many were
// sent. Calling it again returns the same.
func (p *progressEdits) stop() int {
	p.stopOnce.Do(func() { close(p.done) })
	<-p.exited
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sent
}

func (p *progressEdits) loop(ctx context.Context, next time.Time, every time.Duration) {
	defer close(p.exited)
	for {
		select {
		case <-p.wake:
		case <-p.done:
			return
		case <-ctx.Done():
			return
		}
		if d := time.Until(next); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-p.done:
				t.Stop()
				return
			case <-ctx.Done():
				t.Stop()
				return
			}
		}
		p.mu.Lock()
		state, waiting := p.pending, p.waiting
		p.waiting = false
		p.mu.Unlock()
		if !waiting {
			continue // shown already, by the edit that followed an earlier wake
		}
		// The result may be ready by now; then it goes out instead.
		select {
		case <-p.done:
			return
		default:
		}
		if err := p.show(p.render(state)); err != nil {
			// The result still follows; an edit that failed is only a
			// progress report lost.
			p.log.Debug("progress edit failed", "err", err)
		} else {
			p.mu.Lock()
			p.sent++
			p.mu.Unlock()
		}
		next = time.Now().Add(every)
	}
}
