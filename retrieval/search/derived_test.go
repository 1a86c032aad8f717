package search

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/summitbot/summitbot/corpus"
)

// TestDerivedComputesOncePerIndex asks for one key from many goroutines
// and checks build ran once and all got its value; another key, or
// another index, builds its own.
func TestDerivedComputesOncePerIndex(t *testing.T) {
	c, err := corpus.Load(corpus.Default())
	if err != nil {
		t.Fatal(err)
	}
	a, err := NewIndex(t.Context(), c, NewLocalEmbedder(0))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := NewIndex(t.Context(), c, NewLocalEmbedder(0))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	type key struct{ name string }
	var builds atomic.Int32
	build := func(ix *Index) any { builds.Add(1); return len(ix.sentences) }
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if got := a.Derived(key{"n"}, build).(int); got != len(a.sentences) {
				t.Errorf("Derived = %d, want %d", got, len(a.sentences))
			}
		})
	}
	wg.Wait()
	if n := builds.Load(); n != 1 {
		t.Errorf("build ran %d times for one key of one index, want 1", n)
	}
	a.Derived(key{"other"}, build)
	b.Derived(key{"n"}, build)
	if n := builds.Load(); n != 3 {
		t.Errorf("build ran %d times for three keys and indexes, want 3", n)
	}
}
