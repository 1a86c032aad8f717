package eval

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"slices"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/qa"
)

// The sentence ranker is fitted on the eval set too: a sentence is a
// positive example when its text holds one of its question's gold
// aliases (folded as for answer accuracy; see rankLabel). Like the judge's, its figures
// are cross-validated: each question's sentences are ranked by a ranker
// fitted on the other folds only.

// rankL2 is the ranker's penalty on its standardised weights: 0.1 to 100
// give the same cross-validated lead accuracy within one question.
const rankL2 = 1.0

// RankerCV compares the sentence ranker with the hand weights on the
// answerable questions of the eval set, cross-validated, with every
// question answered (no judge): the share answered with a gold alias, and
// with one in the lead sentence, and the mean sentences quoted.
type RankerCV struct {
	Folds          int     `json:"folds"`
	Answerable     int     `json:"answerable"`
	HandAnswer     float64 `json:"hand_answer_accuracy"`
	HandLead       float64 `json:"hand_lead_accuracy"`
	HandSentences  float64 `json:"hand_sentences"`
	AnswerAccuracy float64 `json:"answer_accuracy"`
	LeadAccuracy   float64 `json:"lead_accuracy"`
	Sentences      float64 `json:"sentences"`
	// Of the questions about what someone said, the share whose lead
	// sentence is attributed to them (see Attributed).
	Speakers        int     `json:"speakers"`
	HandSpeaker     float64 `json:"hand_speaker_accuracy"`
	SpeakerAccuracy float64 `json:"speaker_accuracy"`
}

// rankLabel says whether a candidate sentence answers q: it holds a gold
// alias, and, for a question about what someone said, it is attributed to
// them (Attributed, as speaker accuracy reads a lead sentence). Without
// that, the ranker learned to lead with whoever's sentence held the words
// (cross-validated speaker accuracy 0.667 against the hand weights' 0.750).
func rankLabel(text string, q corpus.EvalQuestion) bool {
	if q.Speaker != "" && !Attributed(text, q.Speaker, aliasGroups()) {
		return false
	}
	return containsAlias(text, q.Answers)
}

// Fitting is what fitting one mode saw, beside the calibration it made:
// the observations the judge is fitted on, and the ones its
// cross-validation reads.
type Fitting struct {
	Calibration ModeCalibration
	// Observations are every question answered with the fitted ranker.
	Observations []Observation
	// FoldObservations[k] are Observations with fold k's questions (see
	// folds) answered again by the ranker fitted without them.
	FoldObservations [][]Observation
}

// Fit calibrates mode m on set, in the order each step needs the one
// before: it answers every question with the hand weights to collect the
// candidate sentences; fits the ranker on them, and one ranker per fold
// without that fold; answers every question again with the ranker, on
// which it fits the threshold and the judge; and answers each fold's
// questions once more with the ranker fitted without them, so that the
// cross-validated figures read every held-out question as a ranker that
// never saw it ranked it.
//
// Each fold's judge is fitted on the other folds' questions as the full
// ranker answered them. That leaks nothing: the judge's features read the
// sentences in hand-weight order (qa.Fitted), which no ranker changes,
// and it is fitted on whether a question is answerable, which no ranker
// changes either (TestJudgeFeaturesIgnoreRanker in retrieval/qa).
func Fit(ctx context.Context, open Factory, set *corpus.EvalSet, m retrieval.Mode) (*Fitting, error) {
	return fit(ctx, open, set, m, true)
}

// fit is Fit; without crossValidate it leaves out the folds' answers and
// the cross-validated records (FoldObservations, RankerCV and CV stay
// nil), and fits the same models.
func fit(ctx context.Context, open Factory, set *corpus.EvalSet, m retrieval.Mode, crossValidate bool) (*Fitting, error) {
	hand, err := Observe(ctx, open, set, m, nil)
	if err != nil {
		return nil, err
	}
	fold := folds(hand)
	ranker := fitRanker(hand, fold, -1)
	f := &Fitting{}
	if f.Observations, err = Observe(ctx, open, set, m, ranker); err != nil {
		return nil, err
	}
	// Observations are the set's questions other than small talk, in order.
	var asked []corpus.EvalQuestion
	for _, q := range set.Questions {
		if !q.IsChat() {
			asked = append(asked, q)
		}
	}
	if len(asked) != len(hand) || len(f.Observations) != len(hand) {
		return nil, fmt.Errorf("fit %s: %d questions but %d and %d observations", m, len(asked), len(hand), len(f.Observations))
	}
	if !crossValidate {
		mc := CalibrateThreshold(f.Observations)
		mc.Ranker = ranker
		mc.Judge, _ = FitJudge(f.Observations, nil)
		f.Calibration = mc
		return f, nil
	}
	for k := range judgeFolds {
		held := &corpus.EvalSet{}
		for i, q := range asked {
			if fold[i] == k {
				held.Questions = append(held.Questions, q)
			}
		}
		obs, err := Observe(ctx, open, held, m, fitRanker(hand, fold, k))
		if err != nil {
			return nil, err
		}
		if len(obs) != len(held.Questions) {
			return nil, fmt.Errorf("fit %s: fold %d observed %d questions, not %d", m, k, len(obs), len(held.Questions))
		}
		byFold := slices.Clone(f.Observations)
		for i := range byFold {
			if fold[i] == k {
				byFold[i], obs = obs[0], obs[1:]
			}
		}
		f.FoldObservations = append(f.FoldObservations, byFold)
	}
	mc := CalibrateThreshold(f.Observations)
	mc.Ranker = ranker
	mc.RankerCV = rankerRecord(hand, f.FoldObservations, fold)
	mc.Judge, mc.CV = FitJudge(f.Observations, f.FoldObservations)
	f.Calibration = mc
	return f, nil
}

// folds assigns every observation the judge reads (those with features)
// to one of judgeFolds folds, by a hash of its question's id; -1 for the
// others. The ranker and the judge share the folds. A question keeps its
// fold whatever else changes: when a change moves a question into or out
// of the judge's reach (an instruction now read as a question), drawing
// the folds afresh moved every other question too, and the figures of
// every tag moved by a question or two for no reason of the change's.
func folds(obs []Observation) []int {
	fold := make([]int, len(obs))
	for i, o := range obs {
		fold[i] = -1
		if o.Features != nil {
			h := fnv.New32a()
			h.Write([]byte(o.id))
			fold[i] = int(h.Sum32() % judgeFolds)
		}
	}
	return fold
}

// fitRanker fits a ranker on the candidates of the observations outside
// fold without (all of them when without is -1), and its Gap so that it
// quotes, over those questions, as many sentences as the hand weights did.
func fitRanker(obs []Observation, fold []int, without int) *qa.Ranker {
	var qs []qa.RankQuestion
	var train []Observation
	for i, o := range obs {
		if o.candidates == nil || (without >= 0 && fold[i] == without) {
			continue
		}
		q := qa.RankQuestion{Y: o.holds}
		for _, c := range o.candidates {
			q.X = append(q.X, c.Features)
		}
		qs = append(qs, q)
		train = append(train, o)
	}
	r := qa.FitRanker(qs, rankL2)
	r.Gap = fitGap(r, train)
	return r
}

// fitGap returns the smallest gap, in steps of 0.05, at which r quotes as
// many sentences over obs as the hand weights did (or comes closest).
func fitGap(r *qa.Ranker, obs []Observation) float64 {
	want := 0
	scored := make([][]qa.Candidate, len(obs))
	for i, o := range obs {
		want += o.quoted
		scored[i] = slices.Clone(o.candidates)
		r.Rescore(scored[i])
	}
	best, bestOff := 0.0, math.MaxInt
	for step := range 200 {
		try := &qa.Ranker{Gap: float64(step) * 0.05}
		got := 0
		for _, c := range scored {
			got += len(try.Choose(c, maxSentences))
		}
		if off := abs(got - want); off < bestOff {
			best, bestOff = try.Gap, off
		}
		if got >= want {
			break
		}
	}
	return best
}

// maxSentences is how many sentences an extractive answer quotes at most
// (qa.Options.MaxSentences when 0).
const maxSentences = 3

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// rankerRecord scores the hand weights (hand) and the fold rankers
// (perFold: each question read from the run whose ranker was fitted
// without its fold) on the answerable questions, every one answered.
func rankerRecord(hand []Observation, perFold [][]Observation, fold []int) *RankerCV {
	cv := &RankerCV{Folds: judgeFolds}
	var handRight, handLead, handQuoted, right, lead, quoted, handSpk, spk int
	for i, o := range hand {
		if !o.Answerable {
			continue
		}
		if o.speaker {
			cv.Speakers++
			if o.speakerCorrect {
				handSpk++
			}
			if fold[i] >= 0 && perFold[fold[i]][i].speakerCorrect {
				spk++
			}
		}
		cv.Answerable++
		if o.Correct {
			handRight++
		}
		if o.LeadCorrect {
			handLead++
		}
		handQuoted += o.quoted
		if fold[i] < 0 {
			continue // never reached a judge or a ranker: counted wrong
		}
		f := perFold[fold[i]][i]
		if f.Correct {
			right++
		}
		if f.LeadCorrect {
			lead++
		}
		quoted += f.quoted
	}
	if n := float64(cv.Answerable); n > 0 {
		cv.HandAnswer, cv.HandLead, cv.HandSentences = float64(handRight)/n, float64(handLead)/n, float64(handQuoted)/n
		cv.AnswerAccuracy, cv.LeadAccuracy, cv.Sentences = float64(right)/n, float64(lead)/n, float64(quoted)/n
	}
	if cv.Speakers > 0 {
		cv.HandSpeaker, cv.SpeakerAccuracy = float64(handSpk)/float64(cv.Speakers), float64(spk)/float64(cv.Speakers)
	}
	return cv
}
