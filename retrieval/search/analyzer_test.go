package search

import (
	"slices"
	"testing"
)

// The keyword index reads an irregular form as its base form, which Porter
// stemming alone leaves apart.
func TestAnalyzerBaseForms(t *testing.T) {
	b, err := NewBM25([]Doc{{ID: "a", Text: "The two leaders met on Wednesday."}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for _, pair := range [][2]string{
		{"met", "meet"}, {"flew", "fly"}, {"took", "take"}, {"missiles", "missile"}, {"meeting", "meet"},
	} {
		if a, c := b.Terms(pair[0]), b.Terms(pair[1]); !slices.Equal(a, c) || len(a) != 1 {
			t.Errorf("Terms(%q) = %v, Terms(%q) = %v; want one term, the same", pair[0], a, pair[1], c)
		}
	}
	if got := b.Terms("where did they meet"); !slices.Equal(got, []string{"meet"}) {
		t.Errorf("Terms(where did they meet) = %v, want [meet]", got)
	}
	if n := b.DocFreq(b.Terms("meet")[0]); n != 1 {
		t.Errorf("DocFreq(meet) = %d, want 1: %q is indexed under its base form", n, "met")
	}
}
