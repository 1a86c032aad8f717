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
	// The models only: the cross-validated records beside them are
	// figures, which TestREADMEEvalTable (cmd/summitbot) checks against
	// the docs; refitting the folds here would double this package's time.
	got, err := eval.CalibrateModels(t.Context(), subjects(t), set)
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
		if (g.Judge == nil) != (s.Judge == nil) {
			t.Errorf("%s: calibrating now gives judge %v, shipped %v; %s", m, g.Judge != nil, s.Judge != nil, fix)
		} else if g.Judge != nil {
			close := math.Abs(g.Judge.Bias-s.Judge.Bias) < 1e-6 && math.Abs(g.Judge.Cut-s.Judge.Cut) < 1e-6 &&
				len(g.Judge.Weights) == len(s.Judge.Weights)
			for i := range g.Judge.Weights {
				close = close && i < len(s.Judge.Weights) && math.Abs(g.Judge.Weights[i]-s.Judge.Weights[i]) < 1e-6
			}
			if !close {
				t.Errorf("%s: fitting now gives the judge %v (bias %v, cut %v), shipped %v (bias %v, cut %v); %s",
					m, g.Judge.Weights, g.Judge.Bias, g.Judge.Cut, s.Judge.Weights, s.Judge.Bias, s.Judge.Cut, fix)
			}
		}
		if (g.Ranker == nil) != (s.Ranker == nil) {
			t.Errorf("%s: calibrating now gives ranker %v, shipped %v; %s", m, g.Ranker != nil, s.Ranker != nil, fix)
			continue
		}
		if g.Ranker != nil {
			close := math.Abs(g.Ranker.Gap-s.Ranker.Gap) < 1e-9
			for i := range g.Ranker.Weights {
				close = close && i < len(s.Ranker.Weights) && math.Abs(g.Ranker.Weights[i]-s.Ranker.Weights[i]) < 1e-6
			}
			if !close {
				t.Errorf("%s: fitting now gives the ranker %v (gap %v), shipped %v (gap %v); %s",
					m, g.Ranker.Weights, g.Ranker.Gap, s.Ranker.Weights, s.Ranker.Gap, fix)
			}
		}
	}
}

// TestEvalFigures guards the figures docs/benchmarks.md reports: hybrid
// retrieval must find the gold article in the top five nearly always, rank
// it at least as well as either retriever alone (MRR), and find it in the
// top five at least as often as keyword search and nearly as often as vector
// search; no citation may be invalid. The other floors sit just below
// today's measurements on the 343/226/21 set (eval.yaml with the first
// held-out set's questions and the p3- ones, which are harder: mostly
// paraphrases in chat's spelling) with the fitted ranker and judge
// (hybrid: recall@5 0.953, answers 0.711, lead sentences 0.571, speakers
// 0.897, refusals 0.699, false refusals 0.079, every chat message
// handled). These judge with the
// model fitted on the same set, so they are in-sample (docs/benchmarks.md
// has the cross-validated figures): they guard against regressions and
// are not targets, so a change that makes answers better should raise
// them.
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
	chat := 0
	for _, q := range set.Questions {
		if q.IsChat() {
			chat++
		}
	}
	by := make(map[retrieval.Mode]eval.ModeReport)
	for _, r := range reps {
		by[r.Mode] = r
		if r.CitationValidity != 1 {
			t.Errorf("%s: citation validity %.3f, want 1", r.Mode, r.CitationValidity)
		}
		if r.Chat != chat || r.ChatHandled != r.Chat || r.Answerable+r.Unanswerable+r.Chat != len(set.Questions) {
			t.Errorf("%s: %d answerable, %d unanswerable, %d chat of %d questions; chat must be scored apart",
				r.Mode, r.Answerable, r.Unanswerable, r.Chat, len(set.Questions))
		}
	}
	h := by[retrieval.Hybrid]
	if h.RecallAt5 < 0.94 {
		t.Errorf("hybrid recall@5 = %.3f, want ≥ 0.94", h.RecallAt5)
	}
	for _, m := range []retrieval.Mode{retrieval.Keyword, retrieval.Vector} {
		if h.MRR < by[m].MRR {
			t.Errorf("hybrid MRR %.3f is worse than %s's %.3f", h.MRR, m, by[m].MRR)
		}
	}
	if k, v := by[retrieval.Keyword], by[retrieval.Vector]; h.RecallAt5 < k.RecallAt5 || h.RecallAt5 < v.RecallAt5-0.02 {
		t.Errorf("hybrid recall@5 %.3f; keyword %.3f, vector %.3f: want ≥ keyword and within 0.02 of vector",
			h.RecallAt5, k.RecallAt5, v.RecallAt5)
	}
	if h.AnswerAccuracy < 0.69 || h.LeadAccuracy < 0.55 || h.SpeakerAccuracy < 0.87 {
		t.Errorf("hybrid answers %.3f, lead sentences %.3f, speakers %.3f; want ≥ 0.69, ≥ 0.55, ≥ 0.87",
			h.AnswerAccuracy, h.LeadAccuracy, h.SpeakerAccuracy)
	}
	if h.RefusalAccuracy < 0.67 || h.FalseRefusals > 0.091 {
		t.Errorf("hybrid refusals %.3f, false refusals %.3f; want ≥ 0.67, ≤ 0.091",
			h.RefusalAccuracy, h.FalseRefusals)
	}
}
