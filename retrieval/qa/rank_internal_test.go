package qa

import (
	"math"
	"testing"
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
