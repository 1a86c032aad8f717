package retrieval

import "context"

// Embedder turns texts into unit-length vectors (L2 norm 1), one per text, in
// order.
//
// A text with nothing to embed (empty, only punctuation, only stop words) gets
// an all-zero vector of the usual length instead: a dot product with it is 0
// for every other vector, which is the honest similarity of "no information",
// where any unit vector chosen for it would match some passages by accident.
// VectorStore rejects a zero document vector and finds nothing for a zero
// query vector.
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
	// Model identifies the model, its version and its dimensions, e.g.
	// "local-hash-v1/1024". Vectors from different Model values must not be
	// compared, so it belongs in any cache key.
	Model() string
}

type embedProgressKey struct{}

// WithEmbedProgress returns ctx carrying f, which embedders that embed in
// batches (CachedEmbedder) call as an Embed under ctx embeds the texts it
// does not have: done of total, for that Embed call, after each batch.
// Building an index makes two such calls (passages, then sentences), so a
// reload can show how far it has got without the embedder knowing who
// asked. f runs on the embedding goroutine and must not block for long.
func WithEmbedProgress(ctx context.Context, f func(done, total int)) context.Context {
	return context.WithValue(ctx, embedProgressKey{}, f)
}

// EmbedProgressOf returns the function WithEmbedProgress put in ctx, or nil.
func EmbedProgressOf(ctx context.Context) func(done, total int) {
	f, _ := ctx.Value(embedProgressKey{}).(func(done, total int))
	return f
}

type embedWhatKey struct{}

// WithEmbedWhat returns ctx saying what an Embed under it embeds, such as
// "passages" or "sentences", so that a progress report (CachedEmbedder's
// Progress) can name what it counts.
func WithEmbedWhat(ctx context.Context, what string) context.Context {
	return context.WithValue(ctx, embedWhatKey{}, what)
}

// EmbedWhatOf returns what WithEmbedWhat put in ctx, or "texts".
func EmbedWhatOf(ctx context.Context) string {
	if w, ok := ctx.Value(embedWhatKey{}).(string); ok && w != "" {
		return w
	}
	return "texts"
}
