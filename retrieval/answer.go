package retrieval

import (
	"context"
	"strings"
	"time"
)

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

// Answer is a reply with the passages behind it.
type Answer struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
	Refused  bool   `json:"refused"`
	// Writer says how the answer was written. Its JSON name is "mode", as
	// before the field had a type of its own.
	Writer Writer `json:"mode"`
	// Mode is the retrieval mode whose retrievers found the passages.
	Mode     Mode   `json:"retrieval"`
	Kind     Kind   `json:"kind"` // what sort of answer the question asks for
	Searched string `json:"searched,omitempty"`
	// Evidence is the judge's confidence that the articles answer the
	// question, 0..1, and Threshold the confidence below which it refuses:
	// with the fitted judge a probability and its cut, with the plain
	// threshold judge the keyword coverage of the best passage.
	Evidence  float64 `json:"evidence"`
	Threshold float64 `json:"threshold"`
	// Features are the values the judge weighed, by name (see qa.FeatureNames).
	Features  map[string]float64 `json:"features,omitempty"`
	Sentences []Sentence         `json:"sentences,omitempty"`
	Citations []Citation         `json:"citations"`
	Sources   int                `json:"sources"` // distinct articles cited
	Timings   Timings            `json:"timings"`

	// Set only when a model is configured (see qa.Generate).
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
	// it; see qa.Generate.
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
func (c Citation) Byline() string { return Byline(c.Publisher, c.Date) }

// Byline is an article's publisher and date, as far as they are known:
// "Reuters, 2023-09-13", "2023-09-13", or "".
func Byline(publisher, date string) string {
	var parts []string
	for _, p := range []string{publisher, date} {
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

// Support is how one cited passage backs a sentence of a generated answer.
type Support struct {
	N       int      `json:"n"`                 // the citation number in the answer
	Overlap float64  `json:"overlap"`           // share of the sentence's content words the passage has
	Facts   []string `json:"facts,omitempty"`   // numbers, dates, names and quotations found in the passage
	Recited bool     `json:"recited,omitempty"` // the model did not cite this passage; verification found it supports the sentence
}

// Dropped is what verification removed from a generated answer: a whole
// sentence, or one citation of a sentence that was kept.
type Dropped struct {
	Kind   string `json:"kind"` // "sentence" or "citation"
	Text   string `json:"text"` // the sentence, without markers
	Cited  []int  `json:"cited,omitempty"`
	Reason string `json:"reason"`
}

// Writer is how an answer was written.
type Writer string

// The writers of an answer.
const (
	Extractive Writer = "extractive" // quoted from the articles
	Generated  Writer = "generated"  // written by a model and verified against the passages
	Chat       Writer = "chat"       // a reply to small talk or to a question about the bot: no quote, no citation
)

// RefusalText is the whole answer to a question the articles don't cover.
const RefusalText = "The articles I have don't cover that. The source list shows what they do cover."
