package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// AsyncOptions configure an Async. The zero value is usable.
type AsyncOptions struct {
	// Queue is how many writes may wait; 4096 when zero. When it is full
	// a write is dropped: Dropped is called, a warning is logged (at most
	// once a minute) and the write returns ErrQueueFull. A reply is never
	// held up waiting for room.
	Queue int
	// Timeout bounds each write to the store underneath; 10s when zero.
	Timeout time.Duration
	// Logger receives failed writes and drops; slog.Default() when nil.
	Logger *slog.Logger
	// Failed, when set, is called after a queued write failed (to count
	// it, e.g. a Prometheus counter's Inc); op names the method.
	Failed func(op string)
	// Dropped, when set, is called when a write was dropped because the
	// queue was full.
	Dropped func(op string)
}

// Async is a Store that puts the writes made while replying — SaveAnswer,
// LinkMessage, LogQuestion — on a bounded queue written by one goroutine in
// order, so that a slow or failing store never delays a reply. A failed
// write is logged and counted, never retried (a failed batch is tried
// again one write at a time). Everything else goes straight to the store
// underneath; Unwrap reaches it, e.g. for its Notifier.
//
// Reads see queued writes: Answer and AnswerByMessage look at the queue
// first, and Questions and Purge wait for the queue to be written up to
// the call. Close writes everything accepted before it, then closes the
// store underneath: nothing accepted is lost on shutdown.
type Async struct {
	inner   Store
	opt     AsyncOptions
	log     *slog.Logger
	queue   chan asyncWrite
	sending sync.RWMutex // held to send on queue; held exclusively to close it
	closed  bool         // under sending
	done    chan struct{}

	mu       sync.Mutex
	answers  map[string]*pendingAnswer // queued SaveAnswer by answer id
	messages map[string]*pendingLink   // queued links by message id

	lastDropLog atomic.Int64 // unix nanoseconds
	drops       atomic.Int64 // since the last drop log
}

type pendingAnswer struct {
	a *Answer
	n int
}

type pendingLink struct {
	answerID string
	n        int
}

type asyncWrite struct {
	Write
	barrier chan struct{} // Flush: closed when reached
}

func (w Write) op() string {
	switch {
	case w.Answer != nil:
		return "save answer"
	case w.Link != nil:
		return "link message"
	}
	return "log question"
}

// Write is one write Async queues: exactly one field is set.
type Write struct {
	Answer   *Answer
	Link     *Link
	Question *LoggedQuestion
}

// Link is a LinkMessage call.
type Link struct{ AnswerID, MessageID string }

// BatchWriter is a Store that can apply several writes in one transaction:
// Async uses it when writes queue up, so that a store whose commits are
// slow (an fsync each) keeps up. WriteBatch applies all of ws or none, each
// as its method would.
type BatchWriter interface {
	WriteBatch(ctx context.Context, ws []Write) error
}

var _ Store = (*Async)(nil)

// NewAsync starts writing s's queue. The Async owns s: its Close closes s.
func NewAsync(s Store, opt AsyncOptions) *Async {
	if opt.Queue <= 0 {
		opt.Queue = 4096
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 10 * time.Second
	}
	log := opt.Logger
	if log == nil {
		log = slog.Default()
	}
	a := &Async{
		inner:    s,
		opt:      opt,
		log:      log,
		queue:    make(chan asyncWrite, opt.Queue),
		done:     make(chan struct{}),
		answers:  make(map[string]*pendingAnswer),
		messages: make(map[string]*pendingLink),
	}
	go a.run()
	return a
}

func (a *Async) run() {
	defer close(a.done)
	batch := make([]asyncWrite, 0, maxBatch)
	for w := range a.queue {
		// Take what else is waiting, up to a barrier, to write it in one
		// transaction when the store can.
		batch = append(batch[:0], w)
	more:
		for w.barrier == nil && len(batch) < maxBatch {
			select {
			case next, ok := <-a.queue:
				if !ok { // closed: range ends after this batch
					break more
				}
				batch = append(batch, next)
				if next.barrier != nil {
					break more
				}
			default:
				break more
			}
		}
		a.writeBatch(batch)
	}
}

// maxBatch bounds the writes Async puts in one transaction.
const maxBatch = 256

func (a *Async) writeBatch(batch []asyncWrite) {
	var barrier chan struct{}
	if last := batch[len(batch)-1]; last.barrier != nil {
		barrier, batch = last.barrier, batch[:len(batch)-1]
	}
	if bw, ok := a.inner.(BatchWriter); ok && len(batch) > 1 {
		ws := make([]Write, len(batch))
		for i, w := range batch {
			ws[i] = w.Write
		}
		ctx, cancel := context.WithTimeout(context.Background(), a.opt.Timeout)
		err := bw.WriteBatch(ctx, ws)
		cancel()
		if err == nil {
			for _, w := range batch {
				a.settle(w)
			}
			batch = nil
		} else {
			// One bad write must not cost the others: write them one
			// by one, so that only it fails.
			a.log.Warn("store batch write failed; writing one by one", "writes", len(batch), "err", err)
		}
	}
	for _, w := range batch {
		a.write(w)
	}
	if barrier != nil {
		close(barrier)
	}
}

func (a *Async) write(w asyncWrite) {
	ctx, cancel := context.WithTimeout(context.Background(), a.opt.Timeout)
	defer cancel()
	var err error
	switch {
	case w.Answer != nil:
		err = a.inner.SaveAnswer(ctx, w.Answer)
	case w.Link != nil:
		err = a.inner.LinkMessage(ctx, w.Link.AnswerID, w.Link.MessageID)
	case w.Question != nil:
		err = a.inner.LogQuestion(ctx, *w.Question)
	}
	a.settle(w)
	if err != nil {
		a.log.Error("store write failed", "op", w.op(), "err", err)
		if a.opt.Failed != nil {
			a.opt.Failed(w.op())
		}
	}
}

// settle forgets a write's pending entries once it has been written.
func (a *Async) settle(w asyncWrite) {
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case w.Answer != nil:
		if p := a.answers[w.Answer.ID]; p != nil {
			if p.n--; p.n == 0 {
				delete(a.answers, w.Answer.ID)
			}
		}
		if w.Answer.MessageID != "" {
			a.unlink(w.Answer.MessageID)
		}
	case w.Link != nil:
		a.unlink(w.Link.MessageID)
	}
}

func (a *Async) unlink(message string) {
	if p := a.messages[message]; p != nil {
		if p.n--; p.n == 0 {
			delete(a.messages, message)
		}
	}
}

// enqueue queues w without waiting for room.
func (a *Async) enqueue(w asyncWrite) error {
	a.sending.RLock()
	defer a.sending.RUnlock()
	if a.closed {
		return fmt.Errorf("%s: %w", w.op(), ErrClosed)
	}
	// Under mu, so that the writer cannot settle w before it is pending.
	a.mu.Lock()
	select {
	case a.queue <- w:
		a.pend(w)
		a.mu.Unlock()
		return nil
	default:
		a.mu.Unlock()
		a.dropped(w.op())
		return fmt.Errorf("%s: %w", w.op(), ErrQueueFull)
	}
}

// pend records w as queued; a.mu is held.
func (a *Async) pend(w asyncWrite) {
	link := func(message, answerID string) {
		p := a.messages[message]
		if p == nil {
			p = &pendingLink{}
			a.messages[message] = p
		}
		p.answerID = answerID
		p.n++
	}
	switch {
	case w.Answer != nil:
		p := a.answers[w.Answer.ID]
		if p == nil {
			p = &pendingAnswer{}
			a.answers[w.Answer.ID] = p
		}
		p.a = w.Answer
		p.n++
		if w.Answer.MessageID != "" {
			link(w.Answer.MessageID, w.Answer.ID)
		}
	case w.Link != nil:
		link(w.Link.MessageID, w.Link.AnswerID)
	}
}

func (a *Async) dropped(op string) {
	if a.opt.Dropped != nil {
		a.opt.Dropped(op)
	}
	n := a.drops.Add(1)
	now := time.Now().UnixNano()
	last := a.lastDropLog.Load()
	if now-last >= int64(time.Minute) && a.lastDropLog.CompareAndSwap(last, now) {
		a.drops.Add(-n)
		a.log.Warn("store queue full: writes dropped", "op", op, "dropped", n, "queue", a.opt.Queue)
	}
}

// SaveAnswer queues the answer; ErrQueueFull when it was dropped.
func (a *Async) SaveAnswer(ctx context.Context, ans *Answer) error {
	if err := ValidateAnswer(ans); err != nil {
		return err
	}
	c := cloneAnswer(ans)
	c.Created = CreatedOrNow(ans) // the time of the reply, not of the write
	return a.enqueue(asyncWrite{Write: Write{Answer: c}})
}

// LinkMessage queues the link; ErrQueueFull when it was dropped.
func (a *Async) LinkMessage(ctx context.Context, answerID, messageID string) error {
	if answerID == "" || messageID == "" {
		return fmt.Errorf("link message %q to answer %q: empty id", messageID, answerID)
	}
	return a.enqueue(asyncWrite{Write: Write{Link: &Link{AnswerID: answerID, MessageID: messageID}}})
}

// LogQuestion queues the entry; ErrQueueFull when it was dropped.
func (a *Async) LogQuestion(ctx context.Context, q LoggedQuestion) error {
	if err := ValidateLoggedQuestion(q); err != nil {
		return err
	}
	q.Time = OrNow(q.Time) // the time of the reply, not of the write
	return a.enqueue(asyncWrite{Write: Write{Question: &q}})
}

// Answer returns a queued answer, or else the store's.
func (a *Async) Answer(ctx context.Context, id string) (*Answer, error) {
	a.mu.Lock()
	p := a.answers[id]
	a.mu.Unlock()
	if p != nil {
		return cloneAnswer(p.a), nil
	}
	return a.inner.Answer(ctx, id)
}

// AnswerByMessage follows a queued link, or else asks the store.
func (a *Async) AnswerByMessage(ctx context.Context, messageID string) (*Answer, error) {
	a.mu.Lock()
	p := a.messages[messageID]
	a.mu.Unlock()
	if p != nil {
		return a.Answer(ctx, p.answerID)
	}
	ans, err := a.inner.AnswerByMessage(ctx, messageID)
	if errors.Is(err, ErrNotFound) && a.answersPending() {
		// The link may be written and its answer still queued: wait for
		// the queue (rare: a reply to a message sent moments ago).
		if err := a.Flush(ctx); err != nil {
			return nil, fmt.Errorf("answer by message %q: %w", messageID, err)
		}
		return a.inner.AnswerByMessage(ctx, messageID)
	}
	return ans, err
}

func (a *Async) answersPending() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.answers) > 0
}

// Unwrap returns the store underneath.
func (a *Async) Unwrap() Store { return a.inner }

// Flush waits until every write queued before it has been written (or has
// failed), or ctx is done.
func (a *Async) Flush(ctx context.Context) error {
	b := make(chan struct{})
	a.sending.RLock()
	if a.closed {
		a.sending.RUnlock()
		return fmt.Errorf("flush: %w", ErrClosed)
	}
	select {
	case a.queue <- asyncWrite{barrier: b}:
		a.sending.RUnlock()
	case <-ctx.Done():
		a.sending.RUnlock()
		return fmt.Errorf("flush: %w", ctx.Err())
	}
	select {
	case <-b:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("flush: %w", ctx.Err())
	}
}

// Vote goes straight to the store: the voter waits for its counts.
func (a *Async) Vote(ctx context.Context, answerID, user string, up bool) (VoteResult, error) {
	return a.inner.Vote(ctx, answerID, user, up)
}

// Questions waits for queued entries, then reads the store.
func (a *Async) Questions(ctx context.Context, guild string, since time.Time) ([]LoggedQuestion, error) {
	if err := a.Flush(ctx); err != nil {
		return nil, fmt.Errorf("questions: %w", err)
	}
	return a.inner.Questions(ctx, guild, since)
}

func (a *Async) Settings(ctx context.Context, guild string) (Settings, error) {
	return a.inner.Settings(ctx, guild)
}

func (a *Async) PutSettings(ctx context.Context, guild string, s Settings) error {
	return a.inner.PutSettings(ctx, guild, s)
}

// Purge waits for queued writes, so that it removes them too, then purges.
func (a *Async) Purge(ctx context.Context, cutoff time.Time) (int64, error) {
	if err := a.Flush(ctx); err != nil {
		return 0, fmt.Errorf("purge: %w", err)
	}
	return a.inner.Purge(ctx, cutoff)
}

// Close stops accepting writes, writes every accepted one, and closes the
// store underneath.
func (a *Async) Close() error {
	a.sending.Lock()
	if a.closed {
		a.sending.Unlock()
		return fmt.Errorf("close: %w", ErrClosed)
	}
	a.closed = true
	close(a.queue)
	a.sending.Unlock()
	<-a.done
	if n := a.drops.Load(); n > 0 {
		a.log.Warn("store queue full: writes dropped", "dropped", n, "queue", a.opt.Queue)
	}
	return errors.Join(a.inner.Close())
}
