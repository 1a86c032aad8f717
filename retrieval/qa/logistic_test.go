package qa

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestFitLogisticRecoversWeights fits data drawn from a known model and
// checks the fit finds its weights' signs and sizes and separates the
// classes.
func TestFitLogisticRecoversWeights(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var x [][]float64
	var y []bool
	for range 2000 {
		a, b, c := r.NormFloat64(), r.NormFloat64(), r.NormFloat64()
		p := sigmoid(2*a - 1*b + 0.5)
		x = append(x, []float64{a, b, c})
		y = append(y, r.Float64() < p)
	}
	m := FitLogistic([]string{"a", "b", "noise"}, x, y, 1e-3, 1)
	if err := m.Check(); err == nil {
		t.Error("Check accepted a model fitted on other features than FeatureNames")
	}
	m.Features = FeatureNames[:3]
	if err := m.Check(); err == nil {
		t.Error("Check accepted a model with 3 of the judge's features")
	}
	m.Features = []string{"a", "b", "noise"}
	if len(m.Weights) != 3 || len(m.Mean) != 3 || len(m.Scale) != 3 {
		t.Fatalf("fit has %d weights, %d means, %d scales; want 3 each", len(m.Weights), len(m.Mean), len(m.Scale))
	}
	// Standardised weights are the true ones times the feature's spread (≈1).
	for i, want := range []float64{2, -1, 0} {
		if math.Abs(m.Weights[i]-want) > 0.3 {
			t.Errorf("weight %s = %.2f, want about %.1f", m.Features[i], m.Weights[i], want)
		}
	}
	if math.Abs(m.Bias-0.5) > 0.3 {
		t.Errorf("bias = %.2f, want about 0.5", m.Bias)
	}
}

func TestChooseCutWeighsFalseRefusals(t *testing.T) {
	probs := []float64{0.1, 0.3, 0.4, 0.6, 0.9}
	y := []bool{false, true, false, true, true}
	// Refusing the 0.3 answerable question costs 5; answering 0.4 costs 1.
	if got := ChooseCut(probs, y, 5); got > 0.3 {
		t.Errorf("cut with costly false refusals = %.2f, want ≤ 0.3", got)
	}
	if got := ChooseCut(probs, y, 0.5); got < 0.4 {
		t.Errorf("cut with cheap false refusals = %.2f, want > 0.4", got)
	}
}

// TestChooseCutMatchesEveryCut checks the one-sweep ChooseCut against
// trying every cut on every row, on random fits with ties and extremes.
func TestChooseCutMatchesEveryCut(t *testing.T) {
	naive := func(probs []float64, y []bool, cost float64) float64 {
		sorted := slices.Clone(probs)
		slices.Sort(sorted)
		cuts := []float64{0}
		for i := 1; i < len(sorted); i++ {
			if sorted[i] > sorted[i-1] {
				cuts = append(cuts, (sorted[i]+sorted[i-1])/2)
			}
		}
		cuts = append(cuts, 1)
		best, bestCost := 0.5, math.Inf(1)
		for _, c := range cuts {
			var total float64
			for i, p := range probs {
				switch {
				case y[i] && p < c:
					total += cost
				case !y[i] && p >= c:
					total++
				}
			}
			if total < bestCost || (total == bestCost && math.Abs(c-0.5) < math.Abs(best-0.5)) {
				best, bestCost = c, total
			}
		}
		return best
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 500 {
		n := r.IntN(40)
		probs, y := make([]float64, n), make([]bool, n)
		for i := range probs {
			switch r.IntN(6) {
			case 0:
				probs[i] = 0
			case 1:
				probs[i] = 1
			case 2:
				probs[i] = float64(r.IntN(4)) / 4 // ties
			default:
				probs[i] = r.Float64()
			}
			y[i] = r.IntN(2) == 0
		}
		for _, cost := range []float64{1, 2} {
			if got, want := ChooseCut(probs, y, cost), naive(probs, y, cost); got != want {
				t.Fatalf("ChooseCut(%v, %v, %v) = %v, want %v", probs, y, cost, got, want)
			}
		}
	}
}
