package main

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// The WordNet step (flag -wordnet DIR) writes data/wordnet.bin: for each word
// of the vector table its WordNet base forms, and for each base form its
// relations to other words of the table. Only words of the vector table take
// part, multi-word lemmas are dropped, and hypernyms are the direct ones
// (depth 1, which bridged 8 of 47 wanted pairs cosine missed at the cost of 1
// of 25 unwanted ones; depth 3 and 6 added 1–2 more of each). See MEASURED.md.
//
// File format (little-endian uint32s, offsets from the file start):
//
//	header, 32 bytes:
//	  0  [8]byte  magic "SBWNREL1"
//	  8  uint32   format version (1)
//	  12 uint32   n, words of the vector table (ids as in glove100.bin)
//	  16 uint32   offset of the base-form offsets, (n+1) entries
//	  20 uint32   offset of the relation offsets, (n+1) entries
//	  24 uint32   offset of the base forms (word ids)
//	  28 uint32   offset of the relations
//	base forms of word i: ids at entries [bf[i], bf[i+1]) of the base forms;
//	  none stored means the word is its own only base form (or not in WordNet)
//	relations of base form i: entries [rel[i], rel[i+1]) of the relations,
//	  each kind<<29 | target id, sorted ascending; kind 1 synonym, 2 antonym,
//	  3 hypernym (the target is a direct hypernym), 4 derivation, 5 proper
//	  name (the target is the base form itself: WordNet writes this lemma
//	  capitalised in every sense it has, "Australia", "Tolstoy", "Wednesday")

const (
	wnMagic   = "SBWNREL1"
	wnVersion = 1

	relSynonym    = 1
	relAntonym    = 2
	relHypernym   = 3
	relDerivation = 4
	relProper     = 5
)

type wnSynset struct {
	words []string
	ptrs  []wnPtr
}

type wnPtr struct {
	sym      string
	key      string // pos letter + offset
	src, dst int    // 1-based word numbers; 0 for a semantic pointer
}

type wordnet struct {
	syn   map[string]*wnSynset
	lemma map[string][]string        // lemma → synset keys, in file order
	pos   map[string]map[string]bool // pos → lemmas
	exc   map[string][]string        // inflected form → base forms
	// lower counts, for each lemma, the senses in which WordNet writes it
	// in lower case; a lemma with none is a proper name.
	lower map[string]int
}

var wnPOS = []struct{ file, letter string }{{"noun", "n"}, {"verb", "v"}, {"adj", "a"}, {"adv", "r"}}

func readWordNet(dir string) (*wordnet, error) {
	wn := &wordnet{syn: map[string]*wnSynset{}, lemma: map[string][]string{}, pos: map[string]map[string]bool{}, exc: map[string][]string{}, lower: map[string]int{}}
	for _, p := range wnPOS {
		wn.pos[p.letter] = map[string]bool{}
		f, err := os.Open(filepath.Join(dir, "data."+p.file))
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "  ") { // the licence header
				continue
			}
			if i := strings.Index(line, " | "); i >= 0 {
				line = line[:i]
			}
			fs := strings.Fields(line)
			key := p.letter + fs[0]
			n, err := strconv.ParseInt(fs[3], 16, 32)
			if err != nil {
				return nil, fmt.Errorf("wordnet %s: %v", key, err)
			}
			s := &wnSynset{}
			i := 4
			for range n {
				w := strings.ToLower(fs[i])
				if w == fs[i] || !unicode.IsUpper([]rune(fs[i])[0]) {
					wn.lower[w]++
				}
				if j := strings.IndexByte(w, '('); j >= 0 { // adjective marker
					w = w[:j]
				}
				s.words = append(s.words, w)
				wn.lemma[w] = append(wn.lemma[w], key)
				wn.pos[p.letter][w] = true
				i += 2
			}
			pc, err := strconv.Atoi(fs[i])
			if err != nil {
				return nil, fmt.Errorf("wordnet %s: %v", key, err)
			}
			i++
			for range pc {
				tp := fs[i+2]
				if tp == "s" {
					tp = "a"
				}
				src, _ := strconv.ParseInt(fs[i+3][:2], 16, 32)
				dst, _ := strconv.ParseInt(fs[i+3][2:], 16, 32)
				s.ptrs = append(s.ptrs, wnPtr{fs[i], tp + fs[i+1], int(src), int(dst)})
				i += 4
			}
			wn.syn[key] = s
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, err
		}
		exc, err := os.ReadFile(filepath.Join(dir, p.file+".exc"))
		if err != nil {
			return nil, err
		}
		for _, l := range strings.Split(string(exc), "\n") {
			if fs := strings.Fields(l); len(fs) >= 2 {
				wn.exc[fs[0]] = append(wn.exc[fs[0]], fs[1:]...)
			}
		}
	}
	return wn, nil
}

// morphy is WordNet's suffix rules per part of speech.
var morphy = map[string][][2]string{
	"n": {{"s", ""}, {"ses", "s"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"}, {"shes", "sh"}, {"men", "man"}, {"ies", "y"}},
	"v": {{"s", ""}, {"ies", "y"}, {"es", "e"}, {"es", ""}, {"ed", "e"}, {"ed", ""}, {"ing", "e"}, {"ing", ""}},
	"a": {{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}},
}

// baseForms returns the WordNet lemmas w may be an inflection of (w itself
// included when it is a lemma), sorted.
func (wn *wordnet) baseForms(w string) []string {
	var out []string
	if _, ok := wn.lemma[w]; ok {
		out = append(out, w)
	}
	for _, b := range wn.exc[w] {
		if _, ok := wn.lemma[b]; ok {
			out = append(out, b)
		}
	}
	for _, p := range []string{"n", "v", "a"} {
		for _, r := range morphy[p] {
			if b, ok := strings.CutSuffix(w, r[0]); ok && b != "" && wn.pos[p][b+r[1]] {
				out = append(out, b+r[1])
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// relations returns lemma's relations to the words of ids as kind<<29 | id,
// sorted and deduplicated.
func (wn *wordnet) relations(lemma string, ids map[string]int) []uint32 {
	var out []uint32
	add := func(kind int, w string) {
		if id, ok := ids[w]; ok && w != lemma {
			out = append(out, uint32(kind)<<29|uint32(id))
		}
	}
	if id, ok := ids[lemma]; ok && wn.lower[lemma] == 0 {
		out = append(out, uint32(relProper)<<29|uint32(id))
	}
	for _, key := range wn.lemma[lemma] {
		s := wn.syn[key]
		for _, w := range s.words {
			add(relSynonym, w)
		}
		for _, p := range s.ptrs {
			t := wn.syn[p.key]
			switch p.sym {
			case "@", "@i":
				for _, w := range t.words {
					add(relHypernym, w)
				}
			case "!", "+":
				if p.src == 0 || s.words[p.src-1] != lemma || p.dst == 0 {
					continue // a lexical pointer from another word of the synset
				}
				kind := relAntonym
				if p.sym == "+" {
					kind = relDerivation
				}
				add(kind, t.words[p.dst-1])
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// encodeWordNet writes the relation table for the words of src, ids as in
// the vector table.
func encodeWordNet(src *source, wn *wordnet) []byte {
	n := len(src.kept)
	ids := make(map[string]int, n)
	for i, e := range src.kept {
		ids[e.word] = i
	}
	bfOffs := make([]uint32, n+1)
	relOffs := make([]uint32, n+1)
	var bases, rels []uint32
	for i, e := range src.kept {
		bfOffs[i] = uint32(len(bases))
		relOffs[i] = uint32(len(rels))
		bf := wn.baseForms(e.word)
		if !(len(bf) == 1 && bf[0] == e.word) {
			for _, b := range bf {
				if id, ok := ids[b]; ok {
					bases = append(bases, uint32(id))
				}
			}
		}
		if _, ok := wn.lemma[e.word]; ok {
			rels = append(rels, wn.relations(e.word, ids)...)
		}
	}
	bfOffs[n] = uint32(len(bases))
	relOffs[n] = uint32(len(rels))

	const header = 32
	bfOff := header
	relOff := bfOff + 4*(n+1)
	basesOff := relOff + 4*(n+1)
	relsOff := basesOff + 4*len(bases)
	buf := make([]byte, relsOff+4*len(rels))
	le := binary.LittleEndian
	copy(buf, wnMagic)
	for i, v := range []int{wnVersion, n, bfOff, relOff, basesOff, relsOff} {
		le.PutUint32(buf[8+4*i:], uint32(v))
	}
	put := func(off int, vs []uint32) {
		for i, v := range vs {
			le.PutUint32(buf[off+4*i:], v)
		}
	}
	put(bfOff, bfOffs)
	put(relOff, relOffs)
	put(basesOff, bases)
	put(relsOff, rels)
	return buf
}
