package qa

import (
	"context"

	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/search"
)

// Retrieved is what retrieval found for an analysed question: the
// passages, best first, and the question's vector, which scoring reuses.
type Retrieved struct {
	Passages []retrieval.Passage
	QVec     []float32
}

// retrieve embeds the expanded query and ranks passages for it in the
// options' mode. Its errors do not name the question; Pipeline.Answer does.
func retrieve(ctx context.Context, ix *search.Index, a Analysis, opt Options) (Retrieved, error) {
	qvec, err := ix.EmbedQuery(ctx, a.Expanded)
	if err != nil {
		return Retrieved{}, err
	}
	passages, err := ix.SearchExpanded(ctx, a.Expanded, qvec, opt.Passages, opt.Mode)
	if err != nil {
		return Retrieved{}, err
	}
	return Retrieved{Passages: passages, QVec: qvec}, nil
}
