package retrievaltest_test

import (
	"context"
	"testing"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/retrievaltest"
)

// TestLibraryContract runs the same checks on the fake Library and on the
// Engine, so that a test written against the fake holds for the real one.
func TestLibraryContract(t *testing.T) {
	load := func() (*corpus.Corpus, error) { return corpus.Load(corpus.Default()) }
	c, err := load()
	if err != nil {
		t.Fatal(err)
	}
	for name, lib := range map[string]retrieval.Library{
		"fake":   retrievaltest.Library{Corpus: c},
		"engine": retrievaltest.NewEngine(t, load, nil),
	} {
		t.Run(name, func(t *testing.T) {
			arts := lib.Articles()
			if len(arts) != len(c.Articles) {
				t.Fatalf("%d articles, want %d", len(arts), len(c.Articles))
			}
			id := arts[0].ID
			if a, ok := lib.Article(id); !ok || a.ID != id {
				t.Errorf("Article(%q) = %v, %v", id, a, ok)
			}
			if _, ok := lib.Article("no-such-article"); ok {
				t.Error("an unknown id was found")
			}
			ps, err := lib.Passages(t.Context(), id, "Putin Kim", 2)
			if err != nil || len(ps) == 0 || len(ps) > 2 {
				t.Fatalf("Passages = %d passages, %v; want 1 or 2", len(ps), err)
			}
			for _, p := range ps {
				if p.Article.ID != id || p.Chunk.ArticleID != id {
					t.Errorf("passage %s is not from %s", p.Chunk.ID, id)
				}
			}
			if ps, err := lib.Passages(t.Context(), "no-such-article", "Putin", 2); err != nil || len(ps) != 0 {
				t.Errorf("Passages of an unknown article = %v, %v; want none", ps, err)
			}
		})
	}
}

// TestAnswerFunc: the fake Answerer passes its arguments through.
func TestAnswerFunc(t *testing.T) {
	var drafted string
	ans := retrievaltest.AnswerFunc(func(_ context.Context, q retrieval.Question, draft func(string)) (*retrieval.Answer, error) {
		draft("so far")
		return &retrieval.Answer{Question: q.Text}, nil
	})
	a, err := ans.Answer(t.Context(), retrieval.Question{Text: "q"}, func(s string) { drafted = s })
	if err != nil || a.Question != "q" || drafted != "so far" {
		t.Errorf("Answer = %+v, %v; draft %q", a, err, drafted)
	}
}
