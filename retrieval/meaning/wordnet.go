package meaning

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"sync"
)

//go:embed data/wordnet.bin
var embeddedWordNet []byte

// Relation is how WordNet 3.0 relates two words.
type Relation int

// The relations Related reports, in the order it prefers them when two words
// are related in several ways (in different senses).
const (
	None       Relation = iota
	Same                // the same word or inflections of one base form ("shell", "shells")
	Synonym             // they share a synset in some sense ("gift", "present")
	Antonym             // opposites ("come", "go"; "arrived", "left"); cosine rates these as similar
	Hypernym            // b is a direct broader term of a ("limousine" → "car")
	Hyponym             // b is a direct narrower term of a ("car" → "limousine")
	Derivation          // derivationally related ("arrive", "arrival")
)

var relationNames = [...]string{"none", "same", "synonym", "antonym", "hypernym", "hyponym", "derivation"}

func (r Relation) String() string {
	if r < 0 || int(r) >= len(relationNames) {
		return "relation(?)"
	}
	return relationNames[r]
}

// kinds stored in wordnet.bin (internal/gen/wordnet.go).
const (
	relSynonym    = 1
	relAntonym    = 2
	relHypernym   = 3
	relDerivation = 4
	relProper     = 5
	idMask        = 1<<29 - 1
)

// Relations is the WordNet relation table over a Table's words, read in
// place (format in internal/gen/wordnet.go). Safe for concurrent use.
type Relations struct {
	t                          *Table
	data                       []byte
	bfOff, relOff, bases, rels int
}

var (
	defaultRelOnce sync.Once
	defaultRel     *Relations
)

// DefaultRelations returns the relation table embedded in the binary, over
// Default().
func DefaultRelations() *Relations {
	defaultRelOnce.Do(func() {
		r, err := LoadRelations(Default(), embeddedWordNet)
		if err != nil {
			panic("meaning: embedded wordnet: " + err.Error())
		}
		defaultRel = r
	})
	return defaultRel
}

// LoadRelations returns the relation table in b, whose ids are those of t.
func LoadRelations(t *Table, b []byte) (*Relations, error) {
	if len(b) < 32 || string(b[:8]) != "SBWNREL1" {
		return nil, errors.New("not a wordnet relation table (bad magic)")
	}
	u := func(off int) int { return int(binary.LittleEndian.Uint32(b[off:])) }
	if u(8) != 1 {
		return nil, errors.New("unknown wordnet table version")
	}
	if u(12) != t.n {
		return nil, errors.New("wordnet table is for another vector table")
	}
	r := &Relations{t: t, data: b, bfOff: u(16), relOff: u(20), bases: u(24), rels: u(28)}
	n := t.n
	if r.bfOff != 32 || r.relOff != r.bfOff+4*(n+1) || r.bases != r.relOff+4*(n+1) || len(b) < r.bases ||
		r.rels != r.bases+4*u(r.bfOff+4*n) || len(b) != r.rels+4*u(r.relOff+4*n) {
		return nil, errors.New("bad wordnet section offsets")
	}
	return r, nil
}

func (r *Relations) u32(off int) int { return int(binary.LittleEndian.Uint32(r.data[off:])) }

// baseForms returns the ids of id's WordNet base forms (id itself when none
// is stored).
func (r *Relations) baseForms(id int, buf []int) []int {
	lo, hi := r.u32(r.bfOff+4*id), r.u32(r.bfOff+4*id+4)
	if lo == hi {
		return append(buf, id)
	}
	for i := lo; i < hi; i++ {
		buf = append(buf, r.u32(r.bases+4*i))
	}
	return buf
}

// has reports whether base form a has relation kind to b, by binary search
// over a's sorted entries.
func (r *Relations) has(a, kind, b int) bool {
	lo, hi := r.u32(r.relOff+4*a), r.u32(r.relOff+4*a+4)
	want := kind<<29 | b
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch v := r.u32(r.rels + 4*m); {
		case v == want:
			return true
		case v < want:
			lo = m + 1
		default:
			hi = m
		}
	}
	return false
}

// Related returns how WordNet relates words a and b (lower-case words as
// Tokens gives them; inflections are reduced to base forms first, so
// "limousines" and "cars" relate like "limousine" and "car"). Hypernyms are
// direct ones only. It returns None when the table lacks either word.
func (r *Relations) Related(a, b string) Relation {
	ia, ok := r.t.ID(a)
	if !ok {
		return None
	}
	ib, ok := r.t.ID(b)
	if !ok {
		return None
	}
	return r.RelatedIDs(ia, ib)
}

// RelatedIDs is Related for two words' table ids (see Table.ID), for a
// caller that relates many pairs and looks each word up once.
func (r *Relations) RelatedIDs(ia, ib int) Relation {
	var bufA, bufB [8]int
	la, lb := r.baseForms(ia, bufA[:0]), r.baseForms(ib, bufB[:0])
	best := None
	for _, x := range la {
		for _, y := range lb {
			rel := None
			switch {
			case x == y:
				rel = Same
			case r.has(x, relSynonym, y):
				rel = Synonym
			case r.has(x, relAntonym, y) || r.has(y, relAntonym, x):
				rel = Antonym
			case r.has(x, relHypernym, y):
				rel = Hypernym
			case r.has(y, relHypernym, x):
				rel = Hyponym
			case r.has(x, relDerivation, y) || r.has(y, relDerivation, x):
				rel = Derivation
			}
			if rel != None && (best == None || rel < best) {
				best = rel
			}
		}
	}
	return best
}

// ProperName reports whether WordNet knows word (lower-case, as Tokens
// gives it) only as a name: it writes it capitalised in every sense it
// has, and so it writes every base form word may be an inflection of
// ("australia", "australians", "tolstoy", "wednesday"; not "china", which
// is also porcelain, nor "moon", nor "sat", which is also the past of
// "sit"). A name the articles never mention asks about something else.
func (r *Relations) ProperName(word string) bool {
	id, ok := r.t.ID(word)
	if !ok {
		return false
	}
	var buf [8]int
	bases := r.baseForms(id, buf[:0])
	for _, b := range bases {
		if !r.has(b, relProper, b) {
			return false
		}
	}
	return len(bases) > 0
}

// Ordinary reports whether WordNet knows word as an ordinary word in some
// sense of a base form of it: one it writes in lower case, with a
// relation to another word of the table ("anywhere", "whip", "boom";
// "china", which is also porcelain). It is false for a word WordNet knows
// only as a name (ProperName), and for one it lacks or relates to no word
// of the table ("biden", "wonsan").
func (r *Relations) Ordinary(word string) bool {
	id, ok := r.t.ID(word)
	if !ok {
		return false
	}
	var buf [8]int
	for _, b := range r.baseForms(id, buf[:0]) {
		// The table stores a base form only when it differs from the word,
		// so a word with no relation of its own is no lemma WordNet has.
		if lo, hi := r.u32(r.relOff+4*b), r.u32(r.relOff+4*b+4); lo < hi && !r.has(b, relProper, b) {
			return true
		}
	}
	return false
}

// BaseForm returns the one WordNet base form that word is an inflection of,
// when word is not a base form itself: "meet" for "met", "take" for
// "took", "missile" for "missiles". ok is false for a word that is a base
// form itself ("forest", though "fore" + "-est" would read as a
// superlative; "said", an adjective too), that WordNet lacks, or that may
// inflect two base forms.
func (r *Relations) BaseForm(word string) (base string, ok bool) {
	id, found := r.t.ID(word)
	if !found {
		return "", false
	}
	var buf [8]int
	bases := r.baseForms(id, buf[:0])
	if len(bases) != 1 || bases[0] == id {
		return "", false
	}
	return r.t.Word(bases[0]), true
}

// Related is DefaultRelations().Related(a, b).
func Related(a, b string) Relation { return DefaultRelations().Related(a, b) }
