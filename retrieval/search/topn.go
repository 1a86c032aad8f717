package search

import (
	"cmp"
	"slices"
)

// topN returns the n best hits of a search over total documents, best
// first, equal scores in order of ID, from a source that ranks by score
// alone and so keeps an arbitrary few of the documents tied at its cut.
// fetch(k), with k <= total, returns the source's k best (or all it has, if
// fewer) in any order.
//
// topN asks for a margin past n and sorts with the ID as tie-break: the
// first n are then the same on every run as long as every document tied
// with the n-th was fetched, which holds when the source gave all it has or
// the last hit fetched scores below the n-th. When ties reach the end of
// what came back, it asks for twice as many. Asking for everything every
// time was exact too, but at 100,000 passages sorting and copying it all
// cost more than the search.
func topN(n, total int, fetch func(k int) ([]Hit, error)) ([]Hit, error) {
	n = min(n, total)
	if n <= 0 {
		return nil, nil
	}
	for k := min(total, max(2*n, n+16)); ; k = min(total, 2*k) {
		hits, err := fetch(k)
		if err != nil {
			return nil, err
		}
		if len(hits) == 0 {
			return nil, nil
		}
		sortHits(hits)
		if len(hits) < k || k == total || hits[len(hits)-1].Score < hits[n-1].Score {
			return hits[:min(n, len(hits))], nil
		}
	}
}

// sortHits orders hits by score, highest first, then by ID.
func sortHits(hits []Hit) {
	slices.SortFunc(hits, func(a, b Hit) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}
