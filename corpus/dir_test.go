//go:build unix

package corpus_test

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/summitbot/summitbot/corpus"
)

// secret stands in for /etc/passwd or a token file: nothing of it may
// reach a loaded corpus.
const secret = "root:x:0:0:SECRET-TOKEN-4f1c"

const goodArticle = "Putin met Kim at the Vostochny Cosmodrome on Wednesday.\n"

// loadWithin loads corpus.Dir(dir), failing t if Load does not return
// within a deadline (a named pipe opened for reading blocks until a writer
// comes).
func loadWithin(t *testing.T, dir string) (*corpus.Corpus, error) {
	t.Helper()
	type result struct {
		c   *corpus.Corpus
		err error
	}
	done := make(chan result, 1)
	go func() {
		c, err := corpus.Load(corpus.Dir(dir))
		done <- result{c, err}
	}()
	select {
	case r := <-done:
		return r.c, r.err
	case <-time.After(10 * time.Second):
		t.Fatal("Load blocked")
		return nil, nil
	}
}

// checkNoSecret fails t if any text of c holds the secret.
func checkNoSecret(t *testing.T, c *corpus.Corpus) {
	t.Helper()
	for _, a := range c.Articles {
		for _, s := range []string{a.ID, a.Title, a.Text, a.File} {
			if strings.Contains(s, "SECRET") || strings.Contains(s, "root:x") {
				t.Errorf("article %s shows the outside file: %q", a.File, s)
			}
		}
	}
}

// TestDirRefusesWhatIsNotAFileInside: a corpus directory yields only the
// regular files inside it. Each case adds one file to a directory holding
// one good article; the file must be refused with its reason, through the
// *LoadError that /reload reports, while the good article loads.
func TestDirRefusesWhatIsNotAFileInside(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "passwd")
	if err := os.WriteFile(outside, []byte(secret+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		make   func(t *testing.T, path string) error
		reason string
	}{
		{"symlink to an absolute path outside", func(t *testing.T, p string) error {
			return os.Symlink(outside, p)
		}, "symbolic link to a file outside the corpus directory"},
		{"relative symlink climbing out", func(t *testing.T, p string) error {
			rel, err := filepath.Rel(filepath.Dir(p), outside)
			if err != nil {
				return err
			}
			return os.Symlink(rel, p)
		}, "symbolic link to a file outside the corpus directory"},
		{"symlink to a missing file", func(t *testing.T, p string) error {
			return os.Symlink("nothing.txt", p)
		}, "symbolic link to a missing file"},
		{"named pipe", func(t *testing.T, p string) error {
			return syscall.Mkfifo(p, 0o644)
		}, "not a regular file (a named pipe)"},
		{"socket", func(t *testing.T, p string) error {
			l, err := net.Listen("unix", p)
			if err == nil {
				t.Cleanup(func() { l.Close() })
			}
			return err
		}, "not a regular file (a socket)"},
		{"symlink to a directory inside", func(t *testing.T, p string) error {
			if err := os.Mkdir(filepath.Join(filepath.Dir(p), "sub"), 0o755); err != nil {
				return err
			}
			return os.Symlink("sub", p)
		}, "not a regular file (a directory)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "good.txt"), []byte(goodArticle), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := tt.make(t, filepath.Join(dir, "bad.txt")); err != nil {
				t.Fatal(err)
			}
			c, err := loadWithin(t, dir)
			if c == nil {
				t.Fatalf("Load: no corpus: %v", err)
			}
			var lerr *corpus.LoadError
			if !errors.As(err, &lerr) || len(lerr.Files) != 1 || lerr.Files[0].File != "bad.txt" || lerr.Files[0].Reason != tt.reason {
				t.Fatalf("err = %v, want bad.txt refused with %q", err, tt.reason)
			}
			if len(c.Articles) != 1 || c.Articles[0].File != "good.txt" {
				t.Errorf("loaded %d articles, want good.txt alone", len(c.Articles))
			}
			checkNoSecret(t, c)
		})
	}
}

// TestDirManifestAndAliasesAreFilesInside: manifest.yaml and aliases.yaml
// follow the same rule as articles; as they decide every article's id, one
// refused fails the load, which on /reload keeps the old index.
func TestDirManifestAndAliasesAreFilesInside(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "outside.yaml")
	if err := os.WriteFile(outside, []byte("articles:\n  - file: good.txt\n    title: "+secret+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{"manifest.yaml", "aliases.yaml"} {
		for _, kind := range []struct {
			name   string
			make   func(path string) error
			reason string
		}{
			{"symlink outside", func(p string) error { return os.Symlink(outside, p) }, "symbolic link to a file outside the corpus directory"},
			{"named pipe", func(p string) error { return syscall.Mkfifo(p, 0o644) }, "not a regular file (a named pipe)"},
		} {
			t.Run(file+"/"+kind.name, func(t *testing.T) {
				dir := t.TempDir()
				if err := os.WriteFile(filepath.Join(dir, "good.txt"), []byte(goodArticle), 0o644); err != nil {
					t.Fatal(err)
				}
				if err := kind.make(filepath.Join(dir, file)); err != nil {
					t.Fatal(err)
				}
				c, err := loadWithin(t, dir)
				if c != nil {
					checkNoSecret(t, c)
					t.Fatalf("Load = %d articles, %v; want no corpus", len(c.Articles), err)
				}
				var fe *corpus.FileError
				if !errors.As(err, &fe) || fe.File != file || fe.Reason != kind.reason {
					t.Fatalf("err = %v, want %s refused with %q", err, file, kind.reason)
				}
			})
		}
	}
}

// TestDirFollowsLinksInside: relative links that stay inside the directory
// are followed, as in a Kubernetes ConfigMap volume, where each file is a
// link into a "..data" link to a hidden timestamped directory.
func TestDirFollowsLinksInside(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "..2026_11_30"), corpus.Default()); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("..2026_11_30", filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	entries, err := fs.ReadDir(corpus.Default(), ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := os.Symlink(filepath.Join("..data", e.Name()), filepath.Join(dir, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	got, err := loadWithin(t, dir)
	if err != nil {
		t.Fatalf("Load of a ConfigMap-style directory: %v", err)
	}
	want := loadDefault(t)
	if len(got.Articles) != len(want.Articles) || got.Articles[0].ID != want.Articles[0].ID || got.Articles[0].Title != want.Articles[0].Title {
		t.Errorf("loaded %d articles, want the %d embedded ones with their manifest ids and titles", len(got.Articles), len(want.Articles))
	}
}

// TestDirReadsAPipeWithoutBlocking: whoever else reads through Dir (the
// corpus watcher hashes every file) is not stalled by a named pipe.
func TestDirReadsAPipeWithoutBlocking(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.txt"), 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := fs.ReadFile(corpus.Dir(dir), "pipe.txt")
		done <- err
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("reading a named pipe through Dir blocked")
	}
}
