package retrieval

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/summitbot/summitbot/corpus"
)

// ErrReloadRunning is returned by Reload while another reload is under way.
var ErrReloadRunning = errors.New("a reload is already running")

// LoadFunc reads the corpus to serve. It follows corpus.Load's contract: a
// corpus with a *corpus.LoadError means some files were skipped; a nil
// corpus means nothing can be served from it.
type LoadFunc func() (*corpus.Corpus, error)

// Snapshot is one built index with its answerer: what an Engine serves
// between two reloads. It is immutable and safe for concurrent use.
type Snapshot interface {
	Answerer
	Library
	// Retrieve returns the passages an answer to q would be read from,
	// best first (the evaluation scores their ranking).
	Retrieve(ctx context.Context, q Question) ([]Passage, error)
	// Chunk returns the passage with the given id.
	Chunk(id string) (*corpus.Chunk, bool)
	// Close releases the index; the Engine calls it once no question
	// reads the snapshot any more.
	Close() error
}

// BuildFunc builds a Snapshot of a corpus. The command wires the index and
// the answer pipeline in it; the Engine only decides when to call it.
type BuildFunc func(ctx context.Context, c *corpus.Corpus) (Snapshot, error)

// Engine answers from the current snapshot and replaces it on Reload
// without ever answering from a half-built one: a new snapshot is built to
// the side and swapped in atomically, and the old one is closed once the
// questions already reading it are done. It implements Answerer and Library.
type Engine struct {
	load  LoadFunc
	build BuildFunc
	log   *slog.Logger

	reloading sync.Mutex // held for the whole of a reload
	current   atomic.Pointer[servedIndex]
	observer  atomic.Pointer[Observer]
}

// Observer hears what an Engine did, so that a front end can keep metrics
// without retrieval importing a metrics library. Its methods are called on
// the goroutine that answered or reloaded, so they must be quick.
type Observer interface {
	// Answered is called after every Answer; a is nil
	// when err is not.
	Answered(a *Answer, err error)
	// Reloaded is called after every Reload that UseObserver saw, failed
	// ones and ErrReloadRunning included; rep is nil when err is not.
	Reloaded(rep *ReloadReport, err error)
}

// UseObserver makes the engine tell o what it does from now on; nil stops.
// It is safe to call while questions are answered.
func (e *Engine) UseObserver(o Observer) {
	if o == nil {
		e.observer.Store(nil)
		return
	}
	e.observer.Store(&o)
}

func (e *Engine) observe() Observer {
	if o := e.observer.Load(); o != nil {
		return *o
	}
	return nil
}

// servedIndex counts the questions reading a snapshot, so that a replaced
// one is closed only when the last of them is done.
type servedIndex struct {
	Snapshot
	corpus  *corpus.Corpus
	readers atomic.Int64 // questions reading it, plus one while it is current
}

func (s *servedIndex) release() {
	if s.readers.Add(-1) == 0 {
		s.Close()
	}
}

// NewEngine loads the corpus and builds the first snapshot with build.
// log may be nil.
func NewEngine(ctx context.Context, load LoadFunc, build BuildFunc, log *slog.Logger) (*Engine, *ReloadReport, error) {
	eng := &Engine{load: load, build: build, log: log}
	rep, err := eng.Reload(ctx)
	if err != nil {
		return nil, nil, err
	}
	return eng, rep, nil
}

// Close closes the current index once no question reads it any more.
func (e *Engine) Close() error {
	e.reloading.Lock()
	defer e.reloading.Unlock()
	if old := e.current.Swap(nil); old != nil {
		old.release()
	}
	return nil
}

// acquire returns the current index with a reader counted; the caller
// releases it.
func (e *Engine) acquire() (*servedIndex, error) {
	for {
		s := e.current.Load()
		if s == nil {
			return nil, errors.New("no index is loaded")
		}
		if n := s.readers.Load(); n > 0 && s.readers.CompareAndSwap(n, n+1) {
			return s, nil
		}
		// The index was retired between Load and the count, or another
		// reader raced us to the counter: look again.
	}
}

// Answer implements Answerer with an answer from the current snapshot;
// draft (when not nil) sees the text as a model writes it.
func (e *Engine) Answer(ctx context.Context, q Question, draft func(string)) (*Answer, error) {
	a, err := reading(e, func(s Snapshot) (*Answer, error) { return s.Answer(ctx, q, draft) })
	if o := e.observe(); o != nil {
		o.Answered(a, err)
	}
	return a, err
}

// Retrieve returns the passages the current snapshot would answer q from.
func (e *Engine) Retrieve(ctx context.Context, q Question) ([]Passage, error) {
	return reading(e, func(s Snapshot) ([]Passage, error) { return s.Retrieve(ctx, q) })
}

// Chunk returns a passage of the current snapshot.
func (e *Engine) Chunk(id string) (*corpus.Chunk, bool) {
	ch, err := reading(e, func(s Snapshot) (*corpus.Chunk, error) { return found(s.Chunk(id)) })
	return ch, err == nil
}

// Articles implements Library with the current snapshot's articles.
func (e *Engine) Articles() []*corpus.Article {
	as, _ := reading(e, func(s Snapshot) ([]*corpus.Article, error) { return s.Articles(), nil })
	return as
}

// Article implements Library with the current snapshot.
func (e *Engine) Article(id string) (*corpus.Article, bool) {
	a, err := reading(e, func(s Snapshot) (*corpus.Article, error) { return found(s.Article(id)) })
	return a, err == nil
}

// Passages implements Library with the current snapshot.
func (e *Engine) Passages(ctx context.Context, articleID, query string, n int) ([]Passage, error) {
	return reading(e, func(s Snapshot) ([]Passage, error) { return s.Passages(ctx, articleID, query, n) })
}

// reading runs f on the current snapshot, which stays open until f
// returns.
func reading[T any](e *Engine, f func(Snapshot) (T, error)) (T, error) {
	s, err := e.acquire()
	if err != nil {
		var zero T
		return zero, err
	}
	defer s.release()
	return f(s.Snapshot)
}

var errNotFound = errors.New("not found")

// found turns a lookup's ok into an error for reading.
func found[T any](v T, ok bool) (T, error) {
	if !ok {
		return v, errNotFound
	}
	return v, nil
}

// ReloadReport says what a reload changed.
type ReloadReport struct {
	Added, Removed, Changed []string // article ids
	Articles, Chunks        int      // in the new index
	Skipped                 []corpus.FileError
	Took                    time.Duration
}

// Reload reads the corpus again, builds a new index to the side and swaps it
// in. When the corpus cannot be loaded or indexed, the index being served
// stays and the error says why; so does a reload where any file fails to
// load. Only the first load skips bad files (listed in the report) and
// serves the rest. A reload while another runs returns
// ErrReloadRunning at once.
func (e *Engine) Reload(ctx context.Context) (*ReloadReport, error) {
	rep, err := e.reload(ctx)
	if o := e.observe(); o != nil {
		o.Reloaded(rep, err)
	}
	return rep, err
}

func (e *Engine) reload(ctx context.Context) (*ReloadReport, error) {
	if !e.reloading.TryLock() {
		return nil, ErrReloadRunning
	}
	defer e.reloading.Unlock()
	start := time.Now()
	c, err := e.load()
	rep := &ReloadReport{}
	first := e.current.Load() == nil
	// The first load's errors are NewEngine's, which its caller names.
	wrap := func(err error) error {
		if first {
			return err
		}
		return fmt.Errorf("reload: %w", err)
	}
	var lerr *corpus.LoadError
	switch {
	case c != nil && errors.As(err, &lerr) && first:
		// The first load serves what it can: a bot with four articles
		// beats no bot.
		rep.Skipped = lerr.Files
	case c != nil && errors.As(err, &lerr):
		// On a reload a broken file keeps the old index serving, so that a
		// half-edited article never silently drops out of the answers.
		return nil, fmt.Errorf("reload: nothing changed: %w", err)
	case err != nil:
		return nil, wrap(err)
	case c == nil:
		return nil, wrap(errors.New("the corpus loader returned nothing"))
	}
	snap, err := e.build(ctx, c)
	if err != nil {
		return nil, wrap(err)
	}
	next := &servedIndex{Snapshot: snap, corpus: c}
	next.readers.Store(1) // the engine's own hold while it is current
	old := e.current.Swap(next)
	if old != nil {
		rep.Added, rep.Removed, rep.Changed = diffArticles(old.corpus, c)
		old.release()
	} else {
		for _, a := range c.Articles {
			rep.Added = append(rep.Added, a.ID)
		}
	}
	rep.Articles, rep.Chunks = len(c.Articles), len(c.Chunks)
	rep.Took = time.Since(start)
	if e.log != nil {
		e.log.Info("index loaded", "articles", rep.Articles, "passages", rep.Chunks,
			"added", len(rep.Added), "removed", len(rep.Removed), "changed", len(rep.Changed),
			"skipped", len(rep.Skipped), "took", rep.Took)
		for _, f := range rep.Skipped {
			e.log.Warn("article skipped", "file", f.File, "reason", f.Reason)
		}
	}
	return rep, nil
}

// diffArticles compares two corpora by article id and content hash.
func diffArticles(old, cur *corpus.Corpus) (added, removed, changed []string) {
	before := make(map[string]string, len(old.Articles))
	for _, a := range old.Articles {
		before[a.ID] = a.Hash
	}
	for _, a := range cur.Articles {
		h, ok := before[a.ID]
		switch {
		case !ok:
			added = append(added, a.ID)
		case h != a.Hash:
			changed = append(changed, a.ID)
		}
		delete(before, a.ID)
	}
	for id := range before {
		removed = append(removed, id)
	}
	slices.Sort(removed)
	return added, removed, changed
}
