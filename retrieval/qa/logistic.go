package qa

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
)

// Logistic is a fitted logistic model over named features: the
// probability that the articles answer a question. It is data, written by
// `summitbot eval --write-calibration` and embedded like the calibration.
type Logistic struct {
	Features []string  `json:"features"`
	Mean     []float64 `json:"mean"`  // each feature's mean over the fitting set
	Scale    []float64 `json:"scale"` // and its standard deviation (1 when constant)
	Weights  []float64 `json:"weights"`
	Bias     float64   `json:"bias"`
	// Cut is the probability at and above which a question is answered.
	Cut float64 `json:"cut"`
}

// Prob returns the model's probability for the feature values x, given in
// the order of m.Features.
func (m *Logistic) Prob(x []float64) float64 {
	z := m.Bias
	for i, v := range x {
		z += m.Weights[i] * (v - m.Mean[i]) / m.Scale[i]
	}
	return 1 / (1 + math.Exp(-z))
}

// Answers is the fitted judge's decision on features x. A question with no
// keyword evidence at all is refused whatever the model says: no sentence
// of its passages shares a word with it, or, for a question that asks for
// a measurable fact (a date, a count, a weight), none holds a fact of that
// form — the rule the threshold judge has always kept. So is a question
// that names a specific term the articles hold in no form (qa.MissingTerms:
// "the Hanoi summit", "2024"), and one that takes for granted an event
// whose verb the passages never use ("why did putin cry", PremiseVerb) or
// states a claim no sentence of the articles holds ("since kim flew in on
// his jet…", Claims).
func (m *Logistic) Answers(x []float64) bool {
	if i := slices.Index(m.Features, "evidence"); i >= 0 && x[i] <= 0 {
		return false
	}
	if i := slices.Index(m.Features, "missing"); i >= 0 && x[i] >= 1 {
		return false // it names something the articles never mention
	}
	if i := slices.Index(m.Features, "premise"); i >= 0 && x[i] <= 0 {
		return false // it takes for granted what the articles never say
	}
	return m.Prob(x) >= m.Cut
}

// Check reports a model that this judge cannot use: one fitted on other
// features than FeatureNames (a calibration written by another version),
// or whose arrays disagree with its feature list.
func (m *Logistic) Check() error {
	if !slices.Equal(m.Features, FeatureNames) {
		return fmt.Errorf("judge model: fitted on features %v, the judge weighs %v", m.Features, FeatureNames)
	}
	n := len(m.Features)
	if len(m.Mean) != n || len(m.Scale) != n || len(m.Weights) != n {
		return fmt.Errorf("judge model: %d features but %d means, %d scales, %d weights", n, len(m.Mean), len(m.Scale), len(m.Weights))
	}
	if slices.Contains(m.Scale, 0) {
		return errors.New("judge model: a feature scale is 0")
	}
	return nil
}

// FitLogistic fits a logistic model to rows x (one per question, features
// in the order of names) and outcomes y (true: answerable), by Newton's
// method with an L2 penalty l2 on the standardised weights, which keeps
// the fit finite when the classes separate. It chooses the cut with
// ChooseCut.
//
// signs, when not nil, gives each feature the sign its weight must have:
// +1 for a feature that can only speak for an answer, -1 for one that can
// only speak against, 0 for either. A weight the unconstrained fit would
// give the wrong sign is held at 0 instead (an active-set Newton method):
// two features that move together otherwise trade weights, and one of
// them ends up pointing the wrong way, which fits the set and misleads on
// questions unlike it.
func FitLogistic(names []string, x [][]float64, y []bool, signs []int, l2, falseRefusalCost float64) *Logistic {
	d := len(names)
	m := &Logistic{Features: names, Mean: make([]float64, d), Scale: make([]float64, d), Weights: make([]float64, d)}
	n := float64(len(x))
	for j := range d {
		for _, row := range x {
			m.Mean[j] += row[j] / n
		}
		var ss float64
		for _, row := range x {
			ss += (row[j] - m.Mean[j]) * (row[j] - m.Mean[j])
		}
		m.Scale[j] = math.Sqrt(ss / n)
		if m.Scale[j] < 1e-12 {
			m.Scale[j] = 1
		}
	}
	z := make([][]float64, len(x)) // standardised rows with a leading 1 for the bias
	for i, row := range x {
		z[i] = make([]float64, d+1)
		z[i][0] = 1
		for j := range d {
			z[i][j+1] = (row[j] - m.Mean[j]) / m.Scale[j]
		}
	}
	w := make([]float64, d+1)
	held := make([]bool, d+1) // weights held at 0 by their sign
	sign := func(j int) int { // of w[j]; the bias is free
		if j == 0 || signs == nil {
			return 0
		}
		return signs[j-1]
	}
	// Each round fits the free weights; a weight that comes out with the
	// wrong sign is held at 0 and the round repeats, and a held weight
	// whose gradient would move it the right way is freed again. Each
	// round changes one weight's state, and the rounds are bounded.
	for range 4 * (d + 1) {
		newton(z, y, w, held, l2)
		worst, worstBy := -1, 0.0
		for j := range w {
			if s := float64(sign(j)); !held[j] && s*w[j] < 0 && -s*w[j] > worstBy {
				worst, worstBy = j, -s*w[j]
			}
		}
		if worst >= 0 {
			w[worst], held[worst] = 0, true
			continue
		}
		grad := gradient(z, y, w, l2)
		free, freeBy := -1, 1e-6
		for j := range w {
			if s := float64(sign(j)); held[j] && -s*grad[j] > freeBy {
				free, freeBy = j, -s*grad[j]
			}
		}
		if free < 0 {
			break
		}
		held[free] = false
	}
	m.Bias = w[0]
	copy(m.Weights, w[1:])
	probs := make([]float64, len(x))
	for i, row := range x {
		probs[i] = m.Prob(row)
	}
	m.Cut = ChooseCut(probs, y, falseRefusalCost)
	return m
}

// ChooseCut returns the probability cut that makes the fewest costly
// mistakes on the fitting set, counting a false refusal (an answerable
// question refused) falseRefusalCost times and a wrong answer once. The
// cut sits halfway between two neighbouring probabilities, so it does not
// hang on one question's exact value.
func ChooseCut(probs []float64, y []bool, falseRefusalCost float64) float64 {
	// One sweep over the probabilities in order, counting what falls
	// below each cut: O(n log n), where trying every cut against every
	// row was O(n²) (the ranker's pairwise fit has tens of thousands).
	order := make([]int, len(probs))
	negatives := 0
	for i := range order {
		order[i] = i
		if !y[i] {
			negatives++
		}
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(probs[a], probs[b]) })
	best, bestCost := 0.5, math.Inf(1)
	// try scores cut c, given the answerable and unanswerable rows below it.
	try := func(c float64, posBelow, negBelow int) {
		cost := falseRefusalCost*float64(posBelow) + float64(negatives-negBelow)
		// Among equal costs prefer the cut nearest 0.5: the least extreme.
		if cost < bestCost || (cost == bestCost && math.Abs(c-0.5) < math.Abs(best-0.5)) {
			best, bestCost = c, cost
		}
	}
	try(0, 0, 0)
	var pos, neg int // rows counted so far: those below the next value
	for i := 0; i < len(order); {
		v := probs[order[i]]
		posBefore, negBefore := pos, neg
		for ; i < len(order) && probs[order[i]] == v; i++ {
			if y[order[i]] {
				pos++
			} else {
				neg++
			}
		}
		if i < len(order) {
			c := (v + probs[order[i]]) / 2
			if c > v {
				try(c, pos, neg)
			} else {
				try(c, posBefore, negBefore) // v and the next are neighbouring floats
			}
		}
		if i == len(order) && v >= 1 {
			pos, neg = posBefore, negBefore // a probability of 1 is not below the cut of 1
		}
	}
	try(1, pos, neg)
	return best
}

// newton minimises the penalised log loss of the logistic model w over
// the standardised rows z (bias first, unpenalised) by Newton's method,
// moving only the weights not held.
func newton(z [][]float64, y []bool, w []float64, held []bool, l2 float64) {
	d := len(w)
	for range 50 {
		grad := gradient(z, y, w, l2)
		hess := make([][]float64, d)
		for j := range hess {
			hess[j] = make([]float64, d)
		}
		for _, zi := range z {
			p := sigmoid(dot(w, zi))
			for j := range zi {
				for k := range zi {
					hess[j][k] += p * (1 - p) * zi[j] * zi[k]
				}
			}
		}
		for j := 1; j < d; j++ { // the bias is not penalised
			hess[j][j] += l2
		}
		for j := range d {
			if held[j] { // an identity row and no gradient: no step
				for k := range d {
					hess[j][k], hess[k][j] = 0, 0
				}
				hess[j][j], grad[j] = 1, 0
			}
		}
		step := solve(hess, grad)
		if step == nil {
			return
		}
		var size float64
		for j := range w {
			w[j] -= step[j]
			size = max(size, math.Abs(step[j]))
		}
		if size < 1e-9 {
			return
		}
	}
}

// gradient is the gradient of the penalised log loss at w.
func gradient(z [][]float64, y []bool, w []float64, l2 float64) []float64 {
	grad := make([]float64, len(w))
	for i, zi := range z {
		p := sigmoid(dot(w, zi))
		t := 0.0
		if y[i] {
			t = 1
		}
		for j := range zi {
			grad[j] += (p - t) * zi[j]
		}
	}
	for j := 1; j < len(w); j++ {
		grad[j] += l2 * w[j]
	}
	return grad
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// solve returns x with a·x = b by Gaussian elimination with partial
// pivoting, or nil when a is singular. a and b are overwritten.
func solve(a [][]float64, b []float64) []float64 {
	n := len(b)
	for c := range n {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		if math.Abs(a[p][c]) < 1e-12 {
			return nil
		}
		a[c], a[p] = a[p], a[c]
		b[c], b[p] = b[p], b[c]
		for r := c + 1; r < n; r++ {
			f := a[r][c] / a[c][c]
			for k := c; k < n; k++ {
				a[r][k] -= f * a[c][k]
			}
			b[r] -= f * b[c]
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		s := b[r]
		for k := r + 1; k < n; k++ {
			s -= a[r][k] * x[k]
		}
		x[r] = s / a[r][r]
	}
	return x
}
