package qa_test

import (
	"context"
	"testing"

	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/qa"
)

func TestThresholdJudge(t *testing.T) {
	cands := []qa.Candidate{
		{Evidence: 0.9, Counts: false}, // covers the words but not the kind of fact
		{Evidence: 0.4, Counts: true},
		{Evidence: 0.2, Counts: true},
	}
	for _, tt := range []struct {
		min    float64
		cands  []qa.Candidate
		answer bool
		ev     float64
	}{
		{0.3, cands, true, 0.4},
		{0.5, cands, false, 0.4},
		{0.4, cands, true, 0.4}, // at the threshold answers
		{0, nil, false, 0},      // nothing retrieved is refused even uncalibrated
	} {
		v, err := qa.Threshold{Min: tt.min}.Judge(context.Background(), qa.Analysis{}, tt.cands)
		if err != nil || v.Answer != tt.answer || v.Evidence != tt.ev || v.Threshold != tt.min {
			t.Errorf("Threshold{%v} = %+v, %v; want answer %v, evidence %v", tt.min, v, err, tt.answer, tt.ev)
		}
	}
}

// refuseAll is a judge in a few lines: what a new one takes besides a line
// in qa.New.
type refuseAll struct{}

func (refuseAll) Judge(context.Context, qa.Analysis, []qa.Candidate) (qa.Verdict, error) {
	return qa.Verdict{Evidence: 0.5, Threshold: 1}, nil
}

func TestPipelineFollowsItsJudge(t *testing.T) {
	p := &qa.Pipeline{Index: testIndex(t), Judge: refuseAll{}}
	a, err := p.Answer(t.Context(), retrieval.Question{Text: "How long did the handshake last?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Refused || a.Answer != retrieval.RefusalText || a.Evidence != 0.5 || a.Threshold != 1 || len(a.Citations) != 0 {
		t.Errorf("answer %+v, want the judge's refusal", a)
	}
}
