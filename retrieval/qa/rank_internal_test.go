package qa

import (
	"math"
	"slices"
	"testing"

	"github.com/summitbot/summitbot/retrieval"
)

// TestCentreRatesTheSentenceBetweenTheOthers checks "central": of three
// unit vectors, the one halfway between the other two points along their
// mean, and the two at the sides less so, each by its cosine with it.
func TestCentreRatesTheSentenceBetweenTheOthers(t *testing.T) {
	h := float32(math.Sqrt2 / 2)
	rk := &ranking{views: map[int]sentenceView{
		0: {sif: []float32{1, 0}},
		1: {sif: []float32{h, h}},
		2: {sif: []float32{0, 1}},
	}}
	rk.centre()
	want := map[int]float64{0: math.Sqrt2 / 2, 1: 1, 2: math.Sqrt2 / 2}
	for i, w := range want {
		if got := rk.views[i].central; math.Abs(got-w) > 1e-6 {
			t.Errorf("central of sentence %d = %.4f, want %.4f", i, got, w)
		}
	}
	empty := &ranking{views: map[int]sentenceView{}}
	empty.centre() // no sentences: nothing to rate, and no panic
}

// TestHandFeaturesLooseKind checks "loose": set beside "kind" for a kind
// whose form does not say what it is (a reason), not for one whose form
// does (a duration), and neither for a sentence that does not fit or a
// question of no particular kind.
func TestHandFeaturesLooseKind(t *testing.T) {
	kind, loose := slices.Index(RankFeatureNames, "kind"), slices.Index(RankFeatureNames, "loose")
	for _, tc := range []struct {
		k           retrieval.Kind
		fits        bool
		kind, loose float64
	}{
		{retrieval.KindDuration, true, 1, 0},
		{retrieval.KindReason, true, 1, 1},
		{retrieval.KindPerson, true, 1, 1},
		{retrieval.KindReason, false, 0, 0},
		{retrieval.KindOther, true, 0, 0},
	} {
		x := handFeatures(0.5, 0.5, 0.5, 1, tc.fits, tc.k, 0)
		if x[kind] != tc.kind || x[loose] != tc.loose {
			t.Errorf("%s, fits %v: kind %v loose %v, want %v %v", tc.k, tc.fits, x[kind], x[loose], tc.kind, tc.loose)
		}
	}
}
