package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// ValidateAnswer checks what every Store requires of an answer.
func ValidateAnswer(a *Answer) error {
	switch {
	case a == nil:
		return fmt.Errorf("save answer: nil answer")
	case a.ID == "":
		return fmt.Errorf("save answer: empty id")
	}
	return nil
}

// ValidateLoggedQuestion checks what every Store requires of a log entry.
func ValidateLoggedQuestion(q LoggedQuestion) error {
	switch {
	case q.Reason != Refused && q.Reason != Downvoted:
		return fmt.Errorf("log question: unknown reason %q", q.Reason)
	case q.Question == "":
		return fmt.Errorf("log question: empty question")
	}
	return nil
}

// Normalize is the time as stores keep it: UTC, to the microsecond (what
// PostgreSQL's timestamptz holds), without a monotonic reading.
func Normalize(t time.Time) time.Time {
	return t.UTC().Truncate(time.Microsecond).Round(0)
}

func cloneAnswer(a *Answer) *Answer {
	c := *a
	c.Citations = slices.Clone(a.Citations)
	return &c
}

// CreatedOrNow is a's Created time, or now when it was left zero.
func CreatedOrNow(a *Answer) time.Time { return OrNow(a.Created) }

// OrNow is t, normalized, or now when t is zero.
func OrNow(t time.Time) time.Time {
	if t.IsZero() {
		return Normalize(time.Now())
	}
	return Normalize(t)
}

// ValidateWrite checks a Write as its method would, for a BatchWriter.
func ValidateWrite(w Write) error {
	switch {
	case w.Answer != nil:
		return ValidateAnswer(w.Answer)
	case w.Link != nil:
		if w.Link.AnswerID == "" || w.Link.MessageID == "" {
			return fmt.Errorf("link message %q to answer %q: empty id", w.Link.MessageID, w.Link.AnswerID)
		}
		return nil
	case w.Question != nil:
		return ValidateLoggedQuestion(*w.Question)
	}
	return fmt.Errorf("write: nothing to write")
}

// EncodeList is how the SQL stores keep a list (an answer's citations, a
// server's mention channels) in one column: JSON, [] for none.
func EncodeList[T any](s []T) (string, error) {
	if s == nil {
		s = []T{}
	}
	b, err := json.Marshal(s)
	return string(b), err
}

// DecodeList reads a column EncodeList wrote; an empty list is nil, as the
// Answer or Settings was before it was saved.
func DecodeList[T any](b []byte) ([]T, error) {
	var s []T
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, err
	}
	if len(s) == 0 {
		return nil, nil
	}
	return s, nil
}
