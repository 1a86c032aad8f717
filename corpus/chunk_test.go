package corpus_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/summitbot/summitbot/corpus"
)

// sample is an article with ten one-letter sentences "a." to "j.", a heading
// before "e." and a caption before "h.".
func sample() *corpus.Article {
	a := &corpus.Article{ID: "x"}
	var b strings.Builder
	add := func(s string) corpus.Span {
		if b.Len() > 0 {
			b.WriteString(" ")
		}
		start := b.Len()
		b.WriteString(s)
		return corpus.Span{Start: start, End: b.Len()}
	}
	for _, s := range strings.Fields("a. b. c. d. H e. f. g. C h. i. j.") {
		switch s {
		case "H":
			a.Sections = append(a.Sections, corpus.Section{Title: "H", Span: add(s)})
		case "C":
			a.Captions = append(a.Captions, add(s))
		default:
			a.Sentences = append(a.Sentences, add(s))
		}
	}
	a.Text = b.String()
	return a
}

func TestChunkArticle(t *testing.T) {
	type chunk struct {
		ID, Text, Section string
	}
	tests := []struct {
		name          string
		size, overlap int
		want          []chunk
	}{
		{"defaults", corpus.DefaultChunkSentences, corpus.DefaultChunkOverlap, []chunk{
			{"x#0", "a. b. c.", ""},
			{"x#1", "c. d.", ""},
			{"x#2", "e. f. g.", "H"},
			{"x#3", "h. i. j.", "H"},
		}},
		{"no overlap", 2, 0, []chunk{
			{"x#0", "a. b.", ""},
			{"x#1", "c. d.", ""},
			{"x#2", "e. f.", "H"},
			{"x#3", "g.", "H"},
			{"x#4", "h. i.", "H"},
			{"x#5", "j.", "H"},
		}},
		{"one sentence each", 1, 5, []chunk{
			{"x#0", "a.", ""}, {"x#1", "b.", ""}, {"x#2", "c.", ""}, {"x#3", "d.", ""},
			{"x#4", "e.", "H"}, {"x#5", "f.", "H"}, {"x#6", "g.", "H"},
			{"x#7", "h.", "H"}, {"x#8", "i.", "H"}, {"x#9", "j.", "H"},
		}},
		{"size below 1 means the default", 0, -1, []chunk{
			{"x#0", "a. b. c.", ""},
			{"x#1", "d.", ""},
			{"x#2", "e. f. g.", "H"},
			{"x#3", "h. i. j.", "H"},
		}},
		{"wide", 10, 2, []chunk{
			{"x#0", "a. b. c. d.", ""},
			{"x#1", "e. f. g.", "H"},
			{"x#2", "h. i. j.", "H"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := sample()
			chunks := corpus.ChunkArticle(a, tt.size, tt.overlap)
			var got []chunk
			for i, ch := range chunks {
				got = append(got, chunk{ch.ID, ch.Text, ch.Section})
				if ch.Ordinal != i || ch.ArticleID != "x" {
					t.Errorf("chunk %d: Ordinal %d, ArticleID %q", i, ch.Ordinal, ch.ArticleID)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("chunks (-want +got):\n%s", diff)
			}
			checkSpans(t, a, chunks)
		})
	}
	if got := corpus.ChunkArticle(&corpus.Article{ID: "empty"}, 3, 1); got != nil {
		t.Errorf("chunks of an article without sentences = %v, want none", got)
	}
}

// TestChunksOfDefault checks the chunks Load makes for the real articles:
// every sentence is in a chunk, and no chunk shows a heading or a caption.
func TestChunksOfDefault(t *testing.T) {
	c := loadDefault(t)
	for _, a := range c.Articles {
		t.Run(a.ID, func(t *testing.T) {
			var chunks []corpus.Chunk
			for _, ch := range c.Chunks {
				if ch.ArticleID == a.ID {
					chunks = append(chunks, ch)
				}
			}
			if diff := cmp.Diff(corpus.ChunkArticle(a, corpus.DefaultChunkSentences, corpus.DefaultChunkOverlap), chunks); diff != "" {
				t.Errorf("Load's chunks differ from ChunkArticle with the defaults:\n%s", diff)
			}
			covered := map[corpus.Span]bool{}
			for _, ch := range chunks {
				for _, s := range ch.Sentences {
					covered[s] = true
				}
				for _, h := range a.Sections {
					if strings.Contains(ch.Text, h.Title) {
						t.Errorf("chunk %s shows heading %q", ch.ID, h.Title)
					}
				}
				for _, caption := range a.Captions {
					if ch.Start <= caption.Start && caption.End <= ch.End {
						t.Errorf("chunk %s shows a caption", ch.ID)
					}
				}
			}
			for _, s := range a.Sentences {
				if !covered[s] {
					t.Errorf("sentence %q is in no chunk", a.Text[s.Start:s.End])
				}
			}
		})
	}
}
