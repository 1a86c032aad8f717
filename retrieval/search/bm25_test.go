package search

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"
)

func newTestBM25(t testing.TB, docs []Doc) *BM25 {
	t.Helper()
	b, err := NewBM25(docs)
	if err != nil {
		t.Fatalf("NewBM25: %v", err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return b
}

// bm25Docs differ in length and in how often they hold "missile" and
// "launch", so that both saturation (k1) and length normalisation (b) move
// the scores.
var bm25Docs = []Doc{
	{ID: "a", Text: "Missiles, missiles and more missiles were launched."},
	{ID: "b", Text: "The missile launch came an hour before the summit at the cosmodrome, where the leaders toured a rocket launch pad and talked about satellites."},
	{ID: "c", Text: "Kim inspected the launch site."},
	{ID: "d", Text: "Putin and Kim talked about the war in Ukraine."},
}

// wantBM25 computes bleve's BM25 by hand from the analysed documents: the
// textbook formula with tf = sqrt(term frequency), bleve's idf, the field
// length as recovered from a float32 norm, and the average length as
// ceil(distinct terms / documents); for several query terms, Lucene's query
// norm and coordination factor.
func wantBM25(b *BM25, docs []Doc, query string) map[string]float64 {
	const k1, bb = 1.2, 0.75
	n := float64(len(docs))
	terms := map[string]map[string]int{} // doc -> term -> freq
	lengths := map[string]int{}
	df := map[string]int{}
	vocab := map[string]bool{}
	for _, d := range docs {
		terms[d.ID] = map[string]int{}
		for _, term := range b.Terms(d.Text) {
			if terms[d.ID][term] == 0 {
				df[term]++
			}
			terms[d.ID][term]++
			lengths[d.ID]++
			vocab[term] = true
		}
	}
	avgdl := math.Ceil(float64(len(vocab)) / n)
	var qterms []string
	seen := map[string]bool{}
	for _, q := range b.Terms(query) {
		if !seen[q] {
			seen[q] = true
			qterms = append(qterms, q)
		}
	}
	idf := map[string]float64{}
	var sumSq float64
	for _, q := range qterms {
		idf[q] = math.Log(1 + (n-float64(df[q])+0.5)/(float64(df[q])+0.5))
		sumSq += idf[q] * idf[q]
	}
	want := map[string]float64{}
	for _, d := range docs {
		norm := float64(float32(1 / math.Sqrt(float64(lengths[d.ID]))))
		fieldLen := 1 / (norm * norm)
		var sum float64
		matched := 0
		for _, q := range qterms {
			freq := terms[d.ID][q]
			if freq == 0 {
				continue
			}
			matched++
			tf := math.Sqrt(float64(freq))
			s := idf[q] * tf * k1 / (tf + k1*(1-bb+bb*fieldLen/avgdl))
			if len(qterms) > 1 {
				s *= idf[q] / math.Sqrt(sumSq) // query weight: idf × query norm
			}
			sum += s
		}
		if matched == 0 {
			continue
		}
		if len(qterms) > 1 {
			sum *= float64(matched) / float64(len(qterms))
		}
		want[d.ID] = sum
	}
	return want
}

func TestBM25MatchesHandComputedScores(t *testing.T) {
	b := newTestBM25(t, bm25Docs)
	for _, query := range []string{"missile", "launch", "missile launch", "launched missiles at Kim's site", "Ukraine war"} {
		t.Run(query, func(t *testing.T) {
			want := wantBM25(b, bm25Docs, query)
			hits, err := b.Search(context.Background(), query, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) != len(want) {
				t.Fatalf("got %d hits %v, want %d %v", len(hits), hits, len(want), want)
			}
			for i, h := range hits {
				w, ok := want[h.ID]
				if !ok {
					t.Fatalf("unexpected hit %v", h)
				}
				if rel := math.Abs(h.Score-w) / w; rel > 1e-9 {
					t.Errorf("%s: score %.12g, hand-computed %.12g (relative error %g)", h.ID, h.Score, w, rel)
				}
				if i > 0 && hits[i-1].Score < h.Score {
					t.Errorf("hits not sorted: %v", hits)
				}
			}
		})
	}
	// Saturation and length normalisation must both matter: "a" says
	// "missile" three times in a short text and must beat "b", which says it
	// once in a long one.
	hits, err := b.Search(context.Background(), "missile", 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{hits[0].ID, hits[1].ID}; !cmp.Equal(got, []string{"a", "b"}) {
		t.Errorf("ranking for missile = %v, want [a b]", got)
	}
}

func TestBM25ExplanationSaysBM25(t *testing.T) {
	b := newTestBM25(t, bm25Docs)
	res, err := b.search(context.Background(), "launch", 3, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || res.Hits[0].Expl == nil {
		t.Fatalf("no explanation in %v", res)
	}
	if expl := res.Hits[0].Expl.String(); !strings.Contains(expl, "as per bm25 model") {
		t.Errorf("explanation does not mention bm25:\n%s", expl)
	}
}

func TestBM25Search(t *testing.T) {
	b := newTestBM25(t, bm25Docs)
	ctx := context.Background()
	tests := []struct {
		name    string
		query   string
		n       int
		wantIDs []string
	}{
		{"any term matches", "Ukraine satellites", 10, []string{"d", "b"}},
		{"n clamped to doc count", "kim launch missile ukraine", 100, []string{"d", "a", "c", "b"}},
		// "a" and "c" tie: four terms each, "launch" once.
		{"n cuts, tie broken by id", "launch", 1, []string{"a"}},
		{"n zero", "launch", 0, nil},
		{"n negative", "launch", -1, nil},
		{"empty query", "", 5, nil},
		{"only stop words", "the and of", 5, nil},
		{"no match", "zebra", 5, nil},
		{"possessive and stem", "Putin's wars", 5, []string{"d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := b.Search(ctx, tt.query, tt.n)
			if err != nil {
				t.Fatal(err)
			}
			ids := hitIDs(hits)
			if diff := cmp.Diff(tt.wantIDs, ids); diff != "" {
				t.Errorf("Search(%q, %d) ids (-want +got):\n%s\nhits: %v", tt.query, tt.n, diff, hits)
			}
		})
	}
}

func TestBM25TiesByID(t *testing.T) {
	var docs []Doc
	for _, id := range []string{"z", "m", "b", "x", "a"} {
		docs = append(docs, Doc{ID: id, Text: "identical passage about rockets"})
	}
	wantSameHits(t, newTestBM25(t, docs), "rocket", []string{"a", "b", "m"})
}

// wantSameHits searches b for query five times, expecting the IDs want
// each time: ties are broken by ID, not by whatever order bleve returns.
func wantSameHits(t *testing.T, b *BM25, query string, want []string) {
	t.Helper()
	for range 5 {
		hits, err := b.Search(context.Background(), query, len(want))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, hitIDs(hits)); diff != "" {
			t.Fatalf("Search(%q, %d) (-want +got):\n%s", query, len(want), diff)
		}
	}
}

func TestBM25TermsAndDocFreq(t *testing.T) {
	b := newTestBM25(t, bm25Docs)
	if got, want := b.Terms("Kim's missiles were LAUNCHED at the cosmodrome"), []string{"kim", "missil", "launch", "cosmodrom"}; !cmp.Equal(got, want) {
		t.Errorf("Terms = %q, want %q", got, want)
	}
	if got := b.Terms(""); len(got) != 0 {
		t.Errorf("Terms(\"\") = %q, want none", got)
	}
	for term, want := range map[string]int{"launch": 3, "missil": 2, "kim": 2, "ukrain": 1, "zebra": 0, "the": 0} {
		if got := b.DocFreq(term); got != want {
			t.Errorf("DocFreq(%q) = %d, want %d", term, got, want)
		}
	}
	if got := b.DocCount(); got != len(bm25Docs) {
		t.Errorf("DocCount = %d, want %d", got, len(bm25Docs))
	}
}

// TestBM25CloseStopsGoroutines: scorch runs background goroutines even in
// memory, and Close must end them.
func TestBM25CloseStopsGoroutines(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	b, err := NewBM25(bm25Docs)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Search(context.Background(), "launch", 3); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestNewBM25RejectsBadIDs(t *testing.T) {
	for name, docs := range map[string][]Doc{
		"empty id":    {{ID: "", Text: "x"}},
		"repeated id": {{ID: "a", Text: "x"}, {ID: "a", Text: "y"}},
	} {
		t.Run(name, func(t *testing.T) {
			b, err := NewBM25(docs)
			if err == nil {
				b.Close()
				t.Fatal("NewBM25 accepted bad ids")
			}
		})
	}
}

func TestBM25Empty(t *testing.T) {
	b := newTestBM25(t, nil)
	hits, err := b.Search(context.Background(), "launch", 5)
	if err != nil || hits != nil {
		t.Errorf("Search on empty index = %v, %v; want nil, nil", hits, err)
	}
	if b.DocCount() != 0 || b.DocFreq("launch") != 0 {
		t.Errorf("empty index counts documents")
	}
}

func TestBM25SearchCancelled(t *testing.T) {
	b := newTestBM25(t, bm25Docs)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.Search(ctx, "launch", 3); err == nil {
		t.Error("Search with a cancelled context succeeded")
	}
}

func TestBM25Concurrent(t *testing.T) {
	docs := syntheticPassages(150)
	b := newTestBM25(t, docs)
	want, err := b.Search(context.Background(), "satellite rocket launch", 10)
	if err != nil || len(want) == 0 {
		t.Fatalf("Search = %v, %v", want, err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := range 50 {
		wg.Go(func() {
			for range 10 {
				got, err := b.Search(context.Background(), "satellite rocket launch", 10)
				if err != nil {
					errs <- err
					return
				}
				if !cmp.Equal(got, want) {
					errs <- fmt.Errorf("goroutine %d: got %v, want %v", i, got, want)
					return
				}
				_ = b.Terms("the rockets' launch")
				_ = b.DocFreq("launch")
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestBM25TiesBeyondFetch: when the ties at the n-th place reach past what
// bleve was first asked for, Search asks for more until it has them all, so
// the result is still the lowest IDs among the tied.
func TestBM25TiesBeyondFetch(t *testing.T) {
	var docs []Doc
	for i := range 100 {
		docs = append(docs, Doc{ID: fmt.Sprintf("%03d", 99-i), Text: "identical passage about rockets"})
	}
	docs = append(docs, Doc{ID: "zz", Text: "rockets"}) // shorter, so it scores higher
	wantSameHits(t, newTestBM25(t, docs), "rocket", []string{"zz", "000", "001"})
}
