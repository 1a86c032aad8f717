package qa_test

import (
	"context"
	"strings"
	"testing"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/search"
)

// TestJudgeRefusesMissingTermAnswersTwin asks twin questions that differ
// in one specific term: the articles never mention the Hanoi summit, and
// do describe the handshake at Vostochny; and questions of a kind whose
// figure the articles give or lack.
func TestJudgeRefusesMissingTermAnswersTwin(t *testing.T) {
	ans := answerer(t)
	for _, tt := range []struct {
		q      string
		refuse bool
	}{
		{"How long did the handshake at the Hanoi summit last?", true},
		{"How long did the handshake at the Vostochny summit last?", false},
		{"what did putin and kim agree at their 2024 meeting", true},
		{"what did putin and kim agree at their meeting", false},
		// An answer of a measurable kind needs a figure of that kind:
		// a height is stated, a price and an age are not.
		{"how tall is the angara rocket", false},
		{"how much did vostochny cost to build", true},
		{"how old is putin", true},
		// A question that takes for granted what no article says.
		{"why did putin cry when kim arrived", true},
		{"why did putin and kim meet at a cosmodrome", false},
	} {
		a, err := ans.Answer(t.Context(), retrieval.Question{Text: tt.q}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if a.Refused != tt.refuse {
			t.Errorf("%q: refused %v (evidence %.3f, cut %.3f, features %v), want %v", tt.q, a.Refused, a.Evidence, a.Threshold, a.Features, tt.refuse)
		}
	}
}

// TestAnswersWholeAndUnrepeated checks every answer to the eval set: no
// sentence starts or ends inside a quotation, and no sentence is said twice,
// in the same or nearly the same words.
func TestAnswersWholeAndUnrepeated(t *testing.T) {
	ix := testIndex(t)
	ans := answerer(t)
	set, err := corpus.DefaultEvalSet()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range set.Questions {
		a, err := ans.Answer(t.Context(), retrieval.Question{Text: q.Question}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range a.Sentences {
			if marks := strings.Count(s.Text, `"`) + strings.Count(s.Text, "“") + strings.Count(s.Text, "”"); marks%2 == 1 {
				t.Errorf("%s: sentence splits a quotation: %q", q.ID, s.Text)
			}
			for _, o := range a.Sentences[:i] {
				if o.Text == s.Text || search.NearDuplicate(termSet(ix, o.Text), termSet(ix, s.Text)) {
					t.Errorf("%s: said twice: %q and %q", q.ID, o.Text, s.Text)
				}
			}
		}
	}
}

func termSet(ix *search.Index, text string) map[string]bool {
	set := map[string]bool{}
	for _, term := range ix.Analyze(text) {
		set[term] = true
	}
	return set
}

// TestBadInputGetsShortReply asks what is no question: unknown words,
// emoji, punctuation, one word 300 characters long over. Each gets a short
// reply (an error the front end words, a refusal or a chat reply), never a
// quote.
func TestBadInputGetsShortReply(t *testing.T) {
	ans := answerer(t)
	for _, q := range []string{
		"zxqv blorptang fnord wibble",
		"🙂🙂🙂 🔥🔥",
		"?!?! ... ???",
		strings.Repeat("kim ", 75),
		strings.Repeat("summit ", 42),
		strings.Repeat("a", 300),
	} {
		a, err := ans.Answer(t.Context(), retrieval.Question{Text: q}, nil)
		if err != nil {
			continue // retrieval.ErrEmptyQuestion and the like: a short reply
		}
		if len(a.Citations) > 0 || len(a.Sentences) > 0 {
			t.Errorf("%.40q…: quoted %q", q, a.Answer)
		}
		if !a.Refused && a.Writer != retrieval.Chat {
			t.Errorf("%.40q…: neither refused nor a chat reply: %+v", q, a)
		}
	}
}

// TestNothingToLookForGetsHelp: a message left with nothing to search once
// chat's words are read ("tho rn", "u r", "wut") gets the help reply; the
// same words in a thread are read with the earlier question.
func TestNothingToLookForGetsHelp(t *testing.T) {
	ans := answerer(t)
	for _, q := range []string{"tho rn", "u r", "wut", "who is he"} {
		a, err := ans.Answer(t.Context(), retrieval.Question{Text: q}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if a.Writer != retrieval.Chat || a.Refused || len(a.Citations) > 0 {
			t.Errorf("%q: writer %s, refused %v, %d citations: %q", q, a.Writer, a.Refused, len(a.Citations), a.Answer)
		}
	}
	a, err := ans.Answer(t.Context(), retrieval.Question{Text: "who is he", Context: "who is Ahn Chan-il"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Writer == retrieval.Chat {
		t.Errorf("a follow-up in a thread got the help reply: %q", a.Answer)
	}
}

// TestChatRepliesCiteNothing answers every small-talk message of the eval
// set in chat mode, with no citation, and never with the refusal.
func TestChatRepliesCiteNothing(t *testing.T) {
	ans := answerer(t)
	set, err := corpus.DefaultEvalSet()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range set.Questions {
		if !q.IsChat() {
			continue
		}
		a, err := ans.Answer(t.Context(), retrieval.Question{Text: q.Question}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if a.Writer != retrieval.Chat || a.Refused || len(a.Citations) > 0 || a.Answer == retrieval.RefusalText {
			t.Errorf("%q: writer %s, refused %v, %d citations: %q", q.Question, a.Writer, a.Refused, len(a.Citations), a.Answer)
		}
		if !strings.Contains(a.Answer, "Vostochny") {
			t.Errorf("%q: the reply does not say what the bot covers: %q", q.Question, a.Answer)
		}
	}
}

// countingRewriter counts the follow-ups it is asked to rewrite and
// rewrites none.
type countingRewriter struct{ n int }

func (c *countingRewriter) Rewrite(_ context.Context, q retrieval.Question) retrieval.Question {
	c.n++
	return q
}

// TestSmallTalkFollowUpIsNotRewritten: "thanks!" in a thread is small talk,
// answered without asking the model to rewrite it; a real follow-up is
// rewritten.
func TestSmallTalkFollowUpIsNotRewritten(t *testing.T) {
	p := answerer(t)
	rw := &countingRewriter{}
	p.Rewrite = rw
	a, err := p.Answer(t.Context(), retrieval.Question{Text: "thanks!", Context: "Where did Putin and Kim meet?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Writer != retrieval.Chat || rw.n != 0 {
		t.Errorf("writer %s after %d rewrites; want chat and none", a.Writer, rw.n)
	}
	if _, err := p.Answer(t.Context(), retrieval.Question{Text: "and how long did it last?", Context: "Did they shake hands?"}, nil); err != nil {
		t.Fatal(err)
	}
	if rw.n != 1 {
		t.Errorf("%d rewrites of a real follow-up, want 1", rw.n)
	}
}

// TestJudgeHearsTheSpeaker checks the judge's "heard" feature: a question
// about what someone said whom the articles never quote reads 0, one about
// a speaker they quote 1, and a question about no speaker 1.
func TestJudgeHearsTheSpeaker(t *testing.T) {
	ans := answerer(t)
	for q, want := range map[string]float64{
		"what did chinas foreign ministry say about the summit": 0,
		"what did putin say about satellites":                   1,
		"what did peskov say abt the talks":                     1,
		"where did putin and kim meet":                          1,
	} {
		a, err := ans.Answer(t.Context(), retrieval.Question{Text: q}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := a.Features["heard"]; !ok || got != want {
			t.Errorf("%q: heard = %v (present %v), want %v", q, got, ok, want)
		}
	}
}
