package qa_test

import (
	"strings"
	"testing"

	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/qa"
	"github.com/summitbot/summitbot/retrieval/retrievaltest"
)

// TestKindNear checks that kindNear reads the words beside the evidence of
// a kind and not the rest of the sentence, for sentences written here.
func TestKindNear(t *testing.T) {
	ix := retrievaltest.Index(t)
	for _, tc := range []struct {
		kind     retrieval.Kind
		sentence string
		near     []string // analysed terms that must be near the evidence
		far      []string // and terms that must not
	}{
		// The duration is beside the talks, far from the dinner.
		{retrieval.KindDuration, "Their talks lasted two hours before the leaders went on to a long official dinner with music", []string{"talk", "last"}, []string{"dinner", "music"}},
		// The office is beside the translator; the train is words away.
		{retrieval.KindPerson, "The minister greeted the translator, then everyone boarded the slow armoured train", []string{"greet", "translat"}, []string{"train"}},
		// A person's name counts as evidence too.
		{retrieval.KindPerson, "Talks were held after Sergei Shoigu arrived, and later the guests admired the rockets", []string{"shoigu", "arriv"}, []string{"rocket"}},
		// No evidence, no terms.
		{retrieval.KindDuration, "The leaders toured the facility", nil, []string{"leader", "tour"}},
	} {
		got := qa.KindNear(ix, tc.kind, tc.sentence)
		for _, w := range tc.near {
			if !hasPrefixed(got, w) {
				t.Errorf("%s in %q: no term %q* near the evidence; got %v", tc.kind, tc.sentence, w, got)
			}
		}
		for _, w := range tc.far {
			if hasPrefixed(got, w) {
				t.Errorf("%s in %q: term %q* read as near the evidence; got %v", tc.kind, tc.sentence, w, got)
			}
		}
	}
}

// hasPrefixed reports whether terms holds p or a stem of it of three or
// more letters: the test names words, not the analyser's stems.
func hasPrefixed(terms map[string]bool, p string) bool {
	for t := range terms {
		if len(t) >= 3 && strings.HasPrefix(p, t) {
			return true
		}
	}
	return false
}
