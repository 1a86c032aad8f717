package eval_test

import (
	"context"
	"math"
	"testing"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/eval"
	"github.com/summitbot/summitbot/retrieval/qa"
	"github.com/summitbot/summitbot/retrieval/retrievaltest"
)

// subjects returns a Subject that answers from one index of the embedded
// corpus, built once, in the mode and with the threshold asked for, as
// summitbot eval does.
func subjects(t *testing.T) eval.Factory {
	ix := retrievaltest.Index(t)
	return func(ctx context.Context, m retrieval.Mode, cal qa.Calibration) (eval.Subject, func() error, error) {
		return qa.New(ix, qa.Options{Mode: m}, cal, nil), func() error { return nil }, nil
	}
}

func TestShippedCalibrationIsCurrent(t *testing.T) {
	set, err := corpus.DefaultEvalSet()
	if err != nil {
		t.Fatal(err)
	}
	shipped, err := eval.DefaultCalibration()
	if err != nil {
		t.Fatal(err)
	}
	got, err := eval.Calibrate(t.Context(), subjects(t), set)
	if err != nil {
		t.Fatal(err)
	}
	got.Embedder = retrievaltest.Index(t).Embedder().Model()
	const fix = "run: go run ./cmd/summitbot eval --write-calibration retrieval/eval/calibration.json"
	if got.EvalSHA256 != shipped.EvalSHA256 || got.Embedder != shipped.Embedder {
		t.Fatalf("calibration was measured on eval %s with %s; now %s with %s; %s",
			shipped.EvalSHA256[:12], shipped.Embedder, got.EvalSHA256[:12], got.Embedder, fix)
	}
	for _, m := range retrieval.Modes {
		g, s := got.Modes[m], shipped.Modes[m]
		if math.Abs(g.Threshold-s.Threshold) > 1e-9 || g.Answered != s.Answered || g.Refused != s.Refused {
			t.Errorf("%s: calibrating now gives %+v, shipped %+v; %s", m, g, s, fix)
		}
	}
}

// TestEvalFigures guards the figures the README reports: hybrid retrieval
// must find the gold article in the top five nearly always and be at least
// as good as either retriever alone, and no citation may be invalid. The
// answer and refusal floors are today's measurements (README), so a change
// that makes answers worse fails here.
func TestEvalFigures(t *testing.T) {
	set, err := corpus.DefaultEvalSet()
	if err != nil {
		t.Fatal(err)
	}
	cal, err := eval.DefaultCalibration()
	if err != nil {
		t.Fatal(err)
	}
	reps, err := eval.Evaluate(t.Context(), subjects(t), set, cal, retrieval.Modes)
	if err != nil {
		t.Fatal(err)
	}
	by := make(map[retrieval.Mode]eval.ModeReport)
	for _, r := range reps {
		by[r.Mode] = r
		if r.CitationValidity != 1 {
			t.Errorf("%s: citation validity %.3f, want 1", r.Mode, r.CitationValidity)
		}
	}
	h := by[retrieval.Hybrid]
	if h.RecallAt5 < 0.95 {
		t.Errorf("hybrid recall@5 = %.3f, want ≥ 0.95", h.RecallAt5)
	}
	for _, m := range []retrieval.Mode{retrieval.Keyword, retrieval.Vector} {
		if h.RecallAt5 < by[m].RecallAt5 || h.MRR < by[m].MRR {
			t.Errorf("hybrid (recall@5 %.3f, MRR %.3f) is worse than %s (%.3f, %.3f)", h.RecallAt5, h.MRR, m, by[m].RecallAt5, by[m].MRR)
		}
	}
	if h.AnswerAccuracy < 0.85 || h.RefusalAccuracy < 0.55 || h.FalseRefusals > 0.05 {
		t.Errorf("hybrid answers %.3f, refusals %.3f, false refusals %.3f; want ≥ 0.85, ≥ 0.55, ≤ 0.05",
			h.AnswerAccuracy, h.RefusalAccuracy, h.FalseRefusals)
	}
}
