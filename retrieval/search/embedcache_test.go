package search_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/openai"
	"github.com/summitbot/summitbot/retrieval/openai/openaitest"
	"github.com/summitbot/summitbot/retrieval/retrievaltest"
	"github.com/summitbot/summitbot/retrieval/search"
)

func fakeEmbedder(srv *openaitest.Server) *openai.Embedder {
	return openai.NewEmbedder(openai.Config{
		BaseURL: srv.BaseURL(),
		Model:   "fake-embed",
		Timeout: 10 * time.Second,
		Retry:   openai.Retry{Attempts: 1},
	}, 16, 0)
}

// testLogger writes to the test's log, and to buf when not nil.
func testLogger(t *testing.T, buf *bytes.Buffer) *slog.Logger {
	w := tlogWriter{t: t, buf: buf}
	return slog.New(slog.NewTextHandler(w, nil))
}

type tlogWriter struct {
	t   *testing.T
	buf *bytes.Buffer
}

func (w tlogWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	if w.buf != nil {
		w.buf.Write(p)
	}
	return len(p), nil
}

func TestOpenAIEmbedderConformance(t *testing.T) {
	srv := openaitest.New(t)
	t.Run("plain", func(t *testing.T) { search.CheckEmbedder(t, fakeEmbedder(srv)) })
	t.Run("cached", func(t *testing.T) {
		search.CheckEmbedder(t, search.NewCachedEmbedder(fakeEmbedder(srv), filepath.Join(t.TempDir(), "v.bin"), 4, testLogger(t, nil)))
	})
	t.Run("cached local", func(t *testing.T) {
		search.CheckEmbedder(t, search.NewCachedEmbedder(search.NewLocalEmbedder(0), filepath.Join(t.TempDir(), "v.bin"), 0, nil))
	})
}

// buildIndex builds an index of the corpus in dir (the embedded one if
// "") with the fake model behind a cache in cachePath, and returns how
// many texts the server embedded for it.
func buildIndex(t *testing.T, srv *openaitest.Server, dir, cachePath string, buf *bytes.Buffer) (*search.Index, *search.CachedEmbedder, int) {
	t.Helper()
	fsys := corpus.Default()
	if dir != "" {
		fsys = corpus.Dir(dir)
	}
	c, err := corpus.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	before := srv.EmbeddedTexts()
	emb := search.NewCachedEmbedder(fakeEmbedder(srv), cachePath, 8, testLogger(t, buf))
	ix, err := search.NewIndex(t.Context(), c, emb, search.WithQueryEmbedder(emb))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix, emb, srv.EmbeddedTexts() - before
}

func TestEmbeddingCacheAcrossRestarts(t *testing.T) {
	srv := openaitest.New(t)
	path := filepath.Join(t.TempDir(), "cache", "vectors.bin")

	ix1, _, first := buildIndex(t, srv, "", path, nil)
	if first == 0 {
		t.Fatal("the first build embedded nothing")
	}
	batches := srv.EmbedBatches()
	full := 0
	for i, b := range batches {
		if len(b) > 16 {
			t.Errorf("batch %d has %d texts, more than the batch size 16", i, len(b))
		}
		if len(b) == 16 {
			full++
		}
	}
	// Passages and sentences are embedded in two calls; each ends with at
	// most one batch that is not full.
	if full < len(batches)-2 {
		t.Errorf("%d of %d batches are full", full, len(batches))
	}
	q := "How long did the handshake last?"
	p1, err := ix1.Search(t.Context(), q, 5, retrieval.Hybrid)
	if err != nil {
		t.Fatal(err)
	}

	// A restart reads the file: no text is embedded again, and retrieval
	// is the same.
	requests := len(srv.EmbedBatches())
	ix2, emb2, second := buildIndex(t, srv, "", path, nil)
	if second != 0 || len(srv.EmbedBatches()) != requests {
		t.Errorf("restart embedded %d texts in %d requests, want none", second, len(srv.EmbedBatches())-requests)
	}
	p2, err := ix2.Search(t.Context(), q, 5, retrieval.Hybrid)
	if err != nil {
		t.Fatal(err)
	}
	for i := range p1 {
		if p1[i].Chunk.ID != p2[i].Chunk.ID {
			t.Errorf("rank %d: %s before the restart, %s after", i+1, p1[i].Chunk.ID, p2[i].Chunk.ID)
		}
	}
	// The question was embedded once; asked again, it comes from the LRU.
	if _, err := ix2.Search(t.Context(), q, 5, retrieval.Hybrid); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.EmbedBatches()) - requests; n != 1 {
		t.Errorf("asking the same question twice made %d embedding requests, want 1", n)
	}
	if s := emb2.Stats(); s.Misses != 1 || s.Vectors == 0 {
		t.Errorf("stats %+v", s)
	}
}

func TestEmbeddingCacheChangedArticle(t *testing.T) {
	srv := openaitest.New(t)
	dir := copyCorpus(t)
	path := filepath.Join(t.TempDir(), "vectors.bin")
	buildIndex(t, srv, dir, path, nil)

	art := filepath.Join(dir, "001_5737a94f8a60fb50.txt")
	b, err := os.ReadFile(art)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(art, append(b, "\n\nThe two leaders later exchanged rifles as gifts, officials said."...), 0o644); err != nil {
		t.Fatal(err)
	}
	before := len(srv.EmbedBatches())
	ix, _, n := buildIndex(t, srv, dir, path, nil)
	if n == 0 {
		t.Fatal("the changed article was not embedded again")
	}
	changed, _ := ix.Article("ap-siberian-summit")
	chunks := 0
	for _, c := range ix.Corpus().Chunks {
		if c.ArticleID == changed.ID {
			chunks += 1 + len(c.Sentences)
		}
	}
	if n > chunks {
		t.Errorf("embedded %d texts; the changed article has only %d passages and sentences", n, chunks)
	}
	for _, batch := range srv.EmbedBatches()[before:] {
		for _, text := range batch {
			own, _, _ := strings.Cut(text, " \n") // alias expansion follows
			tail := own[max(0, len(own)-40):]
			if !strings.Contains(changed.Text, tail) {
				t.Errorf("re-embedded a text of another article: %q", text)
			}
		}
	}
}

func TestEmbeddingCacheCorruptFile(t *testing.T) {
	srv := openaitest.New(t)
	path := filepath.Join(t.TempDir(), "vectors.bin")
	_, _, first := buildIndex(t, srv, "", path, nil)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string][]byte{
		"garbage":   []byte("not a cache at all"),
		"truncated": data[:len(data)/2],
		"bit flip":  append(append([]byte(nil), data[:len(data)/2]...), append([]byte{data[len(data)/2] ^ 1}, data[len(data)/2+1:]...)...),
		"empty":     nil,
	} {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(path, bad, 0o644); err != nil {
				t.Fatal(err)
			}
			var log bytes.Buffer
			_, _, n := buildIndex(t, srv, "", path, &log)
			if n != first || !strings.Contains(log.String(), "rebuilding") {
				t.Errorf("embedded %d texts (want all %d again); log %q", n, first, log.String())
			}
			// The rebuilt file serves the next restart.
			if _, _, n := buildIndex(t, srv, "", path, nil); n != 0 {
				t.Errorf("after the rebuild a restart embedded %d texts", n)
			}
		})
	}
}

// TestEmbeddingCacheOtherModel: a cache written for one model is not used
// for another: it is replaced, not mixed.
func TestEmbeddingCacheOtherModel(t *testing.T) {
	srv := openaitest.New(t)
	path := filepath.Join(t.TempDir(), "vectors.bin")
	local := search.NewCachedEmbedder(search.NewLocalEmbedder(256), path, 0, nil)
	if _, err := local.Embed(t.Context(), []string{"Where did they meet?", "Vostochny"}); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	emb := search.NewCachedEmbedder(fakeEmbedder(srv), path, 0, testLogger(t, &log))
	if _, err := emb.Embed(t.Context(), []string{"Where did they meet?", "Vostochny"}); err != nil {
		t.Fatal(err)
	}
	if srv.EmbeddedTexts() != 2 || !strings.Contains(log.String(), "another model") {
		t.Errorf("embedded %d texts, log %q", srv.EmbeddedTexts(), log.String())
	}
	if s := emb.Stats(); s.Vectors != 2 {
		t.Errorf("cache holds %d vectors, want the new model's 2", s.Vectors)
	}
}

// TestEmbeddingCacheDimensionChange: the server starts returning vectors
// of another length under the same model name: the cache is dropped and
// the call re-embeds everything, rather than mixing lengths.
func TestEmbeddingCacheDimensionChange(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vectors.bin")
	srv := openaitest.New(t)
	first := search.NewCachedEmbedder(fakeEmbedder(srv), path, 0, nil)
	if _, err := first.Embed(t.Context(), []string{"Where did they meet?"}); err != nil {
		t.Fatal(err)
	}
	srv2 := openaitest.New(t)
	srv2.Dims = 128
	var log bytes.Buffer
	emb := search.NewCachedEmbedder(fakeEmbedder(srv2), path, 0, testLogger(t, &log))
	vecs, err := emb.Embed(context.Background(), []string{"Where did they meet?", "Vostochny"})
	if err != nil {
		t.Fatal(err)
	}
	if len(vecs[0]) != 128 || len(vecs[1]) != 128 || !strings.Contains(log.String(), "changed dimensions") {
		t.Errorf("lengths %d, %d; log %q", len(vecs[0]), len(vecs[1]), log.String())
	}
}

var copyCorpus = retrievaltest.CopyCorpus

// TestEmbeddingCacheStats: a text repeated within one call is embedded once
// and counted as a repeat, not as a hit, so that an empty cache reports
// nothing already cached; a later call finds it in the cache.
func TestEmbeddingCacheStats(t *testing.T) {
	srv := openaitest.New(t)
	emb := search.NewCachedEmbedder(fakeEmbedder(srv), filepath.Join(t.TempDir(), "vectors.bin"), 0, nil)
	wire := "Kim arrived by armoured train."
	if _, err := emb.Embed(t.Context(), []string{wire, "Putin greeted him.", wire, wire}); err != nil {
		t.Fatal(err)
	}
	if s, want := emb.Stats(), (search.CacheStats{Misses: 2, Repeats: 2, Vectors: 2}); s != want {
		t.Errorf("after the first call: %+v, want %+v", s, want)
	}
	if _, err := emb.Embed(t.Context(), []string{wire, "They talked for two hours."}); err != nil {
		t.Fatal(err)
	}
	if s, want := emb.Stats(), (search.CacheStats{Hits: 1, Misses: 3, Repeats: 2, Vectors: 3}); s != want {
		t.Errorf("after the second call: %+v, want %+v", s, want)
	}
	if n := srv.EmbeddedTexts(); n != 3 {
		t.Errorf("the server embedded %d texts, want 3", n)
	}
}
