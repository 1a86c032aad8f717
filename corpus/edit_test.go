package corpus_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/summitbot/summitbot/corpus"
)

const owlArticle = "Organisers said the summit's mascot was a blue owl named Orbita.\n\nSchoolchildren in Tsiolkovsky chose it.\n"

// corpusCopy copies the embedded articles to a new directory.
func corpusCopy(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, corpus.Default()); err != nil {
		t.Fatal(err)
	}
	return dir
}

func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			out[rel] = string(b)
		}
		return err
	})
	return out
}

// TestAddAndRemoveArticle: an added article loads with its manifest entry,
// the manifest keeps its comments; a removed one is under .removed/ with
// its entry, and the corpus loads without it.
func TestAddAndRemoveArticle(t *testing.T) {
	dir := corpusCopy(t)
	e := corpus.Entry{File: "owl.txt", ID: "owl", Title: "The mascot", Date: "2023-09-13", Publisher: "Test Wire"}
	if err := corpus.AddArticle(dir, e, []byte(owlArticle)); err != nil {
		t.Fatal(err)
	}
	c, err := corpus.Load(corpus.Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, a := range c.Articles {
		if a.ID == "owl" {
			found = a.Title == "The mascot" && a.Publisher == "Test Wire" && a.Date == "2023-09-13"
		}
	}
	if !found {
		t.Error("the added article did not load with its manifest entry")
	}
	manifest, _ := os.ReadFile(filepath.Join(dir, "manifest.yaml"))
	if !bytes.Contains(manifest, []byte("# One entry per article file")) {
		t.Errorf("the manifest lost its comments:\n%s", manifest)
	}
	if err := corpus.AddArticle(dir, corpus.Entry{File: "owl2.txt", ID: "owl"}, []byte(owlArticle)); !errors.Is(err, corpus.ErrExists) {
		t.Errorf("a second article with the id: %v, want ErrExists", err)
	}

	file, err := corpus.RemoveArticle(dir, "owl", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	if err != nil || file != "owl.txt" {
		t.Fatalf("remove: %q, %v", file, err)
	}
	bin := filepath.Join(dir, ".removed", "20261201T000000.000000000Z")
	if b, err := os.ReadFile(filepath.Join(bin, "owl.txt")); err != nil || string(b) != owlArticle {
		t.Errorf("the removed file is not under .removed: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(bin, "manifest.yaml")); !strings.Contains(string(b), "id: owl") {
		t.Errorf("the removed entry is not kept: %s", b)
	}
	c, err = corpus.Load(corpus.Dir(dir))
	if err != nil {
		t.Fatalf("load after remove: %v", err)
	}
	for _, a := range c.Articles {
		if a.ID == "owl" {
			t.Error("the removed article still loads")
		}
	}
	if _, err := corpus.RemoveArticle(dir, "owl", time.Now()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("removing it again: %v, want not exist", err)
	}
	// An article listed in the manifest is found by its id, not its file.
	if file, err := corpus.RemoveArticle(dir, "reuters-vostochny", time.Now()); err != nil || file != "002_5b5becaf9b9bcc65.txt" {
		t.Errorf("remove reuters-vostochny: %q, %v", file, err)
	}
}

// TestAddArticleRejected: what Load would reject is refused, and nothing in
// the directory changes.
func TestAddArticleRejected(t *testing.T) {
	dir := corpusCopy(t)
	before := snapshot(t, dir)
	for _, tt := range []struct {
		name string
		e    corpus.Entry
		raw  []byte
		want string
	}{
		{"binary", corpus.Entry{File: "a.txt", ID: "a"}, []byte("PK\x03\x04\x00\x00"), "binary"},
		{"not UTF-8", corpus.Entry{File: "a.txt", ID: "a"}, []byte("caf\xe9 au lait"), "not valid UTF-8"},
		{"oversized", corpus.Entry{File: "a.txt", ID: "a"}, bytes.Repeat([]byte("word "), corpus.MaxFileSize/5+1), "over 1 MiB"},
		{"markup only", corpus.Entry{File: "a.txt", ID: "a"}, []byte("<a href=\"x\"></a>"), "no text"},
		{"bad date", corpus.Entry{File: "a.txt", ID: "a", Date: "13/09/2023"}, []byte(owlArticle), "YYYY-MM-DD"},
		{"file name", corpus.Entry{File: "../a.txt", ID: "a"}, []byte(owlArticle), "not a .txt file name"},
		{"existing file", corpus.Entry{File: "002_5b5becaf9b9bcc65.txt", ID: "new"}, []byte(owlArticle), "already"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := corpus.AddArticle(dir, tt.e, tt.raw)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("AddArticle: %v, want %q", err, tt.want)
			}
			after := snapshot(t, dir)
			if len(after) != len(before) {
				t.Errorf("files %d, were %d", len(after), len(before))
			}
			for k, v := range before {
				if after[k] != v {
					t.Errorf("%s changed", k)
				}
			}
		})
	}
}
