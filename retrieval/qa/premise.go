package qa

import (
	"regexp"
	"slices"
	"strings"

	"github.com/summitbot/summitbot/retrieval/meaning"
)

// A question can take an event for granted: "why did putin cry when kim
// arrived" presupposes that Putin cried. When nothing the articles say near
// the question mentions that event's verb in any form, they do not answer
// the question, however well they cover the rest of it: they would only be
// quoted in support of something they never said.

// premiseRE finds a question that presupposes an event: a wh-word, an
// auxiliary, and the clause after it ("why did | putin cry when kim
// arrived").
var premiseRE = regexp.MustCompile(`^(?:so\s+|and\s+|but\s+|ok\s+|then\s+)?(?:why|how\s+come|where|when|how)\s+(?:did|does|do|was|were|is|are|has|have|had)\s+(.+)$`)

// subjectWords may stand between the auxiliary and the verb of a
// presupposed event: determiners, pronouns, conjunctions, adverbs.
var subjectWords = map[string]bool{
	"the": true, "a": true, "an": true, "and": true, "n": true, "&": true, "his": true, "her": true,
	"their": true, "its": true, "he": true, "she": true, "they": true, "it": true, "this": true,
	"that": true, "these": true, "those": true, "both": true, "two": true, "even": true, "really": true,
	"actually": true, "ever": true, "first": true, "finally": true, "still": true, "also": true,
	"leaders": true, "leader": true, "u": true, "you": true, "we": true, "i": true, "s": true,
	"all": true, "ppl": true, "people": true, "guys": true, "men": true,
}

// PremiseVerb returns the verb of the event a question takes for granted
// ("cry" for "why did putin cry when kim arrived"), or "" when it takes
// none: the first word after the wh-word and its auxiliary that is not part
// of the subject (a name of the articles, a pronoun, a determiner).
func (m *Meaning) PremiseVerb(question string) string {
	mm := premiseRE.FindStringSubmatch(strings.ToLower(strings.TrimSpace(question)))
	if mm == nil {
		return ""
	}
	for _, w := range m.table.Tokens(mm[1]) {
		base := strings.TrimSuffix(w, "s") // "kims train": a possessive without its apostrophe
		if subjectWords[w] || m.names[w] || m.names[base] || isFigure(w) {
			continue
		}
		return w
	}
	return ""
}

// premiseHeld is 1 when the question takes no event for granted or the
// texts mention its verb in some form (an inflection, a WordNet synonym,
// a broader or narrower word, a derivation: "greet" for "welcomed",
// "choose" for "chose"; or the verb is a misspelling of one of their
// words: "arive" for "arrived"), else 0. Nearness in vector space does not count:
// "cry" is near "laugh".
func (m *Meaning) premiseHeld(question string, texts []string) float64 {
	verb := m.PremiseVerb(question)
	if verb == "" || m.id(verb) < 0 {
		return 1 // none, or a word no dictionary knows ("arive"): no evidence either way
	}
	for _, text := range texts {
		for _, w := range m.table.Tokens(text) {
			if w == verb || sameStem(w, verb) {
				return 1
			}
			switch m.rel.Related(verb, w) {
			case meaning.Same, meaning.Synonym, meaning.Hypernym, meaning.Hyponym, meaning.Derivation:
				return 1
			}
		}
	}
	// A misspelt verb ("arive") may have kept retrieval from the passages
	// that use it: look for it among all the articles' words.
	if slices.ContainsFunc(m.vocab.Words(), func(w string) bool { return misspelling(verb, w) }) {
		return 1
	}
	return 0
}

// misspelling reports whether typed may be a misspelling of word, by the
// rule of meaning.Vocabulary.Nearest: the same first letter, one edit apart
// for words of four letters or more, two for seven or more ("laugh" is two
// from "launch").
func misspelling(typed, word string) bool {
	limit := 1
	if len(typed) >= 7 {
		limit = 2
	}
	return len(typed) >= 4 && typed[0] == word[0] && meaning.EditDistance(typed, word, limit) <= limit
}
