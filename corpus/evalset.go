package corpus

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"
)

// EvalQuestion is one question of the evaluation set. An answerable question
// lists the short answer aliases a correct answer contains and every article
// that states the answer; an unanswerable one lists neither, and the bot is
// expected to refuse it.
type EvalQuestion struct {
	ID           string   `yaml:"id"`
	Question     string   `yaml:"question"`
	Answers      []string `yaml:"answers"`
	Articles     []string `yaml:"articles"` // gold article ids
	Tags         []string `yaml:"tags"`
	Unanswerable bool     `yaml:"unanswerable"`
}

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
// unanswerable one must have neither.
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
	if q.Unanswerable {
		if len(q.Answers) > 0 || len(q.Articles) > 0 {
			return errors.New("unanswerable question lists answers or articles")
		}
		return nil
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
