package retrieval

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

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
// A large store is split into several chromem collections, searched side by
// side. Chromem visits every document of a collection through a map and a
// channel before it computes a single similarity, a cost that one sending
// goroutine pays alone; four collections of 25,000 share it out over the
// cores. Results are the
// same whatever the split: each collection gives its best, and the merge
// breaks ties by ID.
type VectorStore struct {
	parts []*chromem.Collection
	dims  int
	count int
}

// partitionSize is how many documents make it worth another collection
// (BenchmarkVectorStorePartitions, 100,000 vectors of 512 dimensions: one
// collection 83 ms a search, four 70 ms).
const partitionSize = 25_000

// maxPartitions bounds the split: past four, more goroutines only contend.
const maxPartitions = 4

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
	return newVectorStore(ctx, docs, vecs, dims, min(maxPartitions, max(1, len(docs)/partitionSize)))
}

// newVectorStore is NewVectorStore with the number of collections given,
// once docs and vecs have passed its checks.
func newVectorStore(ctx context.Context, docs []Doc, vecs [][]float32, dims, n int) (*VectorStore, error) {
	v := &VectorStore{dims: dims}
	noEmbed := func(context.Context, string) ([]float32, error) { return nil, errNoEmbedding }
	// A fresh DB per store: nothing is shared with, or left behind for, the
	// next index.
	db := chromem.NewDB()
	for p := range n {
		coll, err := db.CreateCollection(fmt.Sprintf("passages-%d", p), nil, noEmbed)
		if err != nil {
			return nil, fmt.Errorf("vector store: %w", err)
		}
		v.parts = append(v.parts, coll)
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
		if err := v.parts[i%n].AddDocument(ctx, doc); err != nil {
			return nil, fmt.Errorf("vector store: add %s: %w", d.ID, err)
		}
	}
	v.count = len(docs)
	return v, nil
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
	// Chromem keeps the k best in a heap, so among documents tied at the
	// k-th place which ones survive is up to its goroutines: topN makes the
	// cut exact. With several collections, each is asked for k; every
	// document tied with the n-th was fetched as long as no collection's
	// last fetched score reaches it. Only ID and Similarity are read from
	// the results; their Embedding and Metadata point into chromem's storage
	// and are left alone.
	return topN(n, func(k int) ([]Hit, func(float64) bool, error) {
		hits, complete, err := v.query(ctx, qvec, k)
		if err == nil {
			// Chromem's scan stops without an error when ctx is done, and
			// returns what it had.
			err = ctx.Err()
		}
		if err != nil {
			return nil, nil, fmt.Errorf("vector search: %w", err)
		}
		return hits, complete, nil
	})
}

// query asks every collection for its k best documents, side by side. The
// function it returns reports whether every document scoring at least s was
// among them: true when each collection either gave all it has or gave one
// scoring below s.
func (v *VectorStore) query(ctx context.Context, qvec []float32, k int) ([]Hit, func(s float64) bool, error) {
	type result struct {
		hits []Hit
		all  bool    // the collection gave every document it has
		last float64 // the lowest score it gave
		err  error
	}
	results := make([]result, len(v.parts))
	ask := func(i int) {
		coll := v.parts[i]
		kk := min(k, coll.Count())
		if kk == 0 {
			results[i] = result{all: true}
			return
		}
		res, err := coll.QueryEmbedding(ctx, qvec, kk, nil, nil)
		if err != nil {
			results[i] = result{err: err}
			return
		}
		r := result{all: kk == coll.Count() || len(res) < kk, hits: make([]Hit, len(res))}
		for j, d := range res {
			r.hits[j] = Hit{ID: d.ID, Score: float64(d.Similarity)}
		}
		if len(res) > 0 {
			r.last = r.hits[len(res)-1].Score
		}
		results[i] = r
	}
	if len(v.parts) == 1 {
		ask(0)
	} else {
		var wg sync.WaitGroup
		for i := range v.parts {
			wg.Go(func() { ask(i) })
		}
		wg.Wait()
	}
	var hits []Hit
	for _, r := range results {
		if r.err != nil {
			return nil, nil, r.err
		}
		hits = append(hits, r.hits...)
	}
	complete := func(s float64) bool {
		for _, r := range results {
			if !r.all && r.last >= s {
				return false
			}
		}
		return true
	}
	return hits, complete, nil
}
