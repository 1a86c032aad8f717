package qa_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/qa"
)

// ranker returns a ranker that weighs only the named feature, by w.
func ranker(feature string, w float64) *qa.Ranker {
	r := &qa.Ranker{Features: qa.RankFeatureNames}
	for _, n := range qa.RankFeatureNames {
		r.Scale = append(r.Scale, 1)
		if n == feature {
			r.Weights = append(r.Weights, w)
		} else {
			r.Weights = append(r.Weights, 0)
		}
	}
	return r
}

// TestRankerOrdersCandidates answers with rankers that weigh only a
// sentence's length, one way and the other: every candidate's score must
// be the ranker's, and the answer must lead with the longest sentence, or
// the shortest (after the sentence that names its speaker, when it does
// not).
func TestRankerOrdersCandidates(t *testing.T) {
	ix := testIndex(t)
	q := retrieval.Question{Text: "How long did Putin and Kim's handshake last?"}
	lead := map[float64]string{}
	for _, w := range []float64{1, -1} {
		r := ranker("len", w)
		var cands []qa.Candidate
		cal := qa.Calibration{Ranker: r, Candidates: func(c []qa.Candidate) { cands = c }}
		a, err := qa.New(ix, qa.Options{}, cal, nil).Answer(t.Context(), q, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(cands) < 2 || a.Refused || len(a.Sentences) == 0 {
			t.Fatalf("weight %v: %d candidates, refused %v: %q", w, len(cands), a.Refused, a.Answer)
		}
		length := slices.Index(qa.RankFeatureNames, "len")
		best := cands[0]
		for _, c := range cands {
			if len(c.Features) != len(qa.RankFeatureNames) {
				t.Fatalf("candidate with %d features, want %d", len(c.Features), len(qa.RankFeatureNames))
			}
			if math.Abs(c.Score-w*c.Features[length]) > 1e-12 {
				t.Errorf("weight %v: score %.3f, want the ranker's %.3f: %q", w, c.Score, w*c.Features[length], c.Text)
			}
			if c.Score > best.Score {
				best = c
			}
		}
		// The lead may open with the sentence that names who spoke it
		// (“This is our new cosmodrome.” after the sentence that says Mr
		// Putin said so).
		if !strings.HasSuffix(a.Sentences[0].Text, best.Text) {
			t.Errorf("weight %v: answer leads with %q, want the best-ranked %q", w, a.Sentences[0].Text, best.Text)
		}
		lead[w] = best.Text
	}
	if len(strings.Fields(lead[1])) <= len(strings.Fields(lead[-1])) {
		t.Errorf("longest-first lead %q is not longer than shortest-first lead %q", lead[1], lead[-1])
	}
}

// TestRankerGap: a sentence joins the answer when it scores within Gap of
// the best; a gap of 0 quotes one sentence unless another ties.
func TestRankerGap(t *testing.T) {
	ix := testIndex(t)
	q := retrieval.Question{Text: "How long did Putin and Kim's handshake last?"}
	count := func(gap float64) int {
		r := ranker("sent_cov", 1)
		r.Gap = gap
		a, err := qa.New(ix, qa.Options{}, qa.Calibration{Ranker: r}, nil).Answer(t.Context(), q, nil)
		if err != nil {
			t.Fatal(err)
		}
		return len(a.Sentences)
	}
	if wide, narrow := count(100), count(0); wide != 3 || narrow > wide {
		t.Errorf("gap 100 quotes %d sentences, want 3; gap 0 quotes %d", wide, narrow)
	}
}

// TestJudgeFeaturesIgnoreRanker: the fitted judge reads the sentences in
// hand-weight order, so its features are the same whatever ranks the
// answer. eval.Fit relies on it: each fold's judge is fitted on features
// the full ranker's run produced.
func TestJudgeFeaturesIgnoreRanker(t *testing.T) {
	ix := testIndex(t)
	hand := qa.New(ix, qa.Options{}, qa.Calibration{Observe: true}, nil)
	ranked := qa.New(ix, qa.Options{}, qa.Calibration{Observe: true, Ranker: ranker("len", -1)}, nil)
	for _, text := range []string{
		"Where did Putin and Kim meet?",
		"How long did Putin and Kim's handshake last?",
		"what did putin say about satellites",
		"Who won the 2022 World Cup?",
	} {
		q := retrieval.Question{Text: text}
		a, err := hand.Answer(t.Context(), q, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := ranked.Answer(t.Context(), q, nil)
		if err != nil {
			t.Fatal(err)
		}
		if a.Features == nil {
			t.Fatalf("%s: no judge features", text)
		}
		if diff := cmp.Diff(a.Features, b.Features); diff != "" {
			t.Errorf("%s: judge features change with the ranker (-hand +ranked):\n%s", text, diff)
		}
	}
}

func TestRankerCheck(t *testing.T) {
	good := ranker("len", 1)
	if err := good.Check(); err != nil {
		t.Fatalf("Check rejected a ranker over RankFeatureNames: %v", err)
	}
	for name, r := range map[string]*qa.Ranker{
		"other features": {Features: qa.RankFeatureNames[:3], Scale: []float64{1, 1, 1}, Weights: []float64{1, 1, 1}},
		"short weights":  {Features: qa.RankFeatureNames, Scale: good.Scale, Weights: good.Weights[:2]},
		"zero scale":     {Features: qa.RankFeatureNames, Scale: make([]float64, len(good.Scale)), Weights: good.Weights},
		"negative gap":   {Features: qa.RankFeatureNames, Scale: good.Scale, Weights: good.Weights, Gap: -1},
	} {
		if err := r.Check(); err == nil {
			t.Errorf("%s: Check accepted it", name)
		}
	}
}

// TestFitRankerPairwise fits questions whose answering sentence is the one
// with the larger first feature: the fit must weigh that feature up and
// the noise hardly at all.
func TestFitRankerPairwise(t *testing.T) {
	var qs []qa.RankQuestion
	n := len(qa.RankFeatureNames)
	for i := range 40 {
		q := qa.RankQuestion{}
		for j := range 4 {
			x := make([]float64, n)
			x[0] = float64(j) + 0.1*float64(i%3)
			x[1] = float64((i*7 + j*3) % 5) // noise
			q.X = append(q.X, x)
			q.Y = append(q.Y, j == 3)
		}
		qs = append(qs, q)
	}
	r := qa.FitRanker(qs, 1)
	if err := r.Check(); err != nil {
		t.Fatal(err)
	}
	if r.Weights[0] <= 0 || math.Abs(r.Weights[1]) > r.Weights[0]/4 {
		t.Errorf("weights %.2f (signal) and %.2f (noise): want the signal up and the noise near 0", r.Weights[0], r.Weights[1])
	}
}
