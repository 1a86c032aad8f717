package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/summitbot/summitbot/bot"
	"github.com/summitbot/summitbot/retrieval"
)

func runAsk(ctx context.Context, e *env, args []string) error {
	fs, cfgPath := newFlags("ask", e)
	asJSON := fs.Bool("json", false, "print the answer as one JSON object (one per line with -)")
	modeName := fs.String("mode", "", "retrieval `mode`: hybrid, keyword or vector (default: the config's)")
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
	g, err := loadEngine(ctx, e, *cfgPath)
	if err != nil {
		return err
	}
	defer g.Close()
	ans := g.answerer(mode)

	if len(pos) == 1 && pos[0] == "-" {
		return askEach(ctx, ans, e.stdin, e.stdout, *asJSON)
	}
	a, err := ans.Answer(ctx, retrieval.Question{Text: strings.Join(pos, " ")})
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(a)
	}
	printAnswer(e.stdout, a)
	return nil
}

// askEach answers one question per line of r, in order, with the index built
// once. A line that is not a question gets an object with an error, so that
// output line n always belongs to input line n.
func askEach(ctx context.Context, ans retrieval.Answerer, r io.Reader, w io.Writer, asJSON bool) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	enc := json.NewEncoder(w)
	for sc.Scan() {
		if err := ctx.Err(); err != nil {
			return err
		}
		q := sc.Text()
		a, err := ans.Answer(ctx, retrieval.Question{Text: q})
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
			fmt.Fprintf(w, "Q: %s\n", a.Question)
			printAnswer(w, a)
			_, err = fmt.Fprintln(w)
		}
		if err != nil {
			return err
		}
	}
	return sc.Err()
}

// printAnswer writes an answer for a person: the text, then each numbered
// source with the passage its marker points to.
func printAnswer(w io.Writer, a *retrieval.Answer) {
	fmt.Fprintln(w, a.Answer)
	if a.Note != "" {
		fmt.Fprintf(w, "\n(%s)\n", a.Note)
	}
	if a.Refused {
		fmt.Fprintln(w, "\nRun `summitbot sources` to see the articles.")
		return
	}
	fmt.Fprintln(w, "\nSources:")
	for _, c := range a.Citations {
		fmt.Fprintf(w, "[%d] %s — %s%s\n", c.N, c.Source, c.Title, parenthesised(c.Byline()))
		fmt.Fprintf(w, "    “%s”\n", c.Text)
	}
	fmt.Fprintf(w, "\n%s\n", bot.Footer(a, 0)) // the Discord footer's words
}

// parenthesised returns " (s)", or "" for an empty s.
func parenthesised(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}
