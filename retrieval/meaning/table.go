// Package meaning gives word meaning offline: GloVe word vectors (100
// dimensions, the 150,000 most frequent words of Wikipedia 2014 + Gigaword 5,
// int8-quantized) and WordNet 3.0 relations between those words, both
// embedded in the binary and read in place, frequency-based SIF weights, a
// tokenizer matching the vocabulary, a SIF sentence embedder and a grounding
// score of a question in a vocabulary.
//
//	t := meaning.Default()
//	t.Similarity("car", "limousine")      // 0.59
//	meaning.Related("car", "limousine")   // Hyponym
//	t.SIFWeight("kim", meaning.DefaultA)  // 0.96
//	s := meaning.NewSIF(t, passages, meaning.DefaultA) // an Embedder
//	v := meaning.NewVocabulary(t, articles)
//	v.Grounding("what car did kim bring") // 0.89
//
// The data are data/glove100.bin and data/wordnet.bin, written by
// ./internal/gen (its doc gives the exact commands; the formats are in
// internal/gen/main.go and internal/gen/wordnet.go); their licences are in
// data/LICENSE-*.txt. Nothing decodes a whole table at start-up: Default
// parses the 64-byte header once and every lookup is a binary search over
// the sorted index in the embedded bytes. MEASURED.md has the figures.
//
// The package imports no other summitbot package and is not yet wired into
// cmd/summitbot.
package meaning

import (
	"bytes"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"
	"unicode/utf8"
)

//go:embed data/glove100.bin
var embedded []byte

const (
	eulerGamma = 0.57721566490153286060651209008240243104215933593992
	magic      = "SBGLOVE1"
	version    = 1
	headerSize = 64
)

// Table is a read-only word-vector table over the bytes of a glove100.bin
// file. It is safe for concurrent use.
type Table struct {
	data       []byte
	dims       int
	n          int
	vocab      int // size of the source vocabulary, for frequency estimates
	rowSize    int
	rowsOff    int
	offsOff    int
	sortedOff  int
	stringsOff int
	harmonic   float64 // H(vocab) = Σ 1/r, the Zipf normalizer
}

var (
	defaultOnce  sync.Once
	defaultTable *Table
)

// Default returns the table embedded in the binary. Only its header is parsed
// (once); a corrupt embedded file is a build error, so Default panics on it.
func Default() *Table {
	defaultOnce.Do(func() {
		t, err := Load(embedded)
		if err != nil {
			panic("meaning: embedded table: " + err.Error())
		}
		defaultTable = t
	})
	return defaultTable
}

// Load returns a Table reading b in place; b must not change afterwards. It
// checks the header and that every section lies inside b.
func Load(b []byte) (*Table, error) {
	if len(b) < headerSize || string(b[:8]) != magic {
		return nil, errors.New("not a glove table (bad magic)")
	}
	u := func(off int) int { return int(binary.LittleEndian.Uint32(b[off:])) }
	if v := u(8); v != version {
		return nil, fmt.Errorf("format version %d, want %d", v, version)
	}
	t := &Table{
		data: b, dims: u(12), n: u(16), vocab: u(20), rowSize: u(24),
		rowsOff: u(28), offsOff: u(32), sortedOff: u(36), stringsOff: u(40),
	}
	strLen := u(44)
	switch {
	case t.dims <= 0 || t.rowSize != 8+t.dims || t.n <= 0 || t.vocab < t.n:
		return nil, errors.New("bad header")
	case t.rowsOff != headerSize || t.offsOff != t.rowsOff+t.n*t.rowSize ||
		t.sortedOff != t.offsOff+(t.n+1)*4 || t.stringsOff != t.sortedOff+t.n*4 ||
		t.stringsOff+strLen != len(b) || u(t.offsOff+4*t.n) != strLen:
		return nil, errors.New("bad section offsets")
	}
	// H(V) = ln V + γ + 1/(2V) − 1/(12V²) + O(V⁻⁴): exact to float64
	// precision for V in the hundreds of thousands, without a loop.
	v := float64(t.vocab)
	t.harmonic = math.Log(v) + eulerGamma + 1/(2*v) - 1/(12*v*v)
	return t, nil
}

// Len returns the number of words in the table.
func (t *Table) Len() int { return t.n }

// Dims returns the length of the vectors.
func (t *Table) Dims() int { return t.dims }

func (t *Table) u32(off int) int { return int(binary.LittleEndian.Uint32(t.data[off:])) }

// word returns the bytes of word id, in place.
func (t *Table) word(id int) []byte {
	o := t.offsOff + 4*id
	return t.data[t.stringsOff+t.u32(o) : t.stringsOff+t.u32(o+4)]
}

// Word returns the word of id (0 ≤ id < Len; ids are in frequency order).
func (t *Table) Word(id int) string { return string(t.word(id)) }

// ID returns the id of word, by binary search over the sorted index. Words are
// matched exactly; the vocabulary is lower-case (see Tokens).
func (t *Table) ID(word string) (int, bool) {
	lo, hi := 0, t.n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		id := t.u32(t.sortedOff + 4*m)
		switch c := bytes.Compare(t.word(id), []byte(word)); {
		case c == 0:
			return id, true
		case c < 0:
			lo = m + 1
		default:
			hi = m
		}
	}
	return 0, false
}

func (t *Table) row(id int) []byte {
	o := t.rowsOff + id*t.rowSize
	return t.data[o : o+t.rowSize]
}

// rank returns the 1-based source frequency rank of id.
func (t *Table) rank(id int) int { return t.u32(t.rowsOff + id*t.rowSize) }

// Rank returns the 1-based frequency rank of word in the source vocabulary of
// 341,479 words (1 is "the", 2 is ","), and whether the table holds word.
func (t *Table) Rank(word string) (int, bool) {
	id, ok := t.ID(word)
	if !ok {
		return 0, false
	}
	return t.rank(id), true
}

// Vector returns word's vector, dequantized and scaled to unit length, in a
// new slice, and whether the table holds word.
func (t *Table) Vector(word string) ([]float32, bool) {
	id, ok := t.ID(word)
	if !ok {
		return nil, false
	}
	v := make([]float32, t.dims)
	t.addTo(v, id, 1)
	Normalize(v)
	return v, true
}

// addTo adds w × id's unit vector to v. The quantized vector is renormalized
// (in float64) so that every word weighs what w says.
func (t *Table) addTo(v []float32, id int, w float64) {
	q := t.row(id)[8:]
	var ss int64
	for _, b := range q {
		x := int64(int8(b))
		ss += x * x
	}
	if ss == 0 {
		return
	}
	k := w / math.Sqrt(float64(ss))
	for i, b := range q {
		v[i] += float32(float64(int8(b)) * k)
	}
}

// cosine returns the cosine of two ids' vectors, exactly from the int8 values
// (the per-word scales cancel).
func (t *Table) cosine(a, b int) float64 {
	qa, qb := t.row(a)[8:], t.row(b)[8:]
	var dot, na, nb int64
	for i := range qa {
		x, y := int64(int8(qa[i])), int64(int8(qb[i]))
		dot += x * y
		na += x * x
		nb += y * y
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return float64(dot) / math.Sqrt(float64(na)*float64(nb))
}

// Similarity returns the cosine of the vectors of a and b, 1 when a == b, and
// 0 when the table lacks either word.
func (t *Table) Similarity(a, b string) float64 {
	if a == b {
		return 1
	}
	ia, ok := t.ID(a)
	if !ok {
		return 0
	}
	ib, ok := t.ID(b)
	if !ok {
		return 0
	}
	return t.cosine(ia, ib)
}

// RankID is Rank for a word's table id (see ID).
func (t *Table) RankID(id int) int { return t.rank(id) }

// SimilarityIDs is Similarity for two words' table ids (see ID).
func (t *Table) SimilarityIDs(a, b int) float64 {
	if a == b {
		return 1
	}
	return t.cosine(a, b)
}

// Prob estimates the unigram probability of word from its frequency rank by
// Zipf's law: p(r) = 1 / (r · H(V)), where V is the source vocabulary size
// (341,479) and H(V) = Σ_{k≤V} 1/k ≈ 13.3, so p sums to 1 over the source
// vocabulary. A word the table lacks gets the probability of the rarest
// word, p(V): it is taken to be as specific as any word can be. Except a
// one-character word: the source dropped them all, and the ones that occur
// in text on their own, "a" and "i", are among the most frequent English
// words, so every one-character word is given rank 10 (SIF weight ≈ 0.12).
func (t *Table) Prob(word string) float64 {
	r, ok := t.Rank(word)
	if !ok {
		r = t.vocab
		if utf8.RuneCountInString(word) == 1 {
			r = oneCharRank
		}
	}
	return t.probRank(r)
}

// oneCharRank is the rank Prob assumes for a one-character word.
const oneCharRank = 10

func (t *Table) probRank(r int) float64 { return 1 / (float64(r) * t.harmonic) }

// SIFWeight returns the smooth inverse frequency weight a / (a + p(word)) of
// Arora, Liang and Ma (2017), with p from Prob. With a = 1e-3: "the" ≈ 0.013,
// "said" (rank 15) ≈ 0.17, rank 100 ≈ 0.57, rank 1,000 ≈ 0.93, unknown ≈ 1.
func (t *Table) SIFWeight(word string, a float64) float64 {
	return a / (a + t.Prob(word))
}

func (t *Table) sifWeightID(id int, a float64) float64 {
	return a / (a + t.probRank(t.rank(id)))
}

// Normalize scales v in place to unit L2 norm. It reports false, and leaves
// v all zeros, when v has no length to scale (all zeros, or not finite).
// The float64 conversions forbid fusing the multiply and the add into an
// FMA, which arm64 would do and amd64 would not: vectors must be the same on
// every machine. The search package's embedders use it too.
func Normalize(v []float32) bool {
	var sum float64
	for _, x := range v {
		sum += float64(float64(x) * float64(x))
	}
	if sum == 0 || math.IsInf(sum, 0) || math.IsNaN(sum) {
		clear(v)
		return false
	}
	inv := 1 / math.Sqrt(sum)
	for i, x := range v {
		v[i] = float32(float64(x) * inv)
	}
	return true
}
