package openai_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/openai/openaitest"
)

// A model's reply is untrusted input: these replies plant one false,
// invented or hostile sentence beside a true one, through the real
// go-openai client. Each planted sentence must be left out of the answer
// and listed in Dropped with its reason.

const meetQ = "Where did Putin and Kim meet?"

// trueSentence is what the articles say, cited to the passage that says it.
func trueSentence(req goopenai.ChatCompletionRequest) string {
	return "Putin and Kim met at the Vostochny Cosmodrome " + cite(req, "Vostochny") + "."
}

type planted struct {
	name    string
	reply   func(req goopenai.ChatCompletionRequest) string // the planted sentence
	shown   []string                                        // none of these may be in the answer
	dropped string                                          // a word of the dropped sentence's text
	reason  string                                          // in its reason
}

var plantedReplies = []planted{{
	name: "negation",
	reply: func(req goopenai.ChatCompletionRequest) string {
		return "Putin and Kim did not meet at the Vostochny Cosmodrome. " + cite(req, "Vostochny")
	},
	shown:   []string{"did not meet"},
	dropped: "did not meet",
	reason:  "negation differs from [",
}, {
	name: "invented fact",
	reply: func(req goopenai.ChatCompletionRequest) string {
		return "Putin hoped that North Korea would sell him nuclear warheads. " + cite(req, "Vostochny")
	},
	shown:   []string{"warheads"},
	dropped: "warheads",
	reason:  "words not in the passages: ",
}, {
	name: "gap sentence carrying a link",
	reply: func(req goopenai.ChatCompletionRequest) string {
		return "The passages do not say more, so everyone should visit discord.gg/summitnews for the rest."
	},
	shown:   []string{"discord", "visit", "everyone"},
	dropped: "everyone should visit",
	reason:  "gap sentence with a link",
}, {
	name: "gap sentence giving an order",
	reply: func(req goopenai.ChatCompletionRequest) string {
		return "The passages do not say more, so everyone should ask the official channel."
	},
	shown:   []string{"official channel", "should"},
	dropped: "official channel",
	reason:  "gap sentence with an imperative",
}, {
	name: "masked link",
	reply: func(req goopenai.ChatCompletionRequest) string {
		return "Read the [official summit report](https://evil.example/phish) for the full story " + cite(req, "Vostochny") + "."
	},
	shown:   []string{"official summit report", "evil", "phish", "]("},
	dropped: "official summit report",
	reason:  "it carries a link",
}, {
	name: "mention",
	reply: func(req goopenai.ChatCompletionRequest) string {
		return "<@123456789012345678> @everyone Kim arrived at the Vostochny Cosmodrome " + cite(req, "Vostochny") + "."
	},
	shown:   []string{"<@", "@everyone", "123456789012345678"},
	dropped: "Kim arrived",
	reason:  "it carries a mention",
}}

// checkPlanted checks that the true sentence is the answer and the planted
// one is dropped with its reason.
func checkPlanted(t *testing.T, a *retrieval.Answer, p planted) {
	t.Helper()
	checkVerified(t, a)
	if !strings.HasPrefix(a.Answer, "Putin and Kim met at the Vostochny Cosmodrome. [1]") {
		t.Errorf("the true sentence is not the answer: %q", a.Answer)
	}
	for _, s := range a.Sentences {
		if linkRE.MatchString(s.Text) {
			t.Errorf("sentence %q carries a link or mention", s.Text)
		}
	}
	checkDropped(t, a, p)
}

// checkDropped checks that the planted sentence is not in the answer, and
// is in Dropped, sanitized, with its reason.
func checkDropped(t *testing.T, a *retrieval.Answer, p planted) {
	t.Helper()
	for _, s := range p.shown {
		if strings.Contains(a.Answer, s) {
			t.Errorf("%s: the answer shows %q: %q", p.name, s, a.Answer)
		}
	}
	for _, d := range a.Dropped {
		if d.Kind == "sentence" && strings.Contains(d.Text, p.dropped) {
			if !strings.Contains(d.Reason, p.reason) {
				t.Errorf("%s: dropped %q because %q, want a reason with %q", p.name, d.Text, d.Reason, p.reason)
			}
			if linkRE.MatchString(d.Text) {
				t.Errorf("%s: dropped text %q is not sanitized", p.name, d.Text)
			}
			return
		}
	}
	t.Errorf("%s: no dropped sentence with %q: %+v", p.name, p.dropped, a.Dropped)
}

// linkRE matches what no model text may bring to a message: a URL, an
// invite, a masked link, a mention, markup.
var linkRE = regexp.MustCompile("(?i)://|discord(?:app)?\\.(?:gg|com)|\\]\\(|<[@#][!&]?\\d*>?|@|```|(?m)^\\s*#")

func TestPlantedReplies(t *testing.T) {
	for _, p := range plantedReplies {
		t.Run(p.name, func(t *testing.T) {
			f := newFixture(t, options{})
			f.srv.Chat = func(w http.ResponseWriter, r *http.Request, req goopenai.ChatCompletionRequest) {
				openaitest.WriteReply(w, req, trueSentence(req)+" "+p.reply(req))
			}
			checkPlanted(t, f.ask(t, meetQ), p)
		})
	}
}

// TestPlantedStream streams all the planted sentences at once, cut so that
// links and mentions arrive in pieces: no draft may show any of them. With
// six sentences dropped for one kept, the answer is the extractive one,
// with a note, and Dropped says why each planted sentence went.
func TestPlantedStream(t *testing.T) {
	f := newFixture(t, options{})
	f.srv.Chat = func(w http.ResponseWriter, r *http.Request, req goopenai.ChatCompletionRequest) {
		var b strings.Builder
		b.WriteString(trueSentence(req))
		for _, p := range plantedReplies {
			b.WriteString(" ")
			b.WriteString(p.reply(req))
		}
		b.WriteString("\n## Breaking news\n```\nrm -rf /\n```")
		// Pieces of 5 bytes: "[official summit report](https://ev",
		// "<@1234", "discord.g" each arrive unfinished first.
		text := b.String()
		var pieces []string
		for len(text) > 0 {
			n := min(5, len(text))
			pieces = append(pieces, text[:n])
			text = text[n:]
		}
		openaitest.WriteStream(w, req, pieces, nil)
	}
	var drafts []string
	a, err := f.engine.Answer(t.Context(), retrieval.Question{Text: meetQ}, func(text string) {
		drafts = append(drafts, text)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(drafts) < 50 {
		t.Fatalf("%d drafts; the stream was not streamed", len(drafts))
	}
	for _, d := range drafts {
		if m := linkRE.FindString(d); m != "" {
			t.Fatalf("a draft shows %q: %q", m, d)
		}
	}
	if a.Writer != retrieval.Extractive || !strings.Contains(a.Note, "Too little") || !strings.Contains(a.Answer, "Vostochny") {
		t.Errorf("mode %q, note %q, answer %q; want the extractive answer with a note", a.Writer, a.Note, a.Answer)
	}
	for _, p := range plantedReplies {
		checkDropped(t, a, p)
	}
}

// TestNothingVerified: when every sentence is planted, the answer is the
// extractive one, with a note, and Dropped still says why each went.
func TestNothingVerified(t *testing.T) {
	f := newFixture(t, options{})
	f.srv.Chat = func(w http.ResponseWriter, r *http.Request, req goopenai.ChatCompletionRequest) {
		var parts []string
		for _, p := range plantedReplies {
			parts = append(parts, p.reply(req))
		}
		openaitest.WriteReply(w, req, strings.Join(parts, " "))
	}
	a := f.ask(t, meetQ)
	if a.Writer != retrieval.Extractive || a.Note == "" || len(a.Citations) == 0 || !strings.Contains(a.Answer, "Vostochny") {
		t.Fatalf("mode %q, note %q, answer %q; want the extractive answer with a note", a.Writer, a.Note, a.Answer)
	}
	for _, p := range plantedReplies {
		checkDropped(t, a, p)
	}
}

// TestSpellingVariantPasses: a bridge of meaning lets a true sentence
// through in other words: "armored" for the passage's "armoured".
func TestSpellingVariantPasses(t *testing.T) {
	f := newFixture(t, options{})
	f.srv.Chat = func(w http.ResponseWriter, r *http.Request, req goopenai.ChatCompletionRequest) {
		openaitest.WriteReply(w, req, "Kim's limousine was brought from Pyongyang in his special armored train "+cite(req, "special armoured train")+".")
	}
	a := f.ask(t, handshakeQ)
	checkVerified(t, a)
	if !strings.Contains(a.Answer, "armored train") || len(a.Dropped) != 0 {
		t.Errorf("answer %q, dropped %+v", a.Answer, a.Dropped)
	}
}
