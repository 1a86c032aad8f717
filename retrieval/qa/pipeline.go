package qa

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/search"
)

// Options tune a pipeline.
type Options struct {
	Mode         retrieval.Mode // retrievers to use; Hybrid when empty
	Passages     int            // passages to read; DefaultPassages when 0
	MaxSentences int            // sentences in an extractive answer; 3 when 0
}

// DefaultPassages is how many retrieved passages an answer draws on.
const DefaultPassages = 10

// Writer writes the answer once the Judge has decided the passages answer
// the question. A Writer must be safe for concurrent use.
type Writer interface {
	// Write returns in.Answer, or an answer built from it, with its text,
	// sentences and citations. draft, when not nil, may be shown the text
	// as it is written (see retrieval.Answerer).
	Write(ctx context.Context, in *Input, draft func(text string)) (*retrieval.Answer, error)
}

// Input is what a Writer writes from: every earlier stage's result.
type Input struct {
	Index      *search.Index
	Options    Options // with the defaults filled in
	Analysis   Analysis
	Retrieved  Retrieved
	Candidates []Candidate // scored, in passage order; a writer may reorder them
	Ranker     *Ranker     // what scored them; nil: the hand weights
	// Answer is filled with everything but the text, its sentences and
	// citations; the writer may complete it in place.
	Answer *retrieval.Answer
	Start  time.Time // when answering began, for Timings.Total
}

// Rewriter turns a follow-up question into one that stands on its own,
// before it is analysed. It returns q unchanged when it cannot.
type Rewriter interface {
	Rewrite(ctx context.Context, q retrieval.Question) retrieval.Question
}

// Pipeline answers questions from one index by running its stages in turn:
// Analyse the question, retrieve passages, score their sentences, ask the
// Judge whether they answer it, and have the Writer write the answer (or
// refuse). It implements retrieval.Snapshot, and so retrieval.Answerer and
// retrieval.Library; it owns the index and closes it.
type Pipeline struct {
	Index   *search.Index
	Options Options
	Judge   Judge    // required; Threshold{} refuses nothing
	Writer  Writer   // Extract{} when nil
	Rewrite Rewriter // when not nil, follow-ups are rewritten first
	// Ranker orders the candidate sentences; nil: the hand weights. It
	// needs the word meaning New builds: a pipeline built otherwise
	// ignores it.
	Ranker *Ranker
	// Candidates, when not nil, is shown every question's scored
	// candidates, on the answering goroutine, before the judge reads
	// them: how eval collects the ranker's fitting set.
	Candidates func([]Candidate)

	// rank reads candidates with word meaning for the ranker; nil when
	// New was not asked for a ranker, a fitted judge or observation.
	rank *ranking
}

// Calibration is what the eval set measured for a retrieval mode: the
// keyword evidence threshold, the fitted answerability model and the
// fitted sentence ranker when there are (see retrieval/eval).
type Calibration struct {
	Threshold float64
	Model     *Logistic
	Ranker    *Ranker
	// Observe answers every question and reports the judge's features
	// (Answer.Features): how the eval set's features are collected for
	// fitting.
	Observe bool
	// Candidates is Pipeline.Candidates: set with Observe, it collects
	// the ranker's fitting set.
	Candidates func([]Candidate)
}

// New wires the pipeline the bot and every command answer with: the fitted
// judge when cal has a model (else the plain evidence threshold), and the
// extractive writer, or, when gen is not nil, the model's writer, which
// also rewrites follow-ups. The judge runs before any writer, so a
// question it refuses never reaches the model. It is the one place where
// the answerer is chosen; a new judge or writer is wired here.
//
// The judge and the ranker read words with one Meaning, built here; the
// ranker's view of every sentence is read here too, once.
func New(ix *search.Index, opts Options, cal Calibration, gen *Generate) *Pipeline {
	var judge Judge = Threshold{Min: cal.Threshold}
	var rank *ranking
	if cal.Model != nil || cal.Observe || cal.Ranker != nil {
		m := NewMeaning(SentenceTexts(ix))
		rank = newRanking(ix, m)
		if cal.Model != nil || cal.Observe {
			judge = Fitted{Model: cal.Model, Meaning: m}
		}
	}
	p := &Pipeline{Index: ix, Options: opts, Judge: judge, Writer: Extract{},
		Ranker: cal.Ranker, Candidates: cal.Candidates, rank: rank}
	if gen != nil {
		p.Writer, p.Rewrite = *gen, *gen
	}
	return p
}

func (p *Pipeline) options() Options {
	opt := p.Options
	if opt.Mode == "" {
		opt.Mode = retrieval.Hybrid
	}
	if opt.Passages <= 0 {
		opt.Passages = DefaultPassages
	}
	if opt.MaxSentences <= 0 {
		opt.MaxSentences = 3
	}
	return opt
}

// Answer implements retrieval.Answerer. Errors name the question once;
// an empty or overlong question is retrieval.ErrEmptyQuestion or
// retrieval.ErrQuestionTooLong, unwrapped.
func (p *Pipeline) Answer(ctx context.Context, q retrieval.Question, draft func(string)) (*retrieval.Answer, error) {
	start := time.Now()
	if p.Rewrite != nil && q.Context != "" {
		// Small talk in a thread ("thanks!") is answered as such: no model
		// call to rewrite it into a question.
		if in, _ := ReadIntent(q.Text); in == IntentQuestion {
			q = p.Rewrite.Rewrite(ctx, q)
		}
	}
	a, err := Analyse(p.Index, q)
	if err != nil {
		return nil, err
	}
	if in, kind := ReadIntent(a.Question); in != IntentQuestion {
		return converse(a, in, kind, start), nil
	}
	if len(a.Focus.Terms) == 0 && len(a.Focus.Concepts) == 0 && a.Query == a.Searched {
		// Nothing to look for ("tho rn", "u r", "wut"), and no earlier
		// question of a thread to read it with ("and who?"): say how to ask.
		return converse(a, IntentChat, ChatHelp, start), nil
	}
	ans, err := p.answer(ctx, a, start, draft)
	if err != nil {
		return nil, fmt.Errorf("answer %q: %w", a.Question, err)
	}
	return ans, nil
}

func (p *Pipeline) answer(ctx context.Context, a Analysis, start time.Time, draft func(string)) (*retrieval.Answer, error) {
	opt := p.options()
	r, err := retrieve(ctx, p.Index, a, opt)
	if err != nil {
		return nil, err
	}
	r = addTyped(p.Index, a, r, p.rank)
	ans := &retrieval.Answer{
		Question:  a.Question,
		Writer:    retrieval.Extractive,
		Mode:      opt.Mode,
		Kind:      a.Kind,
		Citations: []retrieval.Citation{},
	}
	if a.Searched != a.Question {
		ans.Searched = a.Searched
	}
	ans.Timings.Retrieval = time.Since(start)

	ranker := p.Ranker
	if p.rank == nil {
		ranker = nil // no features to read
	}
	cands := score(p.Index, a, r, p.rank, ranker)
	if p.Candidates != nil {
		p.Candidates(slices.Clone(cands))
	}
	v, err := p.Judge.Judge(ctx, a, cands)
	if err != nil {
		return nil, fmt.Errorf("judge: %w", err)
	}
	ans.Evidence, ans.Threshold = v.Evidence, v.Threshold
	if v.Features != nil {
		ans.Features = make(map[string]float64, len(v.Features))
		for i, x := range v.Features {
			ans.Features[FeatureNames[i]] = x
		}
	}
	if !v.Answer {
		ans.Refused = true
		ans.Answer = retrieval.RefusalText
		ans.Timings.Total = time.Since(start)
		return ans, nil
	}
	w := p.Writer
	if w == nil {
		w = Extract{}
	}
	return w.Write(ctx, &Input{
		Index: p.Index, Options: opt, Analysis: a, Retrieved: r,
		Candidates: cands, Ranker: ranker, Answer: ans, Start: start,
	}, draft)
}

// converse answers what is not a question for the articles: small talk
// gets a friendly reply that quotes nothing, an attempt to instruct the
// bot is refused. Neither retrieves anything.
func converse(a Analysis, in Intent, kind ChatKind, start time.Time) *retrieval.Answer {
	ans := &retrieval.Answer{
		Question:  a.Question,
		Writer:    retrieval.Chat,
		Kind:      a.Kind,
		Citations: []retrieval.Citation{},
		Answer:    ChatReply(kind),
	}
	if in == IntentInstruction {
		ans.Writer, ans.Refused, ans.Answer = retrieval.Extractive, true, InstructionRefusal
	}
	ans.Timings.Total = time.Since(start)
	return ans
}

// SentenceTexts returns the text of every sentence of the index, the
// corpus the judge's word meaning is fitted on.
func SentenceTexts(ix *search.Index) []string {
	var texts []string
	for _, a := range ix.Corpus().Articles {
		for _, s := range a.Sentences {
			texts = append(texts, a.Text[s.Start:s.End])
		}
	}
	return texts
}

// Retrieve implements retrieval.Snapshot: the passages an answer to q reads.
func (p *Pipeline) Retrieve(ctx context.Context, q retrieval.Question) ([]retrieval.Passage, error) {
	a, err := Analyse(p.Index, q)
	if err != nil {
		return nil, err
	}
	r, err := retrieve(ctx, p.Index, a, p.options())
	if err != nil {
		return nil, fmt.Errorf("retrieve %q: %w", a.Question, err)
	}
	return r.Passages, nil
}

// Articles implements retrieval.Library.
func (p *Pipeline) Articles() []*corpus.Article { return p.Index.Corpus().Articles }

// Article implements retrieval.Library.
func (p *Pipeline) Article(id string) (*corpus.Article, bool) { return p.Index.Article(id) }

// Chunk implements retrieval.Snapshot.
func (p *Pipeline) Chunk(id string) (*corpus.Chunk, bool) { return p.Index.Chunk(id) }

// Passages implements retrieval.Library. The corpus is small: every passage
// is ranked in hybrid mode and the article's best are kept.
func (p *Pipeline) Passages(ctx context.Context, articleID, query string, n int) ([]retrieval.Passage, error) {
	if _, ok := p.Index.Article(articleID); !ok || n <= 0 {
		return nil, nil
	}
	all, err := p.Index.Search(ctx, query, len(p.Index.Corpus().Chunks), retrieval.Hybrid)
	if err != nil {
		return nil, fmt.Errorf("passages of %s for %q: %w", articleID, query, err)
	}
	var mine []retrieval.Passage
	for _, ps := range all {
		if ps.Article.ID == articleID && len(mine) < n {
			mine = append(mine, ps)
		}
	}
	return mine, nil
}

// Close implements retrieval.Snapshot: it closes the index.
func (p *Pipeline) Close() error { return p.Index.Close() }

var _ retrieval.Snapshot = (*Pipeline)(nil)
