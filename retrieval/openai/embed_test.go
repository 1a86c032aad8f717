package openai_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/summitbot/summitbot/retrieval/openai"
	"github.com/summitbot/summitbot/retrieval/openai/openaitest"
	"github.com/summitbot/summitbot/retrieval/search"
)

func embedConfig(srv *openaitest.Server) openai.Config {
	return openai.Config{
		BaseURL: srv.BaseURL(),
		Model:   "test-embed",
		Timeout: 5 * time.Second,
		Retry:   openai.Retry{Attempts: 3, Sleep: (&sleeps{}).sleep},
	}
}

func texts(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("Passage %d about the summit at Vostochny and missile number %d.", i, i*7)
	}
	return out
}

// TestEmbedBatchesAndOrder: requests are counted and batched, and vectors
// are placed by their index although the server returns them reversed.
func TestEmbedBatchesAndOrder(t *testing.T) {
	srv := openaitest.New(t)
	e := openai.NewEmbedder(embedConfig(srv), 4, 0)
	in := texts(10)
	got, err := e.Embed(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, b := range srv.EmbedBatches() {
		sizes = append(sizes, len(b))
	}
	if !slices.Equal(sizes, []int{4, 4, 2}) {
		t.Errorf("batch sizes %v, want [4 4 2]", sizes)
	}
	want, _ := search.NewLocalEmbedder(srv.Dims).Embed(context.Background(), in)
	for i := range in {
		if len(got[i]) != srv.Dims {
			t.Fatalf("vector %d has %d dimensions", i, len(got[i]))
		}
		var dot, norm float64
		for j := range got[i] {
			dot += float64(got[i][j]) * float64(want[i][j])
			norm += float64(got[i][j]) * float64(got[i][j])
		}
		if math.Abs(norm-1) > 1e-5 || dot < 0.9999 {
			t.Errorf("vector %d: norm² %v, similarity to its text's vector %v (misplaced?)", i, norm, dot)
		}
	}
}

func TestEmbedWrongDimension(t *testing.T) {
	srv := openaitest.New(t)
	srv.DimsFor = func(in string) int {
		if strings.Contains(in, "Passage 5 ") {
			return 7
		}
		return 0
	}
	_, err := openai.NewEmbedder(embedConfig(srv), 4, 0).Embed(t.Context(), texts(8))
	if err == nil || !strings.Contains(err.Error(), "7 dimensions, want 256") {
		t.Errorf("err = %v, want a dimension error", err)
	}
	// A configured dimension is held to from the first vector on.
	srv2 := openaitest.New(t)
	_, err = openai.NewEmbedder(embedConfig(srv2), 4, 768).Embed(t.Context(), texts(2))
	if err == nil || !strings.Contains(err.Error(), "256 dimensions, want 768") {
		t.Errorf("err = %v, want a dimension error", err)
	}
}

func TestEmbedRetriesAndFails(t *testing.T) {
	srv := openaitest.New(t)
	srv.EmbedError = func(w http.ResponseWriter, n int) bool {
		if n == 1 {
			openaitest.WriteError(w, 503, "")
			return true
		}
		return false
	}
	if _, err := openai.NewEmbedder(embedConfig(srv), 4, 0).Embed(t.Context(), texts(3)); err != nil {
		t.Fatalf("one 503 then success: %v", err)
	}
	srv.EmbedError = func(w http.ResponseWriter, n int) bool { openaitest.WriteError(w, 401, ""); return true }
	_, err := openai.NewEmbedder(embedConfig(srv), 4, 0).Embed(t.Context(), texts(3))
	if err == nil || !strings.Contains(err.Error(), "refused the request") {
		t.Errorf("err = %v", err)
	}
}

func TestEmbedModelName(t *testing.T) {
	srv := openaitest.New(t)
	if m := openai.NewEmbedder(embedConfig(srv), 0, 0).Model(); m != "openai:test-embed" {
		t.Errorf("Model() = %q", m)
	}
	if m := openai.NewEmbedder(embedConfig(srv), 0, 256).Model(); m != "openai:test-embed/256" {
		t.Errorf("Model() = %q", m)
	}
}
