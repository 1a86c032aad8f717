package corpus

import (
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/neurosnap/sentences"
	"github.com/neurosnap/sentences/english"
)

// sentenceTokenizer is built once: loading the English training data takes
// a while. The tokenizer is safe to share: Tokenize makes fresh tokens on
// every call and the annotators only read the training data and compiled
// regexps, which nothing changes after this function returns.
var sentenceTokenizer = sync.OnceValues(func() (*sentences.DefaultSentenceTokenizer, error) {
	t, err := english.NewSentenceTokenizer(nil)
	if err != nil {
		return nil, err
	}
	t.Annotations = append(t.Annotations, numberFullStop{})
	return t, nil
})

// splitSentences returns the sentences of one paragraph as spans into it,
// without the white space around them. The tokenizer must have been built
// (see Load).
func splitSentences(p string) []Span {
	t, err := sentenceTokenizer()
	if err != nil {
		// Load checks the tokenizer before it lays out any text.
		panic("corpus: sentence tokenizer: " + err.Error())
	}
	var spans []Span
	for _, s := range t.Tokenize(p) {
		start := s.Start + len(s.Text) - len(strings.TrimLeftFunc(s.Text, unicode.IsSpace))
		end := s.End - len(s.Text) + len(strings.TrimRightFunc(s.Text, unicode.IsSpace))
		if start < end {
			spans = append(spans, Span{start, end})
		}
	}
	return spans
}

// numberFullStop restores the sentence break after a number that ends a
// sentence, as in "all in 2018 and 2019. He also ...": the English
// tokenizer takes any "2019." for a list number ("1.") and never breaks
// after it. A list number starts its line, so a number with a full stop
// anywhere else, followed by a capital, ends a sentence.
type numberFullStop struct{}

var numberWithStop = regexp.MustCompile(`^\d[\d,]*\.$`)

func (numberFullStop) Annotate(tokens []*sentences.Token) []*sentences.Token {
	for i := 1; i+1 < len(tokens); i++ {
		t := tokens[i]
		if t.SentBreak || t.LineStart || !numberWithStop.MatchString(t.Tok) {
			continue
		}
		next := strings.TrimLeftFunc(tokens[i+1].Tok, notWordRune) // past an opening quote
		if r, _ := utf8.DecodeRuneInString(next); unicode.IsUpper(r) {
			t.SentBreak = true
		}
	}
	return tokens
}
