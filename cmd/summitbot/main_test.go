package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// summitbot runs the command line in process with the given environment
// and standard input, and returns its exit code and output.
func summitbot(t *testing.T, env map[string]string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string { return env[k] }
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errOut, getenv)
	return code, out.String(), errOut.String()
}

func TestHelpListsCommands(t *testing.T) {
	code, out, _ := summitbot(t, nil, "", "help")
	if code != 0 {
		t.Fatalf("help exited %d", code)
	}
	for _, c := range commands() {
		if !strings.Contains(out, "\n  "+c.name+" ") {
			t.Errorf("help does not list %q:\n%s", c.name, out)
		}
	}
	if code, _, errOut := summitbot(t, nil, "", "frobnicate"); code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d, stderr %q", code, errOut)
	}
}

func TestAskPrintsAnswerAndSources(t *testing.T) {
	code, out, errOut := summitbot(t, nil, "", "ask", "Where did Putin and Kim meet?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	answer, sources, ok := strings.Cut(out, "\nSources:\n")
	if !ok {
		t.Fatalf("no source list:\n%s", out)
	}
	if !strings.Contains(answer, "Vostochny") || !strings.Contains(answer, "[1]") {
		t.Errorf("answer lacks the place or a marker:\n%s", answer)
	}
	if !strings.HasPrefix(sources, "[1] ") || !strings.Contains(sources, "“") {
		t.Errorf("sources do not start with [1] and a quoted passage:\n%s", sources)
	}
	if !regexp.MustCompile(`\n\noffline extractive · reported by \d+ articles?\n$`).MatchString(out) {
		t.Errorf("no footer line in the Discord footer's words at the end:\n%s", out)
	}
}

func TestAskJSON(t *testing.T) {
	code, out, errOut := summitbot(t, nil, "", "ask", "--json", "How long did the handshake last?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var a struct {
		Question  string `json:"question"`
		Answer    string `json:"answer"`
		Refused   bool   `json:"refused"`
		Retrieval string `json:"retrieval"`
		Citations []struct {
			N      int    `json:"n"`
			Source string `json:"source"`
			Title  string `json:"title"`
			Chunk  string `json:"chunk"`
			Text   string `json:"text"`
		} `json:"citations"`
	}
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out)
	}
	if a.Refused || !strings.Contains(a.Answer, "40 seconds") || len(a.Citations) == 0 || a.Retrieval != "hybrid" {
		t.Fatalf("unexpected answer: %+v", a)
	}
	c := a.Citations[0]
	if c.N != 1 || c.Source == "" || c.Title == "" || !strings.HasPrefix(c.Chunk, c.Source+"#") || c.Text == "" {
		t.Errorf("citation [1] incomplete: %+v", c)
	}
}

// TestAskBatch: one JSON line per input line, in order, a bad line
// reported in its place.
func TestAskBatch(t *testing.T) {
	in := "Where did Putin and Kim meet?\n\nWho won the 2022 FIFA World Cup?\nhow far is vostochny from vladivostok\n"
	code, out, errOut := summitbot(t, nil, in, "ask", "--json", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := jsonLines(t, out)
	if len(lines) != 4 {
		t.Fatalf("%d output lines for 4 input lines:\n%s", len(lines), out)
	}
	if lines[0]["refused"] != false || lines[2]["refused"] != true || lines[3]["refused"] != false {
		t.Errorf("refused flags = %v %v %v, want false true false", lines[0]["refused"], lines[2]["refused"], lines[3]["refused"])
	}
	if _, ok := lines[1]["error"]; !ok {
		t.Errorf("the empty line got %v, want an error", lines[1])
	}
}

func TestAskUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"ask"}, {"ask", "--mode", "psychic", "why?"}, {"ask", "--bogus", "why?"}} {
		if code, _, _ := summitbot(t, nil, "", args...); code != 2 {
			t.Errorf("%q exited %d, want 2", args, code)
		}
	}
	if code, _, errOut := summitbot(t, nil, "", "ask", "   "); code != 1 || !strings.Contains(errOut, "empty") {
		t.Errorf("blank question: exit %d, stderr %q", code, errOut)
	}
}

func TestSources(t *testing.T) {
	code, out, _ := summitbot(t, nil, "", "sources", "--json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var got []sourceInfo
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(got))
	for i, s := range got {
		ids[i] = s.ID
		if s.Words == 0 || s.Chunks == 0 || s.Title == "" {
			t.Errorf("%s: incomplete %+v", s.ID, s)
		}
	}
	want := []string{"kim-sacred-fight", "ap-siberian-summit", "reuters-vostochny", "always-with-russia", "afp-arms-deal"}
	if !reflect.DeepEqual(ids, want) {
		t.Errorf("ids = %v, want %v", ids, want)
	}
	_, text, _ := summitbot(t, nil, "", "sources")
	for _, id := range want {
		if !strings.Contains(text, id) {
			t.Errorf("text listing lacks %s", id)
		}
	}
}

// TestEnvironmentOverridesFile: the file sets keyword mode, the
// environment vector mode; the environment wins.
func TestEnvironmentOverridesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(path, []byte("retrieval:\n  mode: keyword\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mode := func(env map[string]string) string {
		t.Helper()
		code, out, errOut := summitbot(t, env, "", "ask", "--config", path, "--json", "Where did they meet?")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var a struct{ Retrieval string }
		if err := json.Unmarshal([]byte(out), &a); err != nil {
			t.Fatal(err)
		}
		return a.Retrieval
	}
	if got := mode(nil); got != "keyword" {
		t.Errorf("from the file: mode %q, want keyword", got)
	}
	if got := mode(map[string]string{"SUMMITBOT_RETRIEVAL_MODE": "vector"}); got != "vector" {
		t.Errorf("from the environment: mode %q, want vector", got)
	}
}

func TestBadConfig(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, yaml string
		env        map[string]string
		want       string
	}{
		{"unknown key", "retrieval:\n  mood: calm\n", nil, "mood"},
		{"bad mode", "retrieval:\n  mode: psychic\n", nil, "retrieval.mode"},
		{"bad env number", "", map[string]string{"SUMMITBOT_RETRIEVAL_PASSAGES": "ten"}, "SUMMITBOT_RETRIEVAL_PASSAGES"},
		{"bad shard", "discord:\n  shard_id: 2\n  shard_count: 2\n", nil, "shard_id"},
		{"two documents", "retrieval:\n  mode: keyword\n---\nretrieval:\n  mode: psychic\n", nil, "second YAML document starts at line 3"},
		{"a document after an empty one", "retrieval:\n  mode: keyword\n---\n---\nlog:\n  level: debug\n", nil, "second YAML document starts at line 4"},
		{"second document malformed", "retrieval:\n  mode: keyword\n---\nretrieval: [\n", nil, "config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".yaml")
			if err := os.WriteFile(path, []byte(tt.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			code, _, errOut := summitbot(t, tt.env, "", "ask", "--config", path, "why?")
			if code != 1 || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want 1 and %q", code, errOut, tt.want)
			}
		})
	}
	if code, _, errOut := summitbot(t, nil, "", "sources", "--config", filepath.Join(dir, "missing.yaml")); code != 1 || !strings.Contains(errOut, "missing.yaml") {
		t.Errorf("missing file: exit %d, stderr %q", code, errOut)
	}
}

// TestExampleConfig keeps config.example.yaml true: it parses with every
// key known, it says the defaults, and it names every environment variable.
func TestExampleConfig(t *testing.T) {
	path := filepath.Join("..", "..", "config.example.yaml")
	cfg, err := LoadConfig(path, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Discord.ModeratorRoleIDs) == 0 {
		cfg.Discord.ModeratorRoleIDs = nil // "[]" in the file
	}
	if def := DefaultConfig(); !reflect.DeepEqual(cfg, def) {
		t.Errorf("config.example.yaml differs from the defaults:\n file %+v\n code %+v", cfg, def)
	}
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range cfg.env() {
		if !strings.Contains(string(doc), v.name) {
			t.Errorf("config.example.yaml does not mention %s", v.name)
		}
	}
}

// TestREADMEEvalTable keeps the quality table the README links to
// (docs/benchmarks.md) honest: apart from the timing rows, which vary by
// machine, it must be what `summitbot eval --markdown` prints today.
func TestREADMEEvalTable(t *testing.T) {
	t.Parallel() // the whole set is measured once (fullEval) while the others run
	readme, err := os.ReadFile(filepath.Join("..", "..", "docs", "benchmarks.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok1 := strings.Cut(string(readme), "<!-- eval:begin -->\n")
	table, _, ok2 := strings.Cut(rest, "<!-- eval:end -->")
	if !ok1 || !ok2 {
		t.Fatal("docs/benchmarks.md has no <!-- eval:begin --> … <!-- eval:end --> block")
	}
	out := fullEval(t, evalOptions{markdown: true})
	stable := func(s string) string {
		var keep []string
		for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
			if !strings.HasPrefix(l, "| p50 ") && !strings.HasPrefix(l, "| p95 ") {
				keep = append(keep, l)
			}
		}
		return strings.Join(keep, "\n")
	}
	if got, want := stable(table), stable(out); got != want {
		t.Errorf("docs/benchmarks.md table is stale; replace it with the output of go run ./cmd/summitbot eval --markdown\ndocs/benchmarks.md:\n%s\nnow:\n%s", got, want)
	}
}
