package search

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/summitbot/summitbot/retrieval"
)

// CachedEmbedder keeps the vectors of another Embedder, so that a restart
// or a reload embeds only the texts it has not seen: with a paid or slow
// embedding model, the corpus is embedded once.
//
// Passage and sentence vectors (Embed) persist in one file, keyed by the
// SHA-256 of the text under the model's name, and written whole to a
// temporary file that is then renamed over the old one, so that a crash
// never leaves half a file. A file written for another model is ignored and
// replaced; a file that cannot be read (truncated, corrupt, another format)
// is logged and rebuilt. Question vectors (EmbedQuery) are kept in memory
// only, in a bounded LRU, since questions are many and rarely repeat.
//
// Vectors returned are shared with the cache: callers must not change them.
// A CachedEmbedder is safe for concurrent use.
type CachedEmbedder struct {
	next    retrieval.Embedder
	model   string
	path    string
	log     *slog.Logger
	queries *lru.Cache[string, []float32]

	// Progress, when set before the first Embed, is called as the texts
	// that were not cached are embedded: done of total, for one Embed
	// call, and what they are (retrieval.EmbedWhatOf the call's context:
	// "passages", "sentences", or "texts").
	Progress func(what string, done, total int)

	hits, misses, repeats atomic.Int64

	mu   sync.Mutex
	vecs map[[32]byte][]float32
	dims int

	saving sync.Mutex // one writer of the file at a time
}

// DefaultQueryCache is how many question vectors a CachedEmbedder keeps.
const DefaultQueryCache = 1024

// NewCachedEmbedder returns next with its vectors cached in the file at
// path (created when first needed) and up to queries question vectors in
// memory (DefaultQueryCache when <= 0). It reads the file now; a file it
// cannot use is logged and replaced at the next save.
func NewCachedEmbedder(next retrieval.Embedder, path string, queries int, log *slog.Logger) *CachedEmbedder {
	if queries <= 0 {
		queries = DefaultQueryCache
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	q, _ := lru.New[string, []float32](queries) // errs only for a size <= 0
	c := &CachedEmbedder{next: next, model: next.Model(), path: path, log: log, queries: q,
		vecs: make(map[[32]byte][]float32)}
	switch vecs, dims, err := readVectorFile(path, c.model); {
	case errors.Is(err, fs.ErrNotExist):
	case errors.Is(err, errOtherModel):
		log.Info("embedding cache is for another model; starting afresh", "file", path, "err", err)
	case err != nil:
		log.Warn("embedding cache unreadable; rebuilding it", "file", path, "err", err)
	default:
		c.vecs, c.dims = vecs, dims
		log.Debug("embedding cache loaded", "file", path, "vectors", len(vecs), "dims", dims)
	}
	return c
}

// Model implements Embedder: the model of the embedder it caches.
func (c *CachedEmbedder) Model() string { return c.model }

// CacheStats counts what a CachedEmbedder found and did not find.
type CacheStats struct {
	Hits   int64 // texts whose vectors were in the cache
	Misses int64 // texts sent to the embedder
	// Repeats are texts that repeat another of the same Embed call word
	// for word (wire copy that several articles ran): embedded once with
	// it, and neither hits nor misses.
	Repeats int64
	Vectors int // in the file's cache now
}

// Stats returns the counts so far.
func (c *CachedEmbedder) Stats() CacheStats {
	c.mu.Lock()
	n := len(c.vecs)
	c.mu.Unlock()
	return CacheStats{Hits: c.hits.Load(), Misses: c.misses.Load(), Repeats: c.repeats.Load(), Vectors: n}
}

// Embed implements Embedder: cached vectors come from the cache, the others
// from the wrapped Embedder, and the file is saved if any were new.
func (c *CachedEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("cached embed: %w", err)
	}
	out, err := c.embed(ctx, texts)
	if errors.Is(err, errDimsChanged) {
		// The model now gives vectors of another length: what is cached
		// cannot be used with them. Start over once, with an empty cache.
		out, err = c.embed(ctx, texts)
	}
	return out, err
}

var errDimsChanged = errors.New("the embedding model changed dimensions")

func (c *CachedEmbedder) embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	keys := make([][32]byte, len(texts))
	var missing []int
	hits := 0
	seen := make(map[[32]byte]bool)
	c.mu.Lock()
	for i, t := range texts {
		keys[i] = sha256.Sum256([]byte(t))
		if v, ok := c.vecs[keys[i]]; ok {
			out[i] = v
			hits++
		} else if !seen[keys[i]] {
			seen[keys[i]] = true
			missing = append(missing, i)
		}
	}
	c.mu.Unlock()
	// A repeated text is embedded once: counting its repeats as hits made
	// an empty cache report "3 already cached".
	c.hits.Add(int64(hits))
	c.misses.Add(int64(len(missing)))
	c.repeats.Add(int64(len(texts) - hits - len(missing)))
	if len(missing) == 0 {
		return out, nil
	}

	progress := c.progress(ctx)
	step := len(missing)
	if b, ok := c.next.(interface{ BatchSize() int }); ok && b.BatchSize() > 0 && progress != nil {
		step = b.BatchSize()
	}
	fresh := make(map[[32]byte][]float32, len(missing))
	for start := 0; start < len(missing); start += step {
		part := missing[start:min(start+step, len(missing))]
		in := make([]string, len(part))
		for k, i := range part {
			in[k] = texts[i]
		}
		vecs, err := c.next.Embed(ctx, in)
		if err != nil {
			return nil, err
		}
		if len(vecs) != len(in) {
			return nil, fmt.Errorf("cached embed: %s returned %d vectors for %d texts", c.model, len(vecs), len(in))
		}
		for k, i := range part {
			fresh[keys[i]] = vecs[k]
		}
		if progress != nil {
			progress(start+len(part), len(missing))
		}
	}

	c.mu.Lock()
	for _, v := range fresh {
		if c.dims == 0 {
			c.dims = len(v)
		}
		if len(v) != c.dims {
			c.log.Warn("embedding model changed dimensions; dropping the cache", "model", c.model, "cached", c.dims, "now", len(v))
			clear(c.vecs)
			c.dims = 0
			c.mu.Unlock()
			return nil, errDimsChanged
		}
	}
	for k, v := range fresh {
		c.vecs[k] = v
	}
	for i := range out {
		if out[i] == nil {
			out[i] = c.vecs[keys[i]]
		}
	}
	c.mu.Unlock()
	if err := c.save(); err != nil {
		// The vectors are good; only the next restart pays for them again.
		c.log.Warn("embedding cache not saved", "file", c.path, "err", err)
	}
	return out, nil
}

// progress returns what to tell of an Embed call's progress: the Progress
// field and the context's EmbedProgress, or nil when neither is set.
func (c *CachedEmbedder) progress(ctx context.Context) func(done, total int) {
	field, caller := c.Progress, retrieval.EmbedProgressOf(ctx)
	if field == nil {
		return caller
	}
	what := retrieval.EmbedWhatOf(ctx)
	own := func(done, total int) { field(what, done, total) }
	if caller == nil {
		return own
	}
	return func(done, total int) {
		own(done, total)
		caller(done, total)
	}
}

// EmbedQuery implements QueryEmbedder: a question's vector comes from the
// LRU, or the file's cache (a question may repeat a passage), or the
// wrapped Embedder.
func (c *CachedEmbedder) EmbedQuery(ctx context.Context, text string) ([]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("cached embed: %w", err)
	}
	if v, ok := c.queries.Get(text); ok {
		c.hits.Add(1)
		return v, nil
	}
	key := sha256.Sum256([]byte(text))
	c.mu.Lock()
	v, ok := c.vecs[key]
	c.mu.Unlock()
	if ok {
		c.hits.Add(1)
		return v, nil
	}
	c.misses.Add(1)
	vecs, err := c.next.Embed(ctx, []string{text})
	if err != nil {
		return nil, err
	}
	if len(vecs) != 1 {
		return nil, fmt.Errorf("cached embed: %s returned %d vectors for 1 text", c.model, len(vecs))
	}
	c.queries.Add(text, vecs[0])
	return vecs[0], nil
}

// save writes every cached vector to the file, through a temporary file
// and a rename.
func (c *CachedEmbedder) save() error {
	if c.path == "" {
		return nil
	}
	c.saving.Lock()
	defer c.saving.Unlock()
	c.mu.Lock()
	data := encodeVectorFile(c.model, c.dims, c.vecs)
	c.mu.Unlock()
	dir := filepath.Dir(c.path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(c.path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), c.path)
}

// The vector file: vectorMagic; a little-endian uint32 length and that many
// bytes of JSON header (vectorHeader); then per vector the 32-byte SHA-256
// of its text and dims little-endian float32s; then the SHA-256 of all
// that precedes it, so that any damage is detected rather than served.
const vectorMagic = "summitbot-vectors\x00v1\n"

type vectorHeader struct {
	Model string `json:"model"`
	Dims  int    `json:"dims"`
	Count int    `json:"count"`
}

var errOtherModel = errors.New("the cache holds another model's vectors")

func encodeVectorFile(model string, dims int, vecs map[[32]byte][]float32) []byte {
	hdr, _ := json.Marshal(vectorHeader{Model: model, Dims: dims, Count: len(vecs)})
	var b bytes.Buffer
	b.Grow(len(vectorMagic) + 4 + len(hdr) + len(vecs)*(32+4*dims) + 32)
	b.WriteString(vectorMagic)
	b.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(hdr))))
	b.Write(hdr)
	var f [4]byte
	for k, v := range vecs {
		b.Write(k[:])
		for _, x := range v {
			binary.LittleEndian.PutUint32(f[:], math.Float32bits(x))
			b.Write(f[:])
		}
	}
	sum := sha256.Sum256(b.Bytes())
	b.Write(sum[:])
	return b.Bytes()
}

func readVectorFile(path, model string) (map[[32]byte][]float32, int, error) {
	if path == "" {
		return nil, 0, fs.ErrNotExist
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	corrupt := func(what string) error { return fmt.Errorf("%s: not a vector cache: %s", path, what) }
	if len(data) < len(vectorMagic)+4+32 || string(data[:len(vectorMagic)]) != vectorMagic {
		return nil, 0, corrupt("bad header")
	}
	body, sum := data[:len(data)-32], data[len(data)-32:]
	if got := sha256.Sum256(body); !bytes.Equal(got[:], sum) {
		return nil, 0, corrupt("checksum mismatch")
	}
	rest := body[len(vectorMagic):]
	n := int(binary.LittleEndian.Uint32(rest))
	rest = rest[4:]
	if n > len(rest) {
		return nil, 0, corrupt("header length")
	}
	var h vectorHeader
	if err := json.Unmarshal(rest[:n], &h); err != nil {
		return nil, 0, corrupt(err.Error())
	}
	rest = rest[n:]
	if h.Model != model {
		return nil, 0, fmt.Errorf("%w: %q, not %q", errOtherModel, h.Model, model)
	}
	if h.Dims < 0 || h.Count < 0 || len(rest) != h.Count*(32+4*h.Dims) {
		return nil, 0, corrupt("size does not match the header")
	}
	vecs := make(map[[32]byte][]float32, h.Count)
	for range h.Count {
		var k [32]byte
		copy(k[:], rest)
		rest = rest[32:]
		v := make([]float32, h.Dims)
		for j := range v {
			v[j] = math.Float32frombits(binary.LittleEndian.Uint32(rest[4*j:]))
		}
		rest = rest[4*h.Dims:]
		if n := l2Norm(v); n != 0 && !(math.Abs(n-1) <= unitTolerance) {
			return nil, 0, corrupt("a vector is not of unit length")
		}
		vecs[k] = v
	}
	return vecs, h.Dims, nil
}
