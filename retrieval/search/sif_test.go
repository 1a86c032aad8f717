package search

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
)

func TestSIFEmbedderConformance(t *testing.T) {
	fit := []string{"Putin hosted Kim at the cosmodrome.", "The leaders discussed weapons and satellites."}
	sif := NewSIFEmbedder()
	fitted, err := sif.Fit(context.Background(), fit)
	if err != nil {
		t.Fatal(err)
	}
	fusedFitted, err := NewFusedEmbedder(NewLocalEmbedder(0), NewSIFEmbedder(), DefaultFusedWeight).Fit(context.Background(), fit)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []retrieval.Embedder{
		sif, fitted,
		NewFusedEmbedder(NewLocalEmbedder(0), NewSIFEmbedder(), DefaultFusedWeight), fusedFitted,
	} {
		t.Run(e.Model(), func(t *testing.T) { testEmbedder(t, e) })
	}
}

// TestIndexFitsSIF checks that an index built with a CorpusFitter is built
// with the embedder fitted to its corpus, and that the fit is
// deterministic: a second build (a reload) gives the same model and
// vectors.
func TestIndexFitsSIF(t *testing.T) {
	c, err := corpus.Load(corpus.Default())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	build := func(e retrieval.Embedder) *Index {
		ix, err := NewIndex(ctx, c, e)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ix.Close() })
		return ix
	}
	for _, e := range []retrieval.Embedder{NewSIFEmbedder(), NewFusedEmbedder(NewLocalEmbedder(0), NewSIFEmbedder(), DefaultFusedWeight)} {
		a, b := build(e), build(e)
		m := a.Embedder().Model()
		if m == e.Model() || !strings.Contains(m, "sif-glove100-v1-") || strings.Contains(m, "nopc") {
			t.Errorf("%s: index embeds with %q, want the fitted model", e.Model(), m)
		}
		if b.Embedder().Model() != m {
			t.Errorf("%s: refit gives %q, first fit %q", e.Model(), b.Embedder().Model(), m)
		}
		for i := range 5 {
			if !slices.Equal(a.Sentence(i).Vec, b.Sentence(i).Vec) {
				t.Errorf("%s: sentence %d's vector differs between two builds", e.Model(), i)
			}
		}
		hits, err := a.Search(ctx, "How long did the handshake last?", 5, retrieval.Vector)
		if err != nil || len(hits) == 0 {
			t.Fatalf("%s: vector search: %v, %d hits", e.Model(), err, len(hits))
		}
	}
}

func TestFusedEmbedderSumsSimilarities(t *testing.T) {
	ctx := context.Background()
	a, b := NewLocalEmbedder(0), NewSIFEmbedder()
	f := NewFusedEmbedder(a, b, 0.3)
	texts := []string{"Putin met Kim at the cosmodrome.", "The two leaders talked about arms."}
	va, _ := a.Embed(ctx, texts)
	vb, _ := b.Embed(ctx, texts)
	vf, err := f.Embed(ctx, texts)
	if err != nil {
		t.Fatal(err)
	}
	want := 0.3*DotProduct(va[0], va[1]) + 0.7*DotProduct(vb[0], vb[1])
	if got := DotProduct(vf[0], vf[1]); got-want > 1e-5 || want-got > 1e-5 {
		t.Errorf("fused similarity %v, want %v", got, want)
	}
}

func BenchmarkNewIndexSIF(b *testing.B) {
	c, err := corpus.Load(corpus.Default())
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range []retrieval.Embedder{NewLocalEmbedder(0), NewSIFEmbedder(), NewFusedEmbedder(NewLocalEmbedder(0), NewSIFEmbedder(), DefaultFusedWeight)} {
		b.Run(strings.SplitN(e.Model(), "/", 2)[0], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ix, err := NewIndex(context.Background(), c, e)
				if err != nil {
					b.Fatal(err)
				}
				ix.Close()
			}
		})
	}
}
