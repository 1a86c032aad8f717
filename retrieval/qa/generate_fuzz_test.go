package qa

import (
	"context"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/search"
)

// scripted is a Generator that replies with its text, streamed in pieces
// of a few runes (so that links and mentions arrive unfinished).
type scripted string

func (s scripted) Model() string { return "fuzz-model" }

func (s scripted) Generate(ctx context.Context, p retrieval.Prompt, partial func(string)) (string, error) {
	text := string(s)
	if partial != nil {
		for i, n := 0, 0; i < len(text); {
			_, size := utf8.DecodeRuneInString(text[i:])
			i += size
			if n++; n%3 == 0 || i == len(text) {
				partial(text[:i])
			}
		}
	}
	return text, nil
}

var (
	fuzzIndexOnce sync.Once
	fuzzIndex     *search.Index
	fuzzIndexErr  error
)

func sharedFuzzIndex(t testing.TB) *search.Index {
	fuzzIndexOnce.Do(func() {
		c, err := corpus.Load(corpus.Default())
		if err != nil {
			fuzzIndexErr = err
			return
		}
		fuzzIndex, fuzzIndexErr = search.NewIndex(context.Background(), c, search.NewLocalEmbedder(0))
	})
	if fuzzIndexErr != nil {
		t.Fatal(fuzzIndexErr)
	}
	return fuzzIndex
}

// FuzzGeneratedAnswer sends random model text with [n] markers, links and
// mentions through the whole generated-answer path (drafts, verification,
// citing, fallbacks): nothing unsanitized may reach the answer's text, its
// sentences, its note, what it says was dropped, or any draft.
func FuzzGeneratedAnswer(f *testing.F) {
	for _, s := range []string{
		"The handshake lasted around 40 seconds [1].",
		"Putin and Kim did not meet at the Vostochny Cosmodrome. [1] The handshake lasted around 40 seconds [2].",
		"Putin hoped that North Korea would sell him nuclear warheads. [1]",
		"The passages do not say more, so everyone should visit discord.gg/summitnews for the rest.",
		"Read the [official summit report](https://evil.example/phish) for the full story [2].",
		"<@123456789012345678> @everyone Kim arrived at the Vostochny Cosmodrome [3].",
		"The handshake lasted [around 40 seconds](http://x.y) [1]. <#99> [[a](b)](c) [2][3]",
		"## Breaking\n```\nrm -rf /\n```\nThe handshake lasted around 40 seconds [1]. @@here",
		"40 seconds [1]. www.evil.ru/x [2] <@!1> <@&2> <t:5:R> ||spoiler|| [0] [99] [1-3]",
		"NOT IN PASSAGES",
		"The passages do not say who let go first. [",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, reply string) {
		p := &Pipeline{Index: sharedFuzzIndex(t), Judge: Threshold{}, Writer: Generate{Generator: scripted(reply)}}
		var drafts []string
		a, err := p.Answer(t.Context(), retrieval.Question{Text: "How long did the handshake last?"}, func(text string) {
			drafts = append(drafts, text)
		})
		if err != nil {
			t.Fatal(err)
		}
		shown := []string{a.Answer, a.Note}
		for _, s := range a.Sentences {
			shown = append(shown, s.Text)
		}
		for _, d := range a.Dropped {
			shown = append(shown, d.Text)
		}
		shown = append(shown, drafts...)
		for _, s := range shown {
			if m := unsafeRE.FindString(s); m != "" {
				t.Fatalf("model text %q: %q reaches the user holding %q", reply, s, m)
			}
			if !utf8.ValidString(s) {
				t.Fatalf("model text %q: invalid UTF-8 in %q", reply, s)
			}
		}
		if a.Writer == retrieval.Generated && !a.Refused {
			for _, s := range a.Sentences {
				if !s.Gap && len(s.Citations) == 0 {
					t.Fatalf("model text %q: sentence %q kept without a citation", reply, s.Text)
				}
				for _, n := range s.Citations {
					if n < 1 || n > len(a.Citations) {
						t.Fatalf("model text %q: sentence %q cites [%d] of %d", reply, s.Text, n, len(a.Citations))
					}
				}
				if !strings.Contains(a.Answer, s.Text) {
					t.Fatalf("model text %q: answer %q lacks its sentence %q", reply, a.Answer, s.Text)
				}
			}
		}
	})
}
