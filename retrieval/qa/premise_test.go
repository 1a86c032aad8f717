package qa_test

import (
	"slices"
	"testing"

	"github.com/summitbot/summitbot/retrieval/qa"
)

func TestPremiseVerb(t *testing.T) {
	m := qa.NewMeaning(qa.SentenceTexts(testIndex(t)))
	for q, want := range map[string]string{
		"why did putin cry when kim arrived":                    "cry",
		"Why did Putin and Kim meet at a cosmodrome?":           "meet",
		"so why did the two leaders even pick vostochny":        "pick",
		"where did kims train cross into russia":                "cross", // "train" is what kim's is
		"how did kim's car even get there":                      "get",
		"how did kim get there":                                 "get",
		"what did putin say":                                    "", // no event taken for granted
		"did kim fly there":                                     "",
		"after kim and putin launched a rocket where did it go": "",
	} {
		if got := m.PremiseVerb(q); got != want {
			t.Errorf("PremiseVerb(%q) = %q, want %q", q, got, want)
		}
	}
}

func TestClaims(t *testing.T) {
	for q, want := range map[string][]string{
		"since the two of them toured the factory, what did kim buy":   {"the two of them toured the factory"},
		"given that the summit was in minsk, which hotel did they use": {"the summit was in minsk"},
		"after putin drove kim home did they eat":                      {"putin drove kim home"},
		"since when have they been friends":                            nil, // asks since when
		"the bbc piece says kim wore a hat, what colour was it":        {"kim wore a hat"},
		"my uncle told me putin sang a song, why did he sing":          {"putin sang a song"},
		"kim said the army would triumph against what":                 nil, // asks what was said
		"what did putin say about satellites":                          nil,
		"is it true that the leaders swapped watches":                  {"the leaders swapped watches"},
		"kim rode a horse to the summit, right?":                       {"kim rode a horse to the summit"},
		"the articles say they hugged for an hour, right? why so long": {"they hugged for an hour"},
		"did nk fire missiles right before the meeting":                nil,
	} {
		if got := qa.Claims(q); !slices.Equal(got, want) {
			t.Errorf("Claims(%q) = %q, want %q", q, got, want)
		}
	}
}

func TestClaimsHeld(t *testing.T) {
	m := qa.NewMeaning(qa.SentenceTexts(testIndex(t)))
	for q, want := range map[string]bool{
		"since kim travelled by armoured train how many days did it take": true,
		"given that north korea fired two missiles what did seoul say":    true,
		"the reuters story says putin welcomed kim, where":                true,
		"kim shook putin's hand for 40 seconds right":                     true,
		"since kim and putin signed a treaty what does it say":            false,
		"after putin handed kim a sword where did they go":                false, // "handing" is in no sentence with a sword
		"my cousin said kim shook putin's hand for 10 minutes, why":       false, // the figure is theirs only as 40
		"is it true that the leaders played chess together":               false,
		"putin gave kim a medal, right?":                                  false, // "give" and "gift" are no medal
	} {
		if got := qa.ClaimsHeld(m, q); got != want {
			t.Errorf("ClaimsHeld(%q) = %v, want %v (claims %q)", q, got, want, qa.Claims(q))
		}
	}
}
