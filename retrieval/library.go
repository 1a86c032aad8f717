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

// Articles implements Library.
func (ix *Index) Articles() []*corpus.Article { return ix.corpus.Articles }

// Passages implements Library. The corpus is small: every passage is ranked
// in hybrid mode and the article's best are kept.
func (ix *Index) Passages(ctx context.Context, articleID, query string, n int) ([]Passage, error) {
	if _, ok := ix.articles[articleID]; !ok || n <= 0 {
		return nil, nil
	}
	all, err := ix.Search(ctx, query, len(ix.corpus.Chunks), Hybrid)
	if err != nil {
		return nil, err
	}
	var mine []Passage
	for _, p := range all {
		if p.Article.ID == articleID && len(mine) < n {
			mine = append(mine, p)
		}
	}
	return mine, nil
}
