package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/summitbot/summitbot/retrieval"
)

// fixtureAnswer is an answer as `ask --json` printed it (timings zeroed),
// so that the goldens change with the rendering, not with retrieval.
func fixtureAnswer(t *testing.T) *retrieval.Answer {
	t.Helper()
	b, err := os.ReadFile("testdata/answer.json")
	if err != nil {
		t.Fatal(err)
	}
	var a retrieval.Answer
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	return &a
}

// checkRendering checks what the terminal rendering promises: no line
// longer than width, and each [n] of the sources followed by what it
// quotes, whatever the line breaks.
func checkRendering(t *testing.T, out string, a *retrieval.Answer, width int, passages bool) {
	t.Helper()
	for i, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if n := utf8.RuneCountInString(l); n > width {
			t.Errorf("line %d has %d characters, more than %d: %q", i+1, n, width, l)
		}
	}
	flat := strings.Join(strings.Fields(out), " ")
	for _, c := range a.Citations {
		head := fmt.Sprintf("[%d] %s — %s%s", c.N, c.Source, c.Title, parenthesised(c.Byline()))
		cited := strings.Join(strings.Fields(citedText(c, passages)), " ")
		if !strings.Contains(flat, head+" “"+cited+"”") {
			t.Errorf("[%d] is not followed by %.60q…:\n%s", c.N, cited, out)
		}
	}
}

// TestAnswerRendering: the golden rendering of one answer at width 80,
// with the cited sentences and with --passages.
func TestAnswerRendering(t *testing.T) {
	a := fixtureAnswer(t)
	for _, tc := range []struct {
		name     string
		passages bool
	}{
		{"answer-80.golden", false},
		{"answer-80-passages.golden", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			printAnswer(&b, a, textStyle{width: 80, passages: tc.passages})
			out := b.String()
			golden(t, tc.name, out)
			checkRendering(t, out, a, 80, tc.passages)
			if strings.Contains(out, "\x1b[") {
				t.Error("colour without a terminal")
			}
		})
	}
}

// TestAskRendering: `ask` on the live index, its output not a terminal,
// wraps at 80 and quotes each cited sentence; --passages each passage.
func TestAskRendering(t *testing.T) {
	q := "Where did Putin and Kim meet?"
	code, out, errOut := summitbot(t, nil, "", "ask", "--json", q)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var a retrieval.Answer
	if err := json.Unmarshal([]byte(out), &a); err != nil || len(a.Citations) == 0 {
		t.Fatalf("%v: %s", err, out)
	}
	for _, passages := range []bool{false, true} {
		args := []string{"ask", q}
		if passages {
			args = append(args, "--passages")
		}
		code, out, errOut := summitbot(t, nil, "", args...)
		if code != 0 {
			t.Fatalf("%q: exit %d: %s", args, code, errOut)
		}
		checkRendering(t, out, &a, 80, passages)
	}
}

func TestTextStyle(t *testing.T) {
	for _, tc := range []struct {
		tty     bool
		cols    int
		noColor bool
		want    textStyle
	}{
		{false, 0, false, textStyle{width: 80}},
		{false, 200, false, textStyle{width: 80}},
		{true, 120, false, textStyle{width: 120, color: true}},
		{true, 120, true, textStyle{width: 120}},
		{true, 0, false, textStyle{width: 80, color: true}}, // size unknown
		{true, 12, false, textStyle{width: minWidth, color: true}},
	} {
		if got := newTextStyle(tc.tty, tc.cols, tc.noColor); got != tc.want {
			t.Errorf("newTextStyle(%v, %d, %v) = %+v, want %+v", tc.tty, tc.cols, tc.noColor, got, tc.want)
		}
	}
	// Output that is not a terminal: 80 columns, never colour.
	if st := terminalStyle(&bytes.Buffer{}, func(string) string { return "" }); st != (textStyle{width: 80}) {
		t.Errorf("style for a buffer: %+v", st)
	}
}

// TestAnswerColour: on a terminal, markers and the heading are coloured,
// and nothing else; the text read without the escapes is unchanged.
func TestAnswerColour(t *testing.T) {
	a := fixtureAnswer(t)
	var plainOut, colour bytes.Buffer
	printAnswer(&plainOut, a, textStyle{width: 80})
	printAnswer(&colour, a, textStyle{width: 80, color: true})
	out := colour.String()
	for _, want := range []string{sgrHeading + "Sources:" + sgrReset, sgrMarker + "[1]" + sgrReset + " always-with-russia", "said. " + sgrMarker + "[1]" + sgrReset} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	stripped := strings.NewReplacer(sgrMarker, "", sgrHeading, "", sgrReset, "").Replace(out)
	if stripped != plainOut.String() {
		t.Errorf("colour changed the text:\n%s", stripped)
	}
}

func TestWrap(t *testing.T) {
	for _, tc := range []struct {
		text        string
		width       int
		first, rest string
		want        []string
	}{
		{"", 10, "", "", []string{""}},
		{"one two three four", 9, "", "", []string{"one two", "three", "four"}},
		// A marker stays with the sentence it ends.
		{"they met. [1] then", 11, "", "", []string{"they", "met. [1]", "then"}},
		{"said [2]. Then", 9, "", "", []string{"said [2].", "Then"}},
		{"a b c d", 5, "> ", "  ", []string{"> a b", "  c d"}},
		// Only a word longer than a line is broken.
		{"see https://example.com/abcdef now", 10, "", "", []string{"see", "https://ex", "ample.com/", "abcdef now"}},
		{"«Кім» приїхав", 6, "", "", []string{"«Кім»", "приїха", "в"}},
	} {
		if got := wrap(tc.text, tc.width, tc.first, tc.rest); !slices.Equal(got, tc.want) {
			t.Errorf("wrap(%q, %d) = %q, want %q", tc.text, tc.width, got, tc.want)
		}
	}
}

// TestAskSmallTalkRendering prints a reply to small talk alone: no empty
// source list, no footer.
func TestAskSmallTalkRendering(t *testing.T) {
	code, out, errOut := summitbot(t, nil, "", "ask", "thanks!!")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "Vostochny") || strings.Contains(out, "Sources:") || strings.Contains(out, "reported by") {
		t.Errorf("reply to small talk:\n%s", out)
	}
}
