package qa

import (
	"regexp"
	"strings"

	"github.com/summitbot/summitbot/retrieval/search"
)

// askedDescribed matches a question about what someone said who is named
// by a description rather than a name: "what did the oslo professor say",
// "is the kremlin gonna tell us", "according to the defector, …". The
// description is the group, without its article.
var askedDescribed = []*regexp.Regexp{
	regexp.MustCompile(`(?i)\b(?:did|does|do|has|had|would|will)\s+the\s+((?:[a-z][a-z'’-]*\s+){0,4}?[a-z][a-z'’-]*)\s+(?:` + askedVerbs + `)\b`),
	regexp.MustCompile(`(?i)\b(?:is|are|was|were)\s+the\s+((?:[a-z][a-z'’-]*\s+){0,4}?[a-z][a-z'’-]*)\s+(?:gonna|going to)\s+(?:` + askedVerbs + `)\b`),
	regexp.MustCompile(`(?i)\baccording to\s+the\s+((?:[a-z][a-z'’-]*\s+){0,4}?[a-z][a-z'’-]*)\s*(?:[,?.!]|$|\b(?:what|who|whom|whose|why|how|when|where|which|is|are|was|were|does|did|do|will|would|can|could|should)\b)`),
}

// AskedDescribed returns the description of the person a "what did X say"
// question names by what they are ("oslo professor", "kremlin"), or "".
func AskedDescribed(question string) string {
	for _, re := range askedDescribed {
		if m := re.FindStringSubmatch(question); m != nil {
			return strings.ToLower(m[1])
		}
	}
	return ""
}

// describedSpeaker returns the speaker of the index whom description
// describes, by the words the articles introduce them with: a title before
// their name ("Kremlin spokesman Dmitry Peskov", "Deputy Foreign Minister
// Andrei Rudenko") or an appositive after it ("Vladimir Tikhonov,
// professor of Korean studies at the University of Oslo"). The speaker
// whose introductions hold the most of the description's words wins, if
// they hold more than half of them and nobody holds as many; otherwise "":
// "the un secretary general" is not "Putin's press secretary Dmitry
// Peskov".
// A word matches a word it begins or that begins it, so "prof" is
// "professor" and "russia" "russian".
func describedSpeaker(ix *search.Index, description string) string {
	want := descriptionWords(description)
	if len(want) == 0 {
		return ""
	}
	intro := speakerIntroductions(ix)
	best, bestN, tie := "", 0, false
	for name, words := range intro {
		n := 0
		for _, w := range want {
			if introduces(words, w) {
				n++
			}
		}
		switch {
		case n > bestN:
			best, bestN, tie = name, n, false
		case n == bestN && n > 0 && !nameMatches(name, best) && !sameEntity(ix, name, best):
			tie = true
		}
	}
	if tie || 2*bestN <= len(want) {
		return ""
	}
	return best
}

// descriptionWords are the words of a description that can describe
// someone: not articles, prepositions or words of two letters or fewer.
func descriptionWords(description string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(description, func(r rune) bool { return r == ' ' || r == '-' }) {
		w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
		if len(w) > 2 && !descriptionStop[w] {
			out = append(out, w)
		}
	}
	return out
}

// descriptionStop are words of a description that describe nobody.
var descriptionStop = map[string]bool{
	"the": true, "who": true, "that": true, "guy": true, "man": true, "woman": true, "from": true, "with": true,
}

// introduces reports whether one of words, the words that introduce a
// speaker, is w or begins with it or begins it (three letters at least).
func introduces(words []string, w string) bool {
	for _, x := range words {
		if strings.HasPrefix(x, w) || len(x) >= 3 && strings.HasPrefix(w, x) {
			return true
		}
	}
	return false
}

// introReach is how many words before a speaker's name are read as their
// title.
const introReach = 5

// introductionsKey is the key of speakerIntroductions' map among the
// index's derived data.
type introductionsKey struct{}

// speakerIntroductions returns, for every speaker of two names or more
// that a sentence of the index attributes words to, the lower-cased words
// that introduce them in those sentences (see around). It reads every
// sentence once per index (2.7 ms a question otherwise).
func speakerIntroductions(ix *search.Index) map[string][]string {
	return ix.Derived(introductionsKey{}, func(ix *search.Index) any { return introductions(ix) }).(map[string][]string)
}

func introductions(ix *search.Index) map[string][]string {
	out := map[string][]string{}
	for _, a := range ix.Corpus().Articles {
		for _, s := range a.Sentences {
			i, ok := ix.SentenceAt(a.ID, s.Start)
			if !ok {
				continue
			}
			text := ix.Sentence(i).Text
			for _, name := range Speakers(text) {
				if len(strings.Fields(name)) < 2 || strings.ContainsAny(name, "'’") {
					continue // a pronoun, a lone surname, someone's aide
				}
				out[name] = append(out[name], around(text, name)...)
			}
		}
	}
	return out
}

// around returns the lower-cased words that introduce name where text
// first names them: up to introReach words of their title before the
// name, back to a punctuation mark, and, when a comma follows the name,
// the appositive up to the next comma. Hyphenated words are split
// ("defector-turned-researcher").
func around(text, name string) []string {
	lower := strings.ToLower(text)
	at := strings.Index(lower, name)
	if at < 0 {
		return nil
	}
	split := func(s string) []string {
		return strings.FieldsFunc(s, func(r rune) bool { return r < 'a' || r > 'z' })
	}
	title := lower[:at]
	if k := strings.LastIndexAny(title, `,;:"“”`); k >= 0 {
		title = title[k+1:]
	}
	words := split(title)
	if len(words) > introReach {
		words = words[len(words)-introReach:]
	}
	if rest, ok := strings.CutPrefix(lower[at+len(name):], ","); ok {
		if end := strings.IndexAny(rest, ",;"); end >= 0 {
			rest = rest[:end]
		}
		words = append(words, split(rest)...)
	}
	return words
}
