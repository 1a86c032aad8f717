package chromem

// Tests for summitbot's changes to chromem-go v0.7.0 (see SUMMITBOT.md).

import (
	"cmp"
	"context"
	"fmt"
	"math/rand"
	"path/filepath"
	"slices"
	"testing"
)

// randomUnitVector returns a random vector of unit length.
func randomUnitVector(r *rand.Rand, dims int) []float32 {
	v := make([]float32, dims)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return normalizeVector(v)
}

// bruteForce returns the IDs of the n documents most similar to q, by a
// single scan and a full sort.
func bruteForce(docs map[string][]float32, q []float32, n int) []string {
	type sim struct {
		id  string
		sim float32
	}
	var sims []sim
	for id, v := range docs {
		s, _ := dotProduct(q, v)
		sims = append(sims, sim{id, s})
	}
	slices.SortFunc(sims, func(a, b sim) int { return cmp.Compare(b.sim, a.sim) })
	var ids []string
	for _, s := range sims[:n] {
		ids = append(ids, s.id)
	}
	return ids
}

func queryIDs(t *testing.T, c *Collection, q []float32, n int) []string {
	t.Helper()
	res, err := c.QueryEmbedding(context.Background(), q, n, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range res {
		ids = append(ids, r.ID)
	}
	return ids
}

// TestQueryMatchesBruteForce checks that the per-goroutine heaps, merged,
// keep exactly the n best, and that the ordered view of the documents follows
// every addition, overwrite and deletion.
func TestQueryMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	const dims = 16
	c, err := NewDB().CreateCollection("c", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]float32{}
	add := func(id string) {
		v := randomUnitVector(r, dims)
		if err := c.AddDocument(context.Background(), Document{ID: id, Embedding: v}); err != nil {
			t.Fatal(err)
		}
		want[id] = v
	}
	check := func(step string) {
		t.Helper()
		for j := 0; j < 20; j++ {
			q := randomUnitVector(r, dims)
			for _, n := range []int{1, 7, len(want)} {
				if got, exp := queryIDs(t, c, q, n), bruteForce(want, q, n); !slices.Equal(got, exp) {
					t.Fatalf("%s: top %d: got %v, want %v", step, n, got, exp)
				}
			}
		}
	}

	for i := 0; i < 500; i++ {
		add(fmt.Sprintf("doc-%d", i))
	}
	check("after adding 500")

	for i := 500; i < 600; i++ {
		add(fmt.Sprintf("doc-%d", i))
	}
	check("after adding 100 more")

	for i := 0; i < 600; i += 3 {
		add(fmt.Sprintf("doc-%d", i)) // a new vector for an old ID
	}
	check("after overwriting 200")

	var gone []string
	for i := 1; i < 600; i += 2 {
		gone = append(gone, fmt.Sprintf("doc-%d", i))
		delete(want, fmt.Sprintf("doc-%d", i))
	}
	if err := c.Delete(context.Background(), nil, nil, gone...); err != nil {
		t.Fatal(err)
	}
	check("after deleting 300")
}

// TestOrderedDocuments checks the order queries scan documents in: the order
// they were first added, an overwrite keeping its place; then, after an
// export and an import, which do not keep that order, the documents added
// since, then the imported ones by ID.
func TestOrderedDocuments(t *testing.T) {
	db := NewDB()
	c, err := db.CreateCollection("c", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	v := []float32{1, 0}
	for _, id := range []string{"b", "c", "a", "c", "d"} {
		if err := c.AddDocument(context.Background(), Document{ID: id, Embedding: v}); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Delete(context.Background(), nil, nil, "d"); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range c.orderedDocuments() {
		got = append(got, d.ID)
	}
	if want := []string{"b", "c", "a"}; !slices.Equal(got, want) {
		t.Errorf("ordered documents %v, want %v", got, want)
	}

	file := filepath.Join(t.TempDir(), "db.gob")
	if err := db.ExportToFile(file, false, ""); err != nil {
		t.Fatal(err)
	}
	imported := NewDB()
	if err := imported.ImportFromFile(file, ""); err != nil {
		t.Fatal(err)
	}
	c = imported.GetCollection("c", nil)
	if err := c.AddDocument(context.Background(), Document{ID: "z", Embedding: v}); err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, d := range c.orderedDocuments() {
		got = append(got, d.ID)
	}
	if want := []string{"z", "a", "b", "c"}; !slices.Equal(got, want) {
		t.Errorf("after import, ordered documents %v, want %v", got, want)
	}
}
