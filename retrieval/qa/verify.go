package qa

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/search"
)

// Verification thresholds.
const (
	// minOverlap is the share of a sentence's content words (stemmed, stop
	// words out, aliases folded) its passage must contain. Below it a
	// sentence says something the passage does not, even when each of its
	// names and numbers appears there.
	minOverlap = 0.5
	// minUnionShare is how much of a sentence each passage must hold when
	// only passages together support it (a sentence that joins two facts).
	minUnionShare = 0.25
	// maxReplySentences bounds the sentences of a reply that are checked;
	// the prompt asks for at most four.
	maxReplySentences = 24
)

// verifiedSentence is a sentence of the model's reply that verification
// keeps, with the prompt passages (0-based) that support it.
type verifiedSentence struct {
	text     string
	passages []int
	support  []retrieval.Support // N is the passage's prompt number until citeGenerated renumbers
	gap      bool
}

type verification struct {
	kept    []verifiedSentence
	dropped []retrieval.Dropped
}

// enough reports whether enough of the reply survived to be shown: at least
// one supported sentence, and no more sentences dropped than kept.
func (v verification) enough() bool {
	claims := 0
	for _, s := range v.kept {
		if !s.gap {
			claims++
		}
	}
	return claims > 0 && droppedSentences(v.dropped) <= len(v.kept)
}

func droppedSentences(ds []retrieval.Dropped) int {
	n := 0
	for _, d := range ds {
		if d.Kind == "sentence" {
			n++
		}
	}
	return n
}

// evidence is a passage prepared for checking claims against it.
type evidence struct {
	lower string          // passage (with its heading), lower case, quotes folded
	words map[string]bool // its lower-case words
	nums  map[string]bool // its numbers, without thousands separators
	canon map[string]bool // canonical forms of the alias groups it mentions
	terms map[string]bool // its analysed terms, as indexed
	set   wordSet         // its words, for novelty
	sents []leanSentence  // its sentences and their clauses, for polarity
}

func evidenceOf(ix *search.Index, p retrieval.Passage) evidence {
	text := search.PassageText(p.Chunk)
	ev := evidence{
		lower: foldQuotes(strings.ToLower(text)),
		words: make(map[string]bool),
		nums:  numbersIn(text),
		canon: make(map[string]bool),
		terms: ix.ChunkTerms(p.Chunk.ID),
	}
	for _, w := range wordRE.FindAllString(ev.lower, -1) {
		ev.words[w] = true
	}
	canon, _ := ix.Aliases().Mentions(text)
	for _, c := range canon {
		ev.canon[c] = true
	}
	ev.set = newWordSet(ix, text)
	for _, sp := range p.Chunk.Sentences {
		if i, ok := ix.SentenceAt(p.Article.ID, sp.Start); ok {
			s := ix.Sentence(i)
			ev.sents = append(ev.sents, leanSentence{terms: s.Terms, clauses: clausesOf(ix, s.Text)})
		}
	}
	return ev
}

// verify checks every sentence of a generated reply against the passages it
// cites (numbered from 1 in the prompt) and keeps what they support. The
// reply is untrusted: a sentence that carries a link or a mention is
// dropped whole, and what is kept is sanitized (SanitizeGenerated). Every
// dropped sentence says why.
func verify(ix *search.Index, question, reply string, passages []retrieval.Passage) verification {
	evs := make([]evidence, len(passages))
	sets := make([]wordSet, len(passages))
	for i, p := range passages {
		evs[i] = evidenceOf(ix, p)
		sets[i] = evs[i].set
	}
	q := newWordSet(ix, question)
	all := unionOf(sets...)
	var v verification
	sentences := splitGenerated(reply)
	if len(sentences) > maxReplySentences {
		// Checking a sentence costs a few milliseconds; the model was asked
		// for four.
		v.dropped = append(v.dropped, retrieval.Dropped{Kind: "sentence",
			Text:   SanitizeGenerated(strings.Join(sentences[maxReplySentences:], " ")),
			Reason: fmt.Sprintf("the reply is longer than asked: %d sentences", len(sentences))})
		sentences = sentences[:maxReplySentences]
	}
	for _, raw := range sentences {
		text, cited := stripMarkers(SanitizeGenerated(raw))
		gapLike := len(cited) == 0 && gapRE.MatchString(text)
		if what := linkOrMention(raw); what != "" {
			reason := "it carries " + what
			if gapRE.MatchString(raw) {
				reason = "gap sentence with " + what
			}
			v.dropped = append(v.dropped, retrieval.Dropped{Kind: "sentence", Text: text, Cited: cited, Reason: reason})
			continue
		}
		if text == "" {
			continue
		}
		gapWhy := "" // why a sentence saying what the passages lack is a claim
		if gapLike {
			why, hostile := gapFault(ix, text, q)
			if why == "" && strings.ContainsFunc(text, unicode.IsDigit) {
				why = "gap sentence with a number"
			}
			switch {
			case why == "":
				v.kept = append(v.kept, verifiedSentence{text: text, gap: true})
				continue
			case hostile:
				// It tells the reader to do something: never shown.
				v.dropped = append(v.dropped, retrieval.Dropped{Kind: "sentence", Text: text, Reason: why})
				continue
			}
			// It says more than a gap: a claim, checked as one (and, as it
			// cites nothing, re-cited to a passage that supports it).
			gapWhy = why + ", so a claim: "
		}
		cl := claimOf(ix, text)
		cl.question, cl.gap = q, gapWhy != ""
		var valid []int
		for _, n := range cited {
			if n < 1 || n > len(passages) {
				v.dropped = append(v.dropped, retrieval.Dropped{Kind: "citation", Text: text, Cited: []int{n},
					Reason: fmt.Sprintf("[%d] is out of range: there were %d passages", n, len(passages))})
				continue
			}
			valid = append(valid, n-1)
		}
		if novel := cl.novel(all, q); len(novel) > 0 {
			// No passage can support it: it says what none of them does.
			v.dropped = append(v.dropped, retrieval.Dropped{Kind: "sentence", Text: text, Cited: cited,
				Reason: gapWhy + "words not in the passages: " + strings.Join(novel, ", ")})
			continue
		}
		var keep []int
		var sup []retrieval.Support
		var reasons []string
		for _, i := range valid {
			s, why := cl.supportedBy(i+1, evs[i])
			if why != "" {
				reasons = append(reasons, why)
				v.dropped = append(v.dropped, retrieval.Dropped{Kind: "citation", Text: text, Cited: []int{i + 1}, Reason: why})
				continue
			}
			s.N = i + 1
			keep, sup = append(keep, i), append(sup, s)
		}
		if len(keep) == 0 && len(valid) > 1 {
			keep, sup = cl.supportedTogether(evs, valid)
			if len(keep) > 0 {
				// The citations dropped above were only weak alone.
				v.dropped = slices.DeleteFunc(v.dropped, func(d retrieval.Dropped) bool {
					return d.Kind == "citation" && d.Text == text && len(d.Cited) == 1 && slices.Contains(keep, d.Cited[0]-1)
				})
			}
		}
		if len(keep) == 0 {
			if i, s, ok := cl.bestSupport(evs); ok {
				s.N, s.Recited = i+1, true
				keep, sup = []int{i}, []retrieval.Support{s}
			}
		}
		if len(keep) == 0 {
			reason := "no passage supports it"
			switch {
			case len(cited) == 0:
				reason = gapWhy + "it has no [n] marker, and no passage supports it"
			case len(reasons) > 0:
				reason = strings.Join(reasons, "; ") + "; and no other passage supports it"
			}
			v.dropped = append(v.dropped, retrieval.Dropped{Kind: "sentence", Text: text, Cited: cited, Reason: reason})
			continue
		}
		v.kept = append(v.kept, verifiedSentence{text: text, passages: keep, support: sup})
	}
	return v
}

// claim is a sentence of a generated answer, analysed into what a passage
// must contain to support it.
type claim struct {
	text   string
	terms  []string // analysed content terms
	nums   []string
	quotes []string // quoted words, lower case, quotes folded
	names  []string // capitalised words that name something, lower case
	canon  []string // canonical forms of the name groups it mentions
	dates  []string // month and weekday names, lower case

	content  []contentWord // what must be grounded in the passage or the question
	clauses  []clause
	question wordSet // the question's words, which the claim may use too
	gap      bool    // it says what the passages lack, and more
}

func claimOf(ix *search.Index, text string) claim {
	c := claim{text: text, terms: uniq(ix.Terms(text)), clauses: clausesOf(ix, text)}
	for n := range numbersIn(text) {
		c.nums = append(c.nums, n)
	}
	slices.Sort(c.nums)
	for _, m := range quoteRE.FindAllStringSubmatch(text, -1) {
		q := m[1] + m[2] + m[3]
		if q = strings.Join(strings.Fields(foldQuotes(strings.ToLower(q))), " "); q != "" {
			c.quotes = append(c.quotes, q)
		}
	}
	canon, rest := ix.Aliases().Mentions(text)
	for _, g := range canon {
		if r, _ := utf8.DecodeRuneInString(g); unicode.IsUpper(r) {
			c.canon = append(c.canon, g)
		}
	}
	first := true
	for _, w := range capitalRE.FindAllString(rest, -1) {
		lw := strings.ToLower(search.TrimPossessive(w))
		isFirst := first && strings.HasPrefix(strings.TrimLeft(rest, " \"“‘'("), w)
		first = false
		switch {
		case monthsAndDays[lw]:
			c.dates = append(c.dates, lw)
			continue
		case notNames[lw]:
			continue
		}
		info := ix.Word(lw)
		known := info.Count > 0
		if known && !info.Name() || isFirst && !known {
			// A word the articles mostly write in lower case ("President",
			// "The") is no name; an unknown first word is capitalised only
			// because it starts the sentence.
			continue
		}
		c.names = append(c.names, lw)
	}
	// Alias groups are checked as groups above; their words need not be
	// grounded one by one ("Kim Jong Un" against "Kim").
	c.content = contentWords(ix, rest)
	for _, w := range wordRE.FindAllString(strings.ToLower(text), -1) {
		if monthsAndDays[w] && !slices.Contains(c.dates, w) {
			c.dates = append(c.dates, w)
		}
	}
	return c
}

// supportedBy checks the claim against one passage, numbered n in the
// prompt. It returns why the passage does not support it, or "" and the
// support.
func (c claim) supportedBy(n int, ev evidence) (retrieval.Support, string) {
	s := retrieval.Support{Overlap: c.overlap(ev.terms)}
	var missing []string
	check := func(fact string, ok bool) {
		if ok {
			s.Facts = append(s.Facts, fact)
		} else {
			missing = append(missing, fact)
		}
	}
	for _, n := range c.nums {
		check(n, ev.nums[n])
	}
	for _, d := range c.dates {
		check(d, ev.words[d])
	}
	for _, g := range c.canon {
		check(g, ev.canon[g])
	}
	for _, n := range c.names {
		check(n, hasWordParts(ev.words, n))
	}
	for _, q := range c.quotes {
		check(`"`+q+`"`, strings.Contains(ev.lower, q))
	}
	if c.question.words != nil { // not when only choosing a quote
		missing = append(missing, c.novel(ev.set, c.question)...)
	}
	switch {
	case len(missing) > 0:
		return s, fmt.Sprintf("[%d] lacks %s", n, strings.Join(uniq(missing), ", "))
	case s.Overlap < minOverlap:
		return s, fmt.Sprintf("[%d] shares too few words (%.0f%%)", n, 100*s.Overlap)
	case !c.polarityAgrees(ev.sents):
		return s, fmt.Sprintf("negation differs from [%d]", n)
	}
	return s, ""
}

// supportedTogether checks a sentence that joins facts from several cited
// passages: together they must support it, and each must hold a real part
// of it.
func (c claim) supportedTogether(evs []evidence, cited []int) ([]int, []retrieval.Support) {
	union := evidence{words: map[string]bool{}, nums: map[string]bool{}, canon: map[string]bool{}, terms: map[string]bool{}}
	var sets []wordSet
	var lower []string
	for _, i := range cited {
		if c.overlap(evs[i].terms) < minUnionShare {
			return nil, nil
		}
		lower = append(lower, evs[i].lower)
		sets = append(sets, evs[i].set)
		union.sents = append(union.sents, evs[i].sents...)
		for _, m := range []struct{ to, from map[string]bool }{
			{union.words, evs[i].words}, {union.nums, evs[i].nums}, {union.canon, evs[i].canon}, {union.terms, evs[i].terms},
		} {
			for k := range m.from {
				m.to[k] = true
			}
		}
	}
	union.lower = strings.Join(lower, "\n")
	union.set = unionOf(sets...)
	if _, why := c.supportedBy(0, union); why != "" {
		return nil, nil
	}
	var sup []retrieval.Support
	for _, i := range cited {
		s, _ := c.supportedBy(i+1, evs[i])
		s.N = i + 1
		sup = append(sup, s)
	}
	return cited, sup
}

// bestSupport finds the passage that supports the claim best, if any does.
func (c claim) bestSupport(evs []evidence) (int, retrieval.Support, bool) {
	best, bestSup := -1, retrieval.Support{}
	for i, ev := range evs {
		s, why := c.supportedBy(i+1, ev)
		if why == "" && (best < 0 || s.Overlap > bestSup.Overlap) {
			best, bestSup = i, s
		}
	}
	return best, bestSup, best >= 0
}

func (c claim) overlap(have map[string]bool) float64 {
	if len(c.terms) == 0 {
		return 0
	}
	n := 0
	for _, t := range c.terms {
		if have[t] {
			n++
		}
	}
	return float64(n) / float64(len(c.terms))
}

// citeGenerated numbers the passages the kept sentences cite, in order of
// first use, and writes the answer's text and sentences.
func citeGenerated(ix *search.Index, ans *retrieval.Answer, kept []verifiedSentence, passages []retrieval.Passage) {
	byPassage := make(map[int]int) // prompt passage → citation number
	articles := make(map[string]bool)
	var b strings.Builder
	for _, vs := range kept {
		s := retrieval.Sentence{Text: vs.text, Citations: []int{}, Gap: vs.gap}
		sources := make(map[string]bool)
		cl := claimOf(ix, vs.text)
		for k, i := range vs.passages {
			n, ok := byPassage[i]
			if !ok {
				n = len(ans.Citations) + 1
				byPassage[i] = n
				p := passages[i]
				ans.Citations = append(ans.Citations, retrieval.Citation{
					N: n, Source: p.Article.ID, Title: p.Article.Title, Publisher: p.Article.Publisher,
					Date: p.Article.Date, Chunk: p.Chunk.ID, Text: p.Chunk.Text, Start: p.Chunk.Start,
					End: p.Chunk.End, Quote: bestSentence(ix, p, cl),
				})
			}
			s.Citations = append(s.Citations, n)
			sup := vs.support[k]
			sup.N = n
			s.Support = append(s.Support, sup)
			sources[passages[i].Article.ID] = true
			articles[passages[i].Article.ID] = true
		}
		s.Sources = len(sources)
		ans.Sentences = append(ans.Sentences, s)
		writeCited(&b, vs.text, s.Citations)
	}
	ans.Sources = len(articles)
	ans.Answer = b.String()
}

// bestSentence is the sentence of a passage that shares most terms with
// the claim: what Citation.Quote shows.
func bestSentence(ix *search.Index, p retrieval.Passage, cl claim) string {
	best, bestScore := "", -1.0
	for _, sp := range p.Chunk.Sentences {
		i, ok := ix.SentenceAt(p.Article.ID, sp.Start)
		if !ok {
			continue
		}
		s := ix.Sentence(i)
		if score := cl.overlap(s.Terms); score > bestScore {
			best, bestScore = s.Text, score
		}
	}
	if best == "" {
		return p.Chunk.Text
	}
	return best
}

var (
	// citeMarkerRE matches a citation marker: [3], [1, 2], [1-3], [1][2].
	citeMarkerRE = regexp.MustCompile(`\[\s*(\d+(?:\s*[,;–-]\s*\d+)*)\s*\]`)
	// numberRE matches a number, with thousands separators or a decimal
	// part: 40, 1,000, 2.5.
	numberRE = regexp.MustCompile(`\d+(?:[.,]\d+)*`)
	// quoteRE matches a quotation in straight or curly double quotes, or in
	// curly single quotes.
	quoteRE = regexp.MustCompile(`"([^"]{2,})"|“([^”]{2,})”|‘([^’]{2,})’`)
	// capitalRE matches a capitalised word, hyphenated parts and a
	// possessive included.
	capitalRE = regexp.MustCompile(`\p{Lu}[\p{L}\p{M}\p{N}]*(?:[-‐‑][\p{L}\p{N}]+)*(?:['’]s)?`)
	gapRE     = regexp.MustCompile(`(?i)\b(?:do(?:es)?(?: not|n['’]t)|did(?: not|n['’]t)|not)\s+(?:say|said|mention|mentioned|state|stated|report|reported|specify|specified|give|given|include)\b|\bno (?:information|mention|details?)\b|\bnot (?:in|covered by) the (?:passages|articles)\b`)
)

// splitGenerated cuts a reply into sentences. Markers written after a
// sentence's full stop ("… Vostochny. [1] Kim …") stay with it.
func splitGenerated(text string) []string {
	text = strings.Join(strings.Fields(text), " ")
	var out []string
	start := 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		j := i + 1
		for j < len(text) {
			switch {
			case text[j] == '"' || text[j] == ')' || text[j] == '\'':
				j++
				continue
			case strings.HasPrefix(text[j:], "”"), strings.HasPrefix(text[j:], "’"):
				j += len("”")
				continue
			}
			break
		}
		for {
			k := j
			for k < len(text) && text[k] == ' ' {
				k++
			}
			loc := citeMarkerRE.FindStringIndex(text[k:])
			if loc == nil || loc[0] != 0 {
				break
			}
			j = k + loc[1]
		}
		if j < len(text) && text[j] != ' ' {
			continue // "U.S.A", "2.5"
		}
		if c == '.' && endsWithAbbreviation(text[start:i]) {
			continue
		}
		if s := strings.TrimSpace(text[start:j]); s != "" {
			out = append(out, s)
		}
		start = j
	}
	if s := strings.TrimSpace(text[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

func endsWithAbbreviation(s string) bool {
	i := strings.LastIndexAny(s, " (\"“")
	w := strings.ToLower(s[i+1:])
	return abbreviations[w] || len(w) == 1 && w >= "a" && w <= "z"
}

var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "gen": true, "lt": true, "col": true,
	"sgt": true, "capt": true, "gov": true, "sen": true, "rep": true, "u.s": true, "u.n": true,
	"a.m": true, "p.m": true, "no": true, "vs": true, "e.g": true, "i.e": true, "jr": true, "sr": true,
}

// stripMarkers removes the markers from a sentence and returns the numbers
// they cite, in order, each once.
func stripMarkers(s string) (string, []int) {
	var cited []int
	for _, m := range citeMarkerRE.FindAllStringSubmatch(s, -1) {
		for _, part := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) }) {
			lo, hi, isRange := strings.Cut(part, "-")
			if !isRange {
				lo, hi, isRange = strings.Cut(part, "–")
			}
			a, err := strconv.Atoi(lo)
			if err != nil {
				continue
			}
			b := a
			if isRange {
				if b, err = strconv.Atoi(hi); err != nil || b < a || b-a > 20 {
					b = a
				}
			}
			for n := a; n <= b; n++ {
				if !slices.Contains(cited, n) {
					cited = append(cited, n)
				}
			}
		}
	}
	s = citeMarkerRE.ReplaceAllString(s, "")
	s = strings.Join(strings.Fields(s), " ")
	for _, p := range []string{".", ",", "!", "?", ";", ":"} {
		s = strings.ReplaceAll(s, " "+p, p)
	}
	return strings.TrimSpace(s), cited
}

// numbersIn returns the numbers of a text, thousands separators removed.
func numbersIn(text string) map[string]bool {
	nums := make(map[string]bool)
	for _, n := range numberRE.FindAllString(text, -1) {
		n = strings.TrimRight(n, ".,")
		// "1,000" and "1000" are the same number; "2.5" keeps its point.
		if strings.Count(n, ",") > 0 && !strings.Contains(n, ".") {
			n = strings.ReplaceAll(n, ",", "")
		}
		nums[n] = true
	}
	return nums
}

// hasWordParts reports whether every part of a (possibly hyphenated,
// possessive) name is a word of the passage.
func hasWordParts(words map[string]bool, name string) bool {
	parts := wordRE.FindAllString(name, -1)
	for _, p := range parts {
		if !words[p] {
			return false
		}
	}
	return len(parts) > 0
}

func foldQuotes(s string) string {
	return strings.NewReplacer("’", "'", "‘", "'", "“", `"`, "”", `"`).Replace(s)
}

func uniq(ts []string) []string {
	seen := make(map[string]bool, len(ts))
	out := ts[:0:0]
	for _, t := range ts {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// monthsAndDays are date words: a sentence that names one must be cited to
// a passage that does.
var monthsAndDays = map[string]bool{
	"january": true, "february": true, "march": true, "april": true, "may": false, "june": true,
	"july": true, "august": true, "september": true, "october": true, "november": true, "december": true,
	"sept": true, "monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true,
	"saturday": true, "sunday": true,
}

// notNames are capitalised words that name nothing checkable.
var notNames = map[string]bool{
	"i": true, "the": true, "a": true, "an": true, "he": true, "she": true, "they": true, "it": true,
	"this": true, "that": true, "these": true, "those": true, "in": true, "on": true, "at": true,
	"mr": true, "mrs": true, "ms": true, "but": true, "and": true, "according": true,
}
