package corpus_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/summitbot/summitbot/corpus"
)

func TestLoadEvalSet(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		want    *corpus.EvalSet
		wantErr string // substring of the error; "" means no error
	}{
		{
			name: "valid",
			yaml: `
questions:
  - id: handshake-duration
    question: How long did the handshake last?
    answers: ["40 seconds"]
    articles: [ap-siberian-summit, reuters-vostochny]
    tags: [number, several]
  - id: world-cup
    question: Who won the 2022 FIFA World Cup?
    unanswerable: true
    tags: [general]
`,
			want: &corpus.EvalSet{Questions: []corpus.EvalQuestion{
				{
					ID:       "handshake-duration",
					Question: "How long did the handshake last?",
					Answers:  []string{"40 seconds"},
					Articles: []string{"ap-siberian-summit", "reuters-vostochny"},
					Tags:     []string{"number", "several"},
				},
				{
					ID:           "world-cup",
					Question:     "Who won the 2022 FIFA World Cup?",
					Tags:         []string{"general"},
					Unanswerable: true,
				},
			}},
		},
		{
			name: "unknown key",
			yaml: `
questions:
  - id: typo
    question: How long?
    answer: ["40 seconds"]
    articles: [x]
`,
			wantErr: "answer",
		},
		{
			name: "duplicate id",
			yaml: `
questions:
  - id: same
    question: One?
    unanswerable: true
  - id: same
    question: Two?
    unanswerable: true
`,
			wantErr: `"same": duplicate id`,
		},
		{
			name: "empty id",
			yaml: `
questions:
  - id: ""
    question: One?
    unanswerable: true
`,
			wantErr: "question 1: empty id",
		},
		{
			name: "empty question",
			yaml: `
questions:
  - id: blank
    question: "  "
    unanswerable: true
`,
			wantErr: `"blank": empty question`,
		},
		{
			name: "answerable without answers",
			yaml: `
questions:
  - id: no-answers
    question: How long?
    articles: [x]
`,
			wantErr: `"no-answers": answerable question has no answers`,
		},
		{
			name: "answerable without articles",
			yaml: `
questions:
  - id: no-articles
    question: How long?
    answers: ["40 seconds"]
`,
			wantErr: `"no-articles": answerable question has no articles`,
		},
		{
			name: "unanswerable with articles",
			yaml: `
questions:
  - id: refuse-me
    question: Who won?
    unanswerable: true
    articles: [x]
`,
			wantErr: `"refuse-me": unanswerable question lists answers or articles`,
		},
		{
			name:    "empty document",
			yaml:    "",
			wantErr: "empty document",
		},
		{
			name:    "no questions",
			yaml:    "questions: []\n",
			wantErr: "no questions",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := corpus.LoadEvalSet(strings.NewReader(tt.yaml))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("LoadEvalSet error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("LoadEvalSet: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("LoadEvalSet mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// The tags eval.yaml may use; kind tags say how the answer is spread over the
// articles (answerable) or why there is none (unanswerable).
var (
	answerableKinds   = map[string]bool{"single": true, "several": true}
	unanswerableKinds = map[string]bool{"general": true, "other-event": true, "near-miss": true}
	extraTags         = map[string]bool{
		"paraphrase": true, "lowercase": true, "misspelled": true,
		"number": true, "name": true, "date": true, "place": true, "quote": true,
	}
)

// fold mirrors the matching `summitbot eval` does: case-insensitive, curly
// quotes made straight, hyphens and dashes made spaces, whitespace collapsed.
var foldReplacer = strings.NewReplacer(
	"’", "'", "‘", "'", "“", `"`, "”", `"`,
	"-", " ", "‐", " ", "–", " ", "—", " ",
)

func fold(s string) string {
	return strings.Join(strings.Fields(foldReplacer.Replace(strings.ToLower(s))), " ")
}

// readArticles reads the raw article files named in the manifest, folded,
// keyed by article id. It deliberately avoids the corpus loader so the eval
// set is checked against the texts themselves.
func readArticles(t *testing.T) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("articles", "manifest.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var manifest struct {
		Articles []struct {
			File string `yaml:"file"`
			ID   string `yaml:"id"`
		} `yaml:"articles"`
	}
	if err := yaml.Unmarshal(raw, &manifest); err != nil {
		t.Fatalf("parse manifest: %v", err)
	}
	texts := make(map[string]string, len(manifest.Articles))
	for _, a := range manifest.Articles {
		b, err := os.ReadFile(filepath.Join("articles", a.File))
		if err != nil {
			t.Fatal(err)
		}
		texts[a.ID] = fold(string(b))
	}
	if len(texts) == 0 {
		t.Fatal("manifest lists no articles")
	}
	return texts
}

var lowercaseQuestion = regexp.MustCompile(`^[a-z0-9' ]+$`)

func TestDefaultEvalSetMatchesArticles(t *testing.T) {
	set, err := corpus.DefaultEvalSet()
	if err != nil {
		t.Fatalf("DefaultEvalSet: %v", err)
	}
	texts := readArticles(t)

	var answerable, unanswerable int
	tagCount := map[string]int{}
	goldCount := map[string]int{}
	for _, q := range set.Questions {
		tags := map[string]bool{}
		var kinds []string
		for _, tag := range q.Tags {
			tagCount[tag]++
			tags[tag] = true
			switch {
			case answerableKinds[tag] && !q.Unanswerable, unanswerableKinds[tag] && q.Unanswerable:
				kinds = append(kinds, tag)
			case extraTags[tag] && !q.Unanswerable:
			default:
				t.Errorf("%s: tag %q not allowed here", q.ID, tag)
			}
		}
		if len(kinds) != 1 {
			t.Errorf("%s: want exactly one kind tag, got %v", q.ID, kinds)
		}
		if tags["lowercase"] && !lowercaseQuestion.MatchString(q.Question) {
			t.Errorf("%s: tagged lowercase but %q has capitals or punctuation", q.ID, q.Question)
		}
		if q.Unanswerable {
			unanswerable++
			continue
		}
		answerable++

		switch {
		case tags["single"] && len(q.Articles) != 1:
			t.Errorf("%s: tagged single but has %d gold articles", q.ID, len(q.Articles))
		case tags["several"] && len(q.Articles) < 2:
			t.Errorf("%s: tagged several but has %d gold article", q.ID, len(q.Articles))
		}
		seen := map[string]bool{}
		for _, id := range q.Articles {
			if seen[id] {
				t.Errorf("%s: gold article %s listed twice", q.ID, id)
			}
			seen[id] = true
			goldCount[id]++
			text, ok := texts[id]
			if !ok {
				t.Errorf("%s: gold article %q is not in the manifest", q.ID, id)
				continue
			}
			if !containsAny(text, q.Answers) {
				t.Errorf("%s: gold article %s contains none of %q", q.ID, id, q.Answers)
			}
		}
	}

	atLeast := func(what string, got, want int) {
		t.Helper()
		if got < want {
			t.Errorf("%s: %d, want at least %d", what, got, want)
		}
	}
	atLeast("answerable questions", answerable, 55)
	atLeast("unanswerable questions", unanswerable, 15)
	atLeast("near-miss questions", tagCount["near-miss"], 6)
	atLeast("several questions", tagCount["several"], 8)
	atLeast("paraphrase questions", tagCount["paraphrase"], 8)
	atLeast("number questions", tagCount["number"], 8)
	atLeast("lowercase and misspelled questions", tagCount["lowercase"]+tagCount["misspelled"], 8)
	for id := range texts {
		atLeast("questions with gold article "+id, goldCount[id], 8)
	}
	t.Logf("%d answerable, %d unanswerable; tags %v; gold %v", answerable, unanswerable, tagCount, goldCount)
}

func containsAny(text string, aliases []string) bool {
	for _, a := range aliases {
		if strings.Contains(text, fold(a)) {
			return true
		}
	}
	return false
}

// Every near-miss carries a comment saying why the articles do not answer it,
// so that whoever edits the articles or the question can re-check the claim.
func TestEvalNearMissesExplained(t *testing.T) {
	raw, err := os.ReadFile("eval.yaml")
	if err != nil {
		t.Fatal(err)
	}
	set, err := corpus.DefaultEvalSet()
	if err != nil {
		t.Fatalf("DefaultEvalSet: %v", err)
	}
	lines := strings.Split(string(raw), "\n")
	for _, q := range set.Questions {
		if !q.Unanswerable || !slices.Contains(q.Tags, "near-miss") {
			continue
		}
		explained := false
		for i, line := range lines {
			if strings.TrimSpace(line) == "- id: "+q.ID && i > 0 {
				explained = strings.HasPrefix(strings.TrimSpace(lines[i-1]), "#")
			}
		}
		if !explained {
			t.Errorf("%s: near-miss without a comment line above it", q.ID)
		}
	}
}
