package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval/eval"
)

// TestEvalNewMetrics checks that eval prints every retriever's column and
// reports the metrics of issue 12 in its table, its JSON and its --verbose
// misses. --verbose prints the plain table before the misses, so one eval
// checks both.
func TestEvalNewMetrics(t *testing.T) {
	t.Parallel() // the whole set is measured once (fullEval), the quarter here overlaps it
	out := fullEval(t, evalOptions{verbose: true})
	header := strings.Fields(strings.SplitN(out, "\n", 2)[0])
	if !reflect.DeepEqual(header, []string{"metric", "keyword", "vector", "hybrid"}) {
		t.Errorf("header = %q", header)
	}
	for _, want := range []string{
		"recall@1", "recall@5", "MRR", "answer accuracy", "citation validity", "refusal accuracy",
		"false refusal rate", "p50 per question", "p95 per question",
		"questions (answerable/unanswerable/chat)", "lead-sentence accuracy", "speaker accuracy (",
		"refusal accuracy: general (", "refusal accuracy: other-event (", "refusal accuracy: near-miss (",
		"refusal accuracy: manipulation (", "chat handled", "hybrid, answerable questions not answered right:",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("eval --verbose output has no %q:\n%s", want, out)
		}
	}
	code, out, errOut := summitbot(t, nil, "", "eval", "--json", partOfEvalSet(t, 4))
	if code != 0 {
		t.Fatalf("eval --json exited %d: %s", code, errOut)
	}
	var reps []eval.ModeReport
	if err := json.Unmarshal([]byte(out), &reps); err != nil {
		t.Fatal(err)
	}
	for _, r := range reps {
		if r.Chat == 0 || r.Speakers == 0 || len(r.RefusalByTag) < 4 || r.LeadAccuracy == 0 {
			t.Errorf("%s: JSON lacks the new metrics: chat %d, speakers %d, tags %v, lead %.3f",
				r.Mode, r.Chat, r.Speakers, r.RefusalByTag, r.LeadAccuracy)
		}
	}
}

// TestOfflineEmbedders checks that retrieval.embedder takes sif and fused
// and that an index is built with them, fitted to the corpus.
func TestOfflineEmbedders(t *testing.T) {
	for _, emb := range []string{"sif", "fused"} {
		code, out, errOut := summitbot(t, map[string]string{"SUMMITBOT_RETRIEVAL_EMBEDDER": emb}, "", "ask", "--json", "How long did the handshake last?")
		if code != 0 || !strings.Contains(out, "40 seconds") {
			t.Errorf("%s: ask exited %d: %s\n%s", emb, code, out, errOut)
		}
	}
	code, _, errOut := summitbot(t, map[string]string{"SUMMITBOT_RETRIEVAL_EMBEDDER": "glove"}, "", "ask", "hi")
	if code == 0 || !strings.Contains(errOut, `"glove" is not local, sif, fused or openai`) {
		t.Errorf("embedder glove: exit %d, %s", code, errOut)
	}
}

func TestEvalEmbedders(t *testing.T) {
	t.Parallel() // a whole eval each: they overlap
	// Every embedder is calibrated for itself (ranker and judge fitted and
	// cross-validated): on an eighth of the set, as the table's shape is
	// what is checked, and the whole set takes minutes under -race.
	code, out, errOut := summitbot(t, nil, "", "eval", "--embedders", "local,sif", "--markdown", partOfEvalSet(t, 8))
	if code != 0 {
		t.Fatalf("eval --embedders exited %d: %s", code, errOut)
	}
	for _, want := range []string{"| local | hybrid |", "| sif | vector |", "| sif | hybrid |", "lead accuracy"} {
		if !strings.Contains(out, want) {
			t.Errorf("eval --embedders output has no %q:\n%s", want, out)
		}
	}
	if code, _, errOut := summitbot(t, nil, "", "eval", "--embedders", "glove"); code == 0 || !strings.Contains(errOut, `"glove"`) {
		t.Errorf("--embedders glove: exit %d, %s", code, errOut)
	}
}

// fullEvalRun is the one measurement of the whole built-in eval set that
// fullEval prints.
var fullEvalRun struct {
	sync.Once
	res    *evalResult
	stderr string
	err    error
}

// fullEval returns what summitbot eval prints for the whole built-in eval
// set in an empty environment, as its --markdown and --verbose flags in o
// ask. Those only change the printing, so the set is measured once, by the
// first test that asks, for every test of the run: a whole eval takes
// about 5 CPU-seconds, more under -race. It runs what runEval runs after
// parsing its flags.
func fullEval(t *testing.T, o evalOptions) string {
	t.Helper()
	if o != (evalOptions{markdown: o.markdown, verbose: o.verbose}) {
		t.Fatalf("fullEval prints with --markdown and --verbose only, not %+v", o)
	}
	r := &fullEvalRun
	r.Do(func() {
		var stderr bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr, getenv: func(string) string { return "" }}
		defer func() { r.stderr = stderr.String() }()
		set, err := loadEvalSet(nil)
		if err != nil {
			r.err = err
			return
		}
		cfg, err := LoadConfig("", e.getenv)
		if err != nil {
			r.err = err
			return
		}
		r.res, r.err = measureEval(context.Background(), e, cfg, set, evalOptions{}, nil)
	})
	if r.err != nil {
		t.Fatalf("eval of the whole set: %v\n%s", r.err, r.stderr)
	}
	var out bytes.Buffer
	if err := r.res.printReports(&out, o); err != nil {
		t.Fatal(err)
	}
	r.res.printFits(&out, o)
	return out.String()
}

// partOfEvalSet writes every nth question of the built-in eval set to a
// file and returns its path: for n up to 8, enough of each kind for the
// 10-fold cross-validations, at an nth of the work.
func partOfEvalSet(t *testing.T, n int) string {
	t.Helper()
	set, err := corpus.DefaultEvalSet()
	if err != nil {
		t.Fatal(err)
	}
	var part corpus.EvalSet
	for i, q := range set.Questions {
		if i%n == 0 {
			part.Questions = append(part.Questions, q)
		}
	}
	b, err := yaml.Marshal(part)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "part.yaml")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
