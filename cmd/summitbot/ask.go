package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
)

func runAsk(ctx context.Context, e *env, args []string) error {
	fs, cfgPath := newFlags("ask", e)
	asJSON := fs.Bool("json", false, "print the answer as one JSON object (one per line with -)")
	modeName := fs.String("mode", "", "retrieval `mode`: hybrid, keyword or vector (default: the config's)")
	passages := fs.Bool("passages", false, "quote the whole passage under each [n], not only the sentence it cites")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return fmt.Errorf("%w: no question", errUsage)
	}
	var mode retrieval.Mode
	if *modeName != "" {
		if mode, err = retrieval.ParseMode(*modeName); err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
	}
	g, err := buildFrom(ctx, e, *cfgPath, buildOptions{mode: mode, offlineFallback: true})
	if err != nil {
		return err
	}
	defer g.Close()
	ans := g.engine

	st := terminalStyle(e.stdout, e.getenv)
	st.passages = *passages
	if len(pos) == 1 && pos[0] == "-" {
		return askEach(ctx, ans, e.stdin, e.stdout, *asJSON, st)
	}
	a, err := ans.Answer(ctx, retrieval.Question{Text: corpus.CleanText(strings.Join(pos, " "))}, nil)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(a)
	}
	printAnswer(e.stdout, a, st)
	return nil
}

// maxLine is the longest input line askEach passes on as a question; a
// question has at most retrieval.MaxQuestionLength characters, so anything
// this long is refused without reading it all into memory.
const maxLine = 64 << 10

// echoRunes is how much of an over-long line is echoed with its error.
const echoRunes = 100

// askEach answers one question per line of r, in order, with the index built
// once. A line that is not a question gets an object with an error, so that
// output line n always belongs to input line n; so does a line too long to
// be one, which is skipped to its end.
func askEach(ctx context.Context, ans retrieval.Answerer, r io.Reader, w io.Writer, asJSON bool, st textStyle) error {
	br := bufio.NewReader(r)
	enc := json.NewEncoder(w)
	for {
		line, long, err := readLine(br, maxLine)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		// Cleaned before anything else sees it: the answer's analysis, and
		// the terminal that shows the question again.
		q := corpus.CleanText(line)
		var a *retrieval.Answer
		if long {
			q, err = truncate(q, echoRunes), retrieval.ErrQuestionTooLong
		} else {
			a, err = ans.Answer(ctx, retrieval.Question{Text: q}, nil)
		}
		switch {
		case err != nil && asJSON:
			err = enc.Encode(struct {
				Question string `json:"question"`
				Error    string `json:"error"`
			}{q, err.Error()})
		case err != nil:
			_, err = fmt.Fprintf(w, "%q: %v\n\n", q, err)
		case asJSON:
			err = enc.Encode(a)
		default:
			printQuestion(w, a.Question, st)
			printAnswer(w, a, st)
			_, err = fmt.Fprintln(w)
		}
		if err != nil {
			return err
		}
	}
}

// readLine returns the next line of r without its line ending. A line
// longer than max bytes is read to its end but only its first max bytes
// are kept, and long is set. At the end of the input it returns io.EOF.
func readLine(r *bufio.Reader, max int) (line string, long bool, err error) {
	var b []byte
	n := 0
	for {
		chunk, err := r.ReadSlice('\n')
		n += len(chunk)
		if room := max + 2 - len(b); room > 0 { // +2 for the line ending
			b = append(b, chunk[:min(room, len(chunk))]...)
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && n == 0:
			return "", false, io.EOF
		case err != nil && !errors.Is(err, io.EOF):
			return "", false, err
		}
		b = bytes.TrimSuffix(bytes.TrimSuffix(b, []byte("\n")), []byte("\r"))
		if len(b) > max {
			return string(b[:max]), true, nil
		}
		return string(b), false, nil
	}
}

// truncate shortens s to n runes, marking the cut.
func truncate(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i] + "…"
		}
		n--
	}
	return s
}

// parenthesised returns " (s)", or "" for an empty s.
func parenthesised(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}
