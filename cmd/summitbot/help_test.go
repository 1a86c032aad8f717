package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the output")

// golden compares got with testdata/name, or writes it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to write it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -run %s -update rewrites it):\n--- got\n%s\n--- want\n%s", path, t.Name(), got, want)
	}
}

// TestHelpGolden checks every command's --help against its golden file,
// that `summitbot help COMMAND` prints the same, and that the help says
// what the README promises: a description, the arguments, every flag as
// --flag with its default, and an example.
func TestHelpGolden(t *testing.T) {
	code, out, _ := summitbot(t, nil, "", "help")
	if code != 0 {
		t.Fatalf("help exited %d", code)
	}
	golden(t, "help.golden", out)
	for _, args := range [][]string{{}, {"--help"}, {"-h"}, {"help", "--help"}, {"help", "help"}} {
		if code, again, _ := summitbot(t, nil, "", args...); code != 0 || again != out {
			t.Errorf("summitbot %q: exit %d, not the help:\n%s", args, code, again)
		}
	}
	for _, c := range commands() {
		if c.run == nil {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := summitbot(t, nil, "", c.name, "--help")
			if code != 0 || errOut != "" {
				t.Fatalf("%s --help: exit %d, stderr %q", c.name, code, errOut)
			}
			golden(t, "help-"+c.name+".golden", out)
			if _, again, _ := summitbot(t, nil, "", "help", c.name); again != out {
				t.Errorf("summitbot help %s differs from %s --help:\n%s", c.name, c.name, again)
			}
			if _, short, _ := summitbot(t, nil, "", c.name, "-h"); short != out {
				t.Errorf("%s -h differs from --help", c.name)
			}
			if !strings.HasPrefix(out, "summitbot "+c.name+": "+c.summary+"\n") || !strings.Contains(out, "\nExamples:\n  ") || !strings.Contains(out[strings.Index(out, "\nExamples:"):], "summitbot "+c.name) {
				t.Errorf("no description or no example:\n%s", out)
			}
			for _, line := range strings.Split(out, "\n") {
				if strings.HasPrefix(strings.TrimSpace(line), "-") && !strings.HasPrefix(strings.TrimSpace(line), "--") && line != "  -         read one question per line from standard input" {
					t.Errorf("flag not spelt --flag: %q", line)
				}
				if strings.HasPrefix(line, "  --") && !strings.Contains(line, "(default") {
					t.Errorf("flag without its default: %q", line)
				}
			}
		})
	}
	if _, out, _ := summitbot(t, nil, "", "help", "ask"); !strings.Contains(out, "QUESTION") {
		t.Errorf("ask's help does not mention QUESTION:\n%s", out)
	}
}

// TestHelpColumn: the summaries line up, however long a command's name
// (healthcheck broke the old fixed-width column).
func TestHelpColumn(t *testing.T) {
	_, out, _ := summitbot(t, nil, "", "help")
	col := -1
	for _, c := range commands() {
		prefix := "\n  " + c.name + " "
		i := strings.Index(out, prefix)
		if i < 0 {
			t.Fatalf("help does not list %s", c.name)
		}
		line := out[i+1:]
		line = line[:strings.IndexByte(line, '\n')]
		at := strings.Index(line, c.summary)
		if col == -1 {
			col = at
		}
		if at != col || at < len("  healthcheck ") {
			t.Errorf("%q: summary at column %d, want %d", line, at, col)
		}
	}
}

// TestUsageErrorsAreShort: an unknown flag, a bad value or an unknown
// command prints one line of error and where to look, and exits 2.
func TestUsageErrorsAreShort(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"ask", "--bogus", "why?"}, "summitbot ask: flag provided but not defined: --bogus\nsee summitbot help ask\n"},
		{[]string{"eval", "--json=maybe"}, "summitbot eval: invalid boolean value \"maybe\" for --json: parse error\nsee summitbot help eval\n"},
		{[]string{"sources", "extra"}, "summitbot sources: unexpected argument \"extra\"\nsee summitbot help sources\n"},
		{[]string{"frobnicate"}, "summitbot: unknown command \"frobnicate\"\nsee summitbot help\n"},
		{[]string{"help", "frobnicate"}, "summitbot: unknown command \"frobnicate\"\nsee summitbot help\n"},
	} {
		code, out, errOut := summitbot(t, nil, "", tc.args...)
		if code != 2 || out != "" || errOut != tc.want {
			t.Errorf("%q: exit %d, stdout %q, stderr\n%s\nwant exit 2 and\n%s", tc.args, code, out, errOut, tc.want)
		}
	}
}
