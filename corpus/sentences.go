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
	return joinQuotations(p, spans)
}

// joinQuotations merges sentences that split one quotation, so that no
// sentence starts or ends inside quotation marks: "“We'll talk about all the
// issues, without haste." and "There is time,” Putin said." become one
// sentence. A quotation opened in one sentence and closed in the next is
// the speaker's one utterance; quoting half of it misleads. Sentences are
// joined while the span so far holds an open quotation and a later sentence
// of the paragraph closes it; a quotation never closed in the paragraph
// (a typo in the article) is left as the tokenizer split it.
func joinQuotations(p string, spans []Span) []Span {
	out := spans[:0:0]
	for i := 0; i < len(spans); i++ {
		s := spans[i]
		if open := openQuotes(p[s.Start:s.End]); open {
			for j := i + 1; j < len(spans); j++ {
				if !openQuotes(p[s.Start:spans[j].End]) {
					s.End = spans[j].End
					i = j
					break
				}
			}
		}
		out = append(out, s)
	}
	return out
}

// openQuotes reports whether text leaves a quotation open: an odd number of
// double quotation marks, straight and curly counted together (articles mix
// them: "sacred fight … forces”).
func openQuotes(text string) bool {
	return (strings.Count(text, `"`)+strings.Count(text, "“")+strings.Count(text, "”"))%2 == 1
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
