package store_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/summitbot/summitbot/bot/store"
	"github.com/summitbot/summitbot/bot/store/storetest"
)

func TestAsync(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return store.NewAsync(store.NewMemory(), store.AsyncOptions{Logger: testLogger(t)})
	})
}

// testLogger writes to t.Log.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, nil))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

// slowStore holds every SaveAnswer until its gate opens, and fails those
// whose question is "fail"; it records what it saved, readable after Close.
type slowStore struct {
	*store.Memory
	gate    chan struct{}
	started chan struct{} // one value per SaveAnswer begun
	mu      sync.Mutex
	saved   []string
}

func newSlowStore() *slowStore {
	return &slowStore{Memory: store.NewMemory(), gate: make(chan struct{}), started: make(chan struct{}, 1000)}
}

func (s *slowStore) SaveAnswer(ctx context.Context, a *store.Answer) error {
	s.started <- struct{}{}
	<-s.gate
	if a.Question == "fail" {
		return errors.New("disk on fire")
	}
	s.mu.Lock()
	s.saved = append(s.saved, a.ID)
	s.mu.Unlock()
	return s.Memory.SaveAnswer(ctx, a)
}

func (s *slowStore) savedIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.saved...)
}

func waitStarted(t *testing.T, s *slowStore) {
	t.Helper()
	select {
	case <-s.started:
	case <-time.After(10 * time.Second):
		t.Fatal("the queue's first write never started")
	}
}

func TestAsyncCloseWritesEverythingAccepted(t *testing.T) {
	t.Run("one by one", func(t *testing.T) {
		slow := newSlowStore()
		testCloseWrites(t, slow, slow)
	})
	t.Run("batched", func(t *testing.T) {
		bs := &batchStore{slowStore: newSlowStore(), batches: make(chan int, 100)}
		testCloseWrites(t, bs, bs.slowStore)
	})
}

func testCloseWrites(t *testing.T, s store.Store, slow *slowStore) {
	a := store.NewAsync(s, store.AsyncOptions{Queue: 200, Logger: testLogger(t)})
	ctx := context.Background()
	for i := range 100 {
		if err := a.SaveAnswer(ctx, &store.Answer{ID: fmt.Sprint(i), Question: "q"}); err != nil {
			t.Fatalf("SaveAnswer %d: %v", i, err)
		}
	}
	closed := make(chan error)
	go func() { closed <- a.Close() }()
	waitStarted(t, slow)
	close(slow.gate) // the store catches up only after Close was called
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
	if got := len(slow.savedIDs()); got != 100 {
		t.Errorf("%d answers written by Close, want 100", got)
	}
	if err := a.SaveAnswer(ctx, &store.Answer{ID: "late"}); !errors.Is(err, store.ErrClosed) {
		t.Errorf("SaveAnswer after Close: %v, want ErrClosed", err)
	}
}

func TestAsyncQueueFullDrops(t *testing.T) {
	slow := newSlowStore()
	var dropped atomic.Int32
	a := store.NewAsync(slow, store.AsyncOptions{
		Queue:   2,
		Logger:  testLogger(t),
		Dropped: func(op string) { dropped.Add(1) },
	})
	ctx := context.Background()
	save := func(id string) error { return a.SaveAnswer(ctx, &store.Answer{ID: id, Question: "q"}) }
	if err := save("1"); err != nil {
		t.Fatal(err)
	}
	waitStarted(t, slow) // "1" is being written; the queue is empty
	for _, id := range []string{"2", "3"} {
		if err := save(id); err != nil {
			t.Fatalf("SaveAnswer(%s) with room: %v", id, err)
		}
	}
	start := time.Now()
	if err := save("4"); !errors.Is(err, store.ErrQueueFull) {
		t.Errorf("SaveAnswer on a full queue: %v, want ErrQueueFull", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("a dropped write took %v", d)
	}
	if dropped.Load() != 1 {
		t.Errorf("Dropped called %d times, want 1", dropped.Load())
	}
	// A dropped answer is not visible; a queued one is.
	if _, err := a.Answer(ctx, "4"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Answer(dropped) = %v, want ErrNotFound", err)
	}
	if _, err := a.Answer(ctx, "3"); err != nil {
		t.Errorf("Answer(queued): %v", err)
	}
	close(slow.gate)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if got := slow.savedIDs(); fmt.Sprint(got) != "[1 2 3]" {
		t.Errorf("written %v, want [1 2 3] in order", got)
	}
}

func TestAsyncFailingStoreIsCountedNotReturned(t *testing.T) {
	slow := newSlowStore()
	close(slow.gate)
	failed := make(chan string, 10)
	a := store.NewAsync(slow, store.AsyncOptions{Logger: testLogger(t), Failed: func(op string) { failed <- op }})
	defer a.Close()
	ctx := context.Background()
	if err := a.SaveAnswer(ctx, &store.Answer{ID: "x", Question: "fail"}); err != nil {
		t.Fatalf("SaveAnswer returned the store's failure: %v", err)
	}
	select {
	case op := <-failed:
		if op != "save answer" {
			t.Errorf("Failed(%q), want save answer", op)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Failed never called")
	}
	if err := a.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Answer(ctx, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Answer after a failed write: %v, want ErrNotFound", err)
	}
}

func TestAsyncReadsSeeQueuedWrites(t *testing.T) {
	slow := newSlowStore()
	a := store.NewAsync(slow, store.AsyncOptions{Logger: testLogger(t)})
	ctx := context.Background()
	if err := a.SaveAnswer(ctx, &store.Answer{ID: "a1", Question: "q1", MessageID: "m1"}); err != nil {
		t.Fatal(err)
	}
	if err := a.LinkMessage(ctx, "a1", "thread1"); err != nil {
		t.Fatal(err)
	}
	waitStarted(t, slow)
	for _, m := range []string{"m1", "thread1"} {
		got, err := a.AnswerByMessage(ctx, m)
		if err != nil || got.Question != "q1" {
			t.Errorf("AnswerByMessage(%q) while queued = %v, %v", m, got, err)
		}
	}
	close(slow.gate)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
}

// batchStore is a slowStore that also writes batches, refusing a batch
// that holds a failing answer.
type batchStore struct {
	*slowStore
	batches chan int
}

func (s *batchStore) WriteBatch(ctx context.Context, ws []store.Write) error {
	s.started <- struct{}{}
	<-s.gate
	for _, w := range ws {
		if w.Answer != nil && w.Answer.Question == "fail" {
			return errors.New("batch refused")
		}
	}
	for _, w := range ws {
		var err error
		switch {
		case w.Answer != nil:
			err = s.Memory.SaveAnswer(ctx, w.Answer)
			s.mu.Lock()
			s.saved = append(s.saved, w.Answer.ID)
			s.mu.Unlock()
		case w.Link != nil:
			err = s.Memory.LinkMessage(ctx, w.Link.AnswerID, w.Link.MessageID)
		case w.Question != nil:
			err = s.Memory.LogQuestion(ctx, *w.Question)
		}
		if err != nil {
			return err
		}
	}
	s.batches <- len(ws)
	return nil
}

func TestAsyncBatches(t *testing.T) {
	bs := &batchStore{slowStore: newSlowStore(), batches: make(chan int, 100)}
	var failed atomic.Int32
	a := store.NewAsync(bs, store.AsyncOptions{Logger: testLogger(t), Failed: func(string) { failed.Add(1) }})
	ctx := context.Background()
	// The first write holds the writer, so the rest queue up behind it.
	if err := a.SaveAnswer(ctx, &store.Answer{ID: "first", Question: "q"}); err != nil {
		t.Fatal(err)
	}
	waitStarted(t, bs.slowStore)
	for i := range 10 {
		if err := a.SaveAnswer(ctx, &store.Answer{ID: fmt.Sprint(i), Question: "q", MessageID: fmt.Sprint("m", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.LogQuestion(ctx, store.LoggedQuestion{AnswerID: "3", Guild: "g", Question: "q", Reason: store.Refused}); err != nil {
		t.Fatal(err)
	}
	close(bs.gate)
	if err := a.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if n := <-bs.batches; n != 11 {
		t.Errorf("batch of %d writes, want the 11 queued", n)
	}
	if got, err := a.AnswerByMessage(ctx, "m7"); err != nil || got.ID != "7" {
		t.Errorf("AnswerByMessage(m7) after the batch = %v, %v", got, err)
	}
	if qs, err := a.Questions(ctx, "g", time.Time{}); err != nil || len(qs) != 1 {
		t.Errorf("Questions after the batch = %v, %v", qs, err)
	}

	// A batch that fails is written one by one: only the bad write is lost.
	for len(bs.started) > 0 {
		<-bs.started
	}
	bs.gate = make(chan struct{})
	if err := a.SaveAnswer(ctx, &store.Answer{ID: "hold", Question: "q"}); err != nil {
		t.Fatal(err)
	}
	waitStarted(t, bs.slowStore)
	for i, q := range []string{"q", "fail", "q"} {
		if err := a.SaveAnswer(ctx, &store.Answer{ID: fmt.Sprint("b", i), Question: q}); err != nil {
			t.Fatal(err)
		}
	}
	close(bs.gate)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if failed.Load() != 1 {
		t.Errorf("%d writes failed, want 1", failed.Load())
	}
	saved := fmt.Sprint(bs.savedIDs())
	if want := "[first 0 1 2 3 4 5 6 7 8 9 hold b0 b2]"; saved != want {
		t.Errorf("saved %s, want %s", saved, want)
	}
}
