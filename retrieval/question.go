package retrieval

import (
	"errors"

	"fmt"
	"github.com/summitbot/summitbot/corpus"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Question is what a user asked.
type Question struct {
	Text string
	// Context is an earlier question of the same conversation (a thread
	// follow-up). It widens retrieval only; the answer is chosen for Text.
	Context string
}

// Errors for questions that cannot be asked. Front ends map them to a short
// reply.
var (
	ErrEmptyQuestion   = errors.New("the question is empty")
	ErrQuestionTooLong = fmt.Errorf("the question is longer than %d characters", MaxQuestionLength)
)

// MaxQuestionLength bounds a question in characters, for every front end:
// Discord's /ask option, a mention, the CLI and the answerer itself.
const MaxQuestionLength = 300

// CleanQuestion removes control characters, ANSI escapes, zero-width and
// bidi controls (corpus.CleanText: "K\u200bim" asks about Kim), trims the
// question, folds its runs of white space and replaces invalid UTF-8. A
// question without a single letter or digit is empty.
func CleanQuestion(s string) (string, error) {
	s = strings.Join(strings.Fields(corpus.CleanText(strings.ToValidUTF8(s, "\uFFFD"))), " ")
	switch {
	case !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }):
		return "", ErrEmptyQuestion
	case utf8.RuneCountInString(s) > MaxQuestionLength:
		return "", ErrQuestionTooLong
	}
	return s, nil
}
