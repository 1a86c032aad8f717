package qa

import (
	"cmp"
	"context"
	"slices"

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

// typedPassages is how many passages addTyped may add.
const typedPassages = 3

// addTyped adds to r, after the passages retrieval found, up to
// typedPassages more: those holding a sentence with the kind of fact the
// question asks for that shares something with it. Retrieval ranks
// passages by the question's words, and the words of "wut day of the week
// was this summit on" or "how did kim get to russia" find the passages
// saying "last week" or naming Kim and Russia, not the one saying
// "Wednesday" or "train": the fact asked for is what the question cannot
// name. rk holds which sentences hold each kind of fact; without it (no
// word meaning) r is returned as it is.
func addTyped(ix *search.Index, a Analysis, r Retrieved, rk *ranking) Retrieved {
	typed, ok := rk.typed(a.Kind)
	if !ok {
		return r
	}
	have := make(map[string]bool, len(r.Passages))
	for _, p := range r.Passages {
		have[p.Chunk.ID] = true
	}
	type hit struct {
		i   int
		cov float64
	}
	var hits []hit
	for i := range typed {
		s := ix.Sentence(i)
		if have[s.Chunk.ID] {
			continue
		}
		if cov := a.Focus.coverage(s.Terms); cov > 0 {
			hits = append(hits, hit{i, cov})
		}
	}
	// Best covered first; ties in index order, so answers do not depend
	// on map order.
	slices.SortFunc(hits, func(x, y hit) int {
		if c := cmp.Compare(y.cov, x.cov); c != 0 {
			return c
		}
		return cmp.Compare(x.i, y.i)
	})
	added := 0
	for _, h := range hits {
		if added == typedPassages {
			break
		}
		s := ix.Sentence(h.i)
		if have[s.Chunk.ID] {
			continue // another sentence of its passage came first
		}
		have[s.Chunk.ID] = true
		r.Passages = append(r.Passages, retrieval.Passage{Chunk: s.Chunk, Article: s.Article})
		added++
	}
	return r
}
