package search

import "math"

// DefaultRRFK is the k of reciprocal rank fusion from Cormack, Clarke and
// Büttcher (2009), where it worked well across collections. The larger k, the
// less the top ranks of one list dominate the fused order.
const DefaultRRFK = 60

// FuseRRF merges ranked lists by reciprocal rank fusion: a document scores
// Σ 1/(k + rank) over the lists that hold it, ranks counted from 1 in each
// list's order. It ignores the lists' scores by design: BM25 scores and cosine
// similarities live on unrelated scales that shift from query to query, while
// ranks mean the same thing in both. A document listed twice in one list
// counts once, at its better rank. k <= 0 means DefaultRRFK. The result is
// ordered by fused score, highest first, then by ID; nil if no list has a hit.
func FuseRRF(k float64, lists ...[]Hit) []Hit {
	if k <= 0 || math.IsNaN(k) {
		k = DefaultRRFK
	}
	scores := make(map[string]float64)
	for _, list := range lists {
		seen := make(map[string]struct{}, len(list))
		for i, h := range list {
			if _, ok := seen[h.ID]; ok {
				continue
			}
			seen[h.ID] = struct{}{}
			scores[h.ID] += 1 / (k + float64(i+1))
		}
	}
	return hitsFromScores(scores)
}

// FuseWeighted merges a keyword and a vector list by a weighted sum of their
// scores, each list's scores first scaled to [0, 1] by its own minimum and
// maximum: wKeyword × keyword + (1 − wKeyword) × vector, with wKeyword clamped
// to [0, 1]. A document missing from a list gets 0 there, as does the lowest
// hit of a list; when all of a list's scores are equal they all get 1. A
// document listed twice in one list counts once, with its higher score.
// It exists to be compared against FuseRRF; the result is ordered like
// FuseRRF's.
func FuseWeighted(wKeyword float64, keyword, vector []Hit) []Hit {
	if math.IsNaN(wKeyword) {
		wKeyword = 0.5
	}
	wKeyword = min(max(wKeyword, 0), 1)
	scores := make(map[string]float64)
	addScaled(scores, keyword, wKeyword)
	addScaled(scores, vector, 1-wKeyword)
	return hitsFromScores(scores)
}

// addScaled adds w times each hit's min-max scaled score to scores.
func addScaled(scores map[string]float64, hits []Hit, w float64) {
	if len(hits) == 0 {
		return
	}
	best := make(map[string]float64, len(hits))
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, h := range hits {
		if s, ok := best[h.ID]; !ok || h.Score > s {
			best[h.ID] = h.Score
		}
		lo, hi = min(lo, h.Score), max(hi, h.Score)
	}
	for id, s := range best {
		scaled := 1.0
		if hi > lo {
			scaled = (s - lo) / (hi - lo)
		}
		scores[id] += w * scaled
	}
}

// hitsFromScores returns scores as hits, best first, ties by ID.
func hitsFromScores(scores map[string]float64) []Hit {
	if len(scores) == 0 {
		return nil
	}
	hits := make([]Hit, 0, len(scores))
	for id, s := range scores {
		hits = append(hits, Hit{ID: id, Score: s})
	}
	sortHits(hits)
	return hits
}
