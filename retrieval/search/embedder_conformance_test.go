package search

import (
	"context"
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/summitbot/summitbot/retrieval"
)

// conformanceTexts are ordinary passages and questions of the kind every
// retrieval.Embedder must turn into unit vectors.
var conformanceTexts = []string{
	"Putin hosted Kim Jong-un at the Vostochny Cosmodrome in Russia's far east.",
	"Where did the two leaders meet?",
	"North Korea fired two short-range ballistic missiles about an hour before the meeting.",
	"The handshake lasted around 40 seconds.",
	"Kim vowed that North Korea would always be with Russia.",
	"Ракета", // not English: still a text with something in it
}

// featurelessTexts have nothing an embedder can hold on to. Each must still
// give a vector of the usual length that is either unit length or all zeros,
// and whose similarity to anything is a number, not NaN.
var featurelessTexts = []string{"", " \n\t", "?!...", "—", "the of and"}

// testEmbedder checks the contract of retrieval.Embedder. Every implementation's tests
// call it; run them with -race.
func testEmbedder(t *testing.T, e retrieval.Embedder) {
	t.Helper()
	ctx := context.Background()
	if e.Model() == "" {
		t.Error("Model() is empty")
	}

	batch, err := e.Embed(ctx, conformanceTexts)
	if err != nil {
		t.Fatalf("Embed: %v", err)
	}
	if len(batch) != len(conformanceTexts) {
		t.Fatalf("Embed returned %d vectors for %d texts", len(batch), len(conformanceTexts))
	}
	dims := len(batch[0])
	if dims == 0 {
		t.Fatal("Embed returned an empty vector")
	}
	for i, v := range batch {
		if len(v) != dims {
			t.Errorf("vector %d has %d dimensions, vector 0 has %d", i, len(v), dims)
		}
		if n := l2Norm(v); math.Abs(1-n) >= 1e-5 {
			t.Errorf("vector %d (%q) has norm %v, want 1", i, conformanceTexts[i], n)
		}
	}

	t.Run("distinct texts differ", func(t *testing.T) {
		if s := DotProduct(batch[0], batch[3]); s > 0.999 {
			t.Errorf("similarity of unrelated texts %q and %q is %v", conformanceTexts[0], conformanceTexts[3], s)
		}
	})

	t.Run("order preserved", func(t *testing.T) {
		for i, text := range conformanceTexts {
			one, err := e.Embed(ctx, []string{text})
			if err != nil {
				t.Fatalf("Embed(%q): %v", text, err)
			}
			if !slices.Equal(batch[i], one[0]) {
				t.Errorf("text %d (%q) alone gives another vector than in a batch", i, text)
			}
		}
		reversed := make([]string, len(conformanceTexts))
		for i, text := range conformanceTexts {
			reversed[len(reversed)-1-i] = text
		}
		rev, err := e.Embed(ctx, reversed)
		if err != nil {
			t.Fatal(err)
		}
		for i := range rev {
			if !slices.Equal(rev[i], batch[len(batch)-1-i]) {
				t.Errorf("reversed batch: vector %d is not the vector of its text", i)
			}
		}
	})

	t.Run("deterministic across goroutines", func(t *testing.T) {
		var wg sync.WaitGroup
		results := make([][][]float32, 16)
		errs := make([]error, len(results))
		for g := range results {
			wg.Go(func() { results[g], errs[g] = e.Embed(ctx, conformanceTexts) })
		}
		wg.Wait()
		for g := range results {
			if errs[g] != nil {
				t.Fatalf("goroutine %d: %v", g, errs[g])
			}
			if !slices.EqualFunc(batch, results[g], slices.Equal) {
				t.Fatalf("goroutine %d got other vectors than the first call", g)
			}
		}
	})

	t.Run("empty input", func(t *testing.T) {
		for _, in := range [][]string{nil, {}} {
			out, err := e.Embed(ctx, in)
			if err != nil {
				t.Fatalf("Embed(%#v): %v", in, err)
			}
			if len(out) != 0 {
				t.Errorf("Embed(%#v) returned %d vectors", in, len(out))
			}
		}
	})

	t.Run("featureless text", func(t *testing.T) {
		out, err := e.Embed(ctx, featurelessTexts)
		if err != nil {
			t.Fatalf("Embed: %v", err)
		}
		if len(out) != len(featurelessTexts) {
			t.Fatalf("Embed returned %d vectors for %d texts", len(out), len(featurelessTexts))
		}
		for i, v := range out {
			if len(v) != dims {
				t.Errorf("%q: %d dimensions, want %d", featurelessTexts[i], len(v), dims)
			}
			if n := l2Norm(v); n != 0 && math.Abs(1-n) >= 1e-5 {
				t.Errorf("%q: norm %v, want 1 or 0", featurelessTexts[i], n)
			}
			for _, other := range append(batch, v) {
				if s := DotProduct(v, other); math.IsNaN(s) || math.IsInf(s, 0) {
					t.Errorf("%q: similarity %v", featurelessTexts[i], s)
				}
			}
		}
	})

	t.Run("cancelled context", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := e.Embed(cctx, conformanceTexts); err == nil {
			t.Error("Embed with a cancelled context succeeded")
		}
	})
}
