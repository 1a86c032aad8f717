package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// runIndex embeds every passage and sentence with the configured embedding
// model and saves the vectors in the cache file, so that `serve` and the
// other commands start without embedding anything.
func runIndex(ctx context.Context, e *env, args []string) error {
	fs, cfgPath := newFlags("index", e)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: index takes no arguments, got %q", errUsage, pos[0])
	}
	cfg, err := LoadConfig(*cfgPath, e.getenv)
	if err != nil {
		return err
	}
	if cfg.Retrieval.Embedder != "openai" {
		fmt.Fprintln(e.stdout, "retrieval.embedder is "+cfg.Retrieval.Embedder+", an offline embedder: its vectors are computed at start-up in a fraction of a second; there is nothing to cache.")
		return nil
	}
	p := newProgress(e.stderr)
	start := time.Now()
	g, err := build(ctx, cfg, e.getenv, e.stderr, buildOptions{progress: p.update})
	p.finish()
	if err != nil {
		return err
	}
	defer g.Close()
	path, _ := cachePath(cfg.Embedding.Cache)
	st := g.cache.Stats()
	fmt.Fprintf(e.stdout, "indexed %d articles (%d passages) with %s in %s: %d texts embedded, %d already cached%s; %d vectors in %s\n",
		g.loaded.Articles, g.loaded.Chunks, g.embedder.Model(), time.Since(start).Round(time.Millisecond), st.Misses, st.Hits, repeated(st.Repeats), st.Vectors, path)
	return nil
}

// repeated notes the texts that repeat another word for word, which are
// embedded once.
func repeated(n int64) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(", %d repeated word for word", n)
}

// progress shows how far embedding has got: a bar when standard error is
// a terminal, else a plain line per batch (for logs and CI).
type progress struct {
	w     io.Writer
	tty   bool
	bar   *progressbar.ProgressBar
	total int
	what  string // what the bar counts: passages or sentences
}

func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, tty: ok && term.IsTerminal(int(f.Fd()))}
}

// update reports done of total texts of one embedding call; each call
// (the passages, then the sentences) gets its own bar, named after what
// it counts: "passages 63/63".
func (p *progress) update(what string, done, total int) {
	if !p.tty {
		fmt.Fprintf(p.w, "embedding %s: %d/%d\n", what, done, total)
		return
	}
	if p.bar == nil || total != p.total || what != p.what {
		p.finish()
		p.total, p.what = total, what
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(what),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(p.w) }),
		)
	}
	p.bar.Set(done)
}

func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
		p.bar = nil
	}
}
