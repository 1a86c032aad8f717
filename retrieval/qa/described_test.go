package qa_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/qa"
)

func TestAskedDescribed(t *testing.T) {
	tests := map[string]string{
		"what did the harbour master say about the ships":      "harbour master",
		"is the ministry gonna tell us the price":              "ministry",
		"who pays according to the vienna economist":           "vienna economist",
		"according to the old mayor, was the bridge ready?":    "old mayor",
		"did the head of the port authority warn about storms": "head of the port authority",
		"what did the mayor do at the bridge":                  "",
		"what did mayor weber say":                             "",
	}
	for q, want := range tests {
		if got := qa.AskedDescribed(q); got != want {
			t.Errorf("AskedDescribed(%q) = %q, want %q", q, got, want)
		}
	}
}

// TestDescribedSpeaker: a question that describes a speaker asks about the
// one the articles introduce with those words, by a title before the name
// or an appositive after it, and about nobody when the words fit two
// speakers as well or fit fewer than half.
func TestDescribedSpeaker(t *testing.T) {
	text := strings.Join([]string{
		"Harbour master Ines Weber said the ships would leave at dawn.",
		"Tomas Brandt, an economist at the University of Vienna, said the tolls were too high.",
		"Deputy Transport Minister Olga Lind said the bridge would open in May.",
		"Transport Minister Paul Ek said the ferry would run until then.",
	}, " ")
	ix, _ := indexOf(t, fstest.MapFS{"port.txt": {Data: []byte(text)}})
	tests := map[string]string{
		"what did the harbour master say about the ships":       "ines weber",
		"what did the vienna econ say about the tolls":          "tomas brandt",
		"when did the deputy transport fm say the bridge opens": "olga lind",
		"what did the transport minister say":                   "", // both are
		"what did the un secretary general say about the tolls": "",
	}
	for q, want := range tests {
		a, err := qa.Analyse(ix, retrieval.Question{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		if a.Speaker != want {
			t.Errorf("Analyse(%q).Speaker = %q, want %q", q, a.Speaker, want)
		}
	}
}
