package retrieval

import (
	"context"

	"github.com/summitbot/summitbot/corpus"
)

// Library is what a front end shows of the articles themselves: the list,
// one article, and an article's passages that best match a query. The
// search behind Passages is retrieval's, so that a front end runs none of
// its own.
type Library interface {
	// Articles lists the articles answers are drawn from, in corpus order.
	Articles() []*corpus.Article
	// Article returns the article with the given id.
	Article(id string) (*corpus.Article, bool)
	// Passages returns up to n passages of the article that best match
	// query, best first; none when the article has no matching passage.
	Passages(ctx context.Context, articleID, query string, n int) ([]Passage, error)
}

// Passage is a chunk found for a query, with the article it belongs to.
type Passage struct {
	Chunk   *corpus.Chunk
	Article *corpus.Article
	Score   float64 // the ranking score of the mode that found it
}
