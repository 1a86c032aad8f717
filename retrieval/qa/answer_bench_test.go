package qa_test

import (
	"context"
	"testing"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/search"
)

// BenchmarkAnswer answers one question on the real corpus with a warm
// index: what a user waits for after the index is built.
func BenchmarkAnswer(b *testing.B) {
	ans := answerer(b)
	q := retrieval.Question{Text: "How long did Putin and Kim's handshake last?"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ans.Answer(context.Background(), q, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewIndex builds the index of the real corpus: what start-up and
// /reload cost.
func BenchmarkNewIndex(b *testing.B) {
	c, err := corpus.Load(corpus.Default())
	if err != nil {
		b.Fatal(err)
	}
	emb := search.NewLocalEmbedder(0)
	b.ReportAllocs()
	for b.Loop() {
		ix, err := search.NewIndex(context.Background(), c, emb)
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
}

// BenchmarkLoadCorpus reads, cleans and chunks the embedded articles.
func BenchmarkLoadCorpus(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := corpus.Load(corpus.Default()); err != nil {
			b.Fatal(err)
		}
	}
}
