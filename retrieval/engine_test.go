package retrieval_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/retrievaltest"
)

var copyCorpus = retrievaltest.CopyCorpus

func newEngine(t *testing.T, load retrieval.LoadFunc) *retrieval.Engine {
	t.Helper()
	return retrievaltest.NewEngine(t, load, nil)
}

var dirLoader = retrievaltest.DirLoader

const newArticle = `date 2023-09-14 The Kremlin said on Thursday that the banquet at Vostochny served crab dumplings and sturgeon soup. Guests were shown a model of the Angara rocket afterwards.`

func TestEngineReloadAddsArticle(t *testing.T) {
	dir := copyCorpus(t)
	e := newEngine(t, dirLoader(dir))
	q := retrieval.Question{Text: "What soup was served at the banquet?"}
	before, err := e.Answer(t.Context(), q, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(before.Answer, "sturgeon") {
		t.Fatalf("answered from an article not yet added: %s", before.Answer)
	}

	if err := os.WriteFile(filepath.Join(dir, "005_banquet.txt"), []byte(newArticle), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := e.Reload(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Added) != 1 || len(rep.Removed) != 0 || len(rep.Changed) != 0 || rep.Articles != 6 {
		t.Errorf("report = %+v, want one article added of 6", rep)
	}
	after, err := e.Answer(t.Context(), q, nil)
	if err != nil {
		t.Fatal(err)
	}
	if after.Refused || !strings.Contains(after.Answer, "sturgeon") || after.Citations[0].Source != rep.Added[0] {
		t.Errorf("after reload, answer = %q from %+v", after.Answer, after.Citations)
	}

	// Changing and removing are reported too.
	if err := os.Remove(filepath.Join(dir, "005_banquet.txt")); err != nil {
		t.Fatal(err)
	}
	art := filepath.Join(dir, "001_5737a94f8a60fb50.txt")
	b, err := os.ReadFile(art)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(art, append(b, "\n\nThis article was updated."...), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err = e.Reload(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Removed) != 1 || len(rep.Changed) != 1 || rep.Changed[0] != "ap-siberian-summit" || rep.Articles != 5 {
		t.Errorf("report = %+v, want one removed and ap-siberian-summit changed", rep)
	}
}

// TestEngineReloadKeepsOldIndexOnBrokenArticle: a broken file makes the
// reload fail with the file and the reason, and the old index keeps serving.
func TestEngineReloadKeepsOldIndexOnBrokenArticle(t *testing.T) {
	dir := copyCorpus(t)
	e := newEngine(t, dirLoader(dir))
	if err := os.WriteFile(filepath.Join(dir, "005_banquet.txt"), []byte(newArticle), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "006_broken.txt"), []byte("caf\xe9 \xff\xfe"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := e.Reload(t.Context())
	if err == nil || !strings.Contains(err.Error(), "006_broken.txt") || !strings.Contains(err.Error(), "UTF-8") {
		t.Fatalf("Reload error = %v, want one naming 006_broken.txt and UTF-8", err)
	}
	if n := len(e.Articles()); n != 5 {
		t.Errorf("serving %d articles after a failed reload, want the old 5", n)
	}
	a, err := e.Answer(t.Context(), retrieval.Question{Text: "Where did Putin and Kim meet?"}, nil)
	if err != nil || a.Refused {
		t.Fatalf("old index does not answer after a failed reload: %v %+v", err, a)
	}
}

// TestEngineReloadUnderLoad answers questions from many goroutines while
// reloads swap the index (run with -race): none fails, and each answer
// comes from a whole index.
func TestEngineReloadUnderLoad(t *testing.T) {
	dir := copyCorpus(t)
	e := newEngine(t, dirLoader(dir))
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for range 4 {
		wg.Go(func() {
			for ctx.Err() == nil {
				a, err := e.Answer(ctx, retrieval.Question{Text: "How long did the handshake last?"}, nil)
				if err != nil {
					if ctx.Err() == nil {
						errs <- err
					}
					return
				}
				if a.Refused || !strings.Contains(a.Answer, "40 seconds") {
					errs <- errors.New("bad answer during reload: " + a.Answer)
					return
				}
			}
		})
	}
	for range 5 {
		if _, err := e.Reload(t.Context()); err != nil {
			t.Error(err)
		}
	}
	cancel()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestEngineOneReloadAtATime: a reload asked for while another is loading
// is told so at once.
func TestEngineOneReloadAtATime(t *testing.T) {
	loading := make(chan struct{})
	release := make(chan struct{})
	first := true
	e := newEngine(t, func() (*corpus.Corpus, error) {
		if !first {
			loading <- struct{}{}
			<-release
		}
		first = false
		return corpus.Load(corpus.Default())
	})
	done := make(chan error)
	go func() {
		_, err := e.Reload(context.Background())
		done <- err
	}()
	<-loading
	if _, err := e.Reload(t.Context()); !errors.Is(err, retrieval.ErrReloadRunning) {
		t.Errorf("second Reload error = %v, want ErrReloadRunning", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Errorf("first Reload: %v", err)
	}
}

// TestShippedCalibrationIsCurrent fails when the corpus, the eval set or
// the answerer changed without recalibrating: the thresholds must be what
// the eval set gives today, not numbers someone typed.
