package corpus_test

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/summitbot/summitbot/corpus"
	"go.yaml.in/yaml/v3"
)

func loadDefault(t *testing.T) *corpus.Corpus {
	t.Helper()
	c, err := corpus.Load(corpus.Default())
	if err != nil {
		t.Fatalf("Load(Default()): %v", err)
	}
	return c
}

func article(t *testing.T, c *corpus.Corpus, id string) *corpus.Article {
	t.Helper()
	for _, a := range c.Articles {
		if a.ID == id {
			return a
		}
	}
	t.Fatalf("no article %q", id)
	return nil
}

func sentenceTexts(a *corpus.Article) []string {
	var out []string
	for _, s := range a.Sentences {
		out = append(out, a.Text[s.Start:s.End])
	}
	return out
}

// checkSpans fails t unless every offset of a points into its Text, on
// rune boundaries, and every chunk's text is exactly what its span covers.
func checkSpans(t *testing.T, a *corpus.Article, chunks []corpus.Chunk) {
	t.Helper()
	inText := func(what string, s corpus.Span) {
		t.Helper()
		if s.Start < 0 || s.Start >= s.End || s.End > len(a.Text) {
			t.Errorf("%s: %s span [%d,%d) out of range (len %d)", a.ID, what, s.Start, s.End, len(a.Text))
			return
		}
		if !utf8.RuneStart(a.Text[s.Start]) || (s.End < len(a.Text) && !utf8.RuneStart(a.Text[s.End])) {
			t.Errorf("%s: %s span [%d,%d) splits a character", a.ID, what, s.Start, s.End)
		}
		if text := a.Text[s.Start:s.End]; strings.TrimSpace(text) != text {
			t.Errorf("%s: %s %q has white space around it", a.ID, what, text)
		}
	}
	if !utf8.ValidString(a.Text) {
		t.Errorf("%s: Text is not valid UTF-8", a.ID)
	}
	for i, s := range a.Sentences {
		inText("sentence", s)
		if i > 0 && s.Start < a.Sentences[i-1].End {
			t.Errorf("%s: sentence %d overlaps the one before", a.ID, i)
		}
	}
	for _, s := range a.Sections {
		inText("section", s.Span)
		if a.Text[s.Start:s.End] != s.Title {
			t.Errorf("%s: section %q does not match its span %q", a.ID, s.Title, a.Text[s.Start:s.End])
		}
	}
	for _, s := range a.Captions {
		inText("caption", s)
	}
	for _, ch := range chunks {
		if ch.ArticleID != a.ID {
			continue
		}
		inText("chunk "+ch.ID, ch.Span)
		if ch.Text != a.Text[ch.Start:ch.End] {
			t.Errorf("chunk %s: Text differs from the span it covers", ch.ID)
		}
		if len(ch.Sentences) == 0 || ch.Sentences[0].Start != ch.Start || ch.Sentences[len(ch.Sentences)-1].End != ch.End {
			t.Errorf("chunk %s: span does not run from its first to its last sentence", ch.ID)
		}
	}
}

func TestLoadDefault(t *testing.T) {
	c := loadDefault(t)

	var ids []string
	for _, a := range c.Articles {
		ids = append(ids, a.ID)
	}
	wantIDs := []string{"kim-sacred-fight", "ap-siberian-summit", "reuters-vostochny", "always-with-russia", "afp-arms-deal"}
	if diff := cmp.Diff(wantIDs, ids); diff != "" {
		t.Fatalf("article ids (-want +got):\n%s", diff)
	}

	tests := []struct {
		id        string
		date      string
		publisher string
		minLinks  int
		sections  []string
		captions  int
	}{
		{id: "kim-sacred-fight", date: "", publisher: "", minLinks: 2},
		{id: "ap-siberian-summit", date: "2023-09-13", publisher: "Associated Press", captions: 1},
		{id: "reuters-vostochny", date: "2023-09-13", publisher: "Reuters", sections: []string{"‘Sensitive areas’"}},
		{id: "always-with-russia", date: "2023-09-13", sections: []string{"Long deliberations", "Fired missiles", "High calibre delegation", "Strategic ties"}},
		{id: "afp-arms-deal", date: "2023-09-13", publisher: "AFP", sections: []string{"Tactical gains"}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			a := article(t, c, tt.id)
			if a.Date != tt.date {
				t.Errorf("Date = %q, want %q", a.Date, tt.date)
			}
			if a.Publisher != tt.publisher {
				t.Errorf("Publisher = %q, want %q", a.Publisher, tt.publisher)
			}
			if len(a.Links) < tt.minLinks {
				t.Errorf("got %d links, want at least %d", len(a.Links), tt.minLinks)
			}
			var sections []string
			for _, s := range a.Sections {
				sections = append(sections, s.Title)
			}
			if diff := cmp.Diff(tt.sections, sections); diff != "" {
				t.Errorf("sections (-want +got):\n%s", diff)
			}
			if len(a.Captions) != tt.captions {
				t.Errorf("got %d captions, want %d", len(a.Captions), tt.captions)
			}
			if a.Title == "" || len(a.Hash) != 64 || a.Words < 400 {
				t.Errorf("Title %q, Hash %q, Words %d: want a title, a sha256 and a few hundred words", a.Title, a.Hash, a.Words)
			}
			if strings.Contains(a.Text, "date 2023") || strings.Contains(a.Text, "<a ") || strings.Contains(a.Text, "</a>") {
				t.Errorf("Text still holds a date prefix or markup")
			}
			checkSpans(t, a, c.Chunks)
			for _, s := range sentenceTexts(a) {
				for _, h := range a.Sections {
					if strings.Contains(s, h.Title) {
						t.Errorf("sentence %q contains heading %q", s, h.Title)
					}
				}
				if strings.Contains(s, "(Source:") || strings.HasSuffix(s, "REUTERS") {
					t.Errorf("sentence %q holds a caption or wire credit", s)
				}
			}
		})
	}

	t.Run("orbit repaired", func(t *testing.T) {
		a := article(t, c, "always-with-russia")
		if !strings.Contains(a.Text, "satellite into orbit, experts said") || strings.Contains(a.Text, "or bit") {
			t.Errorf("the broken word \"or bit\" was not repaired")
		}
	})
	t.Run("links of 000", func(t *testing.T) {
		a := article(t, c, "kim-sacred-fight")
		if a.Links[0].Text != "Vladimir Putin" || !strings.HasPrefix(a.Links[0].URL, "https://www.thenationalnews.com/") {
			t.Errorf("first link = %+v", a.Links[0])
		}
		if !strings.HasPrefix(a.Text, "Russian President Vladimir Putin hosted North Korean leader Kim Jong-un for talks") {
			t.Errorf("Text starts %q", a.Text[:80])
		}
	})
	t.Run("REUTERS sign-off", func(t *testing.T) {
		a := article(t, c, "reuters-vostochny")
		last := sentenceTexts(a)[len(a.Sentences)-1]
		if !strings.HasSuffix(last, "pooling efforts”.") {
			t.Errorf("last sentence = %q, want it to end before REUTERS", last)
		}
		if !strings.HasSuffix(a.Text, "REUTERS") {
			t.Errorf("the sign-off should stay in Text")
		}
	})
	t.Run("sentence after a year", func(t *testing.T) {
		a := article(t, c, "reuters-vostochny")
		if !slices.Contains(sentenceTexts(a), "He also briefly stepped across the inter-Korean border twice.") {
			t.Errorf("no sentence break after \"2019.\"")
		}
	})
	t.Run("chunk ids", func(t *testing.T) {
		seen := map[string]bool{}
		for _, ch := range c.Chunks {
			if seen[ch.ID] {
				t.Errorf("duplicate chunk id %s", ch.ID)
			}
			seen[ch.ID] = true
		}
		if !seen["kim-sacred-fight#0"] || !seen["afp-arms-deal#0"] {
			t.Errorf("chunk ids are not <article id>#<ordinal>")
		}
	})
}

// TestManifestInventsNothing checks that the publisher the manifest gives
// each real article is written in the article itself. Reuters signs off in
// capitals, so the match ignores case.
func TestManifestInventsNothing(t *testing.T) {
	c := loadDefault(t)
	for _, a := range c.Articles {
		t.Run(a.ID, func(t *testing.T) {
			raw, err := fs.ReadFile(corpus.Default(), a.File)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(strings.ToLower(string(raw)), strings.ToLower(a.Publisher)) {
				t.Errorf("publisher %q is not in %s", a.Publisher, a.File)
			}
		})
	}
}

// TestLoadWithoutManifest loads the real articles with no manifest: ids and
// titles are derived, and the publishers found in the text are the ones the
// manifest gives.
func TestLoadWithoutManifest(t *testing.T) {
	withManifest := loadDefault(t)
	bare := fstest.MapFS{}
	for _, a := range withManifest.Articles {
		raw, err := fs.ReadFile(corpus.Default(), a.File)
		if err != nil {
			t.Fatal(err)
		}
		bare[a.File] = &fstest.MapFile{Data: raw}
	}
	c, err := corpus.Load(bare)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	for i, a := range c.Articles {
		want := withManifest.Articles[i]
		t.Run(a.File, func(t *testing.T) {
			if wantID := strings.ReplaceAll(strings.TrimSuffix(a.File, ".txt"), "_", "-"); a.ID != wantID {
				t.Errorf("ID = %q, want %q", a.ID, wantID)
			}
			if a.Publisher != want.Publisher || a.Date != want.Date {
				t.Errorf("Publisher, Date = %q, %q; want %q, %q", a.Publisher, a.Date, want.Publisher, want.Date)
			}
			if !strings.HasSuffix(a.Title, "…") || len(strings.Fields(a.Title)) != 10 {
				t.Errorf("Title = %q, want the first ten words and …", a.Title)
			}
			if a.Text != want.Text {
				t.Errorf("Text depends on the manifest")
			}
		})
	}
}

func TestLoadDeterministic(t *testing.T) {
	first, second := loadDefault(t), loadDefault(t)
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("two loads differ (-first +second):\n%s", diff)
	}
}

// TestLoadConcurrent shares the sentence tokenizer between goroutines; run
// with -race.
func TestLoadConcurrent(t *testing.T) {
	want := loadDefault(t)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			c, err := corpus.Load(corpus.Default())
			if err != nil {
				t.Errorf("Load: %v", err)
				return
			}
			if !cmp.Equal(want, c) {
				t.Errorf("concurrent load differs")
			}
		})
	}
	wg.Wait()
}

func TestLoadBadFiles(t *testing.T) {
	c, err := corpus.Load(corpus.Dir("testdata/bad"))
	if c == nil {
		t.Fatalf("Load returned no corpus: %v", err)
	}
	var loadErr *corpus.LoadError
	if !errors.As(err, &loadErr) {
		t.Fatalf("err = %v, want a *LoadError", err)
	}

	var files []string
	for _, a := range c.Articles {
		files = append(files, a.File)
	}
	if diff := cmp.Diff([]string{"dup-a.txt", "good.txt"}, files); diff != "" {
		t.Errorf("loaded files (-want +got):\n%s", diff)
	}

	got := map[string]string{}
	for _, fe := range loadErr.Files {
		got[fe.File] = fe.Reason
	}
	want := map[string]string{
		"baddate.txt": `manifest.yaml gives date "13/09/2023", want YYYY-MM-DD`,
		"blank.txt":   "only whitespace",
		"dup-b.txt":   `duplicate id "same-id" (already used by dup-a.txt)`,
		"empty.txt":   "empty",
		"gone.txt":    "listed in manifest.yaml but no such .txt file",
		"latin1.txt":  "not valid UTF-8",
		"nul.txt":     "binary (contains NUL bytes)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rejected files (-want +got):\n%s", diff)
	}
	for file, reason := range want {
		if !strings.Contains(err.Error(), file+": "+reason) {
			t.Errorf("error message does not say %q: %v", file+": "+reason, err)
		}
	}
}

func TestLoadFileChecks(t *testing.T) {
	good := &fstest.MapFile{Data: []byte("Putin met Kim at the cosmodrome.\n")}
	tests := []struct {
		name   string
		data   []byte
		reason string
	}{
		{"over 1 MiB", []byte(strings.Repeat("Putin met Kim. ", 1<<20/15+1)), "over 1 MiB"},
		{"exactly 1 MiB", []byte(strings.Repeat("a", 1<<20-1) + "."), ""},
		{"control characters", []byte("Putin\x01\x02\x03\x04 met Kim.\x05"), "binary (too many control characters)"},
		{"one form feed", []byte("Putin met Kim at the cosmodrome.\f Then they talked for a long time."), ""},
		{"markup only", []byte(` date 2023-09-13 <a href="x"></a>`), "no text after removing markup"},
		{"UTF-8 BOM", []byte("\uFEFFPutin met Kim."), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := corpus.Load(fstest.MapFS{"a-good.txt": good, "b.txt": {Data: tt.data}})
			if c == nil {
				t.Fatalf("Load: no corpus: %v", err)
			}
			if tt.reason == "" {
				if err != nil || len(c.Articles) != 2 {
					t.Errorf("Load: %d articles, %v; want 2 and no error", len(c.Articles), err)
				}
				return
			}
			var fe *corpus.FileError
			if !errors.As(err, &fe) || fe.File != "b.txt" || fe.Reason != tt.reason {
				t.Fatalf("err = %v, want b.txt rejected with %q", err, tt.reason)
			}
			if len(c.Articles) != 1 || c.Articles[0].File != "a-good.txt" {
				t.Errorf("the good file did not load alone")
			}
		})
	}
}

func TestLoadFails(t *testing.T) {
	tests := []struct {
		name string
		fsys fs.FS
		want string // in the error message
	}{
		{"unknown manifest key", corpus.Dir("testdata/manifest-unknown-key"), "manifest.yaml"},
		{"malformed manifest", corpus.Dir("testdata/manifest-malformed"), "manifest.yaml"},
		{"malformed aliases", corpus.Dir("testdata/aliases-malformed"), "aliases.yaml"},
		{"only file rejected", corpus.Dir("testdata/manifest-bad-date"), `a.txt: manifest.yaml gives date "2023-02-30"`},
		{"no articles", fstest.MapFS{"notes.md": {Data: []byte("hi")}}, "no article loaded"},
		{"missing directory", corpus.Dir("testdata/no-such-dir"), "read directory"},
		{"manifest with two documents", fstest.MapFS{
			"a.txt":         {Data: []byte("Putin met Kim.")},
			"manifest.yaml": {Data: []byte("articles:\n  - file: a.txt\n---\narticles:\n  - file: a.txt\n    id: other\n")},
		}, "manifest.yaml: a second YAML document starts at line 3"},
		{"aliases with two documents", fstest.MapFS{
			"a.txt":        {Data: []byte("Putin met Kim.")},
			"aliases.yaml": {Data: []byte("aliases:\n  - [Kim Jong Un, Kim]\n---\naliases:\n  - [Putin, Vladimir Putin]\n")},
		}, "aliases.yaml: a second YAML document starts at line 3"},
		{"manifest entry without file", fstest.MapFS{
			"a.txt":         {Data: []byte("Putin met Kim.")},
			"manifest.yaml": {Data: []byte("articles:\n  - id: a\n")},
		}, "article 1 has no file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := corpus.Load(tt.fsys)
			if c != nil || err == nil {
				t.Fatalf("Load = %v, %v; want nil and an error", c, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestLoadAliases(t *testing.T) {
	c, err := corpus.Load(corpus.Dir("testdata/aliases"))
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"Kim Jong Un", "Kim Jong-un", "Mr Kim"}, {"Vostochny Cosmodrome", "Vostochny"}}
	if diff := cmp.Diff(want, c.Aliases); diff != "" {
		t.Errorf("Aliases (-want +got):\n%s", diff)
	}

	bare, err := corpus.Load(fstest.MapFS{"a.txt": {Data: []byte("Putin met Kim.")}})
	if err != nil {
		t.Fatal(err)
	}
	if bare.Aliases != nil {
		t.Errorf("Aliases = %v without an aliases.yaml, want nil", bare.Aliases)
	}
}

// TestManifestFormat keeps the manifest in the format Load reads; the yaml
// tags are not exported, so this decodes it independently.
func TestManifestFormat(t *testing.T) {
	raw, err := fs.ReadFile(corpus.Default(), "manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Articles []map[string]string `yaml:"articles"`
	}
	if err := yaml.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Articles) != 5 {
		t.Errorf("manifest lists %d articles, want 5", len(m.Articles))
	}
}

func TestErrorMessages(t *testing.T) {
	one := corpus.FileError{File: "003.txt", Reason: "not valid UTF-8"}
	two := corpus.FileError{File: "004.txt", Reason: "cannot read", Err: fs.ErrPermission}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"file", &one, "corpus: 003.txt: not valid UTF-8"},
		{"file with cause", &two, "corpus: 004.txt: cannot read: permission denied"},
		{"one file", &corpus.LoadError{Files: []corpus.FileError{one}}, "corpus: 003.txt: not valid UTF-8"},
		{"two files", &corpus.LoadError{Files: []corpus.FileError{one, two}},
			"corpus: 2 files rejected: corpus: 003.txt: not valid UTF-8; corpus: 004.txt: cannot read: permission denied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
	if err := error(&corpus.LoadError{Files: []corpus.FileError{one, two}}); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("LoadError does not unwrap to its files' causes")
	}
}
