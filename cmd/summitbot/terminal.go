package main

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/term"

	"github.com/summitbot/summitbot/bot"
	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
)

// textStyle is how an answer is written for a person to read.
type textStyle struct {
	width    int  // lines are wrapped to this many characters
	color    bool // markers and headings in ANSI colour
	passages bool // quote the whole passage under each [n], not only its cited sentence
}

// defaultWidth is the width when standard output is not a terminal.
const defaultWidth = 80

// minWidth keeps a very narrow terminal readable: below it lines overflow
// rather than breaking after every word.
const minWidth = 40

// terminalStyle returns the style for w: a terminal's width and colour
// (unless NO_COLOR is set, https://no-color.org), else 80 characters and
// no colour, as for a pipe or a file.
func terminalStyle(w io.Writer, getenv func(string) string) textStyle {
	cols, tty := 0, false
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		tty = true
		cols, _, _ = term.GetSize(int(f.Fd()))
	}
	return newTextStyle(tty, cols, getenv("NO_COLOR") != "")
}

// newTextStyle decides the style from what terminalStyle found out.
func newTextStyle(tty bool, cols int, noColor bool) textStyle {
	st := textStyle{width: defaultWidth, color: tty && !noColor}
	if tty && cols > 0 {
		st.width = max(cols, minWidth)
	}
	return st
}

// ANSI SGR sequences: no library needed for two colours.
const (
	sgrMarker  = "\x1b[1;36m" // bold cyan
	sgrHeading = "\x1b[1m"    // bold
	sgrReset   = "\x1b[0m"
)

// markerRE finds the [n] markers of an answer's text.
var markerRE = regexp.MustCompile(`\[\d+\]`)

func (st textStyle) markers(s string) string {
	if !st.color {
		return s
	}
	return markerRE.ReplaceAllString(s, sgrMarker+"$0"+sgrReset)
}

func (st textStyle) heading(s string) string {
	if !st.color {
		return s
	}
	return sgrHeading + s + sgrReset
}

// quoteIndent is where a source's quotation and its wrapped lines start.
const quoteIndent = "    "

// printAnswer writes an answer for a person: the text, then each numbered
// source with the sentence its marker points to (the whole passage with
// st.passages), wrapped to st.width.
func printAnswer(w io.Writer, a *retrieval.Answer, st textStyle) {
	var b strings.Builder
	lines := func(ls []string, color func(string) string) {
		for _, l := range ls {
			b.WriteString(color(l))
			b.WriteByte('\n')
		}
	}
	lines(wrap(a.Answer, st.width, "", ""), st.markers)
	if a.Note != "" {
		b.WriteByte('\n')
		lines(wrap("("+a.Note+")", st.width, "", ""), plain)
	}
	if a.Writer == retrieval.Chat { // a reply to small talk: nothing quoted, nothing to list
		io.WriteString(w, b.String())
		return
	}
	if a.Refused {
		b.WriteByte('\n')
		lines(wrap("Run `summitbot sources` to see the articles.", st.width, "", ""), plain)
		io.WriteString(w, b.String())
		return
	}
	b.WriteString("\n" + st.heading("Sources:") + "\n")
	for _, c := range a.Citations {
		lines(wrap(fmt.Sprintf("[%d] %s — %s%s", c.N, c.Source, c.Title, parenthesised(c.Byline())), st.width, "", quoteIndent), func(l string) string {
			if m := markerRE.FindStringIndex(l); m != nil && m[0] == 0 {
				return st.markers(l[:m[1]]) + l[m[1]:]
			}
			return l
		})
		lines(quote(citedText(c, st.passages), st.width), plain)
	}
	b.WriteByte('\n')
	lines(wrap(bot.Footer(a, 0), st.width, "", ""), plain) // the Discord footer's words
	io.WriteString(w, b.String())
}

// printQuestion writes the question before its answer in `ask -`.
func printQuestion(w io.Writer, q string, st textStyle) {
	for i, l := range wrap("Q: "+corpus.CleanText(q), st.width, "", "   ") {
		if i == 0 {
			l = st.heading("Q:") + l[len("Q:"):]
		}
		fmt.Fprintln(w, l)
	}
}

func plain(s string) string { return s }

// citedText is what is quoted under a citation's [n]: the sentence the
// answer relies on, or the whole passage.
func citedText(c retrieval.Citation, passage bool) string {
	if passage || c.Quote == "" {
		return c.Text
	}
	return c.Quote
}

// quote wraps text in quotation marks, indented, a paragraph at a time
// with a blank line between paragraphs.
func quote(text string, width int) []string {
	paras := strings.Split(strings.TrimSpace(text), "\n\n")
	var out []string
	for i, p := range paras {
		if i == 0 {
			p = "“" + p
		}
		if i == len(paras)-1 {
			p += "”"
		}
		if i > 0 {
			out = append(out, "")
		}
		out = append(out, wrap(p, width, quoteIndent, quoteIndent)...)
	}
	return out
}

// gluedRE matches a word that must stay on the line of the word before
// it: an answer's [n] marker, with any punctuation after it.
var gluedRE = regexp.MustCompile(`^\[\d+\]\p{P}*$`)

// wrap breaks text into lines of at most width characters (runes), the
// first starting with first and the others with rest. Words are split at
// white space, a marker stays with the word before it, and only a word
// longer than a whole line is broken.
func wrap(text string, width int, first, rest string) []string {
	var words []string
	for _, f := range strings.Fields(text) {
		if n := len(words); n > 0 && gluedRE.MatchString(f) {
			words[n-1] += " " + f
			continue
		}
		words = append(words, f)
	}
	var out []string
	line, n := first, utf8.RuneCountInString(first)
	empty := true // the line has no word yet
	newLine := func() {
		out = append(out, line)
		line, n, empty = rest, utf8.RuneCountInString(rest), true
	}
	for _, wd := range words {
		wn := utf8.RuneCountInString(wd)
		if !empty && n+1+wn > width {
			newLine()
		}
		if !empty {
			line, n = line+" ", n+1
		}
		// Only a word longer than a whole line (a URL) gets here too long:
		// it is broken.
		for room := width - n; wn > room && room > 0; room = width - n {
			head, tail := splitRunes(wd, room)
			line += head
			newLine()
			wd, wn = tail, wn-room
		}
		line, n, empty = line+wd, n+wn, false
	}
	if !empty || len(out) == 0 {
		out = append(out, strings.TrimRight(line, " "))
	}
	return out
}

// splitRunes splits s after its first n runes.
func splitRunes(s string, n int) (string, string) {
	for i := range s {
		if n == 0 {
			return s[:i], s[i:]
		}
		n--
	}
	return s, ""
}
