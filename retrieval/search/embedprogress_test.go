package search_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/openai/openaitest"
	"github.com/summitbot/summitbot/retrieval/search"
)

// TestEmbedProgressFromContext: an Embed whose context carries
// WithEmbedProgress reports each batch of the texts it had to embed, as
// the Progress field does; cached texts and other contexts report nothing.
func TestEmbedProgressFromContext(t *testing.T) {
	srv := openaitest.New(t)
	c := search.NewCachedEmbedder(fakeEmbedder(srv), filepath.Join(t.TempDir(), "vectors.bin"), 0, nil)
	var field, fromCtx []string
	c.Progress = func(_ string, done, total int) { field = append(field, fmt.Sprintf("%d/%d", done, total)) }
	ctx := retrieval.WithEmbedProgress(context.Background(), func(done, total int) {
		fromCtx = append(fromCtx, fmt.Sprintf("%d/%d", done, total))
	})
	texts := make([]string, 40)
	for i := range texts {
		texts[i] = fmt.Sprintf("Kim's train passage number %d", i)
	}
	if _, err := c.Embed(ctx, texts[:30]); err != nil {
		t.Fatal(err)
	}
	if want := []string{"16/30", "30/30"}; !slices.Equal(fromCtx, want) || !slices.Equal(field, want) {
		t.Errorf("progress from the context %v, from the field %v; want %v for both", fromCtx, field, want)
	}
	fromCtx, field = nil, nil
	if _, err := c.Embed(ctx, texts); err != nil { // 30 cached, 10 new
		t.Fatal(err)
	}
	if want := []string{"10/10"}; !slices.Equal(fromCtx, want) {
		t.Errorf("progress %v, want %v", fromCtx, want)
	}
	fromCtx = nil
	if _, err := c.Embed(context.Background(), append(texts, "one more about the cosmodrome")); err != nil {
		t.Fatal(err)
	}
	if len(fromCtx) != 0 || len(field) != 2 {
		t.Errorf("another context's Embed reported %v to this one (field: %v)", fromCtx, field)
	}
}
