package qa

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/summitbot/summitbot/retrieval/meaning"
	"github.com/summitbot/summitbot/retrieval/search"
)

// The checks of meaning that verification makes of a generated sentence,
// beyond the names, numbers and quotations it must share with its passage:
//
//   - polarity: a sentence and the passage sentence it leans on must agree
//     on negation ("did not meet" against "met" fails);
//   - novelty: every content word of the sentence must occur in the cited
//     passage or the question, or be bridged to one of their words by a
//     meaning that does not add to it (see bridged);
//   - gap sentences, which say what the passages lack and so cite nothing,
//     must be short, name only what the question names, and tell the
//     reader to do nothing.

// commonRank: words at most this frequent in English (rank 1 = "the") say
// too little to be checked ("took", "place", "around"); the stop words
// are below it. Measured ranks: "military" 170, "official" 228, "took"
// 236, "leaders" 367, "nuclear" 467, "visit" 503, "sell" 1,167.
const commonRank = 300

// maxGapWords bounds a gap sentence: "The passages do not say how long the
// handshake lasted." is nine.
const maxGapWords = 25

// negators mark a negated sentence (Tokens splits "didn't" into "did",
// "not").
var negators = map[string]bool{
	"not": true, "no": true, "never": true, "nor": true, "neither": true, "none": true,
	"nobody": true, "nothing": true, "nowhere": true, "without": true, "cannot": true,
	"deny": true, "denied": true, "denies": true, "denying": true,
	"refuse": true, "refused": true, "refuses": true, "refusing": true,
	"declined": true, "rejected": true,
}

// numberWords are numbers spelled out: like digits, they must occur as
// written, never through a bridge ("two" and "three" are near neighbours).
var numberWords = map[string]bool{
	"one": true, "two": true, "three": true, "four": true, "five": true, "six": true, "seven": true,
	"eight": true, "nine": true, "ten": true, "eleven": true, "twelve": true, "twenty": true,
	"thirty": true, "forty": true, "fifty": true, "hundred": true, "hundreds": true,
	"thousand": true, "thousands": true, "million": true, "millions": true, "billion": true,
	"billions": true, "dozen": true, "dozens": true,
}

// gapWords are the words of a gap sentence's formula, which any question
// allows.
var gapWords = map[string]bool{
	"passages": true, "passage": true, "articles": true, "article": true, "sources": true,
	"source": true, "text": true, "texts": true, "information": true, "details": true,
	"detail": true, "mention": true, "mentioned": true, "mentions": true, "specify": true,
	"specified": true, "state": true, "stated": true, "states": true, "report": true,
	"reported": true, "say": true, "says": true, "said": true, "include": true,
	"included": true, "given": true, "covered": true, "cover": true, "provided": true,
	"provide": true, "whether": true, "exactly": true, "further": true, "more": true,
	"answer": true, "question": true,
}

// imperatives tell the reader to do something, which a sentence saying
// what the passages lack has no reason to.
var imperatives = map[string]bool{
	"should": true, "must": true, "visit": true, "click": true, "join": true, "contact": true,
	"follow": true, "subscribe": true, "please": true, "download": true, "register": true,
	"signup": true, "you": true, "your": true, "yourself": true, "everyone": true,
	"everybody": true, "dm": true, "message": true,
}

// wordSet is what a claim's words are looked up in: a passage's words, or
// the question's.
type wordSet struct {
	words map[string]bool // tokens, as meaning.Tokens spells them
	stems map[string]bool // their analysed terms
	nums  map[string]bool
}

func newWordSet(ix *search.Index, text string) wordSet {
	s := wordSet{words: map[string]bool{}, stems: map[string]bool{}, nums: numbersIn(text)}
	s.add(ix, text)
	return s
}

func (s wordSet) add(ix *search.Index, text string) {
	for _, w := range meaning.Tokens(text) {
		s.words[w] = true
		for _, part := range strings.Split(w, "-") {
			s.words[part] = true
		}
	}
	for _, t := range ix.Analyze(text) {
		s.stems[t] = true
	}
	for n := range numbersIn(text) {
		s.nums[n] = true
	}
}

func unionOf(sets ...wordSet) wordSet {
	u := wordSet{words: map[string]bool{}, stems: map[string]bool{}, nums: map[string]bool{}}
	for _, s := range sets {
		for _, m := range [][2]map[string]bool{{u.words, s.words}, {u.stems, s.stems}, {u.nums, s.nums}} {
			for k := range m[1] {
				m[0][k] = true
			}
		}
	}
	return u
}

// contentWord is a word of a claim that must be grounded.
type contentWord struct {
	word   string
	stems  []string
	number bool // digits or a number word: matched exactly
}

// contentWords returns the words of text that carry its facts: numbers,
// and words that are neither stop words, nor among the commonRank most
// frequent English words, nor negators (polarity checks those).
func contentWords(ix *search.Index, text string) []contentWord {
	var out []contentWord
	seen := map[string]bool{}
	for _, w := range meaning.Tokens(text) {
		if seen[w] || negators[w] || len([]rune(w)) < 2 {
			continue // one letter: the "s" of a possessive whose name was an alias
		}
		seen[w] = true
		if r, _ := utf8First(w); unicode.IsDigit(r) {
			out = append(out, contentWord{word: w, number: true})
			continue
		}
		if numberWords[w] {
			out = append(out, contentWord{word: w, number: true})
			continue
		}
		stems := ix.Analyze(w)
		if len(stems) == 0 {
			continue // a stop word
		}
		if r, ok := meaning.Default().Rank(w); ok && r <= commonRank {
			continue
		}
		out = append(out, contentWord{word: w, stems: stems})
	}
	return out
}

func utf8First(s string) (rune, bool) {
	for _, r := range s {
		return r, true
	}
	return 0, false
}

// grounded reports whether w occurs in one of sets, directly, as the same
// stem, or through a bridge.
func grounded(w contentWord, sets ...wordSet) bool {
	for _, s := range sets {
		if w.number {
			n := strings.ReplaceAll(w.word, ",", "")
			if s.nums[n] || s.nums[w.word] || s.words[w.word] {
				return true
			}
			continue
		}
		if s.words[w.word] || len(w.stems) > 0 && allStemsIn(w.stems, s.stems) {
			return true
		}
	}
	if w.number {
		return false
	}
	if parts := strings.Split(w.word, "-"); len(parts) > 1 {
		ok := true
		for _, p := range parts {
			ok = ok && grounded(contentWord{word: p, stems: []string{p}}, sets...)
		}
		if ok {
			return true
		}
	}
	for _, s := range sets {
		for k := range s.words {
			if bridged(w.word, k) {
				return true
			}
		}
	}
	return false
}

func allStemsIn(xs []string, set map[string]bool) bool {
	for _, x := range xs {
		if !set[x] {
			return false
		}
	}
	return true
}

// bridged reports whether the claim's word w may stand for the passage's
// word k without adding to what k says: an inflection, a WordNet synonym,
// derivation, or broader term of k ("greeted" for "welcomed"), or a
// spelling variant ("armored", "armoured": cosine 0.92). WordNet relates
// words through any of their senses, so its bridges must also be near in
// vector space (cosine ≥ 0.55: "selling" is a synonym of "deal" in one
// sense, at 0.49). Never an antonym, and never a word that is merely near
// k in vector space: cosine rates co-hyponyms as similar ("moon" and
// "earth" 0.69, "warheads" and "missiles" 0.72, "sell" and "buy" 0.94).
func bridged(w, k string) bool {
	if w == k || len(k) < 3 || numberWords[k] {
		return false
	}
	variant := spellingVariant(w, k)
	var rel meaning.Relation
	switch rel = meaning.DefaultRelations().Related(w, k); rel {
	case meaning.Same:
		return true
	case meaning.Synonym, meaning.Hyponym, meaning.Derivation:
	case meaning.Antonym:
		return false
	default:
		if !variant {
			return false
		}
	}
	sim := meaning.Default().Similarity(w, k)
	if rel != meaning.None && sim >= 0.55 {
		return true
	}
	return variant && sim >= 0.6
}

// spellingVariant reports whether two words differ by at most two letters
// (a swap of two neighbours counts as one) after a shared beginning of
// three: "armored", "armoured"; "program", "programme"; "theater", "theatre".
func spellingVariant(a, b string) bool {
	if len(a) < 4 || len(b) < 4 || a[:3] != b[:3] {
		return false
	}
	return meaning.EditDistance(a, b, 2) <= 2
}

// novel returns the content words of the claim grounded in none of sets.
func (c claim) novel(sets ...wordSet) []string {
	var out []string
	for _, w := range c.content {
		if c.gap && gapWords[w.word] {
			continue // a gap sentence checked as a claim is about the passages
		}
		if !grounded(w, sets...) {
			out = append(out, w.word)
		}
	}
	return out
}

// negated reports whether text is negated.
func negated(text string) bool {
	return slices.ContainsFunc(meaning.Tokens(text), func(w string) bool { return negators[w] })
}

// clause is a clause of a sentence, for the polarity check: negation
// belongs to a clause, not to the whole sentence ("the two countries
// cooperate in sensitive areas, which would not be made public").
type clause struct {
	terms   map[string]bool
	negated bool
}

// clauseRE splits a sentence into clauses, roughly: at punctuation that
// joins clauses and before the words that open one.
var clauseRE = regexp.MustCompile(`[,;:—–()]|\s-{1,2}\s|(?i)\b(?:but|while|whereas|although|though|which|who|because|after|before|when)\b`)

func clausesOf(ix *search.Index, text string) []clause {
	var out []clause
	for _, part := range clauseRE.Split(text, -1) {
		terms := ix.Terms(part)
		if len(terms) == 0 {
			continue
		}
		c := clause{terms: make(map[string]bool, len(terms)), negated: negated(part)}
		for _, t := range terms {
			c.terms[t] = true
		}
		out = append(out, c)
	}
	return out
}

// leanSentence is a passage sentence and its clauses, for the polarity
// check.
type leanSentence struct {
	terms   map[string]bool
	clauses []clause
}

// polarityAgrees reports whether each clause of the claim agrees in
// negation with what it leans on: the passage sentences that share most of
// its terms (or nearly as many), and in them the clauses that share any.
// One of those clauses must be negated as the claim's clause is, or not.
func (c claim) polarityAgrees(passage []leanSentence) bool {
	for _, cc := range c.clauses {
		best := 0.0
		scores := make([]float64, len(passage))
		for i, s := range passage {
			scores[i] = shareIn(cc.terms, s.terms)
			best = max(best, scores[i])
		}
		if best == 0 {
			continue // it leans on no sentence: overlap decides
		}
		agrees := false
		for i, s := range passage {
			if scores[i] < 0.8*best {
				continue
			}
			for _, pc := range s.clauses {
				agrees = agrees || shareIn(cc.terms, pc.terms) > 0 && pc.negated == cc.negated
			}
		}
		if !agrees {
			return false
		}
	}
	return true
}

func shareIn(terms, have map[string]bool) float64 {
	if len(terms) == 0 {
		return 0
	}
	n := 0
	for t := range terms {
		if have[t] {
			n++
		}
	}
	return float64(n) / float64(len(terms))
}

// gapFault says why a sentence that says what the passages lack cannot be
// shown as one, or "" when it can. hostile is set when it tells the reader
// to do something (or is too long to be only a gap): such a sentence is
// never shown; one that merely names more than the question is a claim.
func gapFault(ix *search.Index, text string, question wordSet) (why string, hostile bool) {
	words := meaning.Tokens(text)
	if len(words) > maxGapWords {
		return fmt.Sprintf("gap sentence too long (%d words)", len(words)), true
	}
	for _, w := range words {
		if imperatives[w] {
			return fmt.Sprintf("gap sentence with an imperative (%s)", w), true
		}
	}
	if strings.Contains(text, "!") {
		return "gap sentence with an imperative (!)", true
	}
	var extra []string
	for _, w := range contentWords(ix, text) {
		if !gapWords[w.word] && !grounded(w, question) {
			extra = append(extra, w.word)
		}
	}
	if len(extra) > 0 {
		return "gap sentence naming words not in the question (" + strings.Join(extra, ", ") + ")", false
	}
	return "", false
}
