package search

import (
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/meaning"
)

// CorpusFitter is an embedder that is fitted to the corpus it embeds.
// NewIndex calls Fit with every sentence of the corpus (alias-expanded, in
// corpus order, each once) before embedding anything, and builds the index
// with the embedder Fit returns; Index.Embedder reports that one. A reload
// builds a new index, and so refits. Fit must be deterministic: the same
// sentences give the same vectors.
type CorpusFitter interface {
	retrieval.Embedder
	Fit(ctx context.Context, sentences []string) (retrieval.Embedder, error)
}

// SIFModel names the SIF embedder before it is fitted: the family that
// Model of a fitted one ("sif-glove100-v1-<fit>/100") belongs to. It is what
// a calibration measured with SIF records, since each corpus fits its own.
const SIFModel = "sif-glove100-v1/100"

// SIFEmbedder is the semantic offline embedder: smooth inverse frequency
// averages of GloVe word vectors (meaning.SIF), whose common component is
// fitted to the corpus's sentences when an index is built (CorpusFitter).
// Unlike LocalEmbedder's hashed features it puts related words near each
// other ("arms" and "weapons", "train" and "railway"). Unfitted, it embeds
// without removing a common component.
type SIFEmbedder struct {
	once  sync.Once
	unfit *meaning.SIF
}

// NewSIFEmbedder returns the unfitted SIF embedder.
func NewSIFEmbedder() *SIFEmbedder { return &SIFEmbedder{} }

// Model returns SIFModel.
func (e *SIFEmbedder) Model() string { return SIFModel }

// Embed embeds with the unfitted model.
func (e *SIFEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	e.once.Do(func() { e.unfit = meaning.NewSIF(meaning.Default(), nil, meaning.DefaultA) })
	return e.unfit.Embed(ctx, texts)
}

// Fit returns SIF fitted to sentences.
func (e *SIFEmbedder) Fit(ctx context.Context, sentences []string) (retrieval.Embedder, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return meaning.NewSIF(meaning.Default(), sentences, meaning.DefaultA), nil
}

// DefaultFusedWeight is the hashed embedder's share of the similarity of a
// FusedEmbedder.
const DefaultFusedWeight = 0.5

// FusedEmbedder fuses two embedders' similarities: its vector is A's scaled
// by √w beside B's scaled by √(1−w), so that the dot product of two of its
// vectors is w × A's cosine + (1 − w) × B's, a weighted sum of the two vector
// retrievers' scores in one vector index (and in every sentence similarity
// the answerer computes). A text that one embedder finds nothing in (a zero
// vector there) gets the other's vector alone, rescaled to unit length.
type FusedEmbedder struct {
	A, B retrieval.Embedder
	W    float64 // A's share, 0..1
}

// NewFusedEmbedder returns a and b fused with a's share w (clamped to
// [0, 1]).
func NewFusedEmbedder(a, b retrieval.Embedder, w float64) *FusedEmbedder {
	return &FusedEmbedder{A: a, B: b, W: min(max(w, 0), 1)}
}

// Model names both models and the weight.
func (e *FusedEmbedder) Model() string {
	return fmt.Sprintf("fused(%s*%.2f+%s)", e.A.Model(), e.W, e.B.Model())
}

// Embed returns the fused vectors.
func (e *FusedEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	va, err := e.A.Embed(ctx, texts)
	if err != nil {
		return nil, err
	}
	vb, err := e.B.Embed(ctx, texts)
	if err != nil {
		return nil, err
	}
	if len(va) != len(texts) || len(vb) != len(texts) {
		return nil, fmt.Errorf("fused embedder: %d and %d vectors for %d texts", len(va), len(vb), len(texts))
	}
	wa, wb := float32(math.Sqrt(e.W)), float32(math.Sqrt(1-e.W))
	out := make([][]float32, len(texts))
	for i := range texts {
		v := make([]float32, len(va[i])+len(vb[i]))
		for j, x := range va[i] {
			v[j] = wa * x
		}
		for j, x := range vb[i] {
			v[len(va[i])+j] = wb * x
		}
		meaning.Normalize(v)
		out[i] = v
	}
	return out, nil
}

// Fit fits whichever of A and B is a CorpusFitter.
func (e *FusedEmbedder) Fit(ctx context.Context, sentences []string) (retrieval.Embedder, error) {
	fit := func(x retrieval.Embedder) (retrieval.Embedder, error) {
		if f, ok := x.(CorpusFitter); ok {
			return f.Fit(ctx, sentences)
		}
		return x, nil
	}
	a, err := fit(e.A)
	if err != nil {
		return nil, err
	}
	b, err := fit(e.B)
	if err != nil {
		return nil, err
	}
	return &FusedEmbedder{A: a, B: b, W: e.W}, nil
}

// fitSentences returns the texts a CorpusFitter is fitted to: every
// sentence of c's passages, once, alias-expanded as the index embeds them,
// in corpus order.
func fitSentences(c *corpus.Corpus, aliases *Aliases, articles map[string]*corpus.Article) []string {
	seen := make(map[place]bool)
	var out []string
	for i := range c.Chunks {
		ch := &c.Chunks[i]
		a := articles[ch.ArticleID]
		if a == nil {
			continue
		}
		for _, sp := range ch.Sentences {
			at := place{a.ID, sp.Start}
			if seen[at] {
				continue
			}
			seen[at] = true
			out = append(out, aliases.Expand(a.Text[sp.Start:sp.End]))
		}
	}
	return out
}
