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
	m := FitLogistic([]string{"a", "b", "noise"}, x, y, nil, 1e-3, 1)
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

// TestFitLogisticHoldsSigns fits data where a second feature is the first
// plus a little noise, so the free fit weighs the pair against each
// other: one weight positive, the other negative. Told both may only be
// positive, the fit holds the wrong-signed one at 0 and still finds the
// signal; a free weight is left alone.
func TestFitLogisticHoldsSigns(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var x [][]float64
	var y []bool
	for range 2000 {
		a := r.NormFloat64()
		b := a + 0.3*r.NormFloat64()
		c := r.NormFloat64()
		x = append(x, []float64{a, b, c})
		y = append(y, r.Float64() < sigmoid(3*a-1.5*b-c))
	}
	names := []string{"a", "b", "c"}
	free := FitLogistic(names, x, y, nil, 1e-3, 1)
	if free.Weights[1] >= 0 {
		t.Fatalf("free fit: weight b = %.2f, want negative (the test's premise)", free.Weights[1])
	}
	m := FitLogistic(names, x, y, []int{+1, +1, 0}, 1e-3, 1)
	if m.Weights[1] != 0 {
		t.Errorf("signed fit: weight b = %.3f, want held at 0", m.Weights[1])
	}
	if m.Weights[0] <= 0 {
		t.Errorf("signed fit: weight a = %.2f, want positive", m.Weights[0])
	}
	if m.Weights[2] > -0.5 {
		t.Errorf("signed fit: free weight c = %.2f, want about -1", m.Weights[2])
	}
	// A sign the data agrees with changes nothing.
	agree := FitLogistic(names, x, y, []int{0, -1, -1}, 1e-3, 1)
	for i := range agree.Weights {
		if math.Abs(agree.Weights[i]-free.Weights[i]) > 1e-6 {
			t.Errorf("signs the free fit keeps: weight %s = %.4f, free fit %.4f", names[i], agree.Weights[i], free.Weights[i])
		}
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

// TestFeatureSignsCoverFeatures checks that every judge feature has a
// sign for the fit, and no sign names a feature the judge lacks.
func TestFeatureSignsCoverFeatures(t *testing.T) {
	for _, n := range FeatureNames {
		if _, ok := FeatureSigns[n]; !ok {
			t.Errorf("feature %q has no sign in FeatureSigns", n)
		}
	}
	for n := range FeatureSigns {
		if !slices.Contains(FeatureNames, n) {
			t.Errorf("FeatureSigns names %q, which is no judge feature", n)
		}
	}
}
