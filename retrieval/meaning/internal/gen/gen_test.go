package main

import (
	"bufio"
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/summitbot/summitbot/retrieval/meaning"
)

// tiny is a source file in the package's layout: 3 dims, junk tokens, and a
// word past the cut.
const tiny = `{"precision":8,"size":5,"dimensions":3,
 "words":["the",",","kim","jong-un","zebra"],
 "vectors":{
  "the":[1,0,0,1,0],
  ",":[0,1,0,1,1],
  "kim":[3,-4,0,5,2],
  "jong-un":[0.5,0.5,-0.5,0.866,3],
  "zebra":[0,0,1,1,4]},
 "unkVector":[0,0,0,0,-1]}`

func TestEncodeRoundTrip(t *testing.T) {
	src, err := read(strings.NewReader(tiny), 4)
	if err != nil {
		t.Fatal(err)
	}
	if src.vocab != 5 || src.junk != 1 || len(src.kept) != 3 {
		t.Fatalf("vocab %d junk %d kept %d, want 5 1 3", src.vocab, src.junk, len(src.kept))
	}
	data := encode(src, 4)
	if again := encode(src, 4); !bytes.Equal(data, again) {
		t.Fatal("encode is not deterministic")
	}
	tb, err := meaning.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	for w, rank := range map[string]int{"the": 1, "kim": 3, "jong-un": 4} {
		if r, ok := tb.Rank(w); !ok || r != rank {
			t.Errorf("Rank(%q) = %d %v, want %d", w, r, ok, rank)
		}
	}
	for _, w := range []string{",", "zebra"} {
		if _, ok := tb.Rank(w); ok {
			t.Errorf("%q kept", w)
		}
	}
	v, _ := tb.Vector("kim") // (3, -4, 0) / 5
	if d := v[0] - 0.6; d > 0.01 || d < -0.01 || v[1] > -0.79 || v[2] != 0 {
		t.Errorf("Vector(kim) = %v, want ≈ (0.6, -0.8, 0)", v)
	}
	if s := tb.Similarity("the", "kim"); s < 0.59 || s > 0.61 {
		t.Errorf("Similarity(the, kim) = %v, want ≈ 0.6", s)
	}
}

func TestRejectsBadSource(t *testing.T) {
	for _, bad := range []string{
		`{"vectors":{}}`,
		`{"words":["a1","a1"],"vectors":{}}`,
		`{"words":["ab"],"vectors":{"ab":[1,2,7]}}`, // wrong index
		`{"words":["ab"],"vectors":{}}`,             // missing vector
		`[1,2]`,
	} {
		if _, err := read(strings.NewReader(bad), 10); err == nil {
			t.Errorf("read(%s) succeeded", bad)
		}
	}
}

// TestReproducesCommitted re-runs the generator on the real source and
// compares with the committed file. It needs the 307 MB JSON (see the
// package doc), named by MEANING_GLOVE_JSON, and takes about 20 s.
func TestReproducesCommitted(t *testing.T) {
	path := os.Getenv("MEANING_GLOVE_JSON")
	if path == "" {
		t.Skip("MEANING_GLOVE_JSON not set")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	src, err := read(bufio.NewReaderSize(f, 1<<20), 150000)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../data/glove100.bin")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(encode(src, 150000), want) {
		t.Fatal("the generator no longer reproduces data/glove100.bin")
	}
	if _, err := os.Stat("/usr/share/wordnet/data.noun"); err != nil {
		return
	}
	wn, err := readWordNet("/usr/share/wordnet")
	if err != nil {
		t.Fatal(err)
	}
	wantWN, err := os.ReadFile("../../data/wordnet.bin")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(encodeWordNet(src, wn), wantWN) {
		t.Fatal("the generator no longer reproduces data/wordnet.bin")
	}
}
