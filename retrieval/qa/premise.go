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
// of the subject (a name of the articles, a pronoun, a determiner, or the
// word a name's possessive owns: "train" of "where did kims train cross").
func (m *Meaning) PremiseVerb(question string) string {
	mm := premiseRE.FindStringSubmatch(strings.ToLower(strings.TrimSpace(question)))
	if mm == nil {
		return ""
	}
	for _, w := range m.table.Tokens(m.dropOwned(mm[1])) {
		base := strings.TrimSuffix(w, "s") // "kims train": a possessive without its apostrophe
		if subjectWords[w] || m.names[w] || m.names[base] || isFigure(w) {
			continue
		}
		return w
	}
	return ""
}

// dropOwned returns clause without the word after each possessive of one
// of the articles' names ("kim's car", "kims train"): what the name owns
// is part of the subject, not the event.
func (m *Meaning) dropOwned(clause string) string {
	words := strings.Fields(clause)
	var out []string
	for i := 0; i < len(words); i++ {
		out = append(out, words[i])
		w := strings.ReplaceAll(words[i], "’", "'")
		base, ok := strings.CutSuffix(w, "'s")
		if !ok {
			base, ok = strings.CutSuffix(w, "s")
			ok = ok && !m.names[w]
		}
		if ok && m.names[base] {
			i++ // the word it owns
		}
	}
	return strings.Join(out, " ")
}

// premiseHeld is 0 when a claim the question states is not the articles'
// (see claimsHeld). Else it is 1 when the question takes no event for
// granted or the texts mention its verb in some form (an inflection, a WordNet synonym,
// a broader or narrower word, a derivation: "greet" for "welcomed",
// "choose" for "chose"; or the verb is a misspelling of one of their
// words: "arive" for "arrived"), else 0. Nearness in vector space does not count:
// "cry" is near "laugh".
func (m *Meaning) premiseHeld(question string, texts []string) float64 {
	if !m.claimsHeld(question) {
		return 0
	}
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

// A question can also state a claim before it asks, or ask only to have
// one confirmed: "since kim flew in on his jet how long was the flight",
// "the ap article says putin gave kim a rocket, what kind", "putin
// promised kim sub tech at the summit right", "my teacher said putin cried
// during the handshake". An answer quoted beside it would lend the
// articles' authority to the claim, so the claim must be theirs: some one
// sentence of the articles holds every specific word of it in some form.
// A true claim passes ("since kim came by train how long did it take").

// claimREs find a claim a question states or takes for granted, in the
// group named claim. A group named who must hold no question word: "what
// did putin say" asks what was said, it claims nothing.
var claimREs = []*regexp.Regexp{
	// A claim put in someone's mouth: "the ap article says …", "my
	// teacher said …", "i heard that …".
	regexp.MustCompile(`^(?:(?:so|and|but|ok|okay|well|hey|yo|lol|wait)\s+)?(?P<who>(?:[\p{L}'’]+\s+){1,3}?)(?:says?|said|claims?|claimed|reports?|reported|states?|stated|wrote|writes|mentions?|mentioned|told\s+(?:me|us)|heard|read)\s+(?:that\s+)?(?P<claim>.+?)(?:[,;.?!]|\s+(?:so\s+|and\s+|but\s+)?(?:why|how|what|whats|what's|where|when|who|which)\s+\S+\s+\S+|$)`),
	// A claim put up to be confirmed: "confirm that …", "is it true
	// that …".
	regexp.MustCompile(`\b(?:confirm|verify|is\s+it\s+true|isn'?t\s+it\s+true|true\s+that)\s+(?:that\s+)?(?P<claim>.+?)(?:[,;.?!]|$)`),
	// A claim with a tag that asks only for a yes: "… right?", "…,
	// correct?", "… didn't he?".
	regexp.MustCompile(`(?:^|[,;:.?!]\s*)(?P<claim>[^,;:.?!]+?),?\s+(?:right|correct|true|isn'?t\s+it|wasn'?t\s+it|didn'?t\s+(?:he|she|they|it)|weren'?t\s+they)\s*(?:[?.!,]|$)`),
}

// leadingRE finds a leading clause given as settled, and the question
// after it: "since | kim came by train how long did it take", "after | they
// signed the deal what…".
var leadingRE = regexp.MustCompile(`^(?:(?:so|and|but|ok|okay|well)\s+)?(?:since|given(?:\s+that)?|now\s+that|considering(?:\s+that)?|seeing\s+(?:as|that)|because|after|once)\s+(.+)$`)

// whRE and auxRE end a leading clause: the question begins at its first
// question word ("the summit was in moscow | which hotel…"), or, when it
// has none, at its first auxiliary ("kim came by train | did he…").
var (
	whRE  = regexp.MustCompile(`\b(?:why|how|what|whats|what's|where|when|who|whom|which|whose)\b`)
	auxRE = regexp.MustCompile(`\b(?:did|does|do|was|were|is|are|has|have|had|can|could|would|will)\b`)
)

// leadingClaim returns the leading clause question q gives as settled, or
// "".
func leadingClaim(q string) string {
	m := leadingRE.FindStringSubmatch(q)
	if m == nil {
		return ""
	}
	rest := m[1]
	loc := whRE.FindStringIndex(rest)
	if loc == nil {
		loc = auxRE.FindStringIndex(rest)
	}
	if loc == nil {
		return ""
	}
	return strings.Trim(rest[:loc[0]], " ,;:")
}

// questionWords disqualify a group named who: the claim pattern matched a
// question about what someone said.
var questionWords = regexp.MustCompile(`\b(?:why|how|what|whats|what's|where|when|who|which|did|does|do|has|have|had)\b`)

// Claims returns the claims a question states or takes for granted (see
// claimREs), innermost first: "the articles say the handshake lasted 5
// minutes right" claims "the handshake lasted 5 minutes", not that the
// articles say it.
func Claims(question string) []string {
	q := strings.ToLower(strings.TrimSpace(question))
	var out []string
	if c := leadingClaim(q); c != "" {
		out = append(out, c)
	}
	for _, re := range claimREs {
		if c := innerClaim(re, q); c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// innerClaim returns what re finds claimed in text, and what is claimed
// within that in turn, or "".
func innerClaim(re *regexp.Regexp, text string) string {
	m := re.FindStringSubmatch(text)
	if m == nil {
		return ""
	}
	if i := re.SubexpIndex("who"); i >= 0 && questionWords.MatchString(m[i]) {
		return ""
	}
	claim := strings.TrimSpace(m[re.SubexpIndex("claim")])
	if whRE.MatchString(claim) {
		return "" // "kim said the army would win against what": it asks what was said
	}
	for _, inner := range claimREs {
		if c := innerClaim(inner, claim); c != "" && c != claim {
			return c
		}
	}
	return claim
}

// claimsHeld reports whether every claim of the question is held by some
// sentence of the articles (see claimHeld).
func (m *Meaning) claimsHeld(question string) bool {
	for _, c := range Claims(question) {
		if !m.claimHeld(c) {
			return false
		}
	}
	return true
}

// claimHeld reports whether one sentence of the articles holds every
// specific word of claim (outside the commonest words, not a pronoun or
// determiner, not one of the principals the articles name everywhere and
// also call "the two men"), each in a word of its own (see holds): a
// sentence that says "could give a boost … rockets" does not hold "gave
// kim a rocket as a gift", its "give" cannot be both "gave" and "gift". A
// word no dictionary knows is no evidence either way.
func (m *Meaning) claimHeld(claim string) bool {
	var words []string
	for _, w := range m.table.Tokens(claim) {
		if subjectWords[w] || m.principals[w] || (m.id(w) < 0 && !isFigure(w)) {
			continue
		}
		if isFigure(w) || m.table.SIFWeight(w, meaning.DefaultA) >= specific {
			words = append(words, w)
		}
	}
	return slices.ContainsFunc(m.sentences, func(s []string) bool { return m.matchAll(words, s) })
}

// matchAll reports whether each of words can be given a sentence word of
// its own that holds it: a bipartite matching, found by augmenting paths
// (a claim has a handful of words).
func (m *Meaning) matchAll(words, sentence []string) bool {
	owner := make([]int, len(sentence)) // the claim word each sentence word holds, +1
	var try func(w int, seen []bool) bool
	try = func(w int, seen []bool) bool {
		for j, t := range sentence {
			if seen[j] || !m.holds(words[w], t) {
				continue
			}
			seen[j] = true
			if owner[j] == 0 || try(owner[j]-1, seen) {
				owner[j] = w + 1
				return true
			}
		}
		return false
	}
	for w := range words {
		if !try(w, make([]bool, len(sentence))) {
			return false
		}
	}
	return true
}

// bridgeFloor is the cosine below which two words WordNet relates are
// taken to share only a sense the articles do not use: "signed" and
// "signal" (one sense of "sign"), "train" and "develop".
const bridgeFloor = 0.3

// bridgedRank is the frequency rank within which a sentence word has too
// many senses to hold a claim word by meaning: some sense of "start" is
// narrower than "sign", of "meeting" narrower than "deal", of "will" than
// "give".
const bridgedRank = 1000

// holds reports whether sentence word t says claim word w: the word or an
// inflection of it ("gave" for "give"), a WordNet synonym, narrower word or
// derivation used alike ("present" for "gift", "limousine" for "car"; see
// bridgeFloor and bridgedRank), or a word w abbreviates ("sub" for
// "submarine").
func (m *Meaning) holds(w, t string) bool {
	if w == t || abbreviates(w, t) {
		return true
	}
	rel := m.rel.Related(w, t)
	if rel == meaning.Same {
		return true
	}
	if r, ok := m.table.Rank(t); !ok || r <= bridgedRank || m.table.Similarity(w, t) < bridgeFloor {
		return false
	}
	switch rel {
	case meaning.Synonym, meaning.Hyponym, meaning.Derivation:
		return true
	}
	return false
}

// abbreviates reports whether w is a chat clipping of t: three or four
// letters that begin a word at least three letters longer ("sub" of
// "submarine", "tech" of "technology"; not "sign" of "signal").
func abbreviates(w, t string) bool {
	return len(w) >= 3 && len(w) <= 4 && len(t) >= len(w)+3 && !isFigure(w) && strings.HasPrefix(t, w)
}
