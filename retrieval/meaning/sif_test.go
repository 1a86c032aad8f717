package meaning

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

var tag = regexp.MustCompile(`<[^>]*>`)

// articles returns the five articles' texts with their HTML links removed.
func articles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("../../corpus/articles/*.txt")
	if err != nil || len(files) != 5 {
		t.Fatalf("articles: %v %v", files, err)
	}
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tag.ReplaceAllString(string(b), " "))
	}
	return out
}

func TestSIFUnitAndDeterministic(t *testing.T) {
	arts := articles(t)
	a := NewSIF(Default(), arts, 0)
	b := NewSIF(Default(), slices.Clone(arts), DefaultA)
	if m := a.Model(); m != b.Model() || !regexp.MustCompile(`^sif-glove100-v1-[0-9a-f]{8}/100$`).MatchString(m) {
		t.Errorf("Model %q and %q", m, b.Model())
	}
	if m := NewSIF(Default(), nil, 0).Model(); m != "sif-glove100-v1-nopc/100" {
		t.Errorf("Model without a fit %q", m)
	}
	if NewSIF(Default(), arts[:2], 0).Model() == a.Model() {
		t.Error("two fits share a Model name")
	}
	texts := append(slices.Clone(arts), "how did kim get there", "what car did kim bring", "Ракета", "vostochny 2023", "", "!!! …", "🙂 —")
	va, err := a.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	vb, _ := b.Embed(context.Background(), texts)
	for i, v := range va {
		if len(v) != 100 {
			t.Fatalf("text %d: %d dims", i, len(v))
		}
		if !slices.Equal(v, vb[i]) {
			t.Errorf("text %d: embeddings differ between two equal embedders", i)
		}
		n := norm(v)
		if i >= len(texts)-3 { // no word: all zeros
			if n != 0 {
				t.Errorf("text %q: norm %v, want a zero vector", texts[i], n)
			}
			continue
		}
		if math.Abs(n-1) > 1e-6 {
			t.Errorf("text %d: norm %v", i, n)
		}
	}
	if _, err := a.Embed(canceled(), texts); err == nil {
		t.Error("Embed ignored a canceled context")
	}
}

func canceled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// TestSIFMeaning: a paraphrase lands nearer its sentence than an unrelated
// question does, and removing the common component helps that margin.
func TestSIFMeaning(t *testing.T) {
	s := NewSIF(Default(), articles(t), 0)
	vs, _ := s.Embed(context.Background(), []string{
		"Kim arrived at the cosmodrome in his armoured train.",
		"how did kim get there",
		"how do i make pancakes",
	})
	dot := func(a, b []float32) float64 {
		var d float64
		for i := range a {
			d += float64(a[i]) * float64(b[i])
		}
		return d
	}
	if on, off := dot(vs[0], vs[1]), dot(vs[0], vs[2]); on <= off {
		t.Errorf("paraphrase %.3f not above off-topic %.3f", on, off)
	}
}

// TestSIFUnknownWords: a word the table lacks matches itself and nothing
// else.
func TestSIFUnknownWords(t *testing.T) {
	s := NewSIF(Default(), nil, 0)
	vs, _ := s.Embed(context.Background(), []string{"vostochny", "Vostochny!", "vostochnyy", "ракета"})
	dot := func(a, b []float32) float64 {
		var d float64
		for i := range a {
			d += float64(a[i]) * float64(b[i])
		}
		return d
	}
	if d := dot(vs[0], vs[1]); math.Abs(d-1) > 1e-6 {
		t.Errorf("same unknown word: %v", d)
	}
	for _, j := range []int{2, 3} {
		if d := dot(vs[0], vs[j]); math.Abs(d) > 0.4 {
			t.Errorf("different unknown words: %v", d)
		}
	}
	// Golden: the hashed vector is the same on every machine.
	if got := fmt.Sprintf("%.6f %.6f", vs[0][0], vs[0][99]); got != goldenHashed {
		t.Errorf("hashed vector of vostochny starts/ends %s, want %s", got, goldenHashed)
	}
}

const goldenHashed = "-0.021634 -0.130690"

func BenchmarkSIFEmbed20Words(b *testing.B) {
	s := NewSIF(Default(), articles(b), 0)
	texts := []string{"Korean leader Kim Jong-un travelled by armoured train to the Vostochny cosmodrome to meet Russian President Vladimir Putin for talks"}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Embed(ctx, texts); err != nil {
			b.Fatal(err)
		}
	}
}
