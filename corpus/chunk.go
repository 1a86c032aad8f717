package corpus

import (
	"slices"
	"strconv"
)

// Load cuts every article with these; a passage of three sentences is long
// enough to carry a fact with its attribution and short enough to cite.
const (
	DefaultChunkSentences = 3
	DefaultChunkOverlap   = 1
)

// ChunkArticle cuts an article into passages of size consecutive sentences,
// each sharing overlap sentences with the one before. A passage never spans
// a section heading or a photo caption, so that its text reads as one piece
// and never shows a caption as part of an answer; a run of sentences
// shorter than size makes one shorter passage. Chunk ids depend only on the
// article id and the sentence layout, so the same text gives the same ids.
//
// A size below 1 means DefaultChunkSentences; overlap is clamped to
// [0, size-1]. The article's spans must lie within its Text, as they do for
// every article Load returns.
func ChunkArticle(a *Article, size, overlap int) []Chunk {
	if a == nil {
		return nil
	}
	if size < 1 {
		size = DefaultChunkSentences
	}
	overlap = min(max(overlap, 0), size-1)
	var chunks []Chunk
	for _, r := range sentenceRuns(a) {
		for first := 0; ; first += size - overlap {
			last := min(first+size, len(r.sentences))
			sents := r.sentences[first:last]
			span := Span{sents[0].Start, sents[len(sents)-1].End}
			ordinal := len(chunks)
			chunks = append(chunks, Chunk{
				ID:        a.ID + "#" + strconv.Itoa(ordinal),
				ArticleID: a.ID,
				Ordinal:   ordinal,
				Span:      span,
				Text:      a.Text[span.Start:span.End],
				Section:   r.section,
				Sentences: slices.Clone(sents),
			})
			if last == len(r.sentences) {
				break
			}
		}
	}
	return chunks
}

// run is a stretch of sentences with no heading or caption between them.
type run struct {
	section   string
	sentences []Span
}

func sentenceRuns(a *Article) []run {
	var (
		runs    []run
		section string
		nextSec int // index of the first heading not yet passed
		nextCap int // likewise for captions
	)
	for _, s := range a.Sentences {
		newRun := len(runs) == 0
		for nextSec < len(a.Sections) && a.Sections[nextSec].Start < s.Start {
			section = a.Sections[nextSec].Title
			nextSec++
			newRun = true
		}
		for nextCap < len(a.Captions) && a.Captions[nextCap].Start < s.Start {
			nextCap++
			newRun = true
		}
		if newRun {
			runs = append(runs, run{section: section})
		}
		runs[len(runs)-1].sentences = append(runs[len(runs)-1].sentences, s)
	}
	return runs
}
