package search

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/philippgille/chromem-go"
)

// unitTolerance is how far from 1 a vector's norm may be and still count as a
// unit vector: float32 rounding over 1024 dimensions stays far below it.
const unitTolerance = 1e-4

// errNoEmbedding is what the store's collection returns if it is ever asked
// to embed a text: every vector comes precomputed, and without this chromem
// would send the text to OpenAI.
var errNoEmbedding = errors.New("vector store: documents and queries must come with their vector")

// VectorStore is an in-memory exhaustive nearest-neighbour index (chromem-go)
// over unit vectors computed by an Embedder. It is built once and never
// changed, and is safe for concurrent use.
//
// chromem-go is the copy in third_party, patched to scan documents in the
// order they were added with one top-n per goroutine; see its SUMMITBOT.md.
type VectorStore struct {
	coll  *chromem.Collection
	dims  int
	count int
}

// NewVectorStore stores vecs[i] as the vector of docs[i]. Every vector must
// have the same length and unit norm; a zero vector (a document the embedder
// found nothing in) is an error, as it could never be found.
func NewVectorStore(ctx context.Context, docs []Doc, vecs [][]float32) (*VectorStore, error) {
	if len(docs) != len(vecs) {
		return nil, fmt.Errorf("vector store: %d documents but %d vectors", len(docs), len(vecs))
	}
	if err := checkDocIDs(docs); err != nil {
		return nil, fmt.Errorf("vector store: %w", err)
	}
	dims := 0
	for i, vec := range vecs {
		if i == 0 {
			dims = len(vec)
		}
		if len(vec) == 0 || len(vec) != dims {
			return nil, fmt.Errorf("vector store: document %s: vector has %d dimensions, want %d", docs[i].ID, len(vec), dims)
		}
		if n := l2Norm(vec); !(math.Abs(n-1) <= unitTolerance) { // NaN too
			return nil, fmt.Errorf("vector store: document %s: vector norm is %g, want 1", docs[i].ID, n)
		}
	}
	noEmbed := func(context.Context, string) ([]float32, error) { return nil, errNoEmbedding }
	// A fresh DB per store: nothing is shared with, or left behind for, the
	// next index.
	coll, err := chromem.NewDB().CreateCollection("passages", nil, noEmbed)
	if err != nil {
		return nil, fmt.Errorf("vector store: %w", err)
	}
	// AddDocument, one at a time, rather than AddDocuments: AddDocuments starts
	// a goroutine per document whatever its concurrency, which buys nothing
	// when no embedding has to be computed, and adds them in no set order,
	// which is the order searches would scan them in. Chromem keeps the slice
	// it is given, so each vector is copied: the caller may reuse its own.
	for i, d := range docs {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("vector store: %w", err)
		}
		doc := chromem.Document{ID: d.ID, Embedding: slices.Clone(vecs[i])}
		if err := coll.AddDocument(ctx, doc); err != nil {
			return nil, fmt.Errorf("vector store: add %s: %w", d.ID, err)
		}
	}
	return &VectorStore{coll: coll, dims: dims, count: len(docs)}, nil
}

// Len returns the number of documents stored.
func (v *VectorStore) Len() int { return v.count }

// Search returns up to n documents by cosine similarity to qvec, a unit vector
// from the same Embedder as the documents', best first, equal similarities in
// order of ID. It returns nil for n <= 0, an empty store, or a zero qvec (a
// query with nothing to embed is similar to nothing).
func (v *VectorStore) Search(ctx context.Context, qvec []float32, n int) ([]Hit, error) {
	n = min(n, v.count)
	if n <= 0 {
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("vector search: %w", err)
	}
	if len(qvec) != v.dims {
		return nil, fmt.Errorf("vector search: query has %d dimensions, want %d", len(qvec), v.dims)
	}
	switch q := l2Norm(qvec); {
	case q == 0:
		// Chromem would divide by this norm and rank by NaN.
		return nil, nil
	case !(math.Abs(q-1) <= unitTolerance): // NaN too
		return nil, fmt.Errorf("vector search: query norm is %g, want 1", q)
	}
	// Chromem keeps the k best in a heap per goroutine, so among documents
	// tied at the k-th place which ones survive is up to its goroutines:
	// topN makes the cut exact. Only ID and Similarity are read from the
	// results; their Embedding and Metadata point into chromem's storage and
	// are left alone.
	return topN(n, v.count, func(k int) ([]Hit, error) {
		res, err := v.coll.QueryEmbedding(ctx, qvec, k, nil, nil)
		if err == nil {
			// Chromem's scan stops without an error when ctx is done, and
			// returns what it had.
			err = ctx.Err()
		}
		if err != nil {
			return nil, fmt.Errorf("vector search: %w", err)
		}
		hits := make([]Hit, len(res))
		for i, d := range res {
			hits[i] = Hit{ID: d.ID, Score: float64(d.Similarity)}
		}
		return hits, nil
	})
}
