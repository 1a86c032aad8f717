package retrieval

import (
	"cmp"
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
type VectorStore struct {
	coll *chromem.Collection
	dims int
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
	v := &VectorStore{}
	for i, vec := range vecs {
		if i == 0 {
			v.dims = len(vec)
		}
		if len(vec) == 0 || len(vec) != v.dims {
			return nil, fmt.Errorf("vector store: document %s: vector has %d dimensions, want %d", docs[i].ID, len(vec), v.dims)
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
	// when no embedding has to be computed. Chromem keeps the slice it is
	// given, so each vector is copied: the caller may reuse its own.
	for i, d := range docs {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("vector store: %w", err)
		}
		doc := chromem.Document{ID: d.ID, Embedding: slices.Clone(vecs[i])}
		if err := coll.AddDocument(ctx, doc); err != nil {
			return nil, fmt.Errorf("vector store: add %s: %w", d.ID, err)
		}
	}
	v.coll = coll
	return v, nil
}

// Len returns the number of documents stored.
func (v *VectorStore) Len() int { return v.coll.Count() }

// Search returns up to n documents by cosine similarity to qvec, a unit vector
// from the same Embedder as the documents', best first, equal similarities in
// order of ID. It returns nil for n <= 0, an empty store, or a zero qvec (a
// query with nothing to embed is similar to nothing).
func (v *VectorStore) Search(ctx context.Context, qvec []float32, n int) ([]Hit, error) {
	count := v.coll.Count()
	n = min(n, count)
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
	// Chromem keeps the k best in a heap, so among documents tied at the
	// k-th place which ones survive is up to its goroutines. Asking for more
	// than n and sorting with the ID as tie-break makes the first n
	// deterministic as long as the n-th score is above the last one fetched:
	// then every document tied with the n-th is among those fetched. When it
	// is not (ties reach the end), fetch twice as many. Asking for all of
	// them every time was exact too, but at 100,000 passages sorting and
	// copying the whole collection cost more than the scan. Only ID and
	// Similarity are read from the results; their Embedding and Metadata
	// point into chromem's storage and are left alone.
	k := min(count, max(2*n, n+16))
	for {
		res, err := v.coll.QueryEmbedding(ctx, qvec, k, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("vector search: %w", err)
		}
		hits := make([]Hit, len(res))
		for i, r := range res {
			hits[i] = Hit{ID: r.ID, Score: float64(r.Similarity)}
		}
		sortHits(hits)
		if k == count || len(hits) < k || hits[n-1].Score > hits[len(hits)-1].Score {
			return hits[:min(n, len(hits))], nil
		}
		k = min(count, 2*k)
	}
}

// sortHits orders hits by score, highest first, then by ID.
func sortHits(hits []Hit) {
	slices.SortFunc(hits, func(a, b Hit) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}
