package search

import (
	"math"
)

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
