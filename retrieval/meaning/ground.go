package meaning

import (
	"maps"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// Vocabulary is the set of distinct words of some texts (the articles), for
// measuring how well a question's words are grounded in them.
type Vocabulary struct {
	// A is the SIF constant of the word weights in Grounding; NewVocabulary
	// sets DefaultA.
	A     float64
	t     *Table
	words map[string]bool
	list  []string  // the words, sorted
	ids   []int     // the words that have vectors
	vecs  []int8    // their quantized vectors, dims each, contiguous
	norms []float64 // their quantized vectors' L2 norms

	// nearest caches Nearest's answers: a question's common words recur
	// in every question, and each costs a scan of the vocabulary. At most
	// nearestCacheSize words are kept, so odd input cannot grow it.
	nearest sync.Map // word → nearestResult
	cached  atomic.Int64
}

type nearestResult struct {
	word string
	cos  float64
}

// nearestCacheSize bounds the Nearest cache.
const nearestCacheSize = 50_000

// NewVocabulary collects the words of texts, tokenized with t.Tokens.
func NewVocabulary(t *Table, texts []string) *Vocabulary {
	v := &Vocabulary{A: DefaultA, t: t, words: map[string]bool{}}
	for _, text := range texts {
		for _, w := range t.Tokens(text) {
			if v.words[w] {
				continue
			}
			v.words[w] = true
			if id, ok := t.ID(w); ok {
				v.ids = append(v.ids, id)
				var ss int64
				for _, b := range t.row(id)[8:] {
					v.vecs = append(v.vecs, int8(b))
					ss += int64(int8(b)) * int64(int8(b))
				}
				v.norms = append(v.norms, math.Sqrt(float64(ss)))
			}
		}
	}
	v.list = slices.Sorted(maps.Keys(v.words))
	return v
}

// Words returns the distinct words, sorted. The slice is shared: do not
// modify it.
func (v *Vocabulary) Words() []string { return v.list }

// Len returns the number of distinct words.
func (v *Vocabulary) Len() int { return len(v.words) }

// Nearest returns the vocabulary word nearest to word and their cosine:
// word itself and 1 for a word of the vocabulary. A word the table lacks is
// taken for a misspelling of the vocabulary word it is closest to in edit
// distance, when that is 1 (words of 4+ letters) or 2 (7+ letters), with the
// same first letter ("secratary" → "secretary"), at cosine 1 − 0.1 × the
// distance; otherwise it gets "" and 0. So does a word no vocabulary word is
// positively similar to.
func (v *Vocabulary) Nearest(word string) (string, float64) {
	if v.words[word] {
		return word, 1
	}
	if r, ok := v.nearest.Load(word); ok {
		r := r.(nearestResult)
		return r.word, r.cos
	}
	w, c := v.scan(word)
	if v.cached.Load() < nearestCacheSize {
		if _, loaded := v.nearest.LoadOrStore(word, nearestResult{w, c}); !loaded {
			v.cached.Add(1)
		}
	}
	return w, c
}

// scan is Nearest without the cache.
func (v *Vocabulary) scan(word string) (string, float64) {
	id, ok := v.t.ID(word)
	if !ok {
		return v.misspelt(word)
	}
	q := v.t.row(id)[8:]
	var ss int64
	for _, b := range q {
		ss += int64(int8(b)) * int64(int8(b))
	}
	if ss == 0 {
		return "", 0
	}
	qn := math.Sqrt(float64(ss))
	dims := v.t.dims
	best, bestID := 0.0, -1
	for k, j := range v.ids {
		row := v.vecs[k*dims : (k+1)*dims]
		row = row[:len(q)]
		var dot int32
		for i, b := range q {
			dot += int32(int8(b)) * int32(row[i])
		}
		if c := float64(dot) / (qn * v.norms[k]); c > best && v.norms[k] > 0 {
			best, bestID = c, j
		}
	}
	if bestID < 0 {
		return "", 0
	}
	return v.t.Word(bestID), best
}

// Grounding returns the SIF-weighted mean, over the words of question, of
// each word's Nearest cosine to the vocabulary, weights SIFWeight(w, v.A):
// frequent words ("the", "what", "did") count little, specific ones fully. A
// word the table lacks counts fully and grounds only if it is itself in the
// vocabulary, so a name or number the articles never mention pulls the
// score down. It is in [0, 1]; 0 for a question with no words.
func (v *Vocabulary) Grounding(question string) float64 {
	var sum, weights float64
	for _, w := range v.t.Tokens(question) {
		wt := v.t.SIFWeight(w, v.A)
		_, c := v.Nearest(w)
		sum += wt * c
		weights += wt
	}
	if weights == 0 {
		return 0
	}
	return sum / weights
}

// Grounding is NewVocabulary(Default(), vocab).Grounding(question), for one-off
// use; build a Vocabulary once to score many questions.
func Grounding(question string, vocab []string) float64 {
	return NewVocabulary(Default(), vocab).Grounding(question)
}

// misspelt returns the vocabulary word word is likely a misspelling of (see
// Nearest), preferring the smaller distance, then the first in sorted order.
func (v *Vocabulary) misspelt(word string) (string, float64) {
	n := utf8.RuneCountInString(word)
	limit := 0
	switch {
	case n >= 7:
		limit = 2
	case n >= 4:
		limit = 1
	default:
		return "", 0
	}
	best, bestD := "", limit+1
	first, _ := utf8.DecodeRuneInString(word)
	for w := range v.words {
		if r, _ := utf8.DecodeRuneInString(w); r != first {
			continue
		}
		if d := EditDistance(word, w, limit); d < bestD || (d == bestD && w < best) {
			best, bestD = w, d
		}
	}
	if best == "" || bestD > limit {
		return "", 0
	}
	return best, 1 - 0.1*float64(bestD)
}

// EditDistance returns the optimal-string-alignment distance of a and b in
// runes (insertions, deletions, substitutions and adjacent transpositions),
// or limit+1 when it exceeds limit, which it stops at. Spelling correction
// here and qa's spelling variants use it.
func EditDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			c := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				c = min(c, prev2[j-2]+1)
			}
			cur[j] = c
			rowMin = min(rowMin, c)
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
