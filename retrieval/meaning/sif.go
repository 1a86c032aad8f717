package meaning

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
)

// DefaultA is the SIF smoothing constant a that Arora, Liang and Ma (2017)
// found to work across tasks (they report 1e-3 to 1e-4 as best).
const DefaultA = 1e-3

// powerIterations bounds the estimate of the first principal component.
const powerIterations = 100

// SIF is the smooth-inverse-frequency sentence embedder of Arora, Liang and
// Ma, "A Simple but Tough-to-Beat Baseline for Sentence Embeddings" (ICLR
// 2017): a text's vector is the average of its words' unit vectors, each
// weighted a / (a + p(w)) (Table.SIFWeight), minus its projection on the first
// principal component of the fit texts' averages (the direction common to all
// texts, mostly syntax and frequent words), scaled to unit length.
//
// It implements the project's Embedder interface (retrieval.Embedder):
// unit-length vectors, and an all-zero vector for a text with no word (empty,
// punctuation, emoji). A word the table lacks gets a pseudo-random vector
// from its spelling (see average).
// Output is deterministic: the same table, fit texts and a give the same bits.
// It is safe for concurrent use.
type SIF struct {
	t     *Table
	a     float64
	pc    []float64 // unit first principal component, nil when not fitted
	model string
}

// NewSIF returns a SIF embedder over t with smoothing a (DefaultA if a ≤ 0).
// The first principal component is estimated on fitTexts by power iteration
// (deterministic start, fixed number of steps); with no usable fit text it is
// not removed.
func NewSIF(t *Table, fitTexts []string, a float64) *SIF {
	if a <= 0 {
		a = DefaultA
	}
	s := &SIF{t: t, a: a}
	var rows [][]float64
	for _, text := range fitTexts {
		if v, ok := s.average(text); ok {
			rows = append(rows, v)
		}
	}
	s.pc = firstComponent(rows, t.dims)
	s.model = s.name()
	return s
}

// Model names the model, its version, what it was fitted to and its
// dimensions: "sif-glove100-v1-<fit>/100", where <fit> is the first 8 hex
// digits of the SHA-256 of a and the removed component ("nopc" when none was
// removed). Embedders fitted to different texts give different vectors, so
// they get different names, and a cache keyed by Model never mixes them.
func (s *SIF) Model() string { return s.model }

func (s *SIF) name() string {
	if s.pc == nil {
		return fmt.Sprintf("sif-glove100-v1-nopc/%d", s.t.dims)
	}
	h := sha256.New()
	var b [8]byte
	for _, x := range append([]float64{s.a}, s.pc...) {
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(x))
		h.Write(b[:])
	}
	return fmt.Sprintf("sif-glove100-v1-%x/%d", h.Sum(nil)[:4], s.t.dims)
}

// Embed returns one unit vector per text, in order.
func (s *SIF) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, text := range texts {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		out[i] = s.embed(text)
	}
	return out, nil
}

func (s *SIF) embed(text string) []float32 {
	v := make([]float32, s.t.dims)
	avg, ok := s.average(text)
	if !ok {
		return v
	}
	if s.pc != nil {
		var dot float64
		for i, x := range avg {
			dot += float64(x * s.pc[i])
		}
		for i := range avg {
			avg[i] -= float64(dot * s.pc[i])
		}
	}
	for i, x := range avg {
		v[i] = float32(x)
	}
	Normalize(v)
	return v
}

// average returns the SIF-weighted average of text's word vectors, and
// false when text has no word. A word the table lacks ("vostochny", "2023",
// "ракета") gets a pseudo-random unit vector derived from its spelling
// (addHashed): unrelated to every other word, but the same in a question and
// a passage, so rare names and numbers still match exactly, and a text of
// unknown words still gets a unit vector.
func (s *SIF) average(text string) ([]float64, bool) {
	acc := make([]float32, s.t.dims)
	n := 0
	for _, w := range s.t.Tokens(text) {
		if id, ok := s.t.ID(w); ok {
			s.t.addTo(acc, id, s.t.sifWeightID(id, s.a))
		} else {
			addHashed(acc, w, s.t.SIFWeight(w, s.a))
		}
		n++
	}
	if n == 0 {
		return nil, false
	}
	v := make([]float64, len(acc))
	for i, x := range acc {
		v[i] = float64(x) / float64(n)
	}
	return v, true
}

// firstComponent returns the unit first right singular vector of rows (the
// first principal component without centring, as in the SIF paper), by power
// iteration on rowsᵀrows from the all-ones direction; nil if rows is empty.
func firstComponent(rows [][]float64, dims int) []float64 {
	if len(rows) == 0 {
		return nil
	}
	u := make([]float64, dims)
	for i := range u {
		u[i] = 1 / math.Sqrt(float64(dims))
	}
	next := make([]float64, dims)
	for range powerIterations {
		clear(next)
		for _, r := range rows {
			var p float64
			for i, x := range r {
				p += float64(x * u[i])
			}
			for i, x := range r {
				next[i] += float64(p * x)
			}
		}
		var ss float64
		for _, x := range next {
			ss += float64(x * x)
		}
		if ss == 0 {
			return nil
		}
		inv := 1 / math.Sqrt(ss)
		for i, x := range next {
			u[i] = x * inv
		}
	}
	return u
}

// addHashed adds w × a pseudo-random unit vector determined by word to v:
// FNV-1a of the word seeds splitmix64, whose outputs are mapped to [-1, 1).
// Integer arithmetic throughout, so it is the same on every machine.
func addHashed(v []float32, word string, w float64) {
	h := uint64(14695981039346656037)
	for i := 0; i < len(word); i++ {
		h ^= uint64(word[i])
		h *= 1099511628211
	}
	x := make([]float64, len(v))
	var ss float64
	for i := range x {
		h += 0x9e3779b97f4a7c15
		z := h
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		z ^= z >> 31
		x[i] = float64(z>>11)/(1<<52) - 1
		ss += float64(x[i] * x[i])
	}
	k := w / math.Sqrt(ss)
	for i := range v {
		v[i] += float32(x[i] * k)
	}
}
