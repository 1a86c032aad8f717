package qa_test

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/qa"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/analyse")

// analyseQuestions are the eval set's questions and those of
// testdata/analyse/questions.txt, in that order, each once.
func analyseQuestions(t *testing.T) []string {
	t.Helper()
	set, err := corpus.DefaultEvalSet()
	if err != nil {
		t.Fatal(err)
	}
	var qs []string
	seen := make(map[string]bool)
	add := func(q string) {
		if q != "" && !seen[q] {
			seen[q] = true
			qs = append(qs, q)
		}
	}
	for _, q := range set.Questions {
		add(q.Question)
	}
	f, err := os.Open(filepath.Join("testdata", "analyse", "questions.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); !strings.HasPrefix(line, "#") {
			add(line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return qs
}

// TestAnalyseGolden compares what question analysis makes of every
// question with the golden tables under testdata/analyse, one line a
// question, so that a rule change shows as a one-line diff there:
//
//   - kind.golden: the kind of answer it asks for;
//   - corrected.golden: the question after spelling correction;
//   - focus.golden: what a sentence must mention to answer it (alias
//     concepts in brackets, then plain terms, as analysed);
//   - speaker.golden: whom a "what did X say" question asks about ("-"
//     for other questions);
//   - missing.golden: the question's specific terms that the articles hold
//     in no form (qa.MissingTerms), which the judge refuses on;
//   - intent.golden: question, chat or instruction (qa.ReadIntent).
//
// Run with -update to rewrite them after an intended change, and review
// the diff.
func TestAnalyseGolden(t *testing.T) {
	ix := testIndex(t)
	m := qa.NewMeaning(qa.SentenceTexts(ix))
	tables := map[string][]string{}
	for _, q := range analyseQuestions(t) {
		a, err := qa.Analyse(ix, retrieval.Question{Text: q})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		tables["kind"] = append(tables["kind"], fmt.Sprintf("%s → %s", q, a.Kind))
		tables["corrected"] = append(tables["corrected"], fmt.Sprintf("%s → %s", q, a.Searched))
		var focus []string
		for _, c := range a.Focus.Concepts {
			focus = append(focus, "["+strings.Join(c, " ")+"]")
		}
		focus = append(focus, a.Focus.Terms...)
		tables["focus"] = append(tables["focus"], fmt.Sprintf("%s → %s", q, strings.Join(focus, " ")))
		speaker := a.Speaker
		if speaker == "" {
			speaker = "-"
		}
		tables["speaker"] = append(tables["speaker"], fmt.Sprintf("%s → %s", q, speaker))
		tables["missing"] = append(tables["missing"], fmt.Sprintf("%s → %s", q, strings.Join(m.MissingTerms(a.Searched), " ")))
		in, _ := qa.ReadIntent(a.Question)
		tables["intent"] = append(tables["intent"], fmt.Sprintf("%s → %s", q, in))
	}
	for name, got := range tables {
		path := filepath.Join("testdata", "analyse", name+".golden")
		if *update {
			if err := os.WriteFile(path, []byte(strings.Join(got, "\n")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -run TestAnalyseGolden -update to create it)", err)
		}
		want := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s differs (-golden +now); if the change is intended, rerun with -update:\n%s", path, diff)
		}
	}
}

// TestClassify pins the kind rules that are tried in order: the first cue
// that matches wins.
func TestClassify(t *testing.T) {
	for _, tt := range []struct {
		q    string
		want retrieval.Kind
	}{
		{"How many years has Kim ruled?", retrieval.KindDuration},
		{"How many missiles were fired?", retrieval.KindCount},
		{"What did Putin say about space?", retrieval.KindQuote},
		{"What time did the talks start?", retrieval.KindClock},
		{"Where did they meet?", retrieval.KindPlace},
		{"wut day of the week was this summit on", retrieval.KindDay},
		{"which day did they meet", retrieval.KindDay},
		{"what date did luna 25 crash", retrieval.KindTime}, // a date, not only a weekday
		{"in which years did kim travel abroad", retrieval.KindYear},
		{"how did kim get to russia", retrieval.KindMeans},
		{"did kim fly there or what", retrieval.KindMeans},
		{"At what temperature does water boil at sea level?", retrieval.KindTemp},
		{"how cold was it at vostochny", retrieval.KindTemp},
		{"how did kim and putin understand each other", retrieval.KindOther},
		{"Tell me about the summit", retrieval.KindOther},
	} {
		if got := qa.Classify(tt.q); got != tt.want {
			t.Errorf("Classify(%q) = %s, want %s", tt.q, got, tt.want)
		}
	}
}

func TestCounted(t *testing.T) {
	ix := testIndex(t)
	for q, want := range map[string]string{
		"How many missiles did North Korea fire?":        "missiles",
		"how many north korean troops got sent to kursk": "troops",
		"how many ppl were in kims delegation":           "people", // chat's spelling, spelled out
		"how many times has kim left north korea":        "times",
		"how long did the talks last":                    "",
		"how many":                                       "",
	} {
		a, err := qa.Analyse(ix, retrieval.Question{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		if a.Counted != want {
			t.Errorf("Analyse(%q).Counted = %q, want %q", q, a.Counted, want)
		}
	}
}

// TestAnalyseAdvice checks which questions ask for advice or
// instructions for the asker (Analysis.Advice), a sign they are not about
// the summit at all; a question about the story that happens to say
// "how do you know" or "did kim" is not one.
func TestAnalyseAdvice(t *testing.T) {
	ix := testIndex(t)
	for q, want := range map[string]bool{
		"how do i make sourdough starter":               true,
		"how can u get rid of hiccups":                  true,
		"how to change a tyre":                          true,
		"should i learn rust or go":                     true,
		"can you recommend a good podcast":              true,
		"any good lasagne recipes?":                     true,
		"could i get a refund on steam":                 true,
		"how do you know kim took the train":            false,
		"how do u think putin felt about it":            false,
		"how did kim get to russia":                     false,
		"what did putin say to kim":                     false,
		"did kim bring his own chef":                    false,
		"what do the articles say about the rocket":     false,
		"why would russia want north korean shells":     false,
		"how does the angara rocket compare to the old": false,
	} {
		a, err := qa.Analyse(ix, retrieval.Question{Text: q})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		if a.Advice != want {
			t.Errorf("%q: Advice = %v, want %v", q, a.Advice, want)
		}
	}
}
