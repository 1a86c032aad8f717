package qa

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/summitbot/summitbot/retrieval/search"
)

// askedVerbs are the verbs of a question about what someone said or
// thought.
const askedVerbs = `say|said|says|think|thinks|thought|tell|told|warn|warned|add|added|claim|claimed|promise|promised|mention|mentioned|reply|replied|respond|responded|react|reacted|announce|announced|stress|stressed|note|noted|praise|praised|feel|felt|toast|toasted|comment|commented|answer|answered|describe|described|pledge|pledged|vow|vowed|explain|explained|brag|bragged|boast|boasted|admit|admitted|insist|insisted|suggest|suggested|hint|hinted|reckon|reckoned|believe|believed|argue|argued|predict|predicted|urge|urged|call|called`

// askedName is the name in a question about what someone said: a word or
// up to three, after a title.
const askedName = `((?:mr\.? |dr\.? |president |spokesman |minister )?[a-z][a-z'’.-]*(?: [a-z][a-z'’-]*){0,2})`

// askedSpeaker matches a question about what someone said or thought:
// "what did kim say about the war", "wht did putin think abt it", "how did
// peskov respond", "did putin say anything about…", "what kind of support
// did kim say…". The name is the group; it may be two words ("kim jong
// un" is cut to its first word by the verb list, which is enough to match
// a speaker by any of their names).
var askedSpeaker = regexp.MustCompile(`(?i)(?:\b(?:what|wht|wat|wut|how)(?: exactly)? (?:was|is)|\b(?:did|does|do|has|had|would))\s+` + askedName + `\s+(?:` + askedVerbs + `)\b`)

// askedOpening matches a question that opens with what someone said and
// asks about it further on: "kim said russia was standing up to what kind
// of forces", "Kim said he was sure the Russian army would triumph
// against what?".
var askedOpening = regexp.MustCompile(`(?i)^\s*(?:so |and |but )?` + askedName + `\s+(?:said|says|told|tells|warned|warns|claimed|claims|thinks|thought|stressed|promised|pledged|vowed|described|describes|added)\b`)

// askedWithin matches what someone said within a question, after
// what it asks about: "who's the enemy kim said they would fight", "the
// deal peskov says is secret". The name is one word, for the words before
// it are the question's own; a common noun ("the leader said") does not
// count (see describedWithin).
var askedWithin = regexp.MustCompile(`(?i)(?:^|\s)([a-z][a-z'’-]*)\s+(?:said|says|told|tells|warned|warns|claimed|claims|thinks|thought|stressed|promised|pledged|vowed|added)\b`)

// askedAccordingTo matches "according to Putin, what is Kim really into?"
// and, with no comma, "according to kim what does the trip prove": the
// name ends at punctuation or at the question word after it.
var askedAccordingTo = regexp.MustCompile(`(?i)\baccording to\s+` + askedNameLazy + `\s*(?:[,?.!]|$|\b(?:what|who|whom|whose|why|how|when|where|which|is|are|was|were|does|did|do|will|would|can|could|should)\b)`)

// askedNameLazy is askedName that takes as few words as it can.
const askedNameLazy = `((?:mr\.? |dr\.? |president |spokesman |minister )?[a-z][a-z'’.-]*(?: [a-z][a-z'’-]*){0,2}?)`

// askedPossessive matches "what was kim's reaction", "whats putins take on".
var askedPossessive = regexp.MustCompile(`(?i)\b(?:what|wht|wat)(?:'s|s| was| is| were)\s+([a-z][a-z-]*?)(?:'s|’s|s)\s+(?:reaction|response|view|take|opinion|comment|message|answer|words|quote|toast|promise|warning)\b`)

// notSpeakers are words the speaker patterns catch that name nobody.
var notSpeakers = map[string]bool{
	"they": true, "it": true, "he": true, "she": true, "you": true, "u": true, "we": true, "the": true,
	"this": true, "that": true, "people": true, "everyone": true, "anyone": true, "i": true,
	"who": true, "what": true, "which": true, "when": true, "where": true, "why": true, "how": true,
	"someone": true, "somebody": true, "anybody": true, "nobody": true,
}

// AskedSpeaker returns the person a "what did X say" question asks about,
// lower-cased, or "" when the question is not of that shape. A pronoun
// ("did putin dodge it or what did he say") stands for the subject the
// question named before it (questionSubject). When a pattern catches words
// that name nobody ("which city shoigu said": "which city shoigu"), the
// next one is tried.
func AskedSpeaker(question string) string {
	for _, re := range []*regexp.Regexp{askedSpeaker, askedOpening, askedAccordingTo, askedPossessive, askedWithin} {
		m := re.FindStringSubmatchIndex(question)
		if m == nil || re == askedWithin && describedWithin(question, m[2]) {
			continue // none, or "the leader said": a description
		}
		name := strings.ToLower(question[m[2]:m[3]])
		for _, title := range []string{"mr. ", "mr ", "dr. ", "dr ", "president ", "spokesman ", "minister "} {
			name = strings.TrimPrefix(name, title)
		}
		first := strings.Fields(name)[0]
		if first == "he" || first == "she" {
			name = questionSubject(question[:m[2]])
		} else if notSpeakers[first] {
			name = ""
		}
		if name != "" {
			return name
		}
	}
	return ""
}

// describedWithin reports whether the word at text[at:] is a common noun,
// not a name: a title ("minister"), or a word one of the two words before
// it makes a noun phrase of ("the leader", "which deputy minister", "the
// ap article", "russia's envoy").
func describedWithin(text string, at int) bool {
	word := strings.ToLower(strings.Fields(text[at:])[0])
	if speakerTitles[word] {
		return true
	}
	before := strings.Fields(strings.ToLower(text[:at]))
	for k := len(before) - 1; k >= 0 && k >= len(before)-2; k-- {
		w := before[k]
		if determiners[w] || strings.HasSuffix(w, "'s") || strings.HasSuffix(w, "’s") {
			return true
		}
	}
	return false
}

// determiners are the words that make the word after them a common noun.
var determiners = map[string]bool{
	"the": true, "a": true, "an": true, "his": true, "her": true, "their": true, "its": true, "our": true,
	"this": true, "that": true, "which": true, "what": true, "whose": true,
}

// askedSubject matches the subject of a yes/no or wh- question: "did putin
// …", "was kim …".
var askedSubject = regexp.MustCompile(`(?i)\b(?:did|does|do|was|is|has|had|will|would)\s+((?:mr\.? |dr\.? |president )?[a-z][a-z'’-]*)`)

// questionSubject returns the subject a question names first, lower-cased,
// as the antecedent of a pronoun after it: "did putin dodge the question or
// what did he say" gives "putin"; "" when the first subject is not a name
// ("did the talks go well or what did he say").
func questionSubject(text string) string {
	m := askedSubject.FindStringSubmatch(text)
	if m == nil {
		return ""
	}
	name := strings.ToLower(m[1])
	for _, title := range []string{"mr. ", "mr ", "dr. ", "dr ", "president "} {
		name = strings.TrimPrefix(name, title)
	}
	if notSpeakers[name] || determiners[name] {
		return ""
	}
	return name
}

// speechVerbs are the verbs that attribute words to a speaker.
const speechVerbs = `said|says|say|told|tells|added|adds|warned|warns|replied|stressed|noted|praised|toasted|announced|claimed|insisted|quoted|saying|thanked|congratulated|vowed|pledged|promised|urged|hinted|declared|explained|assured`

// speechVerb matches speechVerbs.
var speechVerb = regexp.MustCompile(`\b(?:` + speechVerbs + `)\b`)

// accordingTo matches an attribution after the fact: "…, according to
// Kremlin spokesman Dmitry Peskov".
var accordingTo = regexp.MustCompile(`\baccording to\b`)

// Speakers returns who a sentence attributes its words to, lower-cased:
// the name right before a speech verb ("Mr Putin said" gives "putin",
// "Kremlin spokesman Dmitry Peskov said" "dmitry peskov", "Kim told
// Putin" "kim"), before the appositive that stands between it and the verb
// ("Vladimir Tikhonov, professor of Korean studies at the University of
// Oslo, told AFP" gives "vladimir tikhonov"), right after the verb ("said
// Mr Putin", "RIA quoted spokeswoman Maria Zakharova as saying") or after
// "according to". Someone's aide or office is not them: "Kim's translator
// thanked" gives "kim's translator". A pronoun subject ("he said") is
// returned as "he" or "she", for the caller to resolve from the sentences
// before (see spokenBy).
func Speakers(sentence string) []string {
	var out []string
	for _, m := range speechVerb.FindAllStringIndex(sentence, -1) {
		before, verb, after := sentence[:m[0]], sentence[m[0]:m[1]], sentence[m[1]:]
		if verb == "saying" {
			continue // "quoted X as saying": the name came with "quoted"
		}
		passive := strings.HasSuffix(strings.TrimSpace(before), " was") || strings.HasSuffix(strings.TrimSpace(before), " were")
		if verb == "quoted" && !passive {
			if name := nameAfter(after); name != "" {
				out = append(out, name)
			}
			continue
		}
		if name := nameBefore(before); name != "" {
			out = append(out, name)
		} else if afterQuote(before) && verb != "told" && verb != "tells" {
			// '"…," said Mr Putin': the speaker follows the verb only
			// after a quotation; "Experts said Russia would…" names none,
			// and the name after "told" is who was told.
			if name := nameAfter(after); name != "" {
				out = append(out, name)
			}
		}
	}
	for _, m := range accordingTo.FindAllStringIndex(sentence, -1) {
		if name := nameAfter(sentence[m[1]:]); name != "" {
			out = append(out, name)
		}
	}
	return out
}

// nameBefore returns the name that ends just before a speech verb, looking
// back past "was", "has" and the like and past an appositive between
// commas: "Mr Putin" gives "putin", "Lim Soo-suk, South Korea's Foreign
// Ministry spokesperson," gives "lim soo-suk", "he" gives "he", "Kim's
// translator" gives "kim's translator".
func nameBefore(s string) string {
	words := strings.Fields(s)
	for len(words) > 0 {
		switch words[len(words)-1] {
		case "was", "were", "has", "had", "have", "also", "then", "later", "earlier", "reportedly":
			words = words[:len(words)-1]
			continue
		}
		break
	}
	if len(words) == 0 {
		return ""
	}
	last := words[len(words)-1]
	switch strings.ToLower(last) {
	case "he", "she":
		return strings.ToLower(last)
	}
	if strings.HasSuffix(last, ",") && !strings.ContainsAny(last, `"“”`) {
		// "Name, appositive, said": the name before the appositive.
		text := strings.TrimSuffix(strings.Join(words, " "), ",")
		if i := strings.LastIndex(text, ","); i >= 0 {
			return nameRun(strings.Fields(text[:i]))
		}
		return ""
	}
	if strings.ContainsAny(last, `,.;:"“”`) {
		return "" // '…space," said' — no subject before the verb
	}
	if name := nameRun(words); name != "" {
		return name
	}
	if n := len(words); n >= 2 && unicode.IsLower([]rune(last)[0]) && isPossessiveName(words[n-2]) && !officeHolders[last] {
		// "Kim's translator", "Kozlov's ministry"; "North Korea's leader"
		// is someone this sentence does not name.
		return strings.ToLower(words[n-2] + " " + last)
	}
	return ""
}

// nameRun returns the name that ends words, lower-cased: the capitalised
// words at their end, back to a title, an honorific or a word that is not
// a name ("Kremlin spokesman Dmitry Peskov" gives "dmitry peskov", "In
// turn, Mr Kim" gives "kim"); "" when the last word is not a name.
func nameRun(words []string) string {
	var run []string
	for k := len(words) - 1; k >= 0; k-- {
		w := words[k]
		if strings.ContainsAny(w, `,.;:"“”()`) || speakerTitles[strings.ToLower(w)] || !isName(w) {
			break
		}
		run = append(run, strings.ToLower(w))
	}
	slices.Reverse(run)
	return strings.Join(run, " ")
}

// isPossessiveName reports whether w is a name in the possessive: "Kim's".
func isPossessiveName(w string) bool {
	for _, suf := range []string{"'s", "’s"} {
		if base, ok := strings.CutSuffix(w, suf); ok {
			return isName(base)
		}
	}
	return false
}

// nameMatches reports whether a name Speakers returned and the name a
// question asks about are the same person's: the words of one are among
// the words of the other ("putin" and "vladimir putin", "lim" and "lim
// soo-suk"), a hyphen counting as a space ("chan-il" and "an chan il").
// "kim's translator" is not "kim".
func nameMatches(name, asked string) bool {
	a := strings.Fields(strings.ReplaceAll(name, "-", " "))
	b := strings.Fields(strings.ReplaceAll(asked, "-", " "))
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	within := func(x, y []string) bool {
		return !slices.ContainsFunc(x, func(w string) bool { return !slices.Contains(y, w) })
	}
	return within(a, b) || within(b, a)
}

// afterQuote reports whether text ends with a quotation or a comma, the
// place of an inverted attribution.
func afterQuote(text string) bool {
	text = strings.TrimSpace(text)
	return text != "" && strings.ContainsAny(text[len(text)-1:], `,"'`) || strings.HasSuffix(text, "”") || strings.HasSuffix(text, "’")
}

// speakerTitles may stand between the parts of an attribution: "Kremlin
// spokesman Dmitry Peskov", "ministry spokeswoman Maria Zakharova".
var speakerTitles = map[string]bool{
	"spokesman": true, "spokeswoman": true, "spokesperson": true, "minister": true, "president": true,
	"leader": true, "secretary": true, "official": true, "director": true, "analyst": true,
	"professor": true, "ministry": true, "press": true, "foreign": true, "defence": true, "defense": true,
}

// officeHolders are the titles of speakerTitles that name a person by
// their office: "North Korea's leader" may be the Kim a question asks
// about.
var officeHolders = map[string]bool{
	"spokesman": true, "spokeswoman": true, "spokesperson": true, "minister": true, "president": true,
	"leader": true, "secretary": true, "official": true, "director": true, "analyst": true, "professor": true,
}

// nameAfter returns the name that follows a verb or "according to" within
// a few words, past titles: "Kremlin spokesman Dmitry Peskov" gives
// "dmitry peskov", "Mr Putin, adding" gives "putin".
func nameAfter(s string) string {
	var run []string
	for i, raw := range strings.Fields(s) {
		if i > 6 {
			break
		}
		w := strings.Trim(raw, `,.;:"“”'’()`)
		switch {
		case isName(w):
			run = append(run, strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")))
		case w == "Mr" || w == "Dr" || w == "Mrs" || w == "Ms":
		case speakerTitles[strings.ToLower(w)] || w == "the":
			run = nil // "Kremlin spokesman Dmitry Peskov": the name after the title
		default:
			return strings.Join(run, " ")
		}
		if strings.ContainsAny(raw, ",.;:") {
			break
		}
	}
	return strings.Join(run, " ")
}

// isName reports whether w looks like a proper name: capitalised and not a
// sentence-opening function word.
func isName(w string) bool {
	if w == "" {
		return false
	}
	r := []rune(w)[0]
	if !unicode.IsUpper(r) {
		return false
	}
	switch w {
	case "The", "A", "An", "In", "On", "It", "They", "We", "But", "And", "As", "At", "This", "That", "Asked", "When", "Mr", "Mrs", "Ms", "Dr",
		"Experts", "Analysts", "Officials", "Observers", "Critics", "Reports", "Sources", "Diplomats", "Some", "Others":
		return false
	}
	return true
}

// carryReach is how many sentences back, at most, the speaker of a
// quotation that does not name them is looked for: a speaker's quotes and
// "he added" sentences run on for a few sentences after the one that names
// them, not for the rest of the article.
const carryReach = 4

// spokenBy returns whose words sentence i of the index gives: the names
// Speakers finds in it, a pronoun ("…," he said) replaced by the speaker
// it stands for, and at, the index of the sentence that names them (i
// itself when it names someone). A quotation with no attribution of its
// own (`"Tactically, they both gain…"` as a paragraph of its own) is the
// words of whoever the article quoted last, when nothing but that
// speaker's quotes and "he said" sentences stand between (see carried).
// who is nil for a sentence that quotes nobody, or a quotation whose
// speaker is not found; a pronoun that cannot be resolved stays "he" or
// "she", and at is then -1.
func spokenBy(ix *search.Index, i int) (who []string, at int) {
	s := ix.Sentence(i)
	who = Speakers(s.Text)
	if slices.ContainsFunc(who, named) {
		at = i
	} else if len(who) == 0 && !bareQuotation(s.Text) {
		return nil, -1
	}
	if at == i && !slices.ContainsFunc(who, isPronoun) {
		return who, i
	}
	name, j := carried(ix, i)
	if len(who) == 0 {
		if name == "" {
			return nil, -1
		}
		return []string{name}, j
	}
	if at != i {
		at = j
	}
	if name != "" {
		who = slices.Clone(who)
		for k, w := range who {
			if isPronoun(w) {
				who[k] = name
			}
		}
	}
	return who, at
}

// carried returns the speaker that sentence i, a quotation or a sentence
// of "he said", carries on from, and the index of the sentence that names
// them: the first name Speakers finds in the nearest sentence before i of
// the same article that names a speaker, looking back past quotations with
// no attribution and sentences attributed only to a pronoun, at most
// carryReach sentences. Any other sentence (narration), a heading or a
// caption stops the search, and carried returns "", -1.
func carried(ix *search.Index, i int) (string, int) {
	next := ix.Sentence(i)
	for j := i - 1; j >= 0 && j >= i-carryReach; j-- {
		s := ix.Sentence(j)
		if s.Article != next.Article || strings.TrimSpace(s.Article.Text[s.Span.End:next.Span.Start]) != "" {
			break // another article, or a heading or caption between
		}
		next = s
		who := Speakers(s.Text)
		if k := slices.IndexFunc(who, named); k >= 0 {
			return who[k], j
		}
		if len(who) == 0 && !bareQuotation(s.Text) {
			break
		}
	}
	return "", -1
}

// reportVerb finds a verb that reports what someone said or holds, in
// their words or not: speechVerbs, and "denied", "mooted", "suggested".
var reportVerb = regexp.MustCompile(`(?i)\b(?:` + speechVerbs + `|denied|denies|deny|mooted|suggested|admitted|according)\b`)

// reportReach is how many words either side of a reporting verb may name
// whom it reports.
const reportReach = 9

// reports reports whether sentence reports what speaker (Analysis.Speaker)
// said, in their words or not: every word of the speaker's name, by stem,
// stands within reportReach of a reporting verb. Speakers and spokenBy
// find a named person's words; the words of a body ("Russia's foreign
// ministry said the talks are important", "Japan's coast guard said")
// are reported in a sentence they miss. China's foreign ministry, whose
// words no article reports, is no speaker in "Russia's foreign ministry
// said".
func reports(speaker, sentence string) bool {
	var name []string
	for _, w := range wordRE.FindAllString(strings.ToLower(speaker), -1) {
		if len(w) > 1 && w != "the" && w != "and" {
			name = append(name, w)
		}
	}
	if len(name) == 0 {
		return false
	}
	for _, m := range reportVerb.FindAllStringIndex(sentence, -1) {
		before := wordRE.FindAllString(strings.ToLower(sentence[:m[0]]), -1)
		near := slices.Concat(before[max(0, len(before)-reportReach):], wordRE.FindAllString(strings.ToLower(sentence[m[1]:]), reportReach))
		if !slices.ContainsFunc(name, func(w string) bool {
			return !slices.ContainsFunc(near, func(n string) bool { return n == w || sameStem(n, w) })
		}) {
			return true
		}
	}
	return false
}

// isPronoun reports whether a speaker Speakers returned is a pronoun.
func isPronoun(w string) bool { return w == "he" || w == "she" }

// named reports whether a speaker Speakers returned is a name.
func named(w string) bool { return !isPronoun(w) }

// bareQuotation reports whether a sentence is nothing but a quotation:
// it opens with a quotation mark and, its quoted words taken out, only
// punctuation is left (`"Tactically, they both gain by getting what they
// need right now…"`, `“This is our new cosmodrome.”`).
func bareQuotation(text string) bool {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, `"`) && !strings.HasPrefix(text, "“") {
		return false
	}
	outside := quotedRE.ReplaceAllString(text, "")
	return !strings.ContainsFunc(outside, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
}

// quotedRE matches a quotation in straight or curly double quotation marks
// (articles mix them: "sacred fight … forces”).
var quotedRE = regexp.MustCompile(`["“][^"“”]*["”]`)
