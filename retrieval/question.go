package retrieval

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"
)

// Kind is what sort of answer a question asks for. It steers which
// sentences the extractive answer prefers: a "how long" question wants a
// sentence with a duration in it, not merely the one with the most words in
// common.
type Kind string

// The kinds of question the answerer tells apart.
const (
	KindDuration Kind = "duration" // how long
	KindDistance Kind = "distance" // how far
	KindTime     Kind = "time"     // when, what year
	KindPerson   Kind = "person"   // who
	KindCount    Kind = "count"    // how many
	KindPlace    Kind = "place"    // where
	KindReason   Kind = "reason"   // why
	KindQuote    Kind = "quote"    // what did X say
	KindClock    Kind = "clock"    // what time of day
	KindSpeed    Kind = "speed"    // how fast
	KindWeight   Kind = "weight"   // how heavy
	KindOther    Kind = "other"
)

// kindCues are tried in order; the first that matches the question wins, so
// "how many years" is a duration before it is a count.
var kindCues = []struct {
	kind Kind
	re   *regexp.Regexp
}{
	{KindQuote, regexp.MustCompile(`(?i)^\s*(what|how)\s+(did|does|do|has|have|had|is|was)\b.*\b(say|said|tell|told|promise|pledge|warn|answer|reply|respond|describe|call|vow|stress)\w*\b`)},
	{KindDuration, regexp.MustCompile(`(?i)\b(what|which)\s+(time\s+)?(period|span|stretch)\b`)},
	{KindClock, regexp.MustCompile(`(?i)\bwhat\s+time\b|\bat\s+what\s+hour\b|\bwhat\s+hour\b`)},
	{KindSpeed, regexp.MustCompile(`(?i)\bhow\s+fast\b|\bspeed\b|\bhow\s+quickly\b`)},
	{KindWeight, regexp.MustCompile(`(?i)\bhow\s+heavy\b|\bweigh(s|t)?\b`)},
	{KindDuration, regexp.MustCompile(`(?i)\bhow\s+long\b|\bhow\s+much\s+time\b|\bhow\s+many\s+(seconds|minutes|hours|days|weeks|months|years)\b|\bduration\b`)},
	{KindDistance, regexp.MustCompile(`(?i)\bhow\s+far\b|\bdistance\b|\bhow\s+many\s+(km|kilomet(er|re)s|miles)\b`)},
	{KindCount, regexp.MustCompile(`(?i)\bhow\s+many\b|\bhow\s+much\b|\bnumber\s+of\b|\bhow\s+often\b`)},
	{KindTime, regexp.MustCompile(`(?i)\bwhen\b|\bwhat\s+(year|day|date|month|time)\b|\bwhich\s+(year|day|date|month)\b|\bin\s+what\s+year\b`)},
	{KindPerson, regexp.MustCompile(`(?i)\bwho(m|se)?\b|\bwhich\s+(official|minister|person|people|officials|leader|expert|analyst|spokes\w*|researcher|professor)\b|\bname\s+of\b`)},
	{KindPlace, regexp.MustCompile(`(?i)\bwhere\b|\bwhich\s+(city|country|place|region|border)\b|\bwhat\s+(city|country|place|region)\b`)},
	{KindReason, regexp.MustCompile(`(?i)\bwhy\b|\bwhat\s+for\b|\breason\b`)},
}

// kindEvidence recognises, in a sentence, the kind of fact a question asks
// for.
var kindEvidence = map[Kind]*regexp.Regexp{
	KindDuration: regexp.MustCompile(`(?i)\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|few)[\s-]+(seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b`),
	KindDistance: regexp.MustCompile(`(?i)\b\d[\d,.]*\s*(km|kilomet(er|re)s?|miles?|m)\b|\bnot\s+far\s+from\b`),
	KindTime:     regexp.MustCompile(`\b(1[89]|20)\d\d\b|\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December)\b|(?i)\b(last|next)\s+(week|month|year)\b|\bhours\s+(ahead|after|before)\b|\bearlier\b`),
	KindPerson:   regexp.MustCompile(`(?i)\b(minister|spokes(man|woman|person)|professor|researcher|marshal|director|secretary|analyst|official|chief)\b`),
	KindCount:    regexp.MustCompile(`(?i)\b\d[\d,.]*\b|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twice|dozens?|hundreds|thousands|millions|tens)\b`),
	KindPlace:    regexp.MustCompile(`\b(at|in|from|near|to)\s+(the\s+)?[A-Z][a-z]+`),
	KindQuote:    regexp.MustCompile(`["“”]`),
	KindClock:    regexp.MustCompile(`(?i)\b\d{1,2}([:.]\d\d)?\s*(a\.?m\.?|p\.?m\.?)|\b\d{1,2}:\d\d\b|\bo'clock\b|\b(noon|midnight|morning|afternoon|evening)\b`),
	KindSpeed:    regexp.MustCompile(`(?i)\b\d[\d,.]*\s*(km/h|mph|kph|knots|mach|kilomet(er|re)s\s+(an|per)\s+hour|miles\s+(an|per)\s+hour)\b`),
	KindWeight:   regexp.MustCompile(`(?i)\b\d[\d,.]*\s*(tonnes?|tons?|kg|kilograms?|pounds|lbs?)\b`),
	KindReason:   regexp.MustCompile(`(?i)\b(because|so\s+that|in\s+order|to\s+reduce|to\s+seek|why|chosen|reason|as\s+\w+\s+plans)\b`),
}

// classify returns the kind of answer a question asks for.
func classify(question string) Kind {
	for _, c := range kindCues {
		if c.re.MatchString(question) {
			return c.kind
		}
	}
	return KindOther
}

// measurable kinds ask for a fact of a recognisable form. A passage that
// covers the question's words but holds no fact of that form does not
// answer it: "When did Luna-25 crash?" is not answered by the sentence
// saying that it crashed.
var measurable = map[Kind]bool{
	KindDuration: true, KindDistance: true, KindCount: true, KindTime: true,
	KindClock: true, KindSpeed: true, KindWeight: true, KindPerson: true,
}

// nameRE finds capitalised names of two or more words ("Dmitry Peskov",
// "Lim Soo-suk").
var nameRE = regexp.MustCompile(`\b\p{Lu}\p{Ll}+(?:-\p{Ll}+)?(?:\s+\p{Lu}\p{Ll}+(?:-\p{Ll}+)?)+`)

// hasKindEvidence reports whether sentence holds the kind of fact k asks for.
// A person is a name other than the people every article is about (whose
// names are the subject, not an answer) or an office.
func (ix *Index) hasKindEvidence(k Kind, sentence string) bool {
	if k == KindPerson {
		for _, n := range nameRE.FindAllString(sentence, -1) {
			for _, w := range wordRE.FindAllString(n, -1) {
				if !ix.everywhere[strings.ToLower(w)] && !honorifics[w] {
					return true
				}
			}
		}
	}
	re, ok := kindEvidence[k]
	return ok && re.MatchString(sentence)
}

// honorifics are capitalised words that are not names.
var honorifics = map[string]bool{"Mr": true, "Mrs": true, "Ms": true, "Dr": true, "President": true, "The": true}

// cueWords are the (analysed) words of a question that say what kind of
// answer it wants, or are chat filler, rather than what it is about; they
// are no evidence of coverage either way. The list is ours, kept short:
// bleve's English stop list already drops the function words.
var cueWords = map[string]bool{
	// the kind of answer
	"long": true, "far": true, "mani": true, "much": true, "time": true,
	"year": true, "dai": true, "date": true, "name": true, "often": true, "number": true,
	"kind": true, "sort": true, "type": true,
	// asking about the telling rather than the fact
	"tell": true, "sai": true, "say": true, "said": true, "articl": true, "accord": true, "report": true,
	// chat filler, and what is left of "Kim’s" and "whats" (bleve's
	// possessive filter knows only the straight apostrophe)
	"s": true, "what": true,
	"realli": true, "actual": true, "actualli": true, "lol": true, "abt": true, "stuff": true,
	"anyth": true, "someth": true, "also": true, "ever": true, "still": true, "just": true,
	"exactli": true, "even": true, "sinc": true, "thing": true, "basic": true, "pretti": true,
}

// wordRE finds the words of a question, for spelling correction.
var wordRE = regexp.MustCompile(`[\p{L}\p{N}]+`)

// correct replaces question words that the corpus never uses, in any
// inflection, with the corpus word they are a typo of ("vostochy" →
// "vostochny", "tlaks" → "talks"). Two letters swapped are always taken for a
// typo. One letter added, dropped or changed is taken for a typo only of a
// name or of a long word: a short common word one letter from a corpus word
// is usually itself ("place" is not a typo of "peace"). Words under five
// letters are left alone: nearly everything is one edit from something.
func (ix *Index) correct(question string) string {
	var d []int
	return wordRE.ReplaceAllStringFunc(question, func(w string) string {
		lw := strings.ToLower(w)
		n := utf8.RuneCountInString(lw)
		if n < 5 || isNumber(lw) || ix.words[lw].count > 0 || ix.knownStem(lw) {
			return w
		}
		if t, ok := ix.transposition(lw); ok {
			return t
		}
		best, bestFreq := "", 0
		for cand, info := range ix.words {
			if !info.name() && utf8.RuneCountInString(cand) < 7 {
				continue
			}
			var dist int
			var over bool
			dist, over, d = search.LevenshteinDistanceMaxReuseSlice(lw, cand, 1, d)
			if over || dist > 1 {
				continue
			}
			if info.count > bestFreq || info.count == bestFreq && cand < best {
				best, bestFreq = cand, info.count
			}
		}
		if best == "" {
			return w
		}
		return best
	})
}

// knownStem reports whether a word the corpus never uses as such shares its
// stem with one it does ("thank" with "thanked").
func (ix *Index) knownStem(word string) bool {
	for _, t := range ix.bm25.Terms(word) {
		if ix.bm25.DocFreq(t) == 0 {
			return false
		}
	}
	return true
}

// transposition finds the corpus word that word becomes when two adjacent
// letters are swapped back.
func (ix *Index) transposition(word string) (string, bool) {
	r := []rune(word)
	for i := 0; i+1 < len(r); i++ {
		if r[i] == r[i+1] {
			continue
		}
		r[i], r[i+1] = r[i+1], r[i]
		if cand := string(r); ix.words[cand].count > 0 {
			return cand, true
		}
		r[i], r[i+1] = r[i+1], r[i]
	}
	return "", false
}

func isNumber(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}
