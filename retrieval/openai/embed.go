package openai

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"unicode"

	goopenai "github.com/sashabaranov/go-openai"
)

// DefaultBatchSize is how many texts one embeddings request carries when
// the configuration does not say. OpenAI accepts up to 2,048 inputs; local
// servers are happier with fewer.
const DefaultBatchSize = 64

// Embedder embeds texts with an embedding model behind /v1/embeddings. It
// implements retrieval.Embedder and is safe for concurrent use.
//
// Texts are sent in batches of BatchSize, one request after the other, and
// each result is placed by its index, not by its position in the reply.
// Every vector is checked (all of one length, the configured Dimensions if
// any, finite) and scaled to unit length. A text without a letter or digit
// is not sent (servers reject empty input): it gets the zero vector, as
// retrieval.Embedder asks.
type Embedder struct {
	cfg       Config
	client    *goopenai.Client
	batchSize int

	confDims int // the configured length, 0 if none; part of Model

	mu   sync.Mutex
	dims int // the length every vector must have; learnt from the first reply if not configured
}

// NewEmbedder returns an Embedder for cfg. batchSize <= 0 means
// DefaultBatchSize; dims > 0 fixes the vector length expected (and names it
// in Model), 0 learns it from the first reply.
func NewEmbedder(cfg Config, batchSize, dims int) *Embedder {
	if batchSize <= 0 {
		batchSize = DefaultBatchSize
	}
	return &Embedder{cfg: cfg, client: newClient(cfg), batchSize: batchSize, confDims: dims, dims: dims}
}

// Model implements retrieval.Embedder: "openai:" and the model's name, and
// its dimensions when configured. It is what caches and calibrations are
// keyed by.
func (e *Embedder) Model() string {
	m := "openai:" + e.cfg.Model
	if e.cfg.Model == "" {
		m = "openai:default"
	}
	if e.confDims > 0 {
		m += fmt.Sprintf("/%d", e.confDims)
	}
	return m
}

// BatchSize is the number of texts per request.
func (e *Embedder) BatchSize() int { return e.batchSize }

// Embed implements retrieval.Embedder.
func (e *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("embed: %w", err)
	}
	out := make([][]float32, len(texts))
	var send []int // indexes of the texts to send
	for i, t := range texts {
		if strings.ContainsFunc(t, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			send = append(send, i)
		}
	}
	for start := 0; start < len(send); start += e.batchSize {
		batch := send[start:min(start+e.batchSize, len(send))]
		in := make([]string, len(batch))
		for k, i := range batch {
			in[k] = texts[i]
		}
		vecs, err := e.embedBatch(ctx, in)
		if err != nil {
			return nil, err
		}
		for k, i := range batch {
			out[i] = vecs[k]
		}
	}
	if len(send) < len(texts) {
		dims, err := e.dimensions(ctx)
		if err != nil {
			return nil, err
		}
		for i := range out {
			if out[i] == nil {
				out[i] = make([]float32, dims)
			}
		}
	}
	return out, nil
}

// dimensions returns the vector length, asking the server once if no
// reply has told it yet.
func (e *Embedder) dimensions(ctx context.Context) (int, error) {
	e.mu.Lock()
	d := e.dims
	e.mu.Unlock()
	if d > 0 {
		return d, nil
	}
	vecs, err := e.embedBatch(ctx, []string{"dimension probe"})
	if err != nil {
		return 0, err
	}
	return len(vecs[0]), nil
}

// embedBatch embeds one request's worth of texts.
func (e *Embedder) embedBatch(ctx context.Context, in []string) ([][]float32, error) {
	var resp goopenai.EmbeddingResponse
	op := fmt.Sprintf("embed %d texts with %s", len(in), e.cfg.Model)
	err := e.cfg.do(ctx, op, func(ctx context.Context) error {
		var err error
		resp, err = e.client.CreateEmbeddings(ctx, goopenai.EmbeddingRequestStrings{
			Input: in,
			Model: goopenai.EmbeddingModel(e.cfg.Model),
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(resp.Data) != len(in) {
		return nil, fmt.Errorf("%s: the server returned %d vectors", op, len(resp.Data))
	}
	out := make([][]float32, len(in))
	for _, d := range resp.Data {
		if d.Index < 0 || d.Index >= len(in) || out[d.Index] != nil {
			return nil, fmt.Errorf("%s: the server returned index %d twice or out of range", op, d.Index)
		}
		if err := e.checkDims(len(d.Embedding)); err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		v := d.Embedding
		if !normalize(v) {
			return nil, fmt.Errorf("%s: vector %d is zero or not finite", op, d.Index)
		}
		out[d.Index] = v
	}
	return out, nil
}

// checkDims holds every vector to the length of the first (or the
// configured one): vectors of different lengths cannot be compared.
func (e *Embedder) checkDims(n int) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case n == 0:
		return fmt.Errorf("the server returned an empty vector")
	case e.dims == 0:
		e.dims = n
	case n != e.dims:
		return fmt.Errorf("the server returned a vector of %d dimensions, want %d", n, e.dims)
	}
	return nil
}

// normalize scales v in place to unit length; false if it has none.
func normalize(v []float32) bool {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	if sum == 0 || math.IsInf(sum, 0) || math.IsNaN(sum) {
		return false
	}
	inv := 1 / math.Sqrt(sum)
	for i, x := range v {
		v[i] = float32(float64(x) * inv)
	}
	return true
}
