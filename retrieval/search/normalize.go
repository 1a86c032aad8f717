package search

import (
	"math"
)

// normalize scales v in place to unit L2 norm. It reports false, and leaves v
// all zeros, when v has no length to scale (all zeros, or not finite).
func normalize(v []float32) bool {
	var sum float64
	for _, x := range v {
		// The conversion forbids fusing the multiply and the add into an FMA,
		// which arm64 would do and amd64 would not: vectors must be the same
		// on every machine.
		sum += float64(float64(x) * float64(x))
	}
	if sum == 0 || math.IsInf(sum, 0) || math.IsNaN(sum) {
		clear(v)
		return false
	}
	inv := 1 / math.Sqrt(sum)
	for i, x := range v {
		v[i] = float32(float64(x) * inv)
	}
	return true
}

// l2Norm returns the L2 norm of v.
func l2Norm(v []float32) float64 {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	return math.Sqrt(sum)
}

// DotProduct returns the dot product of two vectors of the same length, which is their
// cosine similarity when both are unit vectors, and 0 when either is all zeros.
func DotProduct(a, b []float32) float64 {
	var sum float64
	for i := range a {
		sum += float64(a[i]) * float64(b[i])
	}
	return sum
}
