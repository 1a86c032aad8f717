package synth_test

import (
	"bytes"
	"testing"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/corpus/synth"
)

func TestArticlesDeterministicAndLoadable(t *testing.T) {
	a, err := synth.Articles(20, 7)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := synth.Articles(20, 7)
	c, _ := synth.Articles(20, 8)
	same, differs := true, false
	for name, f := range a {
		same = same && bytes.Equal(f.Data, b[name].Data)
		differs = differs || !bytes.Equal(f.Data, c[name].Data)
	}
	if !same || !differs {
		t.Fatalf("same seed same bytes: %v; other seed other bytes: %v", same, differs)
	}
	cor, err := corpus.Load(a)
	if err != nil {
		t.Fatal(err)
	}
	if len(cor.Articles) != 20 {
		t.Fatalf("%d articles loaded, want 20", len(cor.Articles))
	}
	words, sents := 0, 0
	for _, art := range cor.Articles {
		if art.Date == "" || art.Words < 500 || art.Words > 900 {
			t.Errorf("%s: date %q, %d words; want a date and 500-900 words", art.ID, art.Date, art.Words)
		}
		words += art.Words
		sents += len(art.Sentences)
	}
	if mean := float64(words) / float64(sents); mean < 15 || mean > 30 {
		t.Errorf("mean sentence length %.1f words, want a news-like 15-30", mean)
	}
	t.Logf("20 articles: %d chunks, %.1f words a sentence", len(cor.Chunks), float64(words)/float64(sents))
}
