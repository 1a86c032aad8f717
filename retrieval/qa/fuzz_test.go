package qa_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
)

// FuzzAnswer asks arbitrary text: a question is either rejected with one
// of the documented errors, or answered or refused with every citation
// valid. The eval questions and some hostile strings seed it, so the normal
// test run answers them all.
func FuzzAnswer(f *testing.F) {
	set, err := corpus.DefaultEvalSet()
	if err != nil {
		f.Fatal(err)
	}
	for _, q := range set.Questions {
		f.Add(q.Question)
	}
	for _, s := range []string{
		"", " ", "\x00", "\xff\xfe", "@everyone who is <@&123>?", "[1] [2] [999]",
		"kim kim kim kim kim kim kim kim", "ＰＵＴＩＮ？", "how long " + strings.Repeat("a", 200),
		"Kim Jong–un’s “train”", "Dr. Ahn — i.e. An Chan-il?", "1,000km 40 seconds 2023-09-13",
		"🙂🙂🙂", "?!?!", "zxqv blorptang fnord", strings.Repeat("kim ", 75), strings.Repeat("hello ", 50),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		ix := testIndex(t)
		a, err := answerer(t).Answer(t.Context(), retrieval.Question{Text: q, Context: q}, nil)
		if err != nil {
			if !errors.Is(err, retrieval.ErrEmptyQuestion) && !errors.Is(err, retrieval.ErrQuestionTooLong) {
				t.Fatalf("Answer(%q): unexpected error %v", q, err)
			}
			return
		}
		if !utf8.ValidString(a.Answer) || !utf8.ValidString(a.Question) {
			t.Fatalf("Answer(%q) produced invalid UTF-8", q)
		}
		if a.Writer == retrieval.Chat {
			// Small talk: a reply that quotes nothing and refuses nothing.
			if a.Refused || len(a.Citations) > 0 || len(a.Sentences) > 0 {
				t.Fatalf("Answer(%q): a chat reply with refused %v, %d citations", q, a.Refused, len(a.Citations))
			}
			return
		}
		if a.Refused != (len(a.Citations) == 0) {
			t.Fatalf("Answer(%q): refused %v with %d citations", q, a.Refused, len(a.Citations))
		}
		checkCitations(t, ix, a)
	})
}
