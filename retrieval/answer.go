package retrieval

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/summitbot/summitbot/corpus"
)

// Question is what a user asked.
type Question struct {
	Text string
	// Context is an earlier question of the same conversation (a thread
	// follow-up). It widens retrieval only; the answer is chosen for Text.
	Context string
}

// Answer is a reply with the passages behind it.
type Answer struct {
	Question  string     `json:"question"`
	Answer    string     `json:"answer"`
	Refused   bool       `json:"refused"`
	Mode      string     `json:"mode"`      // how the answer was written: "extractive" or "generated"
	Retrieval Mode       `json:"retrieval"` // which retrievers found the passages
	Kind      Kind       `json:"kind"`      // what sort of answer the question asks for
	Searched  string     `json:"searched,omitempty"`
	Evidence  float64    `json:"evidence"`  // how well the best passage covers the question, 0..1
	Threshold float64    `json:"threshold"` // evidence below this is refused
	Sentences []Sentence `json:"sentences,omitempty"`
	Citations []Citation `json:"citations"`
	Sources   int        `json:"sources"` // distinct articles cited
	Timings   Timings    `json:"timings"`

	// Set only when a model is configured (see Generative).
	Model   string    `json:"model,omitempty"`   // the model that wrote a generated answer
	Note    string    `json:"note,omitempty"`    // why a model's answer was not used, or was trimmed
	Dropped []Dropped `json:"dropped,omitempty"` // what verification removed from a generated answer
}

// Sentence is one sentence of an answer and the citations behind it.
type Sentence struct {
	Text      string `json:"text"`
	Citations []int  `json:"citations"` // citation numbers, 1-based
	Sources   int    `json:"sources"`   // distinct articles that report it
	// Support says, for a generated sentence, how each cited passage backs
	// it; see Generative.
	Support []Support `json:"support,omitempty"`
	// Gap marks a generated sentence that says the passages do not answer
	// (part of) the question: it cites nothing because it claims nothing.
	Gap bool `json:"gap,omitempty"`
}

// Citation is what one [n] marker points to: a passage of an article,
// quoted exactly, and the sentence in it that the answer relies on.
type Citation struct {
	N         int    `json:"n"`
	Source    string `json:"source"` // article id
	Title     string `json:"title"`
	Publisher string `json:"publisher,omitempty"`
	Date      string `json:"date,omitempty"`
	Chunk     string `json:"chunk"`
	Text      string `json:"text"` // the passage, exactly as in the cleaned article
	Start     int    `json:"start"`
	End       int    `json:"end"`
	Quote     string `json:"quote"` // the sentence within Text that the answer uses
}

// Byline is the cited article's publisher and date, as far as they are
// known: "Reuters, 2023-09-13", "2023-09-13", or "".
func (c Citation) Byline() string {
	var parts []string
	for _, p := range []string{c.Publisher, c.Date} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// Timings says where the time of one answer went.
type Timings struct {
	Retrieval  time.Duration `json:"retrieval_ns"`
	Generation time.Duration `json:"generation_ns,omitempty"` // waiting for the model
	Total      time.Duration `json:"total_ns"`
}

// Errors for questions that cannot be asked. Front ends map them to a short
// reply.
var (
	ErrEmptyQuestion   = errors.New("the question is empty")
	ErrQuestionTooLong = fmt.Errorf("the question is longer than %d characters", MaxQuestionLength)
)

// MaxQuestionLength bounds a question in characters.
const MaxQuestionLength = 1000

// RefusalText is the whole answer to a question the articles don't cover.
const RefusalText = "The articles I have don't cover that. The source list shows what they do cover."

// Answerer answers questions. When draft is not nil and the answer is
// written by a model, draft is called, on the answering goroutine, with all
// the text written so far each time more arrives: unverified, with the
// model's own [n] markers (numbered as the prompt's passages, not as the
// final citations). A front end may show it marked as in progress; the
// Answer that follows replaces it. Extractive answers, refusals and
// fallbacks never call draft.
type Answerer interface {
	Answer(ctx context.Context, q Question, draft func(text string)) (*Answer, error)
}

// Options tune an extractive answer.
type Options struct {
	Mode         Mode    // retrievers to use; Hybrid when empty
	Passages     int     // passages to read; DefaultPassages when 0
	MaxSentences int     // sentences in an answer; 3 when 0
	Threshold    float64 // refuse below this evidence; see Calibration
}

// DefaultPassages is how many retrieved passages an answer draws on.
const DefaultPassages = 10

// Extractive answers by quoting the corpus sentences that best answer the
// question, each with the passages that say it.
type Extractive struct {
	Index *Index
	Options
}

// CleanQuestion trims a question, folds its runs of white space and
// replaces invalid UTF-8. A question without a single letter or digit is
// empty.
func CleanQuestion(s string) (string, error) {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")
	switch {
	case !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }):
		return "", ErrEmptyQuestion
	case utf8.RuneCountInString(s) > MaxQuestionLength:
		return "", ErrQuestionTooLong
	}
	return s, nil
}

// candidate is a sentence that might answer the question, scored.
type candidate struct {
	*sentence
	score float64
}

// Answer implements Answerer. An extractive answer has no draft.
func (e Extractive) Answer(ctx context.Context, q Question, _ func(string)) (*Answer, error) {
	ans, _, err := e.answer(ctx, q)
	return ans, err
}

// answer is Answer that also returns the passages retrieval found, which a
// generated answer is written from.
func (e Extractive) answer(ctx context.Context, q Question) (*Answer, []Passage, error) {
	start := time.Now()
	ix := e.Index
	text, err := CleanQuestion(q.Text)
	if err != nil {
		return nil, nil, err
	}
	opt := e.Options
	if opt.Mode == "" {
		opt.Mode = Hybrid
	}
	if opt.Passages <= 0 {
		opt.Passages = DefaultPassages
	}
	if opt.MaxSentences <= 0 {
		opt.MaxSentences = 3
	}
	searched := ix.correct(text)
	ans := &Answer{
		Question:  text,
		Mode:      "extractive",
		Retrieval: opt.Mode,
		Kind:      classify(text),
		Threshold: opt.Threshold,
		Citations: []Citation{},
	}
	if searched != text {
		ans.Searched = searched
	}
	query := searched
	if ctxText, err := CleanQuestion(q.Context); err == nil {
		query += " " + ix.correct(ctxText)
	}
	expanded := ix.expand(query)
	qvec, err := ix.embed(ctx, expanded)
	if err != nil {
		return nil, nil, fmt.Errorf("answer %q: %w", text, err)
	}
	passages, err := ix.search(ctx, query, expanded, qvec, opt.Passages, opt.Mode)
	if err != nil {
		return nil, nil, fmt.Errorf("answer %q: %w", text, err)
	}
	ans.Timings.Retrieval = time.Since(start)

	need := ix.need(searched)
	var cands []candidate
	seen := make(map[int]bool) // overlapping passages share sentences
	for rank, p := range passages {
		chunkCov := need.coverage(ix.chunkTerms[p.Chunk.ID])
		for _, sp := range p.Chunk.Sentences {
			i := ix.sentenceAt[place{p.Article.ID, sp.Start}]
			if seen[i] {
				continue
			}
			seen[i] = true
			s := &ix.sentences[i]
			c := candidate{sentence: s}
			sentCov := need.coverage(s.terms)
			w := scoreWeights
			c.score = w.sentence*sentCov + w.passage*chunkCov +
				w.similarity*dotProduct(qvec, s.vec) + w.rank/float64(rank+1)
			var fits bool
			switch ans.Kind {
			case KindOther:
				fits = true
			case KindPlace:
				fits = ix.placeAttached(need, s.text)
			default:
				fits = ix.hasKindEvidence(ans.Kind, s.text)
			}
			if fits && ans.Kind != KindOther {
				c.score += w.kind * kindBonus[ans.Kind]
			}
			// The evidence that the articles answer the question at all is the
			// best covering sentence, read in its passage, that holds the
			// kind of fact asked for. For a measurable kind that sentence must
			// itself share something with the question: a date in the passage
			// about Luna-25 that belongs to another launch does not say when
			// Luna-25 crashed.
			if (fits && sentCov > 0) || !measurable[ans.Kind] {
				ans.Evidence = max(ans.Evidence, (sentCov+chunkCov)/2)
			}
			cands = append(cands, c)
		}
	}
	if len(cands) == 0 || ans.Evidence < opt.Threshold {
		ans.Refused = true
		ans.Answer = RefusalText
		ans.Timings.Total = time.Since(start)
		return ans, passages, nil
	}
	slices.SortStableFunc(cands, func(a, b candidate) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return 0
	})

	var chosen []candidate
	for _, c := range cands {
		if len(chosen) == opt.MaxSentences || c.score < keepRelative*cands[0].score {
			break
		}
		if slices.ContainsFunc(chosen, func(o candidate) bool { return nearDuplicate(o.terms, c.terms) }) {
			continue
		}
		chosen = append(chosen, c)
	}
	ix.cite(ans, chosen)
	ans.Timings.Total = time.Since(start)
	return ans, passages, nil
}

// scoreWeights weigh what makes a sentence a good answer: how much of the
// question it covers itself, how much its passage covers, how alike it and
// the question are as vectors (which forgives spelling and inflection), how
// high its passage ranked, and whether it holds the kind of fact asked for.
var scoreWeights = struct {
	sentence, passage, similarity, rank, kind float64
}{1, 0.4, 0.5, 0, 2}

// kindBonus is how much a sentence gains for holding the kind of fact the
// question asks for. Durations, distances, counts and dates are precise
// cues; a capitalised name is weaker evidence of a person. A place counts
// only beside what the question asks about (placeAttached), and then about
// as much as a date.
var kindBonus = map[Kind]float64{
	KindDuration: 0.5,
	KindDistance: 0.5,
	KindCount:    0.3,
	KindTime:     0.4,
	KindPerson:   0.15,
	KindPlace:    0.2,
	KindReason:   0.1,
	KindQuote:    0.2,
	KindClock:    0.5,
	KindSpeed:    0.5,
	KindWeight:   0.5,
}

// passageText is what a passage is indexed as: its heading and its text.
func passageText(c *corpus.Chunk) string {
	if c.Section == "" {
		return c.Text
	}
	return c.Section + ". " + c.Text
}

// cite numbers the passages behind the chosen sentences, adding for each
// sentence the near-identical sentences of other articles (wire copy that
// several publishers ran), and writes the answer text.
func (ix *Index) cite(ans *Answer, chosen []candidate) {
	byChunk := make(map[string]int) // chunk id → citation number
	articles := make(map[string]bool)
	var b strings.Builder
	for _, c := range chosen {
		s := Sentence{Text: c.text}
		sources := make(map[string]bool)
		add := func(src *sentence) {
			n, ok := byChunk[src.chunk.ID]
			if !ok {
				n = len(ans.Citations) + 1
				byChunk[src.chunk.ID] = n
				a, ch := src.article, src.chunk
				ans.Citations = append(ans.Citations, Citation{
					N: n, Source: a.ID, Title: a.Title, Publisher: a.Publisher, Date: a.Date,
					Chunk: ch.ID, Text: ch.Text, Start: ch.Start, End: ch.End, Quote: src.text,
				})
			}
			if !slices.Contains(s.Citations, n) {
				s.Citations = append(s.Citations, n)
			}
			sources[src.article.ID] = true
			articles[src.article.ID] = true
		}
		add(c.sentence)
		for _, d := range c.dups {
			add(&ix.sentences[d])
		}
		s.Sources = len(sources)
		ans.Sentences = append(ans.Sentences, s)
		writeCited(&b, c.text, s.Citations)
		if s.Sources > 1 {
			fmt.Fprintf(&b, " (%d of the %d articles report this)", s.Sources, len(ix.corpus.Articles))
		}
	}
	ans.Sources = len(articles)
	ans.Answer = b.String()
}

// writeCited appends a sentence and its citation markers to an answer's
// text: "… sentence. [1] [3]".
func writeCited(b *strings.Builder, text string, citations []int) {
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	b.WriteString(text)
	for _, n := range citations {
		fmt.Fprintf(b, " [%d]", n)
	}
}

// nearDuplicate reports whether two sentences share most of their terms:
// the same wire copy, lightly edited.
func nearDuplicate(a, b map[string]bool) bool {
	if len(a) < 4 || len(b) < 4 {
		return false
	}
	common := 0
	for t := range a {
		if b[t] {
			common++
		}
	}
	union := len(a) + len(b) - common
	return float64(common)/float64(union) >= 0.6
}

func termSet(terms []string) map[string]bool {
	s := make(map[string]bool, len(terms))
	for _, t := range terms {
		s[t] = true
	}
	return s
}

// need is what a question asks about: concepts (alias groups, satisfied by
// any of their forms) and plain terms, each weighted by rarity.
type need struct {
	concepts [][]string // analysed terms of each mentioned alias group's canonical form
	terms    []string
	weights  []float64 // concepts first, then terms
	total    float64
}

// need analyses a question into what a passage must mention to answer it.
func (ix *Index) need(question string) need {
	canon, rest := ix.aliases.Mentions(question)
	var n need
	seen := make(map[string]bool)
	for _, c := range canon {
		ts := ix.bm25.Terms(c)
		if len(ts) == 0 {
			continue
		}
		w := 0.0
		for _, t := range ts {
			w += ix.idf(t)
			seen[t] = true
		}
		n.concepts = append(n.concepts, ts)
		n.weights = append(n.weights, w/float64(len(ts)))
	}
	for _, t := range ix.bm25.Terms(rest) {
		if seen[t] || cueWords[t] {
			continue
		}
		seen[t] = true
		n.terms = append(n.terms, t)
		n.weights = append(n.weights, ix.idf(t))
	}
	for _, w := range n.weights {
		n.total += w
	}
	return n
}

// coverage is the rarity-weighted share of the question's needs that a set
// of terms meets: 1 when a passage mentions everything the question asks
// about, near 0 when it shares only common words.
func (n need) coverage(have map[string]bool) float64 {
	if n.total == 0 {
		return 0
	}
	got := 0.0
	for i, c := range n.concepts {
		if allIn(c, have) {
			got += n.weights[i]
		}
	}
	for i, t := range n.terms {
		if have[t] {
			got += n.weights[len(n.concepts)+i]
		}
	}
	return got / n.total
}

// has reports whether t is one of the terms the question asks about.
func (n need) has(t string) bool {
	return slices.Contains(n.terms, t) || slices.ContainsFunc(n.concepts, func(c []string) bool { return slices.Contains(c, t) })
}

// placeReach is how many words before a place may say what happened there,
// and how many after its first word may still be its name ("near the
// Chinese border").
const placeReach = 2

// placeAttached reports whether sentence names a place right after
// something the question asks about. "The two leaders are meeting at the
// Vostochny Cosmodrome" answers "Where did Putin and Kim meet?"; "...by
// meeting Putin, Vladimir Tikhonov, professor of Korean studies at the
// University of Oslo" names a place too, but of the professor, words away
// from "meeting". A place whose own words are the question's ("near the
// Chinese border" for "Which border is it near?") is attached too.
func (ix *Index) placeAttached(n need, sentence string) bool {
	for _, m := range kindEvidence[KindPlace].FindAllStringIndex(sentence, -1) {
		before := wordRE.FindAllString(sentence[:m[0]], -1)
		before = before[max(0, len(before)-placeReach):]
		after := wordRE.FindAllString(sentence[m[1]:], placeReach)
		around := strings.Join(before, " ") + " " + sentence[m[0]:m[1]] + " " + strings.Join(after, " ")
		if slices.ContainsFunc(ix.bm25.Terms(around), n.has) {
			return true
		}
	}
	return false
}

func allIn(terms []string, have map[string]bool) bool {
	for _, t := range terms {
		if !have[t] {
			return false
		}
	}
	return true
}

// keepRelative is how close to the best sentence's score another sentence
// must come to join the answer: below it, a second sentence is more often
// padding than answer (measured with summitbot eval: 0.7 beat 0.6 and 0.85
// on answer accuracy without raising false refusals).
const keepRelative = 0.7
