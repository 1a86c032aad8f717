package eval

import (
	"regexp"
	"strings"
	"sync"

	"github.com/summitbot/summitbot/corpus"
)

// Attributed reports whether sentence is attributed to speaker, by a simple
// rule that a reader can check by eye:
//
//   - the sentence names the speaker: it contains, as whole words and folded
//     as for answer accuracy, the speaker's name, a word of three letters or
//     more of that name ("Ahn" of "Ahn Chan-il"), or a form of any alias
//     group of aliases (corpus/articles/aliases.yaml) that holds the name
//     ("Kremlin spokesman" for "Peskov", "Kim Jong-un" for "Kim"); and
//   - it has a speech verb (SpeechVerbs: "said", "told", "added",
//     "warned", "according to", …).
//
// It does not resolve pronouns ("he said") and cannot tell the subject of
// "said" from another name in the sentence ("Putin said Kim …" counts for
// Kim too): it measures that the answer leads with who said it, not
// parses who did.
func Attributed(sentence, speaker string, aliases [][]string) bool {
	s := " " + wordFold(sentence) + " "
	named := false
	for _, form := range SpeakerForms(speaker, aliases) {
		if strings.Contains(s, " "+wordFold(form)+" ") {
			named = true
			break
		}
	}
	if !named {
		return false
	}
	for _, v := range SpeechVerbs {
		if strings.Contains(s, " "+v+" ") {
			return true
		}
	}
	return false
}

// SpeechVerbs are the words (folded, lower case) that attribute a sentence
// to whoever it names.
var SpeechVerbs = []string{
	"said", "says", "say", "saying", "told", "tells", "telling",
	"added", "adds", "warned", "warns", "stated", "states", "noted", "notes",
	"declared", "declares", "replied", "replies", "answered", "answers",
	"asked", "explained", "insisted", "stressed", "announced", "remarked",
	"wrote", "writes", "commented", "urged", "vowed", "promised", "pledged",
	"praised", "mentioned", "claimed", "suggested", "argued", "responded",
	"acknowledged", "emphasised", "emphasized", "predicted", "expressed",
	"described", "called", "quoted", "according to", "speaking", "toasted",
	"invited", "thanked", "assured", "pointed out", "quipped", "joked",
}

// SpeakerForms returns the names that count as naming speaker: the name,
// its words of three letters or more, and every form of the alias groups
// that hold the name or one of those words.
func SpeakerForms(speaker string, aliases [][]string) []string {
	forms := []string{speaker}
	for _, w := range strings.Fields(speaker) {
		if len([]rune(w)) >= 3 && w != speaker {
			forms = append(forms, w)
		}
	}
	names := make(map[string]bool)
	for _, f := range forms {
		names[wordFold(f)] = true
	}
	for _, g := range aliases {
		for _, form := range g {
			f := " " + wordFold(form) + " "
			hit := false
			for n := range names {
				if strings.Contains(f, " "+n+" ") {
					hit = true
					break
				}
			}
			if hit {
				forms = append(forms, g...)
				break
			}
		}
	}
	return forms
}

// wordFold folds s as foldForMatch does and also turns punctuation into
// spaces, so that names and verbs match as whole words: `Putin said:` has
// "putin" and "said".
func wordFold(s string) string {
	return strings.Join(strings.Fields(nonWordRE.ReplaceAllString(foldForMatch(s), " ")), " ")
}

var nonWordRE = regexp.MustCompile(`[^\p{L}\p{N}']+`)

// aliasGroups returns the alias groups of the embedded corpus, which the
// eval set is written against; nil if it does not load.
var aliasGroups = sync.OnceValue(func() [][]string {
	c, err := corpus.Load(corpus.Default())
	if c == nil || err != nil {
		return nil
	}
	return c.Aliases
})
