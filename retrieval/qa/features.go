package qa

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/summitbot/summitbot/retrieval/meaning"
)

// Meaning is what the judge knows of words: the GloVe table, the articles'
// vocabulary, SIF sentence vectors fitted on the articles, and WordNet.
type Meaning struct {
	table *meaning.Table
	vocab *meaning.Vocabulary
	sif   *meaning.SIF
	rel   *meaning.Relations
	names map[string]bool // the articles' names, lower-cased (namesOf)
	// sentences are the words of each of the articles' sentences, the
	// parts of a hyphenated word among them ("nuclear", "powered"), and
	// principals the names that a large share of them mention (principalsOf).
	sentences  [][]string
	principals map[string]bool

	// Set by session, for one question.
	ids    map[string]int
	covers map[[2]string]float64
}

// NewMeaning builds the word-meaning view of a corpus from its texts (the
// articles' sentences).
func NewMeaning(texts []string) *Meaning {
	t := meaning.Default()
	m := &Meaning{
		table: t,
		vocab: meaning.NewVocabulary(t, texts),
		sif:   meaning.NewSIF(t, texts, meaning.DefaultA),
		rel:   meaning.DefaultRelations(),
		names: namesOf(texts),
	}
	for _, text := range texts {
		words := t.Tokens(text)
		for _, w := range words {
			if strings.Contains(w, "-") {
				words = append(words, strings.Split(w, "-")...)
			}
		}
		m.sentences = append(m.sentences, words)
	}
	m.principals = principalsOf(m.names, m.sentences)
	return m
}

// principalShare is the share of the articles' sentences a name must be
// in to be a principal.
const principalShare = 0.1

// principalsOf returns the names that at least principalShare of the
// sentences mention: the two leaders and their countries, whom a sentence
// as often calls "the two men" or "the North Korean leader".
func principalsOf(names map[string]bool, sentences [][]string) map[string]bool {
	count := map[string]int{}
	for _, s := range sentences {
		seen := map[string]bool{}
		for _, w := range s {
			if names[w] && !seen[w] {
				seen[w] = true
				count[w]++
			}
		}
	}
	out := map[string]bool{}
	for w, n := range count {
		if float64(n) >= principalShare*float64(len(sentences)) {
			out[w] = true
		}
	}
	return out
}

// namesOf returns the words the texts write capitalised inside a sentence,
// lower-cased: the names of the people, places and bodies they mention
// ("putin", "vostochny", "pyongyang", "kremlin"), and the common words of
// longer names ("far" of "Far East", "world" of "World Institute").
// Leaving the common words out was measured: it lost more refusals of
// general questions ("whats the fastest way to learn korean" sits nearest
// "world") than the false refusals it saved.
func namesOf(texts []string) map[string]bool {
	names := map[string]bool{}
	for _, text := range texts {
		for i, w := range strings.Fields(text) {
			w = strings.Trim(w, `.,;:!?"“”‘’()[]—-`)
			if i == 0 || w == "" || !unicode.IsUpper([]rune(w)[0]) {
				continue
			}
			w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
			names[strings.ToLower(w)] = true
		}
	}
	return names
}

// Facts are what the judge reads of one question and the best sentences
// scoring found for it.
type Facts struct {
	Question string   // as analysed: cleaned and corrected
	Plain    string   // Question without its alias mentions (Analysis.Plain); Question when empty
	Lead     string   // the best-scoring sentence
	Top      []string // the best few sentences, Lead first
	Passages []string // the passages of the best few sentences
	Read     []string // every sentence of the retrieved passages
	Evidence float64  // the keyword evidence: the question's rarity-weighted terms covered by the best fitting sentence and its passage
	// Unheard is set when the question asks what someone said
	// (Analysis.Speaker) and no sentence of the retrieved passages gives
	// their words.
	Unheard bool
	// Advice is set when the question asks for advice or instructions
	// for the asker (Analysis.Advice).
	Advice bool
}

// FeatureNames name the judge's features, in the order Features returns
// them. Each is a family of evidence that the articles answer a question.
var FeatureNames = []string{
	"grounding",       // how well the question's words, weighted by specificity, sit in the articles' vocabulary
	"absent",          // specific words, names and numbers of the question that no article has
	"lead_similarity", // SIF cosine of the question and the lead sentence
	"focus",           // the question's weighted words the lead sentence covers, directly or by a meaning bridge
	"top_focus",       // the same over the best few sentences together
	"evidence",        // the keyword evidence
	"weakest",         // the least-covered specific word of the question, over the best few sentences
	"absent_near",     // rare words and numbers of the question that the best sentences' passages lack
	"focus_exact",     // the question's weighted words the best few sentences hold as such (same stem), no meaning bridge
	"missing",         // specific terms of the question the articles hold in no form (see MissingTerms)
	"premise",         // 0 when the question takes for granted an event whose verb the retrieved passages never use (see PremiseVerb), or states a claim no sentence of the articles holds (see Claims)
	"heard",           // 0 when the question asks what someone said and the retrieved passages never give their words
	"advice",          // 1 when the question asks how the asker can do something or what they should do (Analysis.Advice)
}

// FeatureSigns gives the sign each feature's weight may take in the
// fitted judge (see FitLogistic): more grounding, similarity, coverage or
// evidence can only speak for an answer, and more of the question missing
// from the articles only against. Without them the fit on the eval set
// gave grounding, weakest and absent_near the wrong sign (each moves with
// a stronger feature), and a question as far from the articles as "best
// pizza topping?" was answered although its words sit badly in the
// articles' vocabulary.
var FeatureSigns = map[string]int{
	"grounding": +1, "absent": -1, "lead_similarity": +1, "focus": +1, "top_focus": +1,
	"evidence": +1, "weakest": +1, "absent_near": -1, "focus_exact": +1, "missing": -1,
	"premise": +1, "heard": +1, "advice": -1,
}

// Features returns the judge's feature values for f, in the order of
// FeatureNames.
func (m *Meaning) Features(f Facts) []float64 {
	m = m.session()
	words := m.table.Tokens(f.Question)
	qv, _ := m.sif.Embed(context.Background(), []string{f.Question, f.Lead})
	lead := m.table.Tokens(f.Lead)
	var top, near []string
	for _, s := range f.Top {
		top = append(top, m.table.Tokens(s)...)
	}
	for _, p := range f.Passages {
		near = append(near, m.table.Tokens(p)...)
	}
	return []float64{
		m.vocab.Grounding(f.Question),
		m.absent(words),
		float64(dot32(qv[0], qv[1])),
		m.focus(words, lead),
		m.focus(words, top),
		f.Evidence,
		m.weakest(words, top),
		m.absentNear(words, near),
		m.focusExact(words, top),
		float64(min(len(m.MissingTerms(cmp.Or(f.Plain, f.Question))), 3)),
		m.premiseHeld(f.Question, f.Read),
		oneIf(!f.Unheard),
		oneIf(f.Advice),
	}
}

func oneIf(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// rare is the frequency rank past which a word names something specific
// (a place, a person, a term of art): "vladivostok", "kursk", "tie".
const rare = 8000

// absentNear counts the question's rare words and numbers that the
// passages the answer would quote from lack (as such or by stem): "what
// did they agree in vladivostok in 2019" is not answered by passages
// about 2023 that never say 2019, though other passages do.
func (m *Meaning) absentNear(question, passages []string) float64 {
	have := make(map[string]bool, len(passages))
	for _, w := range passages {
		have[w] = true
	}
	n := 0.0
	for _, w := range question {
		if !isFigure(w) {
			if r, ok := m.table.Rank(w); ok && r < rare {
				continue
			}
		}
		if have[w] || slices.ContainsFunc(passages, func(p string) bool { return sameStem(w, p) }) {
			continue
		}
		if _, c := m.vocab.Nearest(w); c < 1 && !isFigure(w) && c >= 0.8 {
			continue // a misspelling of an article word: the question's typo
		}
		n++
	}
	return min(n, 3)
}

// focusExact is focus with no meaning bridge: the same word or stem only.
func (m *Meaning) focusExact(question, sentence []string) float64 {
	return m.coverage(question, sentence, func(w, s string) float64 {
		if s == w || sameStem(w, s) {
			return 1
		}
		return 0
	})
}

// weakest is how well the best few sentences cover the question's
// least-covered specific word: a question about Kim's gift is not answered
// by sentences about Kim and Putin that never mention a gift, however well
// they cover the rest.
func (m *Meaning) weakest(question, sentence []string) float64 {
	low := 1.0
	for _, w := range question {
		if m.table.SIFWeight(w, meaning.DefaultA) < specific && !isFigure(w) {
			continue
		}
		best := 0.0
		for _, s := range sentence {
			best = max(best, m.cover(w, s))
		}
		low = min(low, best)
	}
	return low
}

// specific is the SIF weight above which a word is specific enough that a
// question naming it asks about it: roughly outside the 400 commonest words.
const specific = 0.8

// absent counts the specific words of a question that the articles lack: a
// number not in them, or a word with no article word near it in meaning or
// spelling. "who won the world cup" names "cup"; "what did kim say at the
// 2019 summit" names "2019". A misspelling of one of their words ("frist",
// "kims" and "chinas" typed without their apostrophe) or an "-ing" typed
// without its g is theirs: counted, it made a chat question look as far
// from the articles as a question on another subject, and the feature
// told neither apart.
func (m *Meaning) absent(words []string) float64 {
	n := 0.0
	for _, w := range words {
		if isFigure(w) {
			if near, _ := m.vocab.Nearest(w); near != w {
				n++
			}
			continue
		}
		if m.table.SIFWeight(w, meaning.DefaultA) < specific {
			continue
		}
		if _, c := m.vocab.Nearest(w); c < 0.45 && !m.spelledLikeTheirs(w) && !m.droppedG(w) {
			n++
		}
	}
	return min(n, 3)
}

// focus is the SIF-weighted share of the question's words that the
// sentence words cover: the same word, a word of the same stem, or a word
// near in meaning (GloVe cosine, or a WordNet synonym, hypernym or
// derivation). An antonym covers nothing.
func (m *Meaning) focus(question, sentence []string) float64 {
	return m.coverage(question, sentence, m.cover)
}

// coverage is the SIF-weighted share of the question's words that the
// sentence words cover, each word as well as its best cover says.
func (m *Meaning) coverage(question, sentence []string, cover func(w, s string) float64) float64 {
	var got, total float64
	for _, w := range question {
		wt := m.table.SIFWeight(w, meaning.DefaultA)
		total += wt
		best := 0.0
		for _, s := range sentence {
			if best = max(best, cover(w, s)); best == 1 {
				break
			}
		}
		got += wt * best
	}
	if total == 0 {
		return 0
	}
	return got / total
}

// session returns a copy of m that remembers, for one question, the
// table ids of words and how far one word covers another: the features
// relate the same pairs several times, and each lookup is a binary search
// of the table.
func (m *Meaning) session() *Meaning {
	c := *m
	c.ids = map[string]int{}
	c.covers = map[[2]string]float64{}
	return &c
}

// id returns word's table id, or -1.
func (m *Meaning) id(w string) int {
	if m.ids == nil {
		if id, ok := m.table.ID(w); ok {
			return id
		}
		return -1
	}
	id, ok := m.ids[w]
	if !ok {
		if id, ok = m.table.ID(w); !ok {
			id = -1
		}
		m.ids[w] = id
	}
	return id
}

// cover says how far sentence word s covers question word w, 0..1.
func (m *Meaning) cover(w, s string) float64 {
	if w == s || sameStem(w, s) {
		return 1
	}
	if m.common(w) || m.common(s) {
		return 0 // "the", "did", "what": nothing to bridge, only to match
	}
	if m.covers == nil {
		return m.coverIDs(m.id(w), m.id(s))
	}
	k := [2]string{w, s}
	c, ok := m.covers[k]
	if !ok {
		c = m.coverIDs(m.id(w), m.id(s))
		m.covers[k] = c
	}
	return c
}

// unbridgedRank is the frequency rank within which a word is too common to be
// bridged by meaning to another: function words and the commonest verbs.
const unbridgedRank = 150

// common reports whether w is one of the unbridgedRank commonest words.
func (m *Meaning) common(w string) bool {
	id := m.id(w)
	return id >= 0 && m.table.RankID(id) <= unbridgedRank
}

// coverIDs is cover for two table ids (-1: not in the table).
func (m *Meaning) coverIDs(a, b int) float64 {
	if a < 0 || b < 0 {
		return 0
	}
	switch m.rel.RelatedIDs(a, b) {
	case meaning.Antonym:
		return 0
	case meaning.Synonym, meaning.Same:
		return 0.95
	case meaning.Hypernym, meaning.Hyponym, meaning.Derivation:
		return 0.85
	}
	if c := m.table.SimilarityIDs(a, b); c >= 0.6 {
		return c
	}
	return 0
}

// sameStem reports whether two words share a stem: one is the other plus
// a common suffix, or both are long and share all but their last letters
// ("meet"/"meeting", "arrive"/"arrived", "russia"/"russian").
func sameStem(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(a) < 4 {
		return false
	}
	p := len(a) - 1
	if len(a) >= 6 {
		p = len(a) - 2
	}
	return strings.HasPrefix(b, a[:p]) && len(b)-p <= 4
}

// isFigure reports whether w is a number as the tokenizer keeps it:
// "2019", "1,000", "42.7".
func isFigure(w string) bool {
	return w != "" && strings.IndexFunc(w, func(r rune) bool { return !unicode.IsDigit(r) && r != ',' && r != '.' }) < 0
}

func dot32(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	if math.IsNaN(s) {
		return 0
	}
	return s
}

// commonName is the frequency rank within which a word is taken for an
// ordinary word even when it sits near a name.
const commonName = 3000

// spelledLikeTheirs reports whether w is a misspelling of one of the
// articles' words (see misspelling), though a word of its own: "marshall"
// for "marshal", "oficial" (Spanish) for "official".
func (m *Meaning) spelledLikeTheirs(w string) bool {
	return slices.ContainsFunc(m.vocab.Words(), func(v string) bool { return misspelling(w, v) })
}

// droppedG reports whether w is an "-ing" written without its g, as chat
// writes it ("runnin", "tryin"): the table holds the word with the g.
func (m *Meaning) droppedG(w string) bool {
	if !strings.HasSuffix(w, "in") || len(w) < 5 {
		return false
	}
	_, ok := m.table.ID(w + "g")
	return ok
}

// prefixOfTheirs reports whether w (of five letters or more) begins one of
// the articles' words of five letters or more ("kazakh" of "kazakhstan"),
// or one of those begins w: a name and the word for its people or
// language.
func (m *Meaning) prefixOfTheirs(w string) bool {
	if len(w) < 5 {
		return false
	}
	return slices.ContainsFunc(m.vocab.Words(), func(v string) bool {
		return len(v) >= 5 && (strings.HasPrefix(v, w) || strings.HasPrefix(w, v))
	})
}

// compoundOfTheirs reports whether w is a hyphenated compound of words the
// articles hold ("soviet-style").
func (m *Meaning) compoundOfTheirs(w string) bool {
	parts := strings.Split(w, "-")
	if len(parts) < 2 {
		return false
	}
	for _, p := range parts {
		if near, _ := m.vocab.Nearest(p); near != p && p != "style" && p != "like" && p != "era" {
			return false
		}
	}
	return true
}

// ordinaryName reports whether name, a word the articles capitalise, is
// an ordinary English word too (within commonName): "far" of "Far East",
// "democratic" of "Democratic People's Republic", "world" of "World
// Institute". A word WordNet knows as an ordinary word that sits nearest
// such a name ("anywhere" nearest "far", "whip" nearest "democratic") is
// no name of the articles' kind; one it does not know ("biden" nearest
// "president") may well be.
func (m *Meaning) ordinaryName(name string) bool {
	r, ok := m.table.Rank(name)
	return ok && r < commonName
}

// MissingTerms returns the specific terms of a question that the articles
// hold in no form: numbers they never state, and names of the kind they
// mention that they never mention: a word they lack (nor a misspelling or
// other spelling of one of theirs) whose nearest word of theirs in meaning
// is one of their names. "hanoi" sits nearest "pyongyang", "kursk" nearest
// a Russian or Ukrainian place: another city, another summit, another
// event. A rare word that is no name ("gonna", "stockpiled") sits nearest
// an ordinary word and is not a missing term. A word WordNet knows only as
// a name ("australia", "tolstoy", "wednesday") is missing whenever they
// lack it, however common it is.
func (m *Meaning) MissingTerms(question string) []string {
	var out []string
	for _, w := range m.table.Tokens(question) {
		if len(w) <= 1 && !isFigure(w) {
			continue
		}
		near, c := m.vocab.Nearest(w)
		if base, ok := strings.CutSuffix(w, "s"); ok && near != w {
			if b, _ := m.vocab.Nearest(base); b == base {
				near = w // "kims", "japans": a possessive typed without its apostrophe
			}
		}
		if near == w || m.compoundOfTheirs(w) || (!isFigure(w) && m.spelledLikeTheirs(w)) {
			continue // theirs, or a misspelling of theirs: "marshall", "oficial"
		}
		if m.prefixOfTheirs(w) {
			continue // "kazakh" of their "kazakhstan"
		}
		if m.rel.ProperName(w) && c < 0.8 && !sameStem(w, near) {
			out = append(out, w) // a name they never mention: "australia", "tolstoy", "tuesday"
			continue
		}
		if !isFigure(w) {
			if r, ok := m.table.Rank(w); ok && r < commonName {
				continue // "founded", "middle": too common to name a thing
			}
			if m.droppedG(w) {
				continue // "runnin"
			}
			if c >= 0.8 || !m.names[near] || m.ordinaryName(near) && m.rel.Ordinary(w) {
				continue // a spelling of one of their words, or no name at all
			}
		}
		out = append(out, w)
	}
	return out
}
