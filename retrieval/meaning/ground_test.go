package meaning

import (
	"context"
	"math"
	"sort"
	"strings"
	"testing"
)

// Off-topic chat questions and answerable paraphrases about the summit, typed
// as users type them. MEASURED.md reports their grounding.
var (
	offTopic = []string{
		"whats the tallest mountain on earth",
		"how do i make pancakes",
		"who won the world cup 2022",
		"whats the capital of australia",
		"how many legs does a spider have",
		"can u recommend a good netflix series",
		"how do i fix a segfault in c",
		"who is taylor swift dating rn",
		"why is the sky blue",
		"best way to learn guitar",
	}
	answerable = []string{
		"how did kim get there",
		"what car did kim bring",
		"where did they meet up",
		"what did putin show kim",
		"did they talk abt weapons",
		"how long did the talks go on",
		"what does russia want from north korea",
		"what did kim say about russia",
		"why did they pick a space base",
		"who came with kim",
	}
)

func groundings(v *Vocabulary, qs []string) []float64 {
	out := make([]float64, len(qs))
	for i, q := range qs {
		out[i] = v.Grounding(q)
	}
	return out
}

// auc is the probability that a random positive scores above a random
// negative (ties count half).
func auc(pos, neg []float64) float64 {
	var s float64
	for _, p := range pos {
		for _, n := range neg {
			switch {
			case p > n:
				s++
			case p == n:
				s += 0.5
			}
		}
	}
	return s / float64(len(pos)*len(neg))
}

func TestGroundingSeparates(t *testing.T) {
	v := NewVocabulary(Default(), articles(t))
	on, off := groundings(v, answerable), groundings(v, offTopic)
	for i, q := range answerable {
		t.Logf("answerable %.3f  %s", on[i], q)
	}
	for i, q := range offTopic {
		t.Logf("off-topic  %.3f  %s", off[i], q)
	}
	sort.Float64s(on)
	sort.Float64s(off)
	a := auc(on, off)
	t.Logf("vocabulary %d words; answerable median %.3f min %.3f; off-topic median %.3f max %.3f; AUC %.3f",
		v.Len(), on[len(on)/2], on[0], off[len(off)/2], off[len(off)-1], a)
	if a < 0.9 {
		t.Errorf("AUC %.3f < 0.9", a)
	}
	if g := v.Grounding("kim putin summit"); g != 1 {
		t.Errorf("words of the articles ground at %v, want 1", g)
	}
	if g := v.Grounding("?? 🙂"); g != 0 {
		t.Errorf("no words ground at %v, want 0", g)
	}
	if g := Grounding("vostochny", []string{"Vostochny cosmodrome"}); g != 1 {
		t.Errorf("an unknown word of the vocabulary grounds at %v, want 1", g)
	}
}

func TestNearestMisspelt(t *testing.T) {
	v := NewVocabulary(Default(), articles(t))
	for in, want := range map[string]string{"secratary": "secretary", "vostochy": "vostochny", "cosmodrom": "cosmodrome", "segfault": "", "xyzzy": ""} {
		got, c := v.Nearest(in)
		if got != want || (want != "" && c != 0.9) {
			t.Errorf("Nearest(%q) = %q %v, want %q 0.9", in, got, c, want)
		}
	}
	for _, c := range []struct {
		a, b string
		d    int
	}{{"secratary", "secretary", 1}, {"teh", "the", 1}, {"missils", "missile", 1}, {"abc", "xyz", 2}, {"", "ab", 2}, {"same", "same", 0}} {
		if got := EditDistance(c.a, c.b, 1); got != min(c.d, 2) {
			t.Errorf("EditDistance(%q, %q, 1) = %d, want %d", c.a, c.b, got, min(c.d, 2))
		}
	}
}

// TestBadInput: only unknown words, emoji, punctuation, or 300 characters of
// one repeated word give finite scores and vectors, never a panic.
func TestBadInput(t *testing.T) {
	v := NewVocabulary(Default(), articles(t))
	s := NewSIF(Default(), articles(t), 0)
	long := strings.Repeat("kim ", 75)
	for _, q := range []string{"🙂🙂🙂", "?!?!...", "qwzx vbnmk", long, strings.Repeat("x", 300), "\x00\xff"} {
		g := v.Grounding(q)
		vs, err := s.Embed(context.Background(), []string{q})
		if err != nil || g < 0 || g > 1 || math.IsNaN(g) || len(vs[0]) != 100 {
			t.Errorf("%q: grounding %v, embed %v", q, g, err)
		}
	}
	if g := v.Grounding(long); g != 1 {
		t.Errorf("repeated article word grounds at %v", g)
	}
}

func BenchmarkGrounding(b *testing.B) {
	v := NewVocabulary(Default(), articles(b))
	for b.Loop() {
		v.Grounding("what car did kim bring to the summit")
	}
}
