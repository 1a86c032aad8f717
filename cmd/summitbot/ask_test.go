package main

import (
	"bufio"
	"encoding/json"
	"strings"
	"testing"

	"github.com/summitbot/summitbot/retrieval"
)

// jsonLines decodes one JSON object per line of out.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %d is not JSON: %v", len(lines)+1, err)
		}
		lines = append(lines, m)
	}
	return lines
}

// TestAskBatchLongLine: a line too long to be a question gets its error
// object in its place, and the lines after it are answered.
func TestAskBatchLongLine(t *testing.T) {
	long := "Where " + strings.Repeat("x", 2<<20)
	in := long + "\nWhere did Putin and Kim meet?\n" + long + "\r\nHow long did the handshake last?"
	code, out, errOut := summitbot(t, nil, in, "ask", "--json", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := jsonLines(t, out)
	if len(lines) != 4 {
		t.Fatalf("%d output lines for 4 input lines:\n%.500s", len(lines), out)
	}
	for _, i := range []int{0, 2} {
		q, _ := lines[i]["question"].(string)
		if lines[i]["error"] != retrieval.ErrQuestionTooLong.Error() || !strings.HasPrefix(q, "Where xxx") || len(q) > 200 {
			t.Errorf("line %d = %.300v, want a short question and %q", i+1, lines[i], retrieval.ErrQuestionTooLong)
		}
	}
	for _, i := range []int{1, 3} {
		if lines[i]["refused"] != false {
			t.Errorf("line %d = %.300v, want an answer", i+1, lines[i])
		}
	}

	code, out, errOut = summitbot(t, nil, in, "ask", "-")
	if code != 0 {
		t.Fatalf("text mode: exit %d: %s", code, errOut)
	}
	if n := strings.Count(out, retrieval.ErrQuestionTooLong.Error()); n != 2 || !strings.Contains(out, "Q: Where did Putin and Kim meet?") ||
		!strings.Contains(out, "Q: How long did the handshake last?") || len(out) > 20000 {
		t.Errorf("text mode: %d errors, output:\n%.2000s", n, out)
	}
}

// TestAskEchoIsClean: escape sequences and control characters in a
// question never reach the terminal, in text mode or as JSON.
func TestAskEchoIsClean(t *testing.T) {
	hostile := "\x1b]0;pwned\x07\x1b[31mWhere did Putin and Kim meet?\x1b[0m\x07\r"
	for _, tt := range []struct {
		name   string
		stdin  string
		args   []string
		echoes bool
	}{
		{"argument", "", []string{"ask", hostile}, false},
		{"argument JSON", "", []string{"ask", "--json", hostile}, true},
		{"batch", hostile + "\n\x1b[2J\x07\n", []string{"ask", "-"}, true},
		{"batch JSON", hostile + "\n\x1b[2J\x07\n", []string{"ask", "--json", "-"}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := summitbot(t, nil, tt.stdin, tt.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if strings.ContainsAny(out, "\x1b\x07\r") || strings.Contains(out, `\u001b`) || strings.Contains(out, "pwned") {
				t.Errorf("output holds what the question hid:\n%q", out)
			}
			if tt.echoes && !strings.Contains(out, "Where did Putin and Kim meet?") {
				t.Errorf("output does not show the question:\n%s", out)
			}
		})
	}
}

// TestAskInvisibleCharacters: a zero-width or bidi character inside a word
// does not change the answer.
func TestAskInvisibleCharacters(t *testing.T) {
	answer := func(q string) map[string]any {
		t.Helper()
		code, out, errOut := summitbot(t, nil, "", "ask", "--json", q)
		if code != 0 {
			t.Fatalf("ask %q: exit %d: %s", q, code, errOut)
		}
		lines := jsonLines(t, out)
		if len(lines) != 1 {
			t.Fatalf("ask %q: %d lines", q, len(lines))
		}
		delete(lines[0], "took_ms")
		return lines[0]
	}
	plain := answer("Where did Putin and Kim meet?")
	for _, q := range []string{
		"Where did Putin and K\u200bim meet?",
		"Where did Pu\u200dtin and Kim\u2060 meet?",
		"\u202eWhere did Putin and \u2066Kim\u2069 meet?\u200e",
		"Where did Putin and Ki\u00adm meet?",
	} {
		got := answer(q)
		if got["answer"] != plain["answer"] || got["question"] != plain["question"] {
			t.Errorf("ask %q:\n got %.300v\nwant %.300v", q, got["answer"], plain["answer"])
		}
	}
}
