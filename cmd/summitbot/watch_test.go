package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/summitbot/summitbot/corpus"
)

// TestCorpusFingerprint: the fingerprint changes with what corpus.Load
// reads, and not with a touch or a file it ignores.
func TestCorpusFingerprint(t *testing.T) {
	dir := copyArticles(t)
	fp := func() string {
		t.Helper()
		s, err := corpusFingerprint(corpus.Dir(dir))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	base := fp()
	now := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "manifest.yaml"), now, now); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{".draft.txt", "notes.md", "article.txt~"} {
		os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o644)
	}
	if got := fp(); got != base {
		t.Error("a touch or an ignored file changed the fingerprint")
	}
	os.WriteFile(filepath.Join(dir, "mascot.txt"), []byte(newArticle), 0o644)
	added := fp()
	if added == base {
		t.Error("a new article left the fingerprint as it was")
	}
	os.WriteFile(filepath.Join(dir, "mascot.txt"), []byte(newArticle+"More.\n"), 0o644)
	if fp() == added {
		t.Error("an edited article left the fingerprint as it was")
	}
}
