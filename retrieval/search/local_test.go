package search

import (
	"context"
	"hash/fnv"
	"math"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/google/go-cmp/cmp"
)

func TestLocalEmbedderConformance(t *testing.T) {
	for _, dims := range []int{0, 64, 300} {
		e := NewLocalEmbedder(dims)
		t.Run(e.Model(), func(t *testing.T) { testEmbedder(t, e) })
	}
}

func TestLocalEmbedderModel(t *testing.T) {
	for dims, want := range map[int]string{0: "local-hash-v1/2048", -3: "local-hash-v1/2048", 512: "local-hash-v1/512"} {
		if got := NewLocalEmbedder(dims).Model(); got != want {
			t.Errorf("NewLocalEmbedder(%d).Model() = %q, want %q", dims, got, want)
		}
	}
}

// TestLocalEmbedderGolden pins the vector of one text, so that vectors stay
// the same across processes, machines and Go versions, and so that a change
// of features or weights, which must come with a new localVersion, does not
// go unnoticed.
func TestLocalEmbedderGolden(t *testing.T) {
	vecs, err := NewLocalEmbedder(0).Embed(context.Background(), []string{
		"Kim Jong-un's armoured train reached the Vostochny Cosmodrome; Putin greeted him with a 40-second handshake.",
	})
	if err != nil {
		t.Fatal(err)
	}
	h := fnv.New64a()
	nonzero := 0
	for _, x := range vecs[0] {
		b := math.Float32bits(x)
		h.Write([]byte{byte(b), byte(b >> 8), byte(b >> 16), byte(b >> 24)})
		if x != 0 {
			nonzero++
		}
	}
	const wantSum, wantNonzero = 0x6deef0085ee713da, 201
	if got := h.Sum64(); got != wantSum || nonzero != wantNonzero {
		t.Errorf("vector checksum %#x with %d non-zero dimensions, want %#x with %d: features or weights changed; bump localVersion and update this test", got, nonzero, uint64(wantSum), wantNonzero)
	}
}

func TestLocalEmbedderFeaturelessIsZero(t *testing.T) {
	e := NewLocalEmbedder(64)
	vecs, err := e.Embed(context.Background(), featurelessTexts)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vecs {
		if n := l2Norm(v); n != 0 {
			t.Errorf("%q: norm %v, want a zero vector", featurelessTexts[i], n)
		}
	}
}

// TestLocalEmbedderTolerance checks what the local embedder is for: a
// question with typos, other inflections or other letter case is closest to
// the passage it is about.
func TestLocalEmbedderTolerance(t *testing.T) {
	passages := []string{
		"Putin welcomed Kim at the Vostochny Cosmodrome, Russia's newest space launch centre.",
		"North Korea fired two short-range ballistic missiles into the sea before the meeting.",
		"The handshake between the two leaders lasted around 40 seconds.",
		"Kim travelled to Russia on his armoured train, a journey of several days.",
		"Analysts say Pyongyang could supply artillery shells for the war in Ukraine.",
	}
	tests := []struct {
		query string
		want  int
	}{
		{"whats the name of the cosmodrom", 0},
		{"where is vostochy", 0},
		{"how long was the handshak", 2},
		{"did they shake hands for long", 2},
		{"balistic misiles fired", 1},
		{"MISSILE LAUNCHES", 1},
		{"did kim come by trains", 3},
		{"artilery for ukraine", 4},
	}
	e := NewLocalEmbedder(0)
	ctx := context.Background()
	pv, err := e.Embed(ctx, passages)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		qv, err := e.Embed(ctx, []string{tt.query})
		if err != nil {
			t.Fatal(err)
		}
		best, bestSim := -1, math.Inf(-1)
		for i, v := range pv {
			if s := DotProduct(qv[0], v); s > bestSim {
				best, bestSim = i, s
			}
		}
		if best != tt.want {
			t.Errorf("%q is closest to %q (%.3f), want %q (%.3f)", tt.query, passages[best], bestSim, passages[tt.want], DotProduct(qv[0], pv[tt.want]))
		}
	}
}

// TestLocalEmbedderAnalysisMatchesBleve checks that the embedder's own
// tokenizer gives the terms of bleve's English analyzer, which BM25 uses: the
// two retrievers must agree on what a word is.
func TestLocalEmbedderAnalysisMatchesBleve(t *testing.T) {
	analyzer, err := registry.NewCache().AnalyzerNamed(en.AnalyzerName)
	if err != nil {
		t.Fatal(err)
	}
	texts := append([]string{
		"Kim Jong-un's armoured train arrived; Russia’s far east welcomed him.",
		"The Angara rocket is 42.7 metres tall, 1,000 km from Vladivostok.",
		"Putin said: \"We will talk about all issues without a rush. There is time.\"",
		"The U.S. and South Korea's Joint Chiefs of Staff didn't say; it’s unclear.",
		"Soyuz-2 launches, 2016's first launch, the 18-month-old war (Luna-25).",
		"KIM'S VISIT, Kim’S visit, kims visits — 'quoted' ‘words’ “here”.",
		"Café naïve Ракета 東京 a:b 3;4 x.y 5.6.7 _under_score_",
		"  ...  ",
	}, conformanceTexts...)
	e := NewLocalEmbedder(0)
	buf := new(embedBuf)
	for _, text := range texts {
		var want, got []string
		for _, tok := range analyzer.Analyze([]byte(text)) {
			want = append(want, string(tok.Term))
		}
		e.analyze(buf, text, func(_ []byte, stem []rune) { got = append(got, string(stem)) })
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%q (-bleve +embedder):\n%s", text, diff)
		}
	}
}
