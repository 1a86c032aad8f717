package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// syntheticWords is the vocabulary of syntheticPassages: the kind of words the
// articles use, so that analysis and n-grams cost what they cost on them.
var syntheticWords = strings.Fields(`the a of and to in at for with on was were
	said would could that which his their leaders leader president Putin Kim
	Jong-un Russia Russian North Korea Korean Pyongyang Moscow Kremlin summit
	meeting talks Vostochny Cosmodrome spaceport satellite satellites rocket
	rockets launch facility tour Soyuz-2 space technology weapons arms deal
	ammunition artillery shells missiles ballistic sanctions Ukraine war military
	cooperation armoured train limousine handshake seconds banquet toast visit
	Amur region far east Siberian United States Washington Seoul Tokyo Japan
	analysts officials state media reported Wednesday September hours 2023 40`)

// syntheticPassages returns n passages of 60 to 90 words drawn from
// syntheticWords with a fixed seed: the same passages on every run.
func syntheticPassages(n int) []Doc {
	r := rand.New(rand.NewPCG(1, 2))
	docs := make([]Doc, n)
	for i := range docs {
		words := make([]string, 60+r.IntN(31))
		for j := range words {
			words[j] = syntheticWords[r.IntN(len(syntheticWords))]
		}
		docs[i] = Doc{ID: fmt.Sprintf("p%03d", i), Text: strings.Join(words, " ") + "."}
	}
	return docs
}

func BenchmarkLocalEmbed(b *testing.B) {
	e := NewLocalEmbedder(0)
	text := []string{syntheticPassages(1)[0].Text}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Embed(ctx, text); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBM25Search(b *testing.B) {
	bm, err := NewBM25(syntheticPassages(150))
	if err != nil {
		b.Fatal(err)
	}
	defer bm.Close()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bm.Search(ctx, "Where did Putin and Kim meet, and what did they say about satellites?", 20); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVectorSearch(b *testing.B) {
	docs := syntheticPassages(150)
	texts := make([]string, len(docs))
	for i, d := range docs {
		texts[i] = d.Text
	}
	ctx := context.Background()
	e := NewLocalEmbedder(0)
	vecs, err := e.Embed(ctx, texts)
	if err != nil {
		b.Fatal(err)
	}
	vs, err := NewVectorStore(ctx, docs, vecs)
	if err != nil {
		b.Fatal(err)
	}
	q, err := e.Embed(ctx, []string{"Where did Putin and Kim meet, and what did they say about satellites?"})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := vs.Search(ctx, q[0], 20); err != nil {
			b.Fatal(err)
		}
	}
}
