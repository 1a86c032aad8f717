package corpus

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// EvalQuestion is one question of the evaluation set. An answerable question
// lists the short answer aliases a correct answer contains and every article
// that states the answer; an unanswerable one lists neither, and the bot is
// expected to refuse it. A small-talk message (Tag "chat") lists neither and
// is not unanswerable: the bot is expected to reply in chat mode, with no
// quote and no refusal.
type EvalQuestion struct {
	ID           string   `yaml:"id"`
	Question     string   `yaml:"question"`
	Answers      []string `yaml:"answers"`
	Articles     []string `yaml:"articles"` // gold article ids
	Tags         []string `yaml:"tags"`
	Unanswerable bool     `yaml:"unanswerable"`
	// Tag says why an unanswerable question has no answer (TagGeneral,
	// TagOtherEvent, TagNearMiss, TagManipulation), or marks a small-talk
	// message (TagChat). Answerable questions have none.
	Tag string `yaml:"tag"`
	// Speaker, on an answerable "what did X say" question, names X: the
	// answer's lead sentence must be attributed to them.
	Speaker string `yaml:"speaker"`
}

// The values of EvalQuestion.Tag.
const (
	TagGeneral      = "general"      // general knowledge, nothing to do with the articles
	TagOtherEvent   = "other-event"  // another meeting, summit or later development
	TagNearMiss     = "near-miss"    // about this summit, but no article says
	TagManipulation = "manipulation" // new instructions or a false premise
	TagChat         = "chat"         // small talk, answered in chat mode
)

// RefusalTags are the tags of unanswerable questions, in report order.
var RefusalTags = []string{TagGeneral, TagOtherEvent, TagNearMiss, TagManipulation}

// IsChat reports whether q is a small-talk message rather than a question.
func (q EvalQuestion) IsChat() bool { return q.Tag == TagChat }

// Answerable reports whether q is a question the articles answer: neither
// unanswerable nor small talk.
func (q EvalQuestion) Answerable() bool { return !q.Unanswerable && !q.IsChat() }

// EvalSet is the evaluation question set that `summitbot eval` scores.
type EvalSet struct {
	Questions []EvalQuestion `yaml:"questions"`
}

//go:embed eval.yaml
var defaultEvalSet string

// DefaultEvalSet returns the evaluation set embedded in the binary
// (corpus/eval.yaml).
func DefaultEvalSet() (*EvalSet, error) {
	return LoadEvalSet(strings.NewReader(defaultEvalSet))
}

// LoadEvalSet reads an evaluation set from YAML. It is strict, because a
// misspelled key (say "answer:" for "answers:") would otherwise silently
// turn a question into one that can never be scored: unknown keys are
// errors, ids must be unique and non-empty, every question needs text, an
// answerable question needs at least one answer and one gold article, and an
// unanswerable one or a chat message must have neither. A tag must be one of
// the Tag constants and fit the entry (a refusal tag on an unanswerable
// question, "chat" on a message that is not); a speaker belongs only on an
// answerable question. An unanswerable question without a tag is accepted,
// as older eval sets have none.
func LoadEvalSet(r io.Reader) (*EvalSet, error) {
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	var set EvalSet
	if err := dec.Decode(&set); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("load eval set: empty document")
		}
		return nil, fmt.Errorf("load eval set: %w", err)
	}
	if len(set.Questions) == 0 {
		return nil, errors.New("load eval set: no questions")
	}
	seen := make(map[string]bool, len(set.Questions))
	for i, q := range set.Questions {
		if strings.TrimSpace(q.ID) == "" {
			return nil, fmt.Errorf("load eval set: question %d: empty id", i+1)
		}
		if seen[q.ID] {
			return nil, fmt.Errorf("load eval set: question %q: duplicate id", q.ID)
		}
		seen[q.ID] = true
		if err := q.validate(); err != nil {
			return nil, fmt.Errorf("load eval set: question %q: %w", q.ID, err)
		}
	}
	return &set, nil
}

func (q EvalQuestion) validate() error {
	if strings.TrimSpace(q.Question) == "" {
		return errors.New("empty question")
	}
	switch {
	case q.Tag == "" || q.Tag == TagChat || slices.Contains(RefusalTags, q.Tag):
	default:
		return fmt.Errorf("unknown tag %q", q.Tag)
	}
	if q.Speaker != "" && (q.Unanswerable || q.IsChat()) {
		return errors.New("speaker on a question without answers")
	}
	if q.IsChat() {
		if q.Unanswerable {
			return errors.New("chat message marked unanswerable")
		}
		if len(q.Answers) > 0 || len(q.Articles) > 0 {
			return errors.New("chat message lists answers or articles")
		}
		return nil
	}
	if q.Unanswerable {
		if len(q.Answers) > 0 || len(q.Articles) > 0 {
			return errors.New("unanswerable question lists answers or articles")
		}
		return nil
	}
	if q.Tag != "" {
		return fmt.Errorf("answerable question has tag %q", q.Tag)
	}
	if q.Speaker != "" && strings.TrimSpace(q.Speaker) == "" {
		return errors.New("blank speaker")
	}
	if len(q.Answers) == 0 {
		return errors.New("answerable question has no answers")
	}
	if len(q.Articles) == 0 {
		return errors.New("answerable question has no articles")
	}
	for _, a := range q.Answers {
		if strings.TrimSpace(a) == "" {
			return errors.New("empty answer")
		}
	}
	for _, a := range q.Articles {
		if strings.TrimSpace(a) == "" {
			return errors.New("empty article id")
		}
	}
	return nil
}
