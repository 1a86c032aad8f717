// Package synth generates synthetic corpora for benchmarks at scale: any
// number of articles, deterministic from a seed, written like the real ones
// (a date prefix, sentences of news-like length, the real articles'
// vocabulary, the odd sub-heading), so that loading, chunking and indexing
// them cost what a grown newsroom corpus would.
package synth

import (
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing/fstest"

	"github.com/summitbot/summitbot/corpus"
)

// Articles returns n article files, named like the real ones, with a
// manifest-free layout: corpus.Load derives their ids and titles. The same n
// and seed give the same bytes.
func Articles(n int, seed uint64) (fstest.MapFS, error) {
	words, err := vocabulary()
	if err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	fsys := make(fstest.MapFS, n)
	for i := range n {
		fsys[fmt.Sprintf("%06d_synthetic.txt", i)] = &fstest.MapFile{Data: []byte(article(r, words))}
	}
	return fsys, nil
}

// article writes one article of about 550 to 800 words: the real articles'
// range.
func article(r *rand.Rand, words []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "date 2023-%02d-%02d ", 1+r.IntN(12), 1+r.IntN(28))
	target := 550 + r.IntN(250)
	for n := 0; n < target; {
		if n > 0 && r.IntN(25) == 0 {
			// A sub-heading on its own line, as in the real articles.
			b.WriteString("\n\n" + capitalise(words[r.IntN(len(words))]) + " " + words[r.IntN(len(words))] + "\n\n")
		}
		k := sentenceLength(r)
		b.WriteString(sentence(r, words, k))
		n += k
		if r.IntN(4) == 0 {
			b.WriteString("\n\n")
		} else {
			b.WriteByte(' ')
		}
	}
	return strings.TrimSpace(b.String())
}

// sentenceLength draws a sentence length in words from a log-normal with a
// median of 21 words, clamped to 5..60: the shape of news sentences.
func sentenceLength(r *rand.Rand) int {
	k := int(math.Round(math.Exp(math.Log(21) + 0.45*r.NormFloat64())))
	return min(max(k, 5), 60)
}

func sentence(r *rand.Rand, words []string, k int) string {
	ws := make([]string, k)
	for i := range ws {
		ws[i] = words[r.IntN(len(words))]
	}
	ws[0] = capitalise(ws[0])
	if k > 12 && r.IntN(3) == 0 {
		ws[k/2] += ","
	}
	return strings.Join(ws, " ") + "."
}

func capitalise(w string) string {
	if w == "" {
		return w
	}
	return strings.ToUpper(w[:1]) + w[1:]
}

var wordRE = regexp.MustCompile(`[A-Za-z][A-Za-z'-]*[A-Za-z]|[0-9][0-9,]*`)

// vocabulary is every word of the embedded articles, with repeats, so that
// words are drawn as often as the real articles use them.
func vocabulary() ([]string, error) {
	fsys := corpus.Default()
	entries, err := fs.Glob(fsys, "*.txt")
	if err != nil {
		return nil, err
	}
	var words []string
	for _, name := range entries {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		words = append(words, wordRE.FindAllString(string(b), -1)...)
	}
	if len(words) == 0 {
		return nil, fmt.Errorf("synth: the embedded articles have no words")
	}
	return words, nil
}
