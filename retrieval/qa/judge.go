package qa

import (
	"context"
)

// Judge decides whether the retrieved passages answer the question at all,
// before anything is written. A Judge must be safe for concurrent use.
type Judge interface {
	// Judge reads the analysed question and its scored candidate
	// sentences, in passage order.
	Judge(ctx context.Context, a Analysis, best []Candidate) (Verdict, error)
}

// Verdict is a Judge's decision and what it rests on, as Answer reports it.
type Verdict struct {
	Answer    bool    // false: the answer is a refusal
	Evidence  float64 // how well the best passage covers the question, 0..1
	Threshold float64 // the evidence below which the judge refuses
}

// Threshold is the calibrated evidence threshold: the evidence is the best
// Evidence among the candidates that count, and a question whose evidence
// is below Min is refused (see retrieval/eval for how Min is measured).
type Threshold struct {
	Min float64
}

// Judge implements Judge.
func (t Threshold) Judge(_ context.Context, _ Analysis, best []Candidate) (Verdict, error) {
	v := Verdict{Threshold: t.Min}
	for _, c := range best {
		if c.Counts {
			v.Evidence = max(v.Evidence, c.Evidence)
		}
	}
	v.Answer = len(best) > 0 && v.Evidence >= t.Min
	return v, nil
}
