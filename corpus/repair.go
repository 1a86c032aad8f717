package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// vocabulary counts the words and the adjacent word pairs of a whole corpus.
// It is the evidence for repairing a word that the scraper broke with a
// stray space ("into or bit" for "into orbit"): one article alone is too
// little text to tell a broken word from two real ones.
type vocabulary struct {
	words map[string]int // lower-cased word → occurrences
	pairs map[string]int // "a b", two lower-cased words with only a space between → occurrences
}

func newVocabulary(docs []cleaned) *vocabulary {
	v := &vocabulary{words: map[string]int{}, pairs: map[string]int{}}
	for _, d := range docs {
		for _, p := range d.paras {
			fields := strings.Split(p, " ")
			for i, f := range fields {
				if w := strings.ToLower(strings.TrimFunc(f, notWordRune)); w != "" {
					v.words[w]++
				}
				if i > 0 {
					if a, b, ok := adjacentWords(fields[i-1], f); ok {
						v.pairs[strings.ToLower(a+" "+b)]++
					}
				}
			}
		}
	}
	return v
}

// minJoinedCount is how often the joined word must occur elsewhere; once
// could be a coincidence of the same typo.
const minJoinedCount = 2

// repair joins the broken words of a paragraph (see joinable). It returns
// the repaired paragraph and the words it joined.
func (v *vocabulary) repair(p string) (string, []string) {
	fields := strings.Split(p, " ")
	out := make([]string, 0, len(fields))
	var joined []string
	for i := 0; i < len(fields); i++ {
		if i+1 < len(fields) {
			if a, b, ok := adjacentWords(fields[i], fields[i+1]); ok && v.joinable(a, b) {
				out = append(out, fields[i]+fields[i+1])
				joined = append(joined, a+b)
				i++
				continue
			}
		}
		out = append(out, fields[i])
	}
	if joined == nil {
		return p, nil
	}
	return strings.Join(out, " "), joined
}

// joinable reports whether the neighbours a and b are one word broken by a
// stray space: "ab" is a word used elsewhere at least minJoinedCount times,
// "a b" occurs nowhere else, and a or b occurs nowhere else on its own.
// The last condition keeps ordinary pairs apart: "gave in to" could meet the
// first two in a small corpus ("into" is common, "in to" rare), but "in" and
// "to" are everywhere, whereas the fragment "bit" of "or bit" is not.
// Names and numbers are never joined.
func (v *vocabulary) joinable(a, b string) bool {
	if !isLowerWord(a) || !isLowerWord(b) {
		return false
	}
	return v.words[a+b] >= minJoinedCount && v.pairs[a+" "+b] == 1 && (v.words[a] == 1 || v.words[b] == 1)
}

// adjacentWords returns the words of two neighbouring fields when nothing
// but the space separates them: "bit," follows "or" directly,
// while "said." and "He" are separated by a full stop.
func adjacentWords(left, right string) (a, b string, ok bool) {
	l, _ := utf8.DecodeLastRuneInString(left)
	r, _ := utf8.DecodeRuneInString(right)
	if notWordRune(l) || notWordRune(r) {
		return "", "", false
	}
	a = strings.TrimLeftFunc(left, notWordRune)
	b = strings.TrimRightFunc(right, notWordRune)
	return a, b, true
}

func notWordRune(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// isLowerWord reports whether w is letters only, all lower case; names and
// numbers are never joined.
func isLowerWord(w string) bool {
	return w != "" && !strings.ContainsFunc(w, func(r rune) bool { return !unicode.IsLower(r) })
}
