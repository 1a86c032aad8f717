package corpus_test

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/summitbot/summitbot/corpus"
)

// FuzzChunkArticle chunks the real articles with arbitrary sizes and
// overlaps: every chunk must hold whole sentences, verbatim, in order, and
// every sentence must land in some chunk.
func FuzzChunkArticle(f *testing.F) {
	c, err := corpus.Load(corpus.Default())
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range [][2]int{{3, 1}, {0, 0}, {1, 5}, {-4, -2}, {1000, 999}, {2, 2}} {
		for i := range c.Articles {
			f.Add(i, s[0], s[1])
		}
	}
	f.Fuzz(func(t *testing.T, article, size, overlap int) {
		if article < 0 || article >= len(c.Articles) || size > 1<<16 {
			return
		}
		a := c.Articles[article]
		chunks := corpus.ChunkArticle(a, size, overlap)
		checkSpans(t, a, chunks)
		covered := make(map[corpus.Span]bool)
		for i, ch := range chunks {
			if ch.Text != a.Text[ch.Start:ch.End] || ch.ArticleID != a.ID || ch.Ordinal != i {
				t.Fatalf("chunk %d (%s) is not verbatim or misnumbered", i, ch.ID)
			}
			for _, s := range ch.Sentences {
				covered[s] = true
			}
		}
		for _, s := range a.Sentences {
			if !covered[s] {
				t.Fatalf("size %d overlap %d: sentence at %d is in no chunk", size, overlap, s.Start)
			}
		}
	})
}

// FuzzLoadArticle loads arbitrary bytes as the only article of a corpus.
func FuzzLoadArticle(f *testing.F) {
	for _, dir := range []string{"testdata/quirks", "testdata/split", "testdata/bad"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range entries {
			raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(raw)
		}
	}
	for _, h := range hostileMarkup {
		f.Add(hostileFile(h.pattern, 16<<10))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		c, err := corpus.Load(fstest.MapFS{"a.txt": {Data: raw}})
		if c == nil {
			if err == nil {
				t.Fatal("Load returned neither a corpus nor an error")
			}
			return
		}
		for _, a := range c.Articles {
			checkSpans(t, a, c.Chunks)
		}
	})
}

// FuzzCleanText: whatever goes in, nothing that acts on a terminal or hides
// in a word comes out, and cleaning twice changes nothing.
func FuzzCleanText(f *testing.F) {
	for _, s := range []string{
		"K\u200bim", "\x1b[31mKim\x1b[0m", "\x1b]0;t\x07", "\x1b]8;;u\x1b\\x", "\u009b2J", "\x1b", "\x1b[",
		"\x1b]", "a\rb", "\u202eabc", "\xff\xfe", "\U000e0041", "\x1bP\x1b\x1b[1m",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkCleanText(t, s, corpus.CleanText(s))
	})
}
