package qa_test

import (
	"testing"

	"github.com/summitbot/summitbot/retrieval/qa"
)

func TestPremiseVerb(t *testing.T) {
	m := qa.NewMeaning(qa.SentenceTexts(testIndex(t)))
	for q, want := range map[string]string{
		"why did putin cry when kim arrived":                    "cry",
		"Why did Putin and Kim meet at a cosmodrome?":           "meet",
		"so why did the two leaders even pick vostochny":        "pick",
		"where did kims train cross into russia":                "train", // a limit: the subject noun after a possessive, not the verb "cross"
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
