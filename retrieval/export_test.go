package retrieval

import "context"

// CheckEmbedder runs the Embedder conformance suite; it is exported to the
// external tests, which may import the embedders of other packages.
var CheckEmbedder = testEmbedder

// NewVectorStoreParts is NewVectorStore with the number of chromem
// collections chosen, for BenchmarkVectorStorePartitions.
func NewVectorStoreParts(ctx context.Context, docs []Doc, vecs [][]float32, parts int) (*VectorStore, error) {
	dims := 0
	if len(vecs) > 0 {
		dims = len(vecs[0])
	}
	return newVectorStore(ctx, docs, vecs, dims, parts)
}
