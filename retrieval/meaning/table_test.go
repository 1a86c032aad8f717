package meaning

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"os"
	"strings"
	"testing"
)

// TestEmbeddedChecksum: the embedded table is byte for byte what the
// generator wrote (internal/gen writes data/glove100.bin.sha256 beside it).
// Re-running the generator with the command in its doc must leave both files
// unchanged (checked when the file was committed: two runs, identical bytes).
func TestEmbeddedChecksum(t *testing.T) {
	want, err := os.ReadFile("data/glove100.bin.sha256")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(embedded)
	got := hex.EncodeToString(sum[:]) + "  glove100.bin\n"
	if got != string(want) {
		t.Fatalf("embedded table sha256 %q, generator wrote %q", got, want)
	}
}

// TestGoldenRow pins one row of the table: "summit" is word 1,002 of the
// source list, and its first GloVe values -0.75, -0.25409, 1.0275, 1.0119,
// -0.069017, -0.89837, 0.21503, 0.78673 (L2 norm 6.60061089) quantize to
// these int8 steps.
func TestGoldenRow(t *testing.T) {
	tb := Default()
	if tb.Len() != 149960 || tb.Dims() != 100 {
		t.Fatalf("Len %d Dims %d, want 149960 100", tb.Len(), tb.Dims())
	}
	if r, ok := tb.Rank("summit"); !ok || r != 1002 {
		t.Fatalf("Rank(summit) = %d %v, want 1002", r, ok)
	}
	id, _ := tb.ID("summit")
	want := []int8{-34, -11, 46, 46, -3, -41, 10, 36}
	raw := []float64{-0.75, -0.25409, 1.0275, 1.0119, -0.069017, -0.89837, 0.21503, 0.78673}
	row := tb.row(id)
	scale := math.Float32frombits(uint32(row[4]) | uint32(row[5])<<8 | uint32(row[6])<<16 | uint32(row[7])<<24)
	if math.Abs(float64(scale)-0.0033479363) > 1e-9 {
		t.Errorf("scale %v, want 0.0033479363", scale)
	}
	for i, w := range want {
		if got := int8(row[8+i]); got != w {
			t.Errorf("q[%d] = %d, want %d", i, got, w)
		}
		// q = round(raw / (L2 norm × scale)); the JSON gives the norm 6.60061089.
		if d := raw[i]/(6.60061089*float64(scale)) - float64(w); math.Abs(d) > 0.5 {
			t.Errorf("raw[%d] quantizes %v away from q", i, d)
		}
	}
	for w, r := range map[string]int{"the": 1, "said": 15, "kim": 1906, "limousine": 17591, "jong-un": 123999} {
		if got, ok := tb.Rank(w); !ok || got != r {
			t.Errorf("Rank(%q) = %d %v, want %d", w, got, ok, r)
		}
	}
	for _, w := range []string{"vostochny", "2023", "", "Summit", ",", "zzzzzzzz"} {
		if _, ok := tb.Rank(w); ok {
			t.Errorf("Rank(%q) found, want absent", w)
		}
	}
}

// TestIndexSorted checks every word is found by binary search at its own id.
func TestIndexSorted(t *testing.T) {
	tb := Default()
	for id := 0; id < tb.Len(); id++ {
		if got, ok := tb.ID(tb.Word(id)); !ok || got != id {
			t.Fatalf("ID(%q) = %d %v, want %d", tb.Word(id), got, ok, id)
		}
	}
}

func TestVectorUnit(t *testing.T) {
	tb := Default()
	for _, w := range []string{"the", "summit", "limousine", "gerwel"} {
		v, ok := tb.Vector(w)
		if !ok || len(v) != 100 {
			t.Fatalf("Vector(%q) = %d values, %v", w, len(v), ok)
		}
		if n := norm(v); math.Abs(n-1) > 1e-6 {
			t.Errorf("|Vector(%q)| = %v", w, n)
		}
	}
	if v, ok := tb.Vector("vostochny"); ok || v != nil {
		t.Error("Vector of an unknown word")
	}
}

func TestSimilaritySanity(t *testing.T) {
	tb := Default()
	gt := [][4]string{
		{"car", "limousine", "car", "banana"},
		{"train", "railway", "train", "pancake"},
		{"rocket", "spacecraft", "rocket", "mountain"},
		{"weapons", "munitions", "weapons", "football"},
		{"meet", "talks", "meet", "recipe"},
	}
	for _, c := range gt {
		a, b := tb.Similarity(c[0], c[1]), tb.Similarity(c[2], c[3])
		if a <= b+0.2 {
			t.Errorf("sim(%s,%s)=%.3f not well above sim(%s,%s)=%.3f", c[0], c[1], a, c[2], c[3], b)
		}
	}
	if s := tb.Similarity("summit", "summit"); s != 1 {
		t.Errorf("self similarity %v", s)
	}
	if s := tb.Similarity("summit", "vostochny"); s != 0 {
		t.Errorf("similarity to an unknown word %v", s)
	}
	// The exact int8 cosine agrees with the dequantized vectors.
	va, _ := tb.Vector("car")
	vb, _ := tb.Vector("limousine")
	var dot float64
	for i := range va {
		dot += float64(va[i]) * float64(vb[i])
	}
	if d := math.Abs(dot - tb.Similarity("car", "limousine")); d > 1e-5 {
		t.Errorf("cosine differs from the vectors' dot by %v", d)
	}
}

func TestSIFWeight(t *testing.T) {
	tb := Default()
	the, kim, unk := tb.SIFWeight("the", DefaultA), tb.SIFWeight("kim", DefaultA), tb.SIFWeight("vostochny", DefaultA)
	if !(the < 0.02 && kim > 0.95 && unk > kim && unk < 1) {
		t.Errorf("weights the=%v kim=%v unknown=%v", the, kim, unk)
	}
	if a, i := tb.SIFWeight("a", DefaultA), tb.SIFWeight("i", DefaultA); a > 0.2 || a != i {
		t.Errorf("one-character words weigh %v %v, want ≈ 0.12", a, i)
	}
	// p sums to 1 over the source vocabulary.
	var sum float64
	for r := 1; r <= 341479; r++ {
		sum += tb.probRank(r)
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("Σp = %v", sum)
	}
}

func TestTokens(t *testing.T) {
	tb := Default()
	for in, want := range map[string]string{
		"Kim’s armoured train arrived at Vostochny.":     "kim armoured train arrived at vostochny",
		"KIM JONG-UN's limo":                             "kim jong-un limo",
		"don't, can't WON'T":                             "do not can not will not",
		"the Putin-Kim summit of 2023 cost 1,000 rubles": "the putin kim summit of 2023 cost 1,000 rubles",
		"kims' the U.S. e-mail -- 'quoted' “yes” 3.5%":   "kims the u s e-mail quoted yes 3.5",
		"whats the tallest mountain on earth??? 🏔️":      "what is the tallest mountain on earth",
		"who is putins press secratary rn tho":           "who is putin press secratary right now though",
		"wat did u say abt it":                           "what did you say about it",
		"":                                               "",
		"!!! ... ---":                                    "",
	} {
		if got := strings.Join(tb.Tokens(in), " "); got != want {
			t.Errorf("Tokens(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLoadRejectsBadInput(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("SBGLOVE1"), embedded[:len(embedded)-1], append([]byte("XBGLOVE1"), embedded[8:]...)} {
		if _, err := Load(b); err == nil {
			t.Errorf("Load of %d bad bytes succeeded", len(b))
		}
	}
}

func norm(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

func BenchmarkVector(b *testing.B) {
	tb := Default()
	words := []string{"summit", "limousine", "the", "cosmodrome", "pyongyang", "armoured", "sanctions", "zzzz"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		tb.Vector(words[i%len(words)])
	}
}

func BenchmarkSimilarity(b *testing.B) {
	tb := Default()
	for b.Loop() {
		tb.Similarity("car", "limousine")
	}
}

func FuzzTokens(f *testing.F) {
	for _, s := range []string{"Kim’s armoured train", "u.s. 1,000 don't", "--'.,", "🙂 kims' e-mail", "whats up abt rn"} {
		f.Add(s)
	}
	tb := Default()
	f.Fuzz(func(t *testing.T, s string) {
		for _, w := range tb.Tokens(s) {
			if w == "" || strings.ToLower(w) != w || strings.ContainsAny(w, " \t\n\"?!") {
				t.Fatalf("Tokens(%q) gave %q", s, w)
			}
		}
	})
}
