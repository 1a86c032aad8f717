package qa

import (
	"github.com/summitbot/summitbot/retrieval/meaning"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"

	"github.com/summitbot/summitbot/retrieval"
	rsearch "github.com/summitbot/summitbot/retrieval/search"
)

// Analysis is a question read once, before anything is searched: cleaned,
// its spelling corrected against the corpus, its kind classified, its
// aliases expanded and what it asks about weighed. Every later stage reads
// it; none cleans or corrects the question again.
type Analysis struct {
	Question string         // the question, cleaned (retrieval.CleanQuestion)
	Searched string         // Question with its misspellings corrected
	Kind     retrieval.Kind // what sort of answer it asks for
	// Query is what retrieval searches for: Searched, and the corrected
	// earlier question of a follow-up, which widens the search only.
	Query    string
	Expanded string // Query with every alias group's canonical form added
	Focus    Focus  // what a sentence must mention to answer Searched
	// Plain is Searched with its mentions of alias groups taken out
	// ("america" of the group of "United States"): the words the articles
	// must hold as they are.
	Plain string
	// Speaker is whom a "what did X say / think / warn" question asks
	// about, lower-cased ("kim", "peskov"), or the speaker a description
	// of X stands for ("the oslo professor" is "vladimir tikhonov", see
	// describedSpeaker); "" for other questions. The answer must be X's
	// words, not those of someone quoted beside X.
	Speaker string
	// Counted is what a "how many" question counts ("missiles", "people");
	// "" for other questions. A number answers it only beside a word for
	// that thing.
	Counted string
	// Advice is set when the question asks how the asker can do something
	// or what they should do ("how do i center a div", "how to make
	// pancakes", "should i buy bitcoin", "a good recipe"): advice, which
	// news of a summit never gives.
	Advice bool
}

// Analyse reads q against the index's vocabulary. Its only errors are
// retrieval.ErrEmptyQuestion and retrieval.ErrQuestionTooLong.
func Analyse(ix *rsearch.Index, q retrieval.Question) (Analysis, error) {
	text, err := retrieval.CleanQuestion(q.Text)
	if err != nil {
		return Analysis{}, err
	}
	a := Analysis{Question: text, Searched: correct(ix, plainQuestionWords(text)), Kind: Classify(text)}
	a.Query = a.Searched
	if ctxText, err := retrieval.CleanQuestion(q.Context); err == nil {
		a.Query += " " + correct(ix, ctxText)
	}
	a.Expanded = ix.Expand(a.Query)
	a.Focus = focus(ix, a.Searched, a.Kind)
	_, a.Plain = ix.Aliases().Mentions(a.Searched)
	a.Speaker = AskedSpeaker(a.Searched)
	if a.Speaker == "" {
		if d := AskedDescribed(a.Searched); d != "" {
			a.Speaker = describedSpeaker(ix, d)
		}
	}
	a.Counted = counted(a.Searched)
	a.Advice = asksAdvice(a.Searched)
	return a, nil
}

// kindCues are tried in order; the first that matches the question wins, so
// "how many years" is a duration before it is a count.
var kindCues = []struct {
	kind retrieval.Kind
	re   *regexp.Regexp
}{
	{retrieval.KindQuote, regexp.MustCompile(`(?i)^\s*(what|how)\s+(did|does|do|has|have|had|is|was)\b.*\b(say|said|tell|told|promise|pledge|warn|answer|reply|respond|describe|call|vow|stress|think|thought|feel|felt|react)\w*\b`)},
	{retrieval.KindDuration, regexp.MustCompile(`(?i)\b(what|which)\s+(time\s+)?(period|span|stretch)\b`)},
	{retrieval.KindClock, regexp.MustCompile(`(?i)\bwhat\s+time\b|\bat\s+what\s+hour\b|\bwhat\s+hour\b`)},
	{retrieval.KindSpeed, regexp.MustCompile(`(?i)\bhow\s+fast\b|\bspeed\b|\bhow\s+quickly\b`)},
	{retrieval.KindWeight, regexp.MustCompile(`(?i)\bhow\s+heavy\b|\bhow\s+much\b.*\bweigh(s|ed|t)?\b|\bweigh(s|t)?\b`)},
	{retrieval.KindMoney, regexp.MustCompile(`(?i)\bhow\s+much\b.*\b(cost|costs|costed|pay|paid|spend|spent|worth|charge|charged|sell|sold|buy|bought)\b|\bhow\s+much\s+(money|cash)\b|\bwhat\s+(did|does|do|will|would)\b.*\bcost\b|\b(price|budget)\s+of\b|\bwhat\s+was\s+the\s+(price|budget|bill)\b`)},
	{retrieval.KindTemp, regexp.MustCompile(`(?i)\bhow\s+(hot|cold|warm|chilly)\b|\b(what|which)\s+temp(erature)?s?\b|\btemperature\b|\bboiling\s+point\b|\bfreezing\s+point\b`)},
	{retrieval.KindAge, regexp.MustCompile(`(?i)\bhow\s+old\b|\bwhat\s+age\b|\bage\s+of\b|\bwhat\s+year\s+was\s+\w+(\s+\w+)?\s+born\b`)},
	// "how high is it", not "how high a priority".
	{retrieval.KindHeight, regexp.MustCompile(`(?i)\bhow\s+tall\b|\bhow\s+high\s+(is|was|are|were|does|did|do|can|will|up|above)\b|\bheight\b`)},
	{retrieval.KindDuration, regexp.MustCompile(`(?i)\bhow\s+long\b|\bhow\s+much\s+time\b|\bhow\s+many\s+(seconds|minutes|hours|days|weeks|months|years)\b|\bduration\b`)},
	{retrieval.KindDistance, regexp.MustCompile(`(?i)\bhow\s+far\b|\bdistance\b|\bhow\s+many\s+(km|kilomet(er|re)s|miles)\b`)},
	{retrieval.KindCount, regexp.MustCompile(`(?i)\bhow\s+many\b|\bhow\s+much\b|\bnumber\s+of\b|\bhow\s+often\b`)},
	// "what day", "which years": a time of that grain, before "when".
	{retrieval.KindDay, regexp.MustCompile(`(?i)\b(what|which)\s+(day|weekday)\b|\bday\s+of\s+the\s+week\b`)},
	{retrieval.KindYear, regexp.MustCompile(`(?i)\b(what|which)\s+years?\b|\bin\s+what\s+years?\b`)},
	// "how did he get there", "did kim fly": how someone travelled.
	{retrieval.KindMeans, regexp.MustCompile(`(?i)\bhow\s+(did|does|do|will|would|was|were|is|are)\s+(\S+\s+){1,4}?(get|go|come|travel|arrive|reach|make\s+it|journey|commute)\b|^\s*(did|does|do|was|were|is|will)\s+(\S+\s+){1,4}?(fly|flew|flying|drive|drove|driving|sail|take\s+(a|the|his|her)\s+(plane|jet|train|car|boat|flight))\b`)},
	{retrieval.KindTime, regexp.MustCompile(`(?i)\bwhen\b|\bwhat\s+(year|day|date|month|time)\b|\bwhich\s+(year|day|date|month)\b|\bin\s+what\s+year\b`)},
	{retrieval.KindPerson, regexp.MustCompile(`(?i)\bwho(m|se)?\b|\bwhich\s+(\w+\s+){0,2}(officials?|ministers?|person|people|leaders?|experts?|analysts?|spokes\w*|researchers?|professors?|guys?|man|men|woman|women|dude|lady|general|marshal|diplomat|envoy|aide)\b|\bname\s+of\b`)},
	{retrieval.KindPlace, regexp.MustCompile(`(?i)\bwhere\b|\bwhich\s+(city|country|place|region|border)\b|\bwhat\s+(city|country|place|region)\b`)},
	{retrieval.KindReason, regexp.MustCompile(`(?i)\bwhy\b|\bwhat\s+for\b|\breason\b`)},
}

// Classify returns the kind of answer a question asks for, read from its
// main clause: of the cues that match, the one that starts first wins, so
// "who met kim when he arrived" asks for a person, not a time (the "when"
// opens a subordinate clause). Cues that start at the same word are tried
// in order, so "how many years" is a duration before it is a count.
//
// A yes/no question ("did kim look happy when they shook hands") has no
// wh-word in its main clause: a cue after its opening auxiliary, in the
// same sentence, belongs to a subordinate clause, and the question asks for
// no particular kind ("Was he there? Who?" still asks for a person).
func Classify(question string) retrieval.Kind {
	question = plainQuestionWords(question)
	kind, at := retrieval.KindOther, len(question)+1
	for _, c := range kindCues {
		if m := c.re.FindStringIndex(question); m != nil && m[0] < at {
			kind, at = c.kind, m[0]
		}
	}
	if at > 0 && at <= len(question) && yesNoRE.MatchString(question) && !strings.ContainsAny(question[:at], "?.!") {
		return retrieval.KindOther
	}
	return kind
}

// chatSpeak are the spellings chat uses for question words, units and
// common words, with the words the articles and Classify's cues know them
// by; chat's hedges ("tho", "rn", "ngl") say nothing about the question
// and are dropped.
var chatSpeak = map[string]string{
	"wut": "what", "wat": "what", "wht": "what", "whut": "what",
	"whos": "who is", "hoo": "who", "wen": "when", "hw": "how",
	"y": "why", "r": "are", "u": "you", "ur": "your", "n": "and",
	"secs": "seconds", "sec": "second", "mins": "minutes", "min": "minute", "hrs": "hours", "hr": "hour",
	"yrs": "years", "yr": "year", "abt": "about", "bout": "about", "tryna": "trying to", "kinda": "kind of",
	"sorta": "sort of", "gonna": "going to", "wanna": "want to", "gotta": "got to", "ppl": "people",
	"bc": "because", "cuz": "because", "coz": "because", "cos": "because", "pls": "please", "plz": "please",
	"govt": "government", "prez": "president", "fm": "foreign minister", "info": "information",
	"tho": "", "rn": "", "btw": "", "ngl": "", "tbh": "", "lol": "", "lmao": "", "fr": "", "nah": "",
	"imo": "", "idk": "", "iirc": "", "lowkey": "", "bruh": "", "fam": "",
}

var chatSpeakRE = regexp.MustCompile(`(?i)\b(?:` + strings.Join(slices.Sorted(maps.Keys(chatSpeak)), "|") + `)\b`)

// plainQuestionWords spells chat's words out ("wut day", "how many secs",
// "what is russia tryna get") and drops its hedges, for searching and
// classifying.
func plainQuestionWords(q string) string {
	q = chatSpeakRE.ReplaceAllStringFunc(q, func(w string) string { return chatSpeak[strings.ToLower(w)] })
	return strings.Join(strings.Fields(q), " ")
}

// countedRE finds the words between "how many" and the verb after them:
// "how many | north korean troops | got sent".
var countedRE = regexp.MustCompile(`(?i)\bhow\s+many\s+((?:[\p{L}'-]+\s+){0,3}?[\p{L}'-]+)\s+(?:did|do|does|were|was|are|is|has|have|had|got|get|will|would|could|can|might|may|in|at|on)\b`)

// counted returns what a "how many" question counts: the last of the
// words between "how many" and its verb ("troops" of "how many north
// korean troops got sent"), or "".
func counted(question string) string {
	m := countedRE.FindStringSubmatch(question)
	if m == nil {
		return ""
	}
	words := strings.Fields(strings.ToLower(m[1]))
	return words[len(words)-1]
}

// adviceRE finds a request for advice or instructions: "how do i / u /
// you …", "how to …", "should i …", "can u explain …", "recipe".
var adviceRE = regexp.MustCompile(`(?i)\bhow\s+(?:do|can|could|should|would|does)\s+(?:i|u|you|ya|one)\b|\bhow\s+to\b|\b(?:can|could|would|will)\s+(?:u|you|ya)\s+(?:explain|teach|show\s+me|help\s+me|recommend|suggest)\b|\b(?:should|can|could|do)\s+i\b|\brecipes?\b`)

// opinionRE finds "how do you think / know / feel", which asks about the
// story, not for instructions ("how do u know shoigu was there").
var opinionRE = regexp.MustCompile(`(?i)\bhow\s+(?:do|does|did|would|can|could)\s+(?:i|u|you|ya|we|one)\s+(?:even\s+)?(?:think|know|feel|reckon|tell|describe)\b`)

// asksAdvice reports whether question asks for advice or instructions for
// the asker (Analysis.Advice).
func asksAdvice(question string) bool {
	return adviceRE.MatchString(question) && !opinionRE.MatchString(question)
}

// yesNoRE matches a question that opens with an auxiliary verb: a yes/no
// question.
var yesNoRE = regexp.MustCompile(`(?i)^\s*(?:did|does|do|is|was|were|are|has|have|had|can|could|will|would|should)\b`)

// cueWords are the (analysed) words of a question that say what kind of
// answer it wants, or are chat filler, rather than what it is about; they
// are no evidence of coverage either way. The list is ours, kept short:
// bleve's English stop list already drops the function words.
var cueWords = map[string]bool{
	// the kind of answer
	"long": true, "far": true, "mani": true, "much": true, "time": true,
	"year": true, "dai": true, "date": true, "name": true, "often": true, "number": true,
	"kind": true, "sort": true, "type": true,
	// the frame of a question about an event ("where did the summit
	// happen"), which the answer need not repeat
	"happen": true, "occur": true,
	// asking about the telling rather than the fact
	"tell": true, "sai": true, "say": true, "said": true, "articl": true, "accord": true, "report": true,
	// chat filler, and what is left of "Kim’s" and "whats" (bleve's
	// possessive filter knows only the straight apostrophe)
	"s": true, "what": true,
	"realli": true, "actual": true, "actualli": true, "lol": true, "abt": true, "stuff": true,
	"anyth": true, "someth": true, "also": true, "ever": true, "still": true, "just": true,
	"exactli": true, "even": true, "sinc": true, "thing": true, "basic": true, "pretti": true,
}

// travelWords are the (analysed) verbs of travel: in a question asking how
// someone travelled (retrieval.KindMeans) they say what kind of answer it
// wants, as "long" does in "how long", and the answer need not repeat them:
// "how did kim get to russia" is answered by "travelled overland … in his
// bullet-proof train", not by "a chance to get around sanctions".
var travelWords = map[string]bool{
	"get": true, "got": true, "go": true, "went": true, "come": true, "came": true, "travel": true,
	"arriv": true, "reach": true, "journei": true, "fly": true, "flew": true, "drive": true,
	"drove": true, "sail": true, "commut": true,
}

// realWordRank is the frequency rank in English (meaning.Default) within
// which a word is taken as typed, never as a typo: "stuff" is 3,299th,
// "scared" 7,293rd; "goverment" is 36,500th and "runnin" 70,043rd.
const realWordRank = 20000

// wordRE finds the words of a question, for spelling correction.
var wordRE = regexp.MustCompile(`[\p{L}\p{N}]+`)

// correct replaces question words that the corpus never uses, in any
// inflection, with the corpus word they are a typo of ("vostochy" →
// "vostochny", "tlaks" → "talks"). Two letters swapped are always taken for a
// typo. One letter added, dropped or changed is taken for a typo only of a
// name or of a long word: a short common word one letter from a corpus word
// is usually itself ("place" is not a typo of "peace"). Words under five
// letters are left alone: nearly everything is one edit from something. So
// is a word English uses often (within realWordRank): "scared" is not a
// typo of "sacred", nor "stuff" of "staff".
func correct(ix *rsearch.Index, question string) string {
	var d []int
	return wordRE.ReplaceAllStringFunc(question, func(w string) string {
		lw := strings.ToLower(w)
		n := utf8.RuneCountInString(lw)
		if n < 5 || isNumber(lw) || ix.Word(lw).Count > 0 || knownStem(ix, lw) {
			return w
		}
		if r, ok := meaning.Default().Rank(lw); ok && r <= realWordRank {
			return w
		}
		if t, ok := transposition(ix, lw); ok {
			return t
		}
		best, bestFreq := "", 0
		for cand, info := range ix.Vocabulary() {
			if !info.Name() && utf8.RuneCountInString(cand) < 7 {
				continue
			}
			var dist int
			var over bool
			dist, over, d = search.LevenshteinDistanceMaxReuseSlice(lw, cand, 1, d)
			if over || dist > 1 {
				continue
			}
			if info.Count > bestFreq || info.Count == bestFreq && cand < best {
				best, bestFreq = cand, info.Count
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
func knownStem(ix *rsearch.Index, word string) bool {
	for _, t := range ix.Analyze(word) {
		if ix.DocFreq(t) == 0 {
			return false
		}
	}
	return true
}

// transposition finds the corpus word that word becomes when two adjacent
// letters are swapped back.
func transposition(ix *rsearch.Index, word string) (string, bool) {
	r := []rune(word)
	for i := 0; i+1 < len(r); i++ {
		if r[i] == r[i+1] {
			continue
		}
		r[i], r[i+1] = r[i+1], r[i]
		if cand := string(r); ix.Word(cand).Count > 0 {
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

// Focus is what a question asks about: concepts (alias groups, satisfied by
// any of their forms) and plain terms, each weighted by rarity.
type Focus struct {
	Concepts [][]string // analysed terms of each mentioned alias group's canonical form
	Terms    []string   // the other analysed terms, cue words left out
	weights  []float64  // concepts first, then terms
	total    float64
}

// focus analyses a question into what a passage must mention to answer it.
func focus(ix *rsearch.Index, question string, kind retrieval.Kind) Focus {
	canon, rest := ix.Aliases().Mentions(question)
	var n Focus
	seen := make(map[string]bool)
	for _, c := range canon {
		ts := ix.Analyze(c)
		if len(ts) == 0 {
			continue
		}
		w := 0.0
		for _, t := range ts {
			w += ix.IDF(t)
			seen[t] = true
		}
		n.Concepts = append(n.Concepts, ts)
		n.weights = append(n.weights, w/float64(len(ts)))
	}
	for _, t := range ix.Analyze(rest) {
		if seen[t] || cueWords[t] || kind == retrieval.KindMeans && travelWords[t] {
			continue
		}
		seen[t] = true
		n.Terms = append(n.Terms, t)
		n.weights = append(n.weights, ix.IDF(t))
	}
	for _, w := range n.weights {
		n.total += w
	}
	return n
}

// coverage is the rarity-weighted share of the question's needs that a set
// of terms meets: 1 when a passage mentions everything the question asks
// about, near 0 when it shares only common words.
func (n Focus) coverage(have map[string]bool) float64 {
	if n.total == 0 {
		return 0
	}
	got := 0.0
	for i, c := range n.Concepts {
		if allIn(c, have) {
			got += n.weights[i]
		}
	}
	for i, t := range n.Terms {
		if have[t] {
			got += n.weights[len(n.Concepts)+i]
		}
	}
	return got / n.total
}

// has reports whether t is one of the terms the question asks about.
func (n Focus) has(t string) bool {
	return slices.Contains(n.Terms, t) || slices.ContainsFunc(n.Concepts, func(c []string) bool { return slices.Contains(c, t) })
}

func allIn(terms []string, have map[string]bool) bool {
	for _, t := range terms {
		if !have[t] {
			return false
		}
	}
	return true
}
