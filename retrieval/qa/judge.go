package qa

import (
	"cmp"
	"context"
	"slices"
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
	Evidence  float64 // the judge's confidence that the passages answer, 0..1
	Threshold float64 // the confidence below which the judge refuses
	// Features are the values the judge weighed, in the order of
	// FeatureNames; nil for a judge that weighs none.
	Features []float64
}

// Threshold is the calibrated evidence threshold: the evidence is the best
// Evidence among the candidates that count, and a question whose evidence
// is below Min is refused (see retrieval/eval for how Min is measured).
type Threshold struct {
	Min float64
}

// Judge implements Judge.
func (t Threshold) Judge(_ context.Context, _ Analysis, best []Candidate) (Verdict, error) {
	v := Verdict{Threshold: t.Min, Evidence: keywordEvidence(best)}
	v.Answer = len(best) > 0 && v.Evidence >= t.Min
	return v, nil
}

// keywordEvidence is the best Evidence among the candidates that count.
func keywordEvidence(best []Candidate) float64 {
	var e float64
	for _, c := range best {
		if c.Counts {
			e = max(e, c.Evidence)
		}
	}
	return e
}

// Fitted is the answerability judge: a logistic model over the features of
// FeatureNames, read with word meaning, fitted on the eval set by `summitbot
// eval --write-calibration` (see retrieval/eval). With a nil Model it
// answers everything and only reports the features, which is how the
// features are collected for fitting.
type Fitted struct {
	Model   *Logistic
	Meaning *Meaning
}

// topSentences is how many of the best-scoring sentences the judge reads
// beside the lead: an answer quotes up to three.
const topSentences = 3

// Judge implements Judge.
func (f Fitted) Judge(_ context.Context, a Analysis, best []Candidate) (Verdict, error) {
	if len(best) == 0 {
		return Verdict{Threshold: f.cut()}, nil
	}
	// The judge reads the sentences the hand weights put first, whatever
	// orders the answer: the ranker, fitted to find the sentence that
	// sounds most like the question, finds one for an unanswerable
	// question too, and the judge's meaning features then separate less
	// (measured with summitbot eval: reading the ranker's order, the
	// cross-validated false refusals rose from 0.037 to 0.062).
	top := slices.Clone(best)
	slices.SortStableFunc(top, byHandScore)
	top = top[:min(len(top), topSentences)]
	facts := Facts{Question: a.Searched, Plain: a.Plain, Evidence: keywordEvidence(best)}
	for _, c := range top {
		facts.Top = append(facts.Top, c.Text)
		facts.Passages = append(facts.Passages, c.Chunk.Text)
	}
	facts.Unheard = a.Speaker != ""
	facts.Advice = a.Advice
	for _, c := range best {
		facts.Read = append(facts.Read, c.Text)
		if c.Features != nil && c.Features[6] > 0 || facts.Unheard && reports(a.Speaker, c.Text) {
			facts.Unheard = false // the speaker's words (RankFeatureNames' "speaker"), or what they said reported
		}
	}
	facts.Lead = facts.Top[0]
	x := f.Meaning.Features(facts)
	v := Verdict{Features: x, Threshold: f.cut(), Answer: true, Evidence: 1}
	if f.Model != nil {
		v.Evidence = f.Model.Prob(x)
		v.Answer = f.Model.Answers(x)
	}
	return v, nil
}

func (f Fitted) cut() float64 {
	if f.Model == nil {
		return 0
	}
	return f.Model.Cut
}

// byScore orders candidates best first.
func byScore(a, b Candidate) int { return cmp.Compare(b.Score, a.Score) }

// byHandScore orders candidates best first by the hand weights.
func byHandScore(a, b Candidate) int { return cmp.Compare(b.handScore, a.handScore) }
