package search

import (
	"slices"
	"strings"
	"testing"

	"github.com/summitbot/summitbot/corpus"
)

// A sentence that calls the corpus's principals "the two men" covers their
// names as a sentence naming them does; other sentences do not, and a
// corpus of one article has no principals to give.
func TestPairSentencesCoverThePrincipals(t *testing.T) {
	c, err := corpus.Load(corpus.Default())
	if err != nil {
		t.Fatal(err)
	}
	ix, err := NewIndex(t.Context(), c, NewLocalEmbedder(0))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if got, want := ix.principals(), []string{"jong", "kim", "putin", "un", "vladimir"}; !slices.Equal(got, want) {
		t.Errorf("principals = %v, want %v: the titled names every article uses", got, want)
	}
	var pair int
	for i := range ix.sentences {
		s := ix.Sentence(i)
		named := strings.Contains(strings.ToLower(s.Text), "putin")
		switch {
		case strings.HasPrefix(s.Text, "The two men began their meeting at the Vostochny"):
			pair++
			if !s.Terms["putin"] || !s.Terms["kim"] {
				t.Errorf("%q lacks the principals' terms", s.Text)
			}
		case !named && !pairRE.MatchString(s.Text) && s.Terms["putin"]:
			t.Errorf("%q was given Putin's terms", s.Text)
		}
	}
	if pair == 0 {
		t.Fatal(`no sentence about "the two men" found`)
	}

	one := &corpus.Corpus{Aliases: c.Aliases}
	one.Articles = c.Articles[:1]
	for _, ch := range c.Chunks {
		if ch.ArticleID == one.Articles[0].ID {
			one.Chunks = append(one.Chunks, ch)
		}
	}
	solo, err := NewIndex(t.Context(), one, NewLocalEmbedder(0))
	if err != nil {
		t.Fatal(err)
	}
	defer solo.Close()
	if p := solo.principals(); len(p) != 0 {
		t.Errorf("one article has principals %v", p)
	}
}
