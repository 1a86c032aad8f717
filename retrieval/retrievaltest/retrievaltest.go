// Package retrievaltest provides what tests of retrieval's consumers need:
// in-memory fakes of retrieval.Answerer and retrieval.Library, and an Engine
// over a corpus built exactly as summitbot serves it (offline embedder,
// shipped calibration), for end-to-end tests.
package retrievaltest

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/eval"
	"github.com/summitbot/summitbot/retrieval/qa"
	"github.com/summitbot/summitbot/retrieval/search"
)

// AnswerFunc is a retrieval.Answerer made of a function.
type AnswerFunc func(ctx context.Context, q retrieval.Question, draft func(string)) (*retrieval.Answer, error)

// Answer implements retrieval.Answerer.
func (f AnswerFunc) Answer(ctx context.Context, q retrieval.Question, draft func(string)) (*retrieval.Answer, error) {
	return f(ctx, q, draft)
}

// Library is an in-memory retrieval.Library over a corpus. Its Passages
// ranks an article's passages by how many of the query's words (lower
// case) they contain, passages without any left out: predictable, not
// good.
type Library struct {
	Corpus *corpus.Corpus
}

// Articles implements retrieval.Library.
func (l Library) Articles() []*corpus.Article { return l.Corpus.Articles }

// Article implements retrieval.Library.
func (l Library) Article(id string) (*corpus.Article, bool) {
	for _, a := range l.Corpus.Articles {
		if a.ID == id {
			return a, true
		}
	}
	return nil, false
}

// Passages implements retrieval.Library.
func (l Library) Passages(_ context.Context, articleID, query string, n int) ([]retrieval.Passage, error) {
	a, ok := l.Article(articleID)
	if !ok {
		return nil, nil
	}
	words := strings.Fields(strings.ToLower(query))
	var out []retrieval.Passage
	for i := range l.Corpus.Chunks {
		ch := &l.Corpus.Chunks[i]
		if ch.ArticleID != articleID {
			continue
		}
		score := 0
		text := strings.ToLower(ch.Text)
		for _, w := range words {
			if strings.Contains(text, w) {
				score++
			}
		}
		if score > 0 {
			out = append(out, retrieval.Passage{Chunk: ch, Article: a, Score: float64(score)})
		}
	}
	// A stable insertion sort keeps corpus order among equal scores.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Score > out[j-1].Score; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out[:min(n, len(out))], nil
}

var (
	_ retrieval.Answerer = AnswerFunc(nil)
	_ retrieval.Library  = Library{}
)

// Build returns the BuildFunc summitbot serves with, over emb (the offline
// embedder when nil), with the shipped calibration: qa.New in the given
// mode (hybrid when empty), writing with gen when it is not nil. opts go
// to search.NewIndex.
func Build(emb retrieval.Embedder, mode retrieval.Mode, gen *qa.Generate, opts ...search.Option) retrieval.BuildFunc {
	if emb == nil {
		emb = search.NewLocalEmbedder(0)
	}
	if mode == "" {
		mode = retrieval.Hybrid
	}
	return func(ctx context.Context, c *corpus.Corpus) (retrieval.Snapshot, error) {
		cal, err := eval.DefaultCalibration()
		if err != nil {
			return nil, err
		}
		ix, err := search.NewIndex(ctx, c, emb, opts...)
		if err != nil {
			return nil, err
		}
		return qa.New(ix, qa.Options{Mode: mode}, cal.For(mode), gen), nil
	}
}

// NewEngine returns an Engine over what load reads, built with Build(nil,
// "", gen), and closes it when the test ends.
func NewEngine(tb testing.TB, load retrieval.LoadFunc, gen *qa.Generate) *retrieval.Engine {
	tb.Helper()
	e, _, err := retrieval.NewEngine(context.Background(), load, Build(nil, "", gen), nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { e.Close() })
	return e
}

// sharedIndex builds the index of the embedded corpus the first time it is
// called.
var sharedIndex = sync.OnceValues(func() (*search.Index, error) {
	c, err := corpus.Load(corpus.Default())
	if err != nil {
		return nil, err
	}
	return search.NewIndex(context.Background(), c, search.NewLocalEmbedder(0))
})

// Index returns the index of the embedded corpus with the offline embedder,
// built once per test binary and never closed; tests only read it.
func Index(tb testing.TB) *search.Index {
	tb.Helper()
	ix, err := sharedIndex()
	if err != nil {
		tb.Fatal(err)
	}
	return ix
}

// CopyCorpus writes the embedded corpus into a new directory and returns
// it. os.CopyFS creates the files writable (0o666 before umask), so tests
// can edit them.
func CopyCorpus(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	if err := os.CopyFS(dir, corpus.Default()); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// DirLoader loads the corpus in dir.
func DirLoader(dir string) retrieval.LoadFunc {
	return func() (*corpus.Corpus, error) { return corpus.Load(corpus.Dir(dir)) }
}
