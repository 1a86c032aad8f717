package eval

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/qa"
)

// ModeReport is how one retrieval mode did on an eval set.
type ModeReport struct {
	Mode retrieval.Mode `json:"mode"`

	Answerable   int `json:"answerable"`
	Unanswerable int `json:"unanswerable"`

	// Retrieval, over answerable questions: a hit is a passage from one of
	// the question's gold articles.
	RecallAt1 float64 `json:"recall_at_1"` // share with a hit at rank 1
	RecallAt5 float64 `json:"recall_at_5"` // share with a hit in the top 5
	MRR       float64 `json:"mrr"`         // mean of 1/rank of the first hit

	// AnswerAccuracy is the share of answerable questions whose answer
	// contains a gold alias that one of its cited passages contains too.
	AnswerAccuracy float64 `json:"answer_accuracy"`
	// CitationValidity is the share of citations that quote their article
	// exactly and contain the sentence they are cited for.
	CitationValidity float64 `json:"citation_validity"`
	Citations        int     `json:"citations"`
	// RefusalAccuracy is the share of unanswerable questions refused;
	// FalseRefusals the share of answerable ones refused.
	RefusalAccuracy float64 `json:"refusal_accuracy"`
	FalseRefusals   float64 `json:"false_refusals"`

	P50 time.Duration `json:"p50_ns"`
	P95 time.Duration `json:"p95_ns"`

	Threshold    float64         `json:"threshold"`
	Observations []Observation   `json:"-"`
	Questions    []QuestionScore `json:"questions,omitempty"`
}

// QuestionScore is one question's outcome, for finding what went wrong.
type QuestionScore struct {
	ID        string  `json:"id"`
	Rank      int     `json:"rank"` // of the first gold passage; 0 when none in the top passages
	Refused   bool    `json:"refused"`
	Correct   bool    `json:"correct"` // answered right, or rightly refused
	Evidence  float64 `json:"evidence"`
	Answer    string  `json:"answer"`
	BadCitesN int     `json:"bad_citations,omitempty"`
}

// Subject is what is evaluated: any answerer, with the ranked passages it
// reads from (for recall and MRR) and the articles and passages its
// citations must quote exactly. *retrieval.Engine is one.
type Subject interface {
	retrieval.Answerer
	Retrieve(ctx context.Context, q retrieval.Question) ([]retrieval.Passage, error)
	Article(id string) (*corpus.Article, bool)
	Chunk(id string) (*corpus.Chunk, bool)
}

// Factory returns a Subject that retrieves in mode m and judges with cal,
// and a function that releases it. It is how the same evaluation measures
// extractive, generated and future answerers.
type Factory func(ctx context.Context, m retrieval.Mode, cal qa.Calibration) (Subject, func() error, error)

// Evaluate asks every question of set in each mode and scores the answers.
// Each mode is answered with its threshold from cal.
func Evaluate(ctx context.Context, open Factory, set *corpus.EvalSet, cal *Calibration, modes []retrieval.Mode) ([]ModeReport, error) {
	var reports []ModeReport
	for _, m := range modes {
		r, err := evaluateMode(ctx, open, set, m, cal.For(m))
		if err != nil {
			return nil, err
		}
		reports = append(reports, r)
	}
	return reports, nil
}

func evaluateMode(ctx context.Context, open Factory, set *corpus.EvalSet, mode retrieval.Mode, cal qa.Calibration) (_ ModeReport, err error) {
	r := ModeReport{Mode: mode, Threshold: cal.Threshold}
	if cal.Model != nil {
		r.Threshold = cal.Model.Cut
	}
	ans, release, err := open(ctx, mode, cal)
	if err != nil {
		return r, fmt.Errorf("eval %s: %w", mode, err)
	}
	defer func() { err = errors.Join(err, release()) }()
	var times []time.Duration
	var hits1, hits5, answered, correct, refusedRight, falseRefused, validCites int
	var rr float64
	for _, q := range set.Questions {
		if q.IsChat() {
			continue // small talk is no question for the articles: see chatHandled
		}
		start := time.Now()
		a, err := ans.Answer(ctx, retrieval.Question{Text: q.Question}, nil)
		if err != nil {
			return r, fmt.Errorf("eval %s: question %s: %w", mode, q.ID, err)
		}
		times = append(times, time.Since(start))
		r.Observations = append(r.Observations, observe(q, a))
		qs := QuestionScore{ID: q.ID, Refused: a.Refused, Evidence: a.Evidence, Answer: a.Answer}

		bad := invalidCitations(ans, a)
		qs.BadCitesN = bad
		r.Citations += len(a.Citations)
		validCites += len(a.Citations) - bad

		if q.Unanswerable {
			r.Unanswerable++
			if a.Refused {
				refusedRight++
				qs.Correct = true
			}
			r.Questions = append(r.Questions, qs)
			continue
		}
		r.Answerable++
		passages, err := ans.Retrieve(ctx, retrieval.Question{Text: q.Question})
		if err != nil {
			return r, fmt.Errorf("eval %s: question %s: %w", mode, q.ID, err)
		}
		for i, p := range passages {
			if slices.Contains(q.Articles, p.Article.ID) {
				qs.Rank = i + 1
				break
			}
		}
		if qs.Rank == 1 {
			hits1++
		}
		if qs.Rank >= 1 && qs.Rank <= 5 {
			hits5++
		}
		if qs.Rank > 0 {
			rr += 1 / float64(qs.Rank)
		}
		if a.Refused {
			falseRefused++
		} else {
			answered++
			if answerContainsGold(a, q.Answers) {
				correct++
				qs.Correct = true
			}
		}
		r.Questions = append(r.Questions, qs)
	}
	if n := float64(r.Answerable); n > 0 {
		r.RecallAt1 = float64(hits1) / n
		r.RecallAt5 = float64(hits5) / n
		r.MRR = rr / n
		r.AnswerAccuracy = float64(correct) / n
		r.FalseRefusals = float64(falseRefused) / n
	}
	if r.Unanswerable > 0 {
		r.RefusalAccuracy = float64(refusedRight) / float64(r.Unanswerable)
	}
	r.CitationValidity = 1
	if r.Citations > 0 {
		r.CitationValidity = float64(validCites) / float64(r.Citations)
	}
	r.P50, r.P95 = percentile(times, 50), percentile(times, 95)
	return r, nil
}

// observe is what one answer tells the calibration: its keyword evidence,
// the judge's features, and whether answering would be right.
func observe(q corpus.EvalQuestion, a *retrieval.Answer) Observation {
	o := Observation{Evidence: a.Evidence, Answerable: q.Answerable(), Tag: refusalTag(q), Refused: a.Refused}
	if a.Features != nil {
		o.Features = make([]float64, len(qa.FeatureNames))
		for i, n := range qa.FeatureNames {
			o.Features[i] = a.Features[n]
		}
		o.Evidence = a.Features["evidence"]
	}
	if q.Answerable() && !a.Refused {
		o.Correct = answerContainsGold(a, q.Answers)
		if len(a.Sentences) > 0 {
			lead := foldForMatch(a.Sentences[0].Text)
			o.LeadCorrect = slices.ContainsFunc(q.Answers, func(g string) bool { return strings.Contains(lead, foldForMatch(g)) })
		}
	}
	return o
}

// answerContainsGold reports whether the answer text contains a gold alias
// and one of the passages it cites contains the same alias.
func answerContainsGold(a *retrieval.Answer, aliases []string) bool {
	text := foldForMatch(a.Answer)
	for _, alias := range aliases {
		al := foldForMatch(alias)
		if !strings.Contains(text, al) {
			continue
		}
		for _, c := range a.Citations {
			if strings.Contains(foldForMatch(c.Text), al) {
				return true
			}
		}
	}
	return false
}

var markerRE = regexp.MustCompile(`\[(\d+)\]`)

// invalidCitations counts the citations of a that do not hold: a citation
// must quote its article and chunk exactly, contain the sentence it was
// cited for, and be pointed to by a marker; a marker must point to a
// citation.
func invalidCitations(ix Subject, a *retrieval.Answer) int {
	used := make(map[int]bool)
	bad := 0
	for _, m := range markerRE.FindAllStringSubmatch(a.Answer, -1) {
		var n int
		fmt.Sscan(m[1], &n)
		if n < 1 || n > len(a.Citations) {
			bad++ // a marker with nothing behind it
			continue
		}
		used[n] = true
	}
	for _, c := range a.Citations {
		art, ok := ix.Article(c.Source)
		ch, ok2 := ix.Chunk(c.Chunk)
		switch {
		case !ok || !ok2 || ch.ArticleID != art.ID:
			bad++
		case c.Start < 0 || c.End > len(art.Text) || c.Start > c.End || art.Text[c.Start:c.End] != c.Text:
			bad++
		case ch.Text != c.Text || !strings.Contains(c.Text, c.Quote) || c.Quote == "":
			bad++
		case !used[c.N]:
			bad++
		}
	}
	return bad
}

var foldReplacer = strings.NewReplacer("’", "'", "‘", "'", "“", `"`, "”", `"`,
	"-", " ", "‐", " ", "‑", " ", "–", " ", "—", " ")

// foldForMatch lower-cases s, straightens quotes, turns hyphens and dashes
// into spaces and collapses white space, so that "Soyuz-2" matches "soyuz 2".
func foldForMatch(s string) string {
	return strings.Join(strings.Fields(foldReplacer.Replace(strings.ToLower(s))), " ")
}

func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100 // nearest rank
	return s[max(i-1, 0)]
}

// Calibrate measures every question's evidence in each mode and returns the
// thresholds that separate answerable from unanswerable questions best.
// Its Embedder is left for the caller to name: the embedder open's subjects
// are built with, which the thresholds hold for.
func Calibrate(ctx context.Context, open Factory, set *corpus.EvalSet) (*Calibration, error) {
	cal := &Calibration{EvalSHA256: EvalSetHash(set), Modes: map[retrieval.Mode]ModeCalibration{}}
	for _, m := range retrieval.Modes {
		obs, err := Observe(ctx, open, set, m)
		if err != nil {
			return nil, err
		}
		mc := CalibrateThreshold(obs)
		mc.Judge, mc.CV = FitJudge(obs)
		cal.Modes[m] = mc
	}
	return cal, nil
}

// Observe answers every question of set in mode m with a judge that
// refuses nothing and reports its features, so that every question's
// evidence and features are seen.
func Observe(ctx context.Context, open Factory, set *corpus.EvalSet, m retrieval.Mode) ([]Observation, error) {
	r, err := evaluateMode(ctx, open, set, m, qa.Calibration{Observe: true})
	if err != nil {
		return nil, err
	}
	return r.Observations, nil
}
