package search

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// rankedHits returns hits with the given ids, in order, scored to look like a
// real list (falling scores) without the fusions being allowed to read them.
func rankedHits(ids ...string) []Hit {
	hits := make([]Hit, len(ids))
	for i, id := range ids {
		hits[i] = Hit{ID: id, Score: 100 - float64(i)}
	}
	return hits
}

func rrfScore(k float64, ranks ...int) float64 {
	var s float64
	for _, r := range ranks {
		s += 1 / (k + float64(r))
	}
	return s
}

func TestFuseRRF(t *testing.T) {
	const k = DefaultRRFK
	tests := []struct {
		name  string
		k     float64
		lists [][]Hit
		want  []Hit
	}{
		{"no lists", k, nil, nil},
		{"empty lists", k, [][]Hit{nil, {}}, nil},
		{"one list keeps its order", k, [][]Hit{rankedHits("b", "a", "c")},
			[]Hit{{"b", rrfScore(k, 1)}, {"a", rrfScore(k, 2)}, {"c", rrfScore(k, 3)}}},
		{"one list and an empty one", k, [][]Hit{rankedHits("b", "a"), nil},
			[]Hit{{"b", rrfScore(k, 1)}, {"a", rrfScore(k, 2)}}},
		// 1/63 + 1/61 > 2/62: a first place outweighs two second places.
		{"agreement adds up", k, [][]Hit{rankedHits("a", "b", "c"), rankedHits("c", "b", "x")},
			[]Hit{{"c", rrfScore(k, 3, 1)}, {"b", rrfScore(k, 2, 2)}, {"a", rrfScore(k, 1)}, {"x", rrfScore(k, 3)}}},
		{"disjoint lists interleave, ties by id", k, [][]Hit{rankedHits("b", "d"), rankedHits("c", "a")},
			[]Hit{{"b", rrfScore(k, 1)}, {"c", rrfScore(k, 1)}, {"a", rrfScore(k, 2)}, {"d", rrfScore(k, 2)}}},
		{"duplicate in a list counts once, at its best rank", k, [][]Hit{rankedHits("a", "b", "a"), rankedHits("b")},
			[]Hit{{"b", rrfScore(k, 2, 1)}, {"a", rrfScore(k, 1)}}},
		{"scores are ignored", k, [][]Hit{{{"low", -5}, {"high", 1e9}}},
			[]Hit{{"low", rrfScore(k, 1)}, {"high", rrfScore(k, 2)}}},
		{"k <= 0 means the default", 0, [][]Hit{rankedHits("a")}, []Hit{{"a", rrfScore(k, 1)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FuseRRF(tt.k, tt.lists...)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
				t.Errorf("FuseRRF (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFuseRRFK checks what k is for: a document ranked fifth by both lists
// beats the two documents ranked first by one list each at k = 60, not at
// k = 1, where the top ranks dominate.
func TestFuseRRFK(t *testing.T) {
	lists := [][]Hit{rankedHits("a", "p1", "p2", "p3", "both"), rankedHits("x", "q1", "q2", "q3", "both")}
	if got := FuseRRF(DefaultRRFK, lists...); got[0].ID != "both" {
		t.Errorf("k=60: first is %v, want both", got[0])
	}
	if got := FuseRRF(1, lists...); got[0].ID != "a" || got[1].ID != "x" {
		t.Errorf("k=1: first are %v, want a and x", got[:2])
	}
}

func TestFuseWeighted(t *testing.T) {
	tests := []struct {
		name    string
		w       float64
		keyword []Hit
		vector  []Hit
		want    []Hit
	}{
		{"both empty", 0.5, nil, nil, nil},
		{"keyword only, scaled to [0,1]", 0.5, []Hit{{"a", 10}, {"b", 6}, {"c", 2}}, nil,
			[]Hit{{"a", 0.5}, {"b", 0.25}, {"c", 0}}},
		{"vector only", 0.3, nil, []Hit{{"a", 0.9}, {"b", 0.5}},
			[]Hit{{"a", 0.7}, {"b", 0}}},
		{"one hit scales to 1", 0.5, []Hit{{"a", 3}}, nil, []Hit{{"a", 0.5}}},
		{"equal scores all scale to 1", 0.5, []Hit{{"b", 2}, {"a", 2}}, nil,
			[]Hit{{"a", 0.5}, {"b", 0.5}}},
		{"disjoint lists, ties by id", 0.5, []Hit{{"k1", 8}, {"k2", 4}}, []Hit{{"v1", 0.8}, {"v2", 0.2}},
			[]Hit{{"k1", 0.5}, {"v1", 0.5}, {"k2", 0}, {"v2", 0}}},
		{"overlap adds up", 0.6, []Hit{{"a", 12}, {"b", 7}, {"c", 2}}, []Hit{{"b", 0.9}, {"c", 0.5}, {"a", 0.1}},
			[]Hit{{"b", 0.6*0.5 + 0.4}, {"a", 0.6}, {"c", 0.4 * 0.5}}},
		{"duplicate keeps its higher score", 0.5, []Hit{{"a", 4}, {"b", 2}, {"a", 0}}, nil,
			[]Hit{{"a", 0.5}, {"b", 0.25}}},
		{"weight clamped above", 7, []Hit{{"a", 1}}, []Hit{{"b", 1}}, []Hit{{"a", 1}, {"b", 0}}},
		{"weight clamped below", -1, []Hit{{"a", 1}}, []Hit{{"b", 1}}, []Hit{{"b", 1}, {"a", 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FuseWeighted(tt.w, tt.keyword, tt.vector)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
				t.Errorf("FuseWeighted (-want +got):\n%s", diff)
			}
		})
	}
}
