package search

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/meaning"
)

// unitVec returns v scaled to unit length.
func unitVec(v ...float32) []float32 {
	meaning.Normalize(v)
	return v
}

func newTestVectorStore(t testing.TB, n int) (*VectorStore, []Doc, [][]float32, retrieval.Embedder) {
	t.Helper()
	docs := syntheticPassages(n)
	texts := make([]string, n)
	for i, d := range docs {
		texts[i] = d.Text
	}
	e := NewLocalEmbedder(256)
	vecs, err := e.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := NewVectorStore(context.Background(), docs, vecs)
	if err != nil {
		t.Fatalf("NewVectorStore: %v", err)
	}
	return vs, docs, vecs, e
}

func TestVectorStoreSearch(t *testing.T) {
	vs, docs, vecs, e := newTestVectorStore(t, 40)
	ctx := context.Background()
	if vs.Len() != len(docs) {
		t.Fatalf("Len = %d, want %d", vs.Len(), len(docs))
	}
	q, err := e.Embed(ctx, []string{"Where did Putin meet Kim? At the Vostochny Cosmodrome."})
	if err != nil {
		t.Fatal(err)
	}
	// The expected ranking, by brute force.
	want := make([]Hit, len(docs))
	for i, d := range docs {
		want[i] = Hit{ID: d.ID, Score: DotProduct(q[0], vecs[i])}
	}
	sortHits(want)
	approx := cmpopts.EquateApprox(0, 1e-6)

	for _, n := range []int{1, 5, 40, 41, 1000} {
		t.Run(fmt.Sprint("n=", n), func(t *testing.T) {
			got, err := vs.Search(ctx, q[0], n)
			if err != nil {
				t.Fatal(err)
			}
			// Chromem errors for n > Count; the store clamps.
			if diff := cmp.Diff(want[:min(n, len(want))], got, approx); diff != "" {
				t.Errorf("Search(n=%d) (-want +got):\n%s", n, diff)
			}
		})
	}
	for _, n := range []int{0, -1} {
		if got, err := vs.Search(ctx, q[0], n); got != nil || err != nil {
			t.Errorf("Search(n=%d) = %v, %v; want nil, nil", n, got, err)
		}
	}
}

func TestVectorStoreEmpty(t *testing.T) {
	ctx := context.Background()
	for name, docs := range map[string][]Doc{"nil": nil, "empty": {}} {
		t.Run(name, func(t *testing.T) {
			vs, err := NewVectorStore(ctx, docs, nil)
			if err != nil {
				t.Fatalf("NewVectorStore: %v", err)
			}
			if vs.Len() != 0 {
				t.Errorf("Len = %d", vs.Len())
			}
			// Chromem errors on any n for an empty collection; the store does not.
			for _, n := range []int{0, 1, 10} {
				if got, err := vs.Search(ctx, unitVec(1, 0), n); got != nil || err != nil {
					t.Errorf("Search(n=%d) = %v, %v; want nil, nil", n, got, err)
				}
			}
		})
	}
}

func TestVectorStoreTiesByID(t *testing.T) {
	ctx := context.Background()
	var docs []Doc
	var vecs [][]float32
	for _, id := range []string{"e", "b", "d", "a", "c"} {
		docs = append(docs, Doc{ID: id})
		vecs = append(vecs, unitVec(1, 1, 0))
	}
	docs = append(docs, Doc{ID: "best"})
	vecs = append(vecs, unitVec(1, 0, 0))
	vs, err := NewVectorStore(ctx, docs, vecs)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		got, err := vs.Search(ctx, unitVec(1, 0, 0), 3)
		if err != nil {
			t.Fatal(err)
		}
		ids := hitIDs(got)
		if diff := cmp.Diff([]string{"best", "a", "b"}, ids); diff != "" {
			t.Fatalf("ids (-want +got):\n%s", diff)
		}
	}
}

func TestVectorStoreQueryVector(t *testing.T) {
	ctx := context.Background()
	vs, err := NewVectorStore(ctx, []Doc{{ID: "x"}, {ID: "y"}}, [][]float32{unitVec(1, 0), unitVec(0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	// A query with nothing to embed is similar to nothing: no results, not NaN.
	if got, err := vs.Search(ctx, []float32{0, 0}, 2); got != nil || err != nil {
		t.Errorf("zero query: %v, %v; want nil, nil", got, err)
	}
	for name, q := range map[string][]float32{
		"wrong dimensions": unitVec(1, 0, 0),
		"not unit":         {3, 4},
		"NaN":              {float32(math.NaN()), 0},
	} {
		if got, err := vs.Search(ctx, q, 2); err == nil {
			t.Errorf("%s: Search = %v, want an error", name, got)
		}
	}
	ctxc, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := vs.Search(ctxc, unitVec(1, 0), 2); err == nil {
		t.Error("Search with a cancelled context succeeded")
	}
}

func TestNewVectorStoreRejects(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		docs     []Doc
		vecs     [][]float32
		wantText string // the error must name the document
	}{
		{"fewer vectors", []Doc{{ID: "a"}, {ID: "b"}}, [][]float32{unitVec(1, 0)}, "2 documents but 1 vectors"},
		{"more vectors", []Doc{{ID: "a"}}, [][]float32{unitVec(1, 0), unitVec(0, 1)}, "1 documents but 2 vectors"},
		{"dimensions differ", []Doc{{ID: "a"}, {ID: "b"}}, [][]float32{unitVec(1, 0), unitVec(1, 0, 0)}, "document b"},
		{"empty vector", []Doc{{ID: "a"}}, [][]float32{{}}, "document a"},
		{"not unit", []Doc{{ID: "a"}, {ID: "b"}}, [][]float32{unitVec(1, 0), {1, 1}}, "document b"},
		{"zero vector", []Doc{{ID: "a"}, {ID: "z"}}, [][]float32{unitVec(1, 0), {0, 0}}, "document z"},
		{"NaN", []Doc{{ID: "n"}}, [][]float32{{float32(math.NaN()), 1}}, "document n"},
		{"empty id", []Doc{{ID: ""}}, [][]float32{unitVec(1, 0)}, "empty id"},
		{"repeated id", []Doc{{ID: "a"}, {ID: "a"}}, [][]float32{unitVec(1, 0), unitVec(0, 1)}, `"a" is repeated`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewVectorStore(ctx, tt.docs, tt.vecs)
			if err == nil || !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %v, want one containing %q", err, tt.wantText)
			}
		})
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := NewVectorStore(cctx, []Doc{{ID: "a"}}, [][]float32{unitVec(1, 0)}); err == nil {
		t.Error("NewVectorStore with a cancelled context succeeded")
	}
}

// TestVectorStoreNeverEmbeds checks that the collection cannot fall back to
// chromem's default embedding function, which calls OpenAI.
func TestVectorStoreNeverEmbeds(t *testing.T) {
	vs, err := NewVectorStore(context.Background(), []Doc{{ID: "a"}}, [][]float32{unitVec(1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := vs.coll.Query(context.Background(), "a text", 1, nil, nil); !errors.Is(err, errNoEmbedding) {
		t.Errorf("querying by text: %v, want %v", err, errNoEmbedding)
	}
}

// TestVectorStoreCopiesVectors checks that the caller may reuse its vectors.
func TestVectorStoreCopiesVectors(t *testing.T) {
	ctx := context.Background()
	vecs := [][]float32{unitVec(1, 0), unitVec(0, 1)}
	vs, err := NewVectorStore(ctx, []Doc{{ID: "x"}, {ID: "y"}}, vecs)
	if err != nil {
		t.Fatal(err)
	}
	vecs[0][0], vecs[0][1] = 0, 1 // "x" now looks like "y"
	got, err := vs.Search(ctx, unitVec(1, 0), 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != "x" || math.Abs(got[0].Score-1) > 1e-6 {
		t.Errorf("Search = %v, want x with similarity 1", got)
	}
}

func TestVectorStoreConcurrent(t *testing.T) {
	vs, _, _, e := newTestVectorStore(t, 150)
	ctx := context.Background()
	q, err := e.Embed(ctx, []string{"satellite rocket launch"})
	if err != nil {
		t.Fatal(err)
	}
	want, err := vs.Search(ctx, q[0], 10)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := range 50 {
		wg.Go(func() {
			for range 10 {
				got, err := vs.Search(ctx, q[0], 10)
				if err != nil {
					errs <- err
					return
				}
				if !slices.Equal(got, want) {
					errs <- fmt.Errorf("goroutine %d: got %v, want %v", i, got, want)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestVectorStoreTiesBeyondFetch: when the ties at the n-th place reach past
// the first fetch, Search fetches more until it has them all, so the result
// is still the lowest IDs among the tied.
func TestVectorStoreTiesBeyondFetch(t *testing.T) {
	ctx := context.Background()
	var docs []Doc
	var vecs [][]float32
	for i := range 100 {
		docs = append(docs, Doc{ID: fmt.Sprintf("%03d", 99-i)})
		switch {
		case i == 50:
			vecs = append(vecs, unitVec(1, 0, 0)) // the best
		case i%2 == 0:
			vecs = append(vecs, unitVec(1, 1, 0)) // 49 tied second
		default:
			vecs = append(vecs, unitVec(0, 1, 0)) // orthogonal
		}
	}
	vs, err := NewVectorStore(ctx, docs, vecs)
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		got, err := vs.Search(ctx, unitVec(1, 0, 0), 3)
		if err != nil {
			t.Fatal(err)
		}
		ids := hitIDs(got)
		// Tied docs have even i, so odd IDs 99-i; the lowest are 001, 003.
		if diff := cmp.Diff([]string{"049", "001", "003"}, ids); diff != "" {
			t.Fatalf("ids (-want +got):\n%s", diff)
		}
	}
}
