package corpus

import (
	"io/fs"
	"path"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// These tests are internal because the joins a repair makes are not visible
// in the loaded corpus, only their result.

// TestRepairRealArticles checks that on the real articles the only join is
// the one the scraper broke.
func TestRepairRealArticles(t *testing.T) {
	var docs []cleaned
	entries, err := fs.ReadDir(Default(), ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if path.Ext(e.Name()) != ".txt" {
			continue
		}
		raw, err := fs.ReadFile(Default(), e.Name())
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, clean(string(raw)))
	}
	v := newVocabulary(docs)
	var joined []string
	for _, d := range docs {
		for _, p := range d.paras {
			_, j := v.repair(p)
			joined = append(joined, j...)
		}
	}
	if diff := cmp.Diff([]string{"orbit"}, joined); diff != "" {
		t.Errorf("joins (-want +got):\n%s", diff)
	}
}

func TestRepair(t *testing.T) {
	tests := []struct {
		name   string
		corpus []string // other paragraphs of the corpus
		para   string
		want   string
	}{
		{"broken word", []string{"into orbit.", "low Earth orbit."},
			"a spy satellite into or bit, experts said.", "a spy satellite into orbit, experts said."},
		{"joined word seen once", []string{"into orbit."},
			"a spy satellite into or bit, experts said.", "a spy satellite into or bit, experts said."},
		{"pair seen elsewhere", []string{"into orbit.", "low orbit.", "an or bit."},
			"a spy satellite into or bit, experts said.", "a spy satellite into or bit, experts said."},
		{"ordinary pair", []string{"went into the station in the night and into the tunnel", "said no to that"},
			"officials gave in to pressure.", "officials gave in to pressure."},
		{"any one", []string{"anyone could come; anyone did", "one by one", "any day"},
			"not any one of them", "not any one of them"},
		{"names are not joined", []string{"Kimjong said", "kimjong left"},
			"Kim jong arrived.", "Kim jong arrived."},
		{"punctuation between", []string{"into orbit.", "low orbit."},
			"he said or. Bit by bit.", "he said or. Bit by bit."},
		{"curly quote after", []string{"into orbit.", "low orbit."},
			"“put it into or bit” he said.", "“put it into orbit” he said."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs := []cleaned{{paras: slices.Concat(tt.corpus, []string{tt.para})}}
			got, _ := newVocabulary(docs).repair(tt.para)
			if got != tt.want {
				t.Errorf("repair(%q) = %q, want %q", tt.para, got, tt.want)
			}
		})
	}
}
