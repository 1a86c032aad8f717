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
	Chat         int `json:"chat"` // small-talk messages (tag chat)

	// Retrieval, over answerable questions: a hit is a passage from one of
	// the question's gold articles.
	RecallAt1 float64 `json:"recall_at_1"` // share with a hit at rank 1
	RecallAt5 float64 `json:"recall_at_5"` // share with a hit in the top 5
	MRR       float64 `json:"mrr"`         // mean of 1/rank of the first hit

	// AnswerAccuracy is the share of answerable questions whose answer
	// contains a gold alias that one of its cited passages contains too.
	AnswerAccuracy float64 `json:"answer_accuracy"`
	// LeadAccuracy is the share of answerable questions whose answer's
	// first sentence contains a gold alias (folded as for AnswerAccuracy):
	// the answer comes first, not after a sentence of context.
	LeadAccuracy float64 `json:"lead_accuracy"`
	// SpeakerAccuracy is the share of the Speakers questions with a speaker
	// ("what did Putin say …") whose lead sentence is attributed to that
	// speaker: it names them (their name, a word of three letters or more
	// of it, or a form of its alias group) and has a speech verb ("said",
	// "told", "warned", …); see Attributed.
	SpeakerAccuracy float64 `json:"speaker_accuracy"`
	Speakers        int     `json:"speakers"`
	// CitationValidity is the share of citations that quote their article
	// exactly and contain the sentence they are cited for.
	CitationValidity float64 `json:"citation_validity"`
	Citations        int     `json:"citations"`
	// RefusalAccuracy is the share of unanswerable questions refused;
	// FalseRefusals the share of answerable ones refused.
	RefusalAccuracy float64 `json:"refusal_accuracy"`
	FalseRefusals   float64 `json:"false_refusals"`
	// RefusalByTag is the refusal accuracy of each kind of unanswerable
	// question, in corpus.RefusalTags order ("" for untagged ones, last).
	RefusalByTag []TagRefusal `json:"refusal_by_tag"`
	// ChatHandled counts the chat messages answered in chat mode: Writer
	// "chat", not refused, no citation.
	ChatHandled int `json:"chat_handled"`

	P50 time.Duration `json:"p50_ns"`
	P95 time.Duration `json:"p95_ns"`

	Threshold    float64         `json:"threshold"`
	Observations []Observation   `json:"-"`
	Questions    []QuestionScore `json:"questions,omitempty"`
}

// TagRefusal is how the unanswerable questions of one tag were refused.
type TagRefusal struct {
	Tag       string  `json:"tag"`
	Questions int     `json:"questions"`
	Refused   int     `json:"refused"`
	Accuracy  float64 `json:"accuracy"`
}

// QuestionScore is one question's outcome, for finding what went wrong.
type QuestionScore struct {
	ID      string `json:"id"`
	Kind    string `json:"kind"`          // answerable, unanswerable or chat
	Tag     string `json:"tag,omitempty"` // the eval set's tag
	Rank    int    `json:"rank"`          // of the first gold passage; 0 when none in the top passages
	Refused bool   `json:"refused"`
	Correct bool   `json:"correct"` // answered right, rightly refused, or chatted
	// Lead is the answer's first sentence; LeadCorrect that it holds a gold
	// alias. Speaker is the question's speaker, SpeakerCorrect that Lead is
	// attributed to them.
	Lead           string  `json:"lead,omitempty"`
	LeadCorrect    bool    `json:"lead_correct,omitempty"`
	Speaker        string  `json:"speaker,omitempty"`
	SpeakerCorrect bool    `json:"speaker_correct,omitempty"`
	Evidence       float64 `json:"evidence"`
	Answer         string  `json:"answer"`
	BadCitesN      int     `json:"bad_citations,omitempty"`
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
	// Observing, the pipeline shows each question's scored candidates:
	// the ranker's fitting set.
	var cands []qa.Candidate
	if cal.Observe {
		cal.Candidates = func(c []qa.Candidate) { cands = c }
	}
	ans, release, err := open(ctx, mode, cal)
	if err != nil {
		return r, fmt.Errorf("eval %s: %w", mode, err)
	}
	defer func() { err = errors.Join(err, release()) }()
	aliases := aliasGroups()
	var times []time.Duration
	var hits1, hits5, correct, leads, speakersRight, refusedRight, falseRefused, validCites int
	var rr float64
	byTag := make(map[string]*TagRefusal)
	for _, q := range set.Questions {
		start := time.Now()
		cands = nil
		a, err := ans.Answer(ctx, retrieval.Question{Text: q.Question}, nil)
		if err != nil {
			return r, fmt.Errorf("eval %s: question %s: %w", mode, q.ID, err)
		}
		times = append(times, time.Since(start))
		qs := QuestionScore{ID: q.ID, Tag: q.Tag, Refused: a.Refused, Evidence: a.Evidence, Answer: a.Answer}

		bad := invalidCitations(ans, a)
		qs.BadCitesN = bad
		r.Citations += len(a.Citations)
		validCites += len(a.Citations) - bad

		switch {
		case q.IsChat():
			// Small talk is neither answerable nor unanswerable: it is not
			// scored as either, nor seen by calibration.
			qs.Kind = "chat"
			r.Chat++
			if ChatHandled(a) {
				r.ChatHandled++
				qs.Correct = true
			}
			r.Questions = append(r.Questions, qs)
			continue
		case q.Unanswerable:
			qs.Kind = "unanswerable"
			r.Observations = append(r.Observations, observe(q, a, cands))
			r.Unanswerable++
			t := byTag[q.Tag]
			if t == nil {
				t = &TagRefusal{Tag: q.Tag}
				byTag[q.Tag] = t
			}
			t.Questions++
			if a.Refused {
				refusedRight++
				t.Refused++
				qs.Correct = true
			}
			r.Questions = append(r.Questions, qs)
			continue
		}
		qs.Kind = "answerable"
		r.Observations = append(r.Observations, observe(q, a, cands))
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
		if q.Speaker != "" {
			r.Speakers++
			qs.Speaker = q.Speaker
		}
		if a.Refused {
			falseRefused++
			r.Questions = append(r.Questions, qs)
			continue
		}
		if answerContainsGold(a, q.Answers) {
			correct++
			qs.Correct = true
		}
		qs.Lead = LeadSentence(a)
		if containsAlias(qs.Lead, q.Answers) {
			leads++
			qs.LeadCorrect = true
		}
		if q.Speaker != "" && Attributed(qs.Lead, q.Speaker, aliases) {
			speakersRight++
			qs.SpeakerCorrect = true
		}
		r.Questions = append(r.Questions, qs)
	}
	if n := float64(r.Answerable); n > 0 {
		r.RecallAt1 = float64(hits1) / n
		r.RecallAt5 = float64(hits5) / n
		r.MRR = rr / n
		r.AnswerAccuracy = float64(correct) / n
		r.LeadAccuracy = float64(leads) / n
		r.FalseRefusals = float64(falseRefused) / n
	}
	if r.Speakers > 0 {
		r.SpeakerAccuracy = float64(speakersRight) / float64(r.Speakers)
	}
	if r.Unanswerable > 0 {
		r.RefusalAccuracy = float64(refusedRight) / float64(r.Unanswerable)
	}
	for _, tag := range append(slices.Clone(corpus.RefusalTags), "") {
		t := byTag[tag]
		if t == nil {
			if tag == "" {
				continue // untagged questions get a row only when there are some
			}
			t = &TagRefusal{Tag: tag}
		}
		if t.Questions > 0 {
			t.Accuracy = float64(t.Refused) / float64(t.Questions)
		}
		r.RefusalByTag = append(r.RefusalByTag, *t)
	}
	r.CitationValidity = 1
	if r.Citations > 0 {
		r.CitationValidity = float64(validCites) / float64(r.Citations)
	}
	r.P50, r.P95 = percentile(times, 50), percentile(times, 95)
	return r, nil
}

// ChatHandled reports whether a is a reply in chat mode: written by the
// chat writer, not a refusal, and citing nothing.
func ChatHandled(a *retrieval.Answer) bool {
	return a.Writer == retrieval.Chat && !a.Refused && len(a.Citations) == 0
}

// LeadSentence returns the first sentence of an answer: its first
// Sentence, or, for an answer without them, its text up to the first full
// stop, question or exclamation mark followed by a space.
func LeadSentence(a *retrieval.Answer) string {
	if len(a.Sentences) > 0 {
		return a.Sentences[0].Text
	}
	text := strings.TrimSpace(a.Answer)
	if i := leadEndRE.FindStringIndex(text); i != nil {
		return strings.TrimSpace(text[:i[1]])
	}
	return text
}

var leadEndRE = regexp.MustCompile(`[.!?]["”’']?\s`)

// containsAlias reports whether text contains one of aliases, folded as
// for answer accuracy.
func containsAlias(text string, aliases []string) bool {
	t := foldForMatch(text)
	for _, al := range aliases {
		if al := foldForMatch(al); al != "" && strings.Contains(t, al) {
			return true
		}
	}
	return false
}

// observe is what one answer tells the calibration: its keyword evidence,
// the judge's features, whether answering would be right, and, for an
// answerable question, its candidate sentences (when the pipeline showed
// them) and which hold the answer.
func observe(q corpus.EvalQuestion, a *retrieval.Answer, cands []qa.Candidate) Observation {
	o := Observation{Evidence: a.Evidence, Answerable: q.Answerable(), Tag: q.Tag, Refused: a.Refused, id: q.ID}
	if q.Answerable() && cands != nil {
		o.candidates = cands
		o.quoted = len(a.Sentences)
		for _, c := range cands {
			o.holds = append(o.holds, rankLabel(c.Text, q))
		}
	}
	if q.Speaker != "" {
		o.speaker = true
		o.speakerCorrect = !a.Refused && Attributed(LeadSentence(a), q.Speaker, aliasGroups())
	}
	if a.Features != nil {
		o.Features = make([]float64, len(qa.FeatureNames))
		for i, n := range qa.FeatureNames {
			o.Features[i] = a.Features[n]
		}
		o.Evidence = a.Features["evidence"]
	}
	if q.Answerable() && !a.Refused {
		o.Correct = answerContainsGold(a, q.Answers)
		o.LeadCorrect = containsAlias(LeadSentence(a), q.Answers)
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
// thresholds that separate answerable from unanswerable questions best,
// and the fitted sentence ranker and judge (see Fit). Its Embedder is left
// for the caller to name: the embedder open's subjects are built with,
// which the thresholds hold for.
func Calibrate(ctx context.Context, open Factory, set *corpus.EvalSet) (*Calibration, error) {
	return calibrate(ctx, open, set, true)
}

// CalibrateModels is Calibrate without the cross-validation: the same
// thresholds, ranker and judge, with no RankerCV or CV record. It answers
// every question twice per mode where Calibrate answers it twelve times
// (once per fold more), so it is what a test that only compares the fitted
// models reads.
func CalibrateModels(ctx context.Context, open Factory, set *corpus.EvalSet) (*Calibration, error) {
	return calibrate(ctx, open, set, false)
}

func calibrate(ctx context.Context, open Factory, set *corpus.EvalSet, crossValidate bool) (*Calibration, error) {
	cal := &Calibration{EvalSHA256: EvalSetHash(set), Modes: map[retrieval.Mode]ModeCalibration{}}
	for _, m := range retrieval.Modes {
		f, err := fit(ctx, open, set, m, crossValidate)
		if err != nil {
			return nil, err
		}
		cal.Modes[m] = f.Calibration
	}
	return cal, nil
}

// Observe answers every question of set in mode m with a judge that
// refuses nothing and reports its features, and with ranker ordering the
// sentences (the hand weights when nil), so that every question's
// evidence, features and candidate sentences are seen.
func Observe(ctx context.Context, open Factory, set *corpus.EvalSet, m retrieval.Mode, ranker *qa.Ranker) ([]Observation, error) {
	r, err := evaluateMode(ctx, open, set, m, qa.Calibration{Observe: true, Ranker: ranker})
	if err != nil {
		return nil, err
	}
	return r.Observations, nil
}
