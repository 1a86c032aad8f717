package corpus_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

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
    tag: general
  - id: putin-greeting
    question: what did putin say when he saw kim
    answers: ["very glad"]
    articles: [ap-siberian-summit]
    tags: [single]
    speaker: Putin
  - id: hello
    question: hi there
    tag: chat
  - id: legacy-unanswerable
    question: Who wrote War and Peace?
    unanswerable: true
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
					Unanswerable: true,
					Tag:          corpus.TagGeneral,
				},
				{
					ID:       "putin-greeting",
					Question: "what did putin say when he saw kim",
					Answers:  []string{"very glad"},
					Articles: []string{"ap-siberian-summit"},
					Tags:     []string{"single"},
					Speaker:  "Putin",
				},
				{ID: "hello", Question: "hi there", Tag: corpus.TagChat},
				{ID: "legacy-unanswerable", Question: "Who wrote War and Peace?", Unanswerable: true},
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
			name: "unknown tag",
			yaml: `
questions:
  - id: odd
    question: Who won?
    unanswerable: true
    tag: sport
`,
			wantErr: `"odd": unknown tag "sport"`,
		},
		{
			name: "refusal tag on answerable question",
			yaml: `
questions:
  - id: tagged
    question: How long?
    answers: ["40 seconds"]
    articles: [x]
    tag: near-miss
`,
			wantErr: `"tagged": answerable question has tag "near-miss"`,
		},
		{
			name: "chat with answers",
			yaml: `
questions:
  - id: hi
    question: hello
    tag: chat
    answers: ["hello"]
`,
			wantErr: `"hi": chat message lists answers or articles`,
		},
		{
			name: "chat marked unanswerable",
			yaml: `
questions:
  - id: hi
    question: hello
    tag: chat
    unanswerable: true
`,
			wantErr: `"hi": chat message marked unanswerable`,
		},
		{
			name: "speaker on unanswerable",
			yaml: `
questions:
  - id: said
    question: What did Trump say?
    unanswerable: true
    tag: other-event
    speaker: Trump
`,
			wantErr: `"said": speaker on a question without answers`,
		},
		{
			name: "blank speaker",
			yaml: `
questions:
  - id: said
    question: What did Putin say?
    answers: ["very glad"]
    articles: [x]
    speaker: " "
`,
			wantErr: `"said": blank speaker`,
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

// The tags eval.yaml may use in `tags`; kind tags say how the answer is
// spread over the articles. Why an unanswerable question has no answer, and
// that a message is small talk, is its `tag` instead.
var (
	answerableKinds = map[string]bool{"single": true, "several": true}
	styleTags       = map[string]bool{"paraphrase": true, "lowercase": true, "misspelled": true}
	extraTags       = map[string]bool{
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

// evalFile is one question set checked against the articles: eval.yaml,
// which the judge and thresholds are fitted on, or the held-out set
// holdout2.yaml, written blind and never fitted on. Both follow
// the rules in eval.yaml's header; they differ only in how many questions of
// each kind they must have.
type evalFile struct {
	name   string
	prefix string // every id starts with it ("" for none)
	min    evalMinimums
}

// evalMinimums are the least counts a set must have, so that each figure
// `summitbot eval` reports stands on enough questions.
type evalMinimums struct {
	answerable, unanswerable                     int
	general, otherEvent, nearMiss, manipulation  int
	chat, speakers                               int
	several, paraphrase, number, styled, perGold int
}

var evalFiles = []evalFile{
	{
		name: "eval.yaml",
		min: evalMinimums{
			answerable: 150, unanswerable: 90,
			general: 30, otherEvent: 20, nearMiss: 25, manipulation: 10,
			chat: 10, speakers: 12,
			several: 8, paraphrase: 8, number: 8, styled: 8, perGold: 8,
		},
	},
	{
		name:   "holdout2.yaml",
		prefix: "h2-",
		min: evalMinimums{
			answerable: 70, unanswerable: 60,
			general: 18, otherEvent: 14, nearMiss: 18, manipulation: 10,
			chat: 10, speakers: 10,
			several: 8, paraphrase: 8, number: 8, styled: 8, perGold: 5,
		},
	},
}

// loadEvalFile reads and validates a question set by file name, relative to
// the corpus directory.
func loadEvalFile(t *testing.T, name string) *corpus.EvalSet {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	set, err := corpus.LoadEvalSet(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return set
}

// The embedded set is eval.yaml itself, so checking the file checks what
// `summitbot eval` runs by default.
func TestDefaultEvalSetIsEvalFile(t *testing.T) {
	embedded, err := corpus.DefaultEvalSet()
	if err != nil {
		t.Fatalf("DefaultEvalSet: %v", err)
	}
	if diff := cmp.Diff(loadEvalFile(t, "eval.yaml"), embedded); diff != "" {
		t.Errorf("DefaultEvalSet differs from eval.yaml (-file +embedded):\n%s", diff)
	}
}

func TestEvalSetsMatchArticles(t *testing.T) {
	texts := readArticles(t)
	for _, f := range evalFiles {
		t.Run(f.name, func(t *testing.T) {
			checkEvalSet(t, f, loadEvalFile(t, f.name), texts)
		})
	}
}

// checkEvalSet checks one set against the rules of eval.yaml's header: ids
// and question texts unique, tags allowed where they stand, every gold
// article containing an answer alias, and at least f.min of each kind.
func checkEvalSet(t *testing.T, f evalFile, set *corpus.EvalSet, texts map[string]string) {
	t.Helper()
	var answerable, unanswerable, speakers int
	tagCount := map[string]int{}
	kindCount := map[string]int{}
	goldCount := map[string]int{}
	ids := map[string]bool{}
	questions := map[string]string{}
	for _, q := range set.Questions {
		if ids[q.ID] {
			t.Errorf("%s: duplicate id", q.ID)
		}
		ids[q.ID] = true
		if !strings.HasPrefix(q.ID, f.prefix) {
			t.Errorf("%s: id does not start with %q", q.ID, f.prefix)
		}
		norm := normalizeQuestion(q.Question)
		if other, ok := questions[norm]; ok {
			t.Errorf("%s: same question as %s: %q", q.ID, other, q.Question)
		}
		questions[norm] = q.ID

		tags := map[string]bool{}
		var kinds []string
		for _, tag := range q.Tags {
			tagCount[tag]++
			tags[tag] = true
			switch {
			case answerableKinds[tag] && q.Answerable():
				kinds = append(kinds, tag)
			case styleTags[tag], extraTags[tag] && q.Answerable():
			default:
				t.Errorf("%s: tag %q not allowed here", q.ID, tag)
			}
		}
		if tags["lowercase"] && !lowercaseQuestion.MatchString(q.Question) {
			t.Errorf("%s: tagged lowercase but %q has capitals or punctuation", q.ID, q.Question)
		}
		if !q.Answerable() {
			if q.Tag == "" {
				t.Errorf("%s: unanswerable question without a tag (want one of %v)", q.ID, corpus.RefusalTags)
			}
			kindCount[q.Tag]++
			if q.Unanswerable {
				unanswerable++
			}
			continue
		}
		if len(kinds) != 1 {
			t.Errorf("%s: want exactly one kind tag, got %v", q.ID, kinds)
		}
		answerable++
		if q.Speaker != "" {
			speakers++
		}

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
	atLeast("answerable questions", answerable, f.min.answerable)
	atLeast("unanswerable questions", unanswerable, f.min.unanswerable)
	atLeast("general questions", kindCount[corpus.TagGeneral], f.min.general)
	atLeast("other-event questions", kindCount[corpus.TagOtherEvent], f.min.otherEvent)
	atLeast("near-miss questions", kindCount[corpus.TagNearMiss], f.min.nearMiss)
	atLeast("manipulation questions", kindCount[corpus.TagManipulation], f.min.manipulation)
	atLeast("chat messages", kindCount[corpus.TagChat], f.min.chat)
	atLeast("questions with a speaker", speakers, f.min.speakers)
	atLeast("several questions", tagCount["several"], f.min.several)
	atLeast("paraphrase questions", tagCount["paraphrase"], f.min.paraphrase)
	atLeast("number questions", tagCount["number"], f.min.number)
	atLeast("lowercase and misspelled questions", tagCount["lowercase"]+tagCount["misspelled"], f.min.styled)
	for id := range texts {
		atLeast("questions with gold article "+id, goldCount[id], f.min.perGold)
	}
	t.Logf("%d answerable (%d with a speaker), %d unanswerable; by tag %v; tags %v; gold %v",
		answerable, speakers, unanswerable, kindCount, tagCount, goldCount)
}

// The held-out sets measure the bot on questions nobody tuned for, so none
// of their questions may be one of an earlier set (ignoring case and
// punctuation) or share its id: each is disjoint from every set written
// before it.
func TestHoldoutDisjointFromEvalSet(t *testing.T) {
	tests := []struct {
		name    string
		earlier []string
	}{
		{name: "holdout2.yaml", earlier: []string{"eval.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids := map[string]string{}
			questions := map[string]string{}
			for _, name := range tt.earlier {
				for _, q := range loadEvalFile(t, name).Questions {
					ids[q.ID] = name
					questions[normalizeQuestion(q.Question)] = name + "'s " + q.ID
				}
			}
			for _, q := range loadEvalFile(t, tt.name).Questions {
				if name, ok := ids[q.ID]; ok {
					t.Errorf("%s: id also in %s", q.ID, name)
				}
				if other, ok := questions[normalizeQuestion(q.Question)]; ok {
					t.Errorf("%s: same question as %s: %q", q.ID, other, q.Question)
				}
			}
		})
	}
}

// normalizeQuestion folds a question and drops its punctuation, so that two
// questions differing only in case or punctuation count as the same.
func normalizeQuestion(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsSpace(r) {
			return r
		}
		return ' '
	}, fold(s))
	return strings.Join(strings.Fields(s), " ")
}

// speakerWindow is how close (in folded characters) a speaker's name must be
// to a gold alias in each gold article: near enough to be the same passage,
// allowing for a quote attributed by "he said" or "he added" in the next
// sentences (004 quotes Tikhonov over three paragraphs, 627 characters).
const speakerWindow = 700

// Every speaker is named in each gold article (under any of its names in
// articles/aliases.yaml, or as "Mr"/"Dr" and one word of a name: "Dr Ahn"),
// close to a gold answer alias, so the lead sentence can be attributed to
// them. It is a coarse check: a wrong speaker named in the same passage
// passes, so check the text when adding a speaker.
func TestEvalSpeakersInGoldArticles(t *testing.T) {
	texts := readArticles(t)
	names := speakerNames(t)
	for _, f := range evalFiles {
		t.Run(f.name, func(t *testing.T) {
			checkSpeakers(t, loadEvalFile(t, f.name), texts, names)
		})
	}
}

func checkSpeakers(t *testing.T, set *corpus.EvalSet, texts map[string]string, names map[string][]string) {
	t.Helper()
	for _, q := range set.Questions {
		if q.Speaker == "" {
			continue
		}
		variants := slices.Clone(names[fold(q.Speaker)])
		if variants == nil {
			variants = []string{fold(q.Speaker)}
		}
		for _, v := range variants {
			for _, w := range strings.Fields(v) {
				variants = append(variants, "mr "+w, "dr "+w)
			}
		}
		for _, id := range q.Articles {
			text := texts[id]
			if !nearAny(text, variants, q.Answers, speakerWindow) {
				t.Errorf("%s: speaker %q is not named within %d characters of any of %q in %s",
					q.ID, q.Speaker, speakerWindow, q.Answers, id)
			}
		}
	}
}

// speakerNames maps each folded name to every folded variant of its group in
// articles/aliases.yaml.
func speakerNames(t *testing.T) map[string][]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("articles", "aliases.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Aliases [][]string `yaml:"aliases"`
	}
	if err := yaml.Unmarshal(raw, &file); err != nil {
		t.Fatalf("parse aliases: %v", err)
	}
	names := map[string][]string{}
	for _, group := range file.Aliases {
		var folded []string
		for _, v := range group {
			folded = append(folded, fold(v))
		}
		for _, v := range folded {
			names[v] = folded
		}
	}
	return names
}

// nearAny reports whether some occurrence of one of names lies within window
// characters of some occurrence of one of aliases in text.
func nearAny(text string, names, aliases []string, window int) bool {
	var namePos []int
	for _, n := range names {
		namePos = append(namePos, indexAll(text, n)...)
	}
	for _, a := range aliases {
		for _, p := range indexAll(text, fold(a)) {
			for _, n := range namePos {
				if n >= p-window && n <= p+window {
					return true
				}
			}
		}
	}
	return false
}

func indexAll(text, sub string) []int {
	var out []int
	for i := 0; sub != ""; {
		j := strings.Index(text[i:], sub)
		if j < 0 {
			break
		}
		out = append(out, i+j)
		i += j + 1
	}
	return out
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
	for _, f := range evalFiles {
		t.Run(f.name, func(t *testing.T) {
			raw, err := os.ReadFile(f.name)
			if err != nil {
				t.Fatal(err)
			}
			checkNearMissesExplained(t, loadEvalFile(t, f.name), strings.Split(string(raw), "\n"))
		})
	}
}

func checkNearMissesExplained(t *testing.T, set *corpus.EvalSet, lines []string) {
	t.Helper()
	for _, q := range set.Questions {
		if q.Tag != corpus.TagNearMiss {
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
