package eval

import (
	"github.com/summitbot/summitbot/retrieval/qa"
)

// The answerability judge is a logistic model fitted on the eval set, so
// its figures on that set would flatter it. FitJudge therefore reports
// k-fold cross-validated figures: each question is judged by a model
// fitted on the other folds only.
const (
	// judgeFolds is k of the k-fold cross-validation.
	judgeFolds = 10
	// judgeL2 is the fit's penalty on the standardised weights: enough to
	// keep the fit finite and steady on ~250 questions, small enough not
	// to flatten it (1 and 0.1 differ by one question on the eval set).
	judgeL2 = 1.0
	// falseRefusalCost is how many wrong answers one false refusal is
	// worth when the cut is chosen: refusing a question the articles
	// answer loses the user an answer they could have had, answering one
	// they don't shows a quote beside the point. The targets
	// (false refusals ≤ 3%, refusals ≥ 90%) weigh them about so.
	falseRefusalCost = 2.0
)

// JudgeCV is the judge's k-fold cross-validated record on the eval set.
type JudgeCV struct {
	Folds int `json:"folds"`
	// Answerable questions: answered with a gold alias in the answer, in
	// its lead sentence, and refused.
	Answerable     int     `json:"answerable"`
	AnswerAccuracy float64 `json:"answer_accuracy"`
	LeadAccuracy   float64 `json:"lead_accuracy"`
	FalseRefusals  float64 `json:"false_refusals"`
	// Refusals is the share of unanswerable questions refused, in all and
	// by tag (general, other-event, near-miss, manipulation).
	Unanswerable int                `json:"unanswerable"`
	Refusals     float64            `json:"refusal_accuracy"`
	ByTag        map[string]float64 `json:"refusal_by_tag"`
	TagCounts    map[string]int     `json:"tag_counts"`
}

// FitJudge fits the judge on every observation that carries features and
// cross-validates the same fit. Observations without features (small talk,
// instructions: the judge never sees them) are left out. perFold, when not
// nil, holds for each fold the observations (aligned with obs) answered
// with the sentence ranker fitted without that fold (see Fit): the fold's
// judge is fitted on the other folds' rows of it and decides the fold's
// own, so no figure rests on a ranker or a judge that saw the question.
// With perFold nil every fold reads obs.
func FitJudge(obs []Observation, perFold [][]Observation) (*qa.Logistic, *JudgeCV) {
	return fitJudge(obs, perFold, qa.FeatureNames, nil)
}

// fitJudge is FitJudge over the features of names only, a subset of
// qa.FeatureNames (for the ablation), with keep the indexes of the ones
// kept.
func fitJudge(obs []Observation, perFold [][]Observation, names []string, keep []int) (*qa.Logistic, *JudgeCV) {
	var rows []Observation
	for _, o := range obs {
		if o.Features != nil {
			rows = append(rows, o)
		}
	}
	if len(rows) == 0 {
		return nil, nil
	}
	fold := folds(obs)
	foldRows := func(k int) []Observation {
		if perFold == nil {
			return obs
		}
		return perFold[k]
	}
	// The questions decided before the judge (no passage found, an
	// attempt to instruct the bot) count in the record as they were
	// decided.
	var before []Observation
	for _, o := range obs {
		if o.Features == nil {
			before = append(before, o)
		}
	}
	x := func(o Observation) []float64 {
		if keep == nil {
			return o.Features
		}
		out := make([]float64, len(keep))
		for i, j := range keep {
			out[i] = o.Features[j]
		}
		return out
	}
	fit := func(rows []Observation) *qa.Logistic {
		xs := make([][]float64, len(rows))
		ys := make([]bool, len(rows))
		for i, o := range rows {
			xs[i], ys[i] = x(o), o.Answerable
		}
		signs := make([]int, len(names))
		for i, n := range names {
			signs[i] = qa.FeatureSigns[n]
		}
		return qa.FitLogistic(names, xs, ys, signs, judgeL2, falseRefusalCost)
	}

	// The held-out rows are read as their fold's run observed them.
	var held []Observation
	var answered []bool
	for k := range judgeFolds {
		var train, test []Observation
		for i, o := range foldRows(k) {
			switch {
			case fold[i] < 0:
			case fold[i] != k:
				train = append(train, o)
			default:
				test = append(test, o)
			}
		}
		m := fit(train)
		for _, o := range test {
			held = append(held, o)
			answered = append(answered, m.Answers(x(o)))
		}
	}
	for _, o := range before {
		held = append(held, o)
		answered = append(answered, !o.Refused)
	}
	return fit(rows), judgeRecord(held, answered)
}

// judgeRecord scores the judge's decisions on rows.
func judgeRecord(rows []Observation, answered []bool) *JudgeCV {
	cv := &JudgeCV{Folds: judgeFolds, ByTag: map[string]float64{}, TagCounts: map[string]int{}}
	var correct, lead, falseRefused, refused int
	tagRefused := map[string]int{}
	for i, o := range rows {
		switch {
		case o.Answerable:
			cv.Answerable++
			switch {
			case !answered[i]:
				falseRefused++
			case o.Correct:
				correct++
				if o.LeadCorrect {
					lead++
				}
			}
		default:
			cv.Unanswerable++
			cv.TagCounts[o.Tag]++
			if !answered[i] {
				refused++
				tagRefused[o.Tag]++
			}
		}
	}
	if n := float64(cv.Answerable); n > 0 {
		cv.AnswerAccuracy = float64(correct) / n
		cv.LeadAccuracy = float64(lead) / n
		cv.FalseRefusals = float64(falseRefused) / n
	}
	if cv.Unanswerable > 0 {
		cv.Refusals = float64(refused) / float64(cv.Unanswerable)
	}
	for tag, n := range cv.TagCounts {
		cv.ByTag[tag] = float64(tagRefused[tag]) / float64(n)
	}
	return cv
}

// Ablation is the judge's cross-validated record with one feature left out.
type Ablation struct {
	Without string   `json:"without"` // the feature left out; "" for none
	CV      *JudgeCV `json:"cv"`
}

// AblateJudge cross-validates the judge with every feature, then with each
// feature left out in turn (perFold as for FitJudge).
func AblateJudge(obs []Observation, perFold [][]Observation) []Ablation {
	_, all := FitJudge(obs, perFold)
	out := []Ablation{{CV: all}}
	for drop := range qa.FeatureNames {
		var names []string
		var keep []int
		for j, n := range qa.FeatureNames {
			if j != drop {
				names, keep = append(names, n), append(keep, j)
			}
		}
		_, cv := fitJudge(obs, perFold, names, keep)
		out = append(out, Ablation{Without: qa.FeatureNames[drop], CV: cv})
	}
	return out
}
