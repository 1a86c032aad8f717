package eval_test

import (
	"context"
	"strings"
	"testing"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/qa"
	"github.com/summitbot/summitbot/retrieval/search"
)

// BenchmarkAnswerByEmbedder answers one question with a warm index built
// with each offline embedder (qa's BenchmarkAnswer uses the hashed one).
func BenchmarkAnswerByEmbedder(b *testing.B) {
	c, err := corpus.Load(corpus.Default())
	if err != nil {
		b.Fatal(err)
	}
	q := retrieval.Question{Text: "How long did Putin and Kim's handshake last?"}
	for _, e := range []retrieval.Embedder{
		search.NewLocalEmbedder(0),
		search.NewSIFEmbedder(),
		search.NewFusedEmbedder(search.NewLocalEmbedder(0), search.NewSIFEmbedder(), search.DefaultFusedWeight),
	} {
		b.Run(strings.SplitN(e.Model(), "/", 2)[0], func(b *testing.B) {
			ix, err := search.NewIndex(context.Background(), c, e)
			if err != nil {
				b.Fatal(err)
			}
			defer ix.Close()
			ans := qa.New(ix, qa.Options{Mode: retrieval.Hybrid}, qa.Calibration{Threshold: 0.2}, nil)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ans.Answer(context.Background(), q, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
