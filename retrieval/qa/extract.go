package qa

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/search"
)

// Extract writes an answer by quoting the corpus sentences that score best,
// each with the passages that say it. It never calls draft.
type Extract struct{}

// Write implements Writer. It sorts in.Candidates, best first, and
// quotes what in.Ranker chooses (see Ranker.Choose).
func (Extract) Write(_ context.Context, in *Input, _ func(string)) (*retrieval.Answer, error) {
	chosen := in.Ranker.Choose(in.Candidates, in.Options.MaxSentences)
	ans := in.Answer
	cite(in.Index, ans, chosen)
	ans.Timings.Total = time.Since(in.Start)
	return ans, nil
}

// keepRelative is how close to the best sentence's score (by the hand
// weights) another sentence must come to join the answer: below it, a second sentence is more often
// padding than answer (measured with summitbot eval: 0.7 beat 0.6 and 0.85
// on answer accuracy without raising false refusals).
const keepRelative = 0.7

// cite numbers the passages behind the chosen sentences, adding for each
// sentence the near-identical sentences of other articles (wire copy that
// several publishers ran), and writes the answer text.
func cite(ix *search.Index, ans *retrieval.Answer, chosen []Candidate) {
	byChunk := make(map[string]int) // chunk id → citation number
	articles := make(map[string]bool)
	var b strings.Builder
	for _, c := range chosen {
		s := retrieval.Sentence{Text: c.Text}
		sources := make(map[string]bool)
		add := func(src *search.Sentence) {
			n, ok := byChunk[src.Chunk.ID]
			if !ok {
				n = len(ans.Citations) + 1
				byChunk[src.Chunk.ID] = n
				a, ch := src.Article, src.Chunk
				ans.Citations = append(ans.Citations, retrieval.Citation{
					N: n, Source: a.ID, Title: a.Title, Publisher: a.Publisher, Date: a.Date,
					Chunk: ch.ID, Text: ch.Text, Start: ch.Start, End: ch.End, Quote: src.Text,
				})
			}
			if !slices.Contains(s.Citations, n) {
				s.Citations = append(s.Citations, n)
			}
			sources[src.Article.ID] = true
			articles[src.Article.ID] = true
		}
		add(c.Sentence)
		for _, d := range c.Dups {
			add(ix.Sentence(d))
		}
		s.Sources = len(sources)
		ans.Sentences = append(ans.Sentences, s)
		writeCited(&b, c.Text, s.Citations)
		if s.Sources > 1 {
			fmt.Fprintf(&b, " (%d of the %d articles report this)", s.Sources, len(ix.Corpus().Articles))
		}
	}
	ans.Sources = len(articles)
	ans.Answer = b.String()
}

// writeCited appends a sentence and its citation markers to an answer's
// text: "… sentence. [1] [3]".
func writeCited(b *strings.Builder, text string, citations []int) {
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	b.WriteString(text)
	for _, n := range citations {
		fmt.Fprintf(b, " [%d]", n)
	}
}
