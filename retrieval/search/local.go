package search

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/registry"
	porterstemmer "github.com/blevesearch/go-porterstemmer"

	"github.com/summitbot/summitbot/retrieval/meaning"
)

// DefaultLocalDims is the vector length NewLocalEmbedder uses for dims <= 0.
// A passage of ~45 content words sets ~1,000 features, most of them
// character n-grams. On corpus/eval.yaml's questions over passages of three
// sentences, 2048 dimensions ranked gold passages better than 1024 (fewer
// collisions) and as well as 4096; vectors of 8 KiB each are nothing at a few
// hundred passages.
const DefaultLocalDims = 2048

// localVersion names the feature set and weights. Change it whenever either
// changes: it is part of Model and so of every cache key.
const localVersion = "local-hash-v1"

// Feature kinds and their weights. A weight multiplies sqrt(tf) of a feature:
// sublinear like bleve's tf, and unlike math.Log exactly rounded on every
// architecture, so vectors are bit-identical everywhere.
//
// Words carry the meaning. Character n-grams of 3 to 5 runes of each word let
// a misspelt or differently inflected word ("cosmodrom", "Vostochy") still
// share most features with the right one; a word of 7 letters has 18 of them,
// so at 0.25 each they weigh about as much, in squared norm, as the word.
// Bigrams of stems reward passages that use the question's phrase ("ballistic
// missile"); on the evaluation set they helped little and at 0.6 or more
// they hurt, hence their low weight.
//
// Not used: an IDF table fitted on the passages. It made the vector ranking
// alone better but the fused ranking worse (recall@5 of RRF 0.91 → 0.85), as
// it turns the vectors into a second, weaker BM25 instead of a complement.
const (
	kindWord   = 0
	kindBigram = 1
	kindGram   = 2

	weightWord   = 1.0
	weightBigram = 0.3
	weightGram   = 0.25

	minGram = 3
	maxGram = 5
)

var kindWeight = [...]float64{kindWord: weightWord, kindBigram: weightBigram, kindGram: weightGram}

// LocalEmbedder is an Embedder that needs no model file and no network: it
// hashes lexical features of a text (stemmed words, word bigrams, character
// n-grams) into a fixed number of dimensions with signed feature hashing.
// It knows no synonyms; what it adds to BM25 is tolerance of spelling and
// inflection. Its vectors are the same in every process and on every machine.
//
// A LocalEmbedder is safe for concurrent use.
type LocalEmbedder struct {
	dims int
	stop analysis.TokenMap // bleve's English stop words
	bufs sync.Pool         // *embedBuf
}

// embedBuf is scratch space for one Embed call of one text.
type embedBuf struct {
	feats  []uint64 // feature hashes, repeats included
	keys   []uint64 // the counting table of embedOne
	counts []uint32
	lower  []byte // the word in lower case
	word   []byte // the word being cut into n-grams, framed
	cuts   []int  // where its runes start
	runes  []rune // the word being stemmed
}

// NewLocalEmbedder returns a LocalEmbedder of dims dimensions, or of
// DefaultLocalDims if dims <= 0.
func NewLocalEmbedder(dims int) *LocalEmbedder {
	if dims <= 0 {
		dims = DefaultLocalDims
	}
	stop, err := registry.NewCache().TokenMapNamed(en.StopName)
	if err != nil {
		// The stop list is compiled into bleve; failing to load it is a bug.
		panic(fmt.Sprintf("retrieval: load English stop words: %v", err))
	}
	return &LocalEmbedder{
		dims: dims,
		stop: stop,
		bufs: sync.Pool{New: func() any { return new(embedBuf) }},
	}
}

// Model identifies the feature set and the dimensions.
func (e *LocalEmbedder) Model() string { return fmt.Sprintf("%s/%d", localVersion, e.dims) }

// Dims returns the length of the vectors.
func (e *LocalEmbedder) Dims() int { return e.dims }

// Embed returns one vector per text, each of unit length, or all zeros for a
// text without a single word that is not a stop word.
func (e *LocalEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("local embed: %w", err)
	}
	buf := e.bufs.Get().(*embedBuf)
	defer e.bufs.Put(buf)
	out := make([][]float32, len(texts))
	// One backing array for all vectors: fewer allocations, and the vectors of
	// a batch stay together in memory.
	backing := make([]float32, len(texts)*e.dims)
	for i, text := range texts {
		if i%64 == 63 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("local embed: %w", err)
			}
		}
		v := backing[i*e.dims : (i+1)*e.dims : (i+1)*e.dims]
		e.embedOne(buf, text, v)
		out[i] = v
	}
	return out, nil
}

// embedOne writes the unit vector of text into v, which is all zeros.
func (e *LocalEmbedder) embedOne(buf *embedBuf, text string, v []float32) {
	feats := e.features(buf, text)
	// Count each feature's occurrences in an open-addressing table at most
	// half full: cheaper than sorting the ~1,000 hashes of a passage. Its
	// order, and so the order of the additions below, depends only on text.
	size := 1 << bits.Len(uint(2*len(feats)))
	if cap(buf.keys) < size {
		buf.keys, buf.counts = make([]uint64, size), make([]uint32, size)
	}
	keys, counts := buf.keys[:size], buf.counts[:size]
	clear(counts)
	mask := uint64(size - 1)
	for _, h := range feats {
		i := (h >> 32) & mask
		for counts[i] != 0 && keys[i] != h {
			i = (i + 1) & mask
		}
		keys[i] = h
		counts[i]++
	}
	dims := uint64(e.dims)
	for i, c := range counts {
		if c == 0 {
			continue
		}
		h := keys[i]
		w := kindWeight[h&3] * math.Sqrt(float64(c))
		// The top bit picks the sign, so that two features landing in one
		// dimension cancel as often as they add up; bits 2 to 33 pick the
		// dimension, scaled to [0, dims) by a multiply and a shift rather than
		// a division.
		if h>>63 != 0 {
			w = -w
		}
		v[(h>>2&math.MaxUint32)*dims>>32] += float32(w)
	}
	meaning.Normalize(v)
}

// features returns the hashes of text's features, each tagged with its kind
// in the low two bits; a feature occurring tf times appears tf times. The
// slice is buf's and valid until the next call.
func (e *LocalEmbedder) features(buf *embedBuf, text string) []uint64 {
	feats := buf.feats[:0]
	var prev uint64
	first := true
	e.analyze(buf, text, func(lower []byte, stem []rune) {
		feats = e.grams(buf, feats, lower)
		w := fnvRunes(fnvByte(fnvOffset, kindWord), stem)
		feats = append(feats, tagFeature(w, kindWord))
		if !first {
			// The stems are hashed one after the other with a separator, so a
			// bigram's hash depends on both words and on their order.
			b := fnvRunes(fnvByte(fnvUint64(fnvByte(fnvOffset, kindBigram), prev), 0), stem)
			feats = append(feats, tagFeature(b, kindBigram))
		}
		prev, first = w, false
	})
	buf.feats = feats
	return feats
}

// analyze calls yield with each word of text that is not a stop word, in
// lower case and as a Porter stem: bleve's English analysis (the terms of
// BM25), without its allocations per word. Both slices are buf's and valid
// until yield returns.
func (e *LocalEmbedder) analyze(buf *embedBuf, text string, yield func(lower []byte, stem []rune)) {
	for start := 0; start < len(text); {
		word, end := nextWord(text, start)
		start = end
		if word == "" {
			continue
		}
		lower := appendLower(buf.lower[:0], TrimPossessive(word))
		buf.lower = lower
		if len(lower) == 0 || e.stop[string(lower)] {
			continue
		}
		runes := buf.runes[:0]
		for _, r := range string(lower) {
			runes = append(runes, r)
		}
		buf.runes = runes
		yield(lower, porterstemmer.StemWithoutLowerCasing(runes))
	}
}

// nextWord returns the first word of text[start:] and where it ends, or ""
// and len(text). It cuts words where bleve's Unicode (UAX #29) tokenizer does
// in English text: a word is a run of letters, digits, marks and
// underscores, kept together across an apostrophe, a full stop or a colon
// between letters ("Russia's", "U.S") and a full stop, comma or semicolon
// between digits ("1,000", "42.7"); hyphens and all else separate words; a
// Han or Hiragana character is a word of its own.
// Bleve's tokenizer costs 30µs for a passage; this, a few.
func nextWord(text string, start int) (word string, end int) {
	i := start
	for i < len(text) {
		r, n := utf8.DecodeRuneInString(text[i:])
		if isWordRune(r) {
			break
		}
		i += n
	}
	if i == len(text) {
		return "", i
	}
	begin := i
	if r, n := utf8.DecodeRuneInString(text[i:]); isIdeograph(r) {
		return text[i : i+n], i + n
	}
	var last rune
	for i < len(text) {
		r, n := utf8.DecodeRuneInString(text[i:])
		if isIdeograph(r) {
			break
		}
		if isWordRune(r) {
			last = r
			i += n
			continue
		}
		next, m := utf8.DecodeRuneInString(text[i+n:])
		if m == 0 || !wordJoins(last, r, next) {
			break
		}
		last = next
		i += n + m
	}
	return text[begin:i], i
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

func isIdeograph(r rune) bool {
	return r >= utf8.RuneSelf && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r))
}

// wordJoins reports whether mid, between the word runes before and after, keeps
// them in one word.
func wordJoins(before, mid, after rune) bool {
	letters := unicode.IsLetter(before) && unicode.IsLetter(after)
	digits := unicode.IsDigit(before) && unicode.IsDigit(after)
	switch mid {
	case '\'', '’', '＇', '.':
		return letters || digits
	case ':':
		return letters
	case ',', ';':
		return digits
	}
	return false
}

// TrimPossessive drops a final "'s" (any apostrophe, either case).
func TrimPossessive(w string) string {
	if n := len(w); n > 0 && (w[n-1] == 's' || w[n-1] == 'S') {
		r, size := utf8.DecodeLastRuneInString(w[:n-1])
		if r == '\'' || r == '’' || r == '＇' {
			return w[:n-1-size]
		}
	}
	return w
}

// appendLower appends w in lower case to dst.
func appendLower(dst []byte, w string) []byte {
	for _, r := range w {
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			dst = append(dst, byte(r))
			continue
		}
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
	}
	return dst
}

// grams appends the character n-grams (minGram to maxGram runes) of word,
// framed as "<word>" so that beginnings and endings count as such.
func (e *LocalEmbedder) grams(buf *embedBuf, feats []uint64, word []byte) []uint64 {
	w := append(append(append(buf.word[:0], '<'), word...), '>')
	cuts := buf.cuts[:0]
	for i := range len(w) {
		if utf8.RuneStart(w[i]) {
			cuts = append(cuts, i)
		}
	}
	cuts = append(cuts, len(w))
	runes := len(cuts) - 1
	for n := minGram; n <= maxGram && n <= runes; n++ {
		for s := 0; s+n <= runes; s++ {
			h := fnvBytes(fnvByte(fnvOffset, kindGram), w[cuts[s]:cuts[s+n]])
			feats = append(feats, tagFeature(h, kindGram))
		}
	}
	buf.word, buf.cuts = w, cuts
	return feats
}

// FNV-1a, 64 bits, with a fixed offset basis: the same in every process, unlike
// hash/maphash's random seed.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func fnvByte(h uint64, b byte) uint64 { return (h ^ uint64(b)) * fnvPrime }

func fnvBytes(h uint64, p []byte) uint64 {
	for _, b := range p {
		h = (h ^ uint64(b)) * fnvPrime
	}
	return h
}

// fnvRunes hashes the UTF-8 encoding of rs.
func fnvRunes(h uint64, rs []rune) uint64 {
	var enc [utf8.UTFMax]byte
	for _, r := range rs {
		if r < utf8.RuneSelf {
			h = fnvByte(h, byte(r))
			continue
		}
		h = fnvBytes(h, enc[:utf8.EncodeRune(enc[:], r)])
	}
	return h
}

func fnvUint64(h, x uint64) uint64 {
	for range 8 {
		h = fnvByte(h, byte(x))
		x >>= 8
	}
	return h
}

// mix64 is the splitmix64 finalizer. FNV-1a's high bits depend weakly on the
// last bytes of short inputs; mixing spreads every input bit over the bits
// that pick a feature's sign and dimension.
func mix64(h uint64) uint64 {
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

// tagFeature mixes h and stores kind in its two low bits.
func tagFeature(h uint64, kind uint64) uint64 { return mix64(h)&^3 | kind }
