package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/eval"
	"github.com/summitbot/summitbot/retrieval/qa"
)

func runEval(ctx context.Context, e *env, args []string) error {
	fs, cfgPath := newFlags("eval", e)
	asJSON := fs.Bool("json", false, "print the reports as JSON")
	markdown := fs.Bool("markdown", false, "print the table as Markdown (as in docs/benchmarks.md)")
	verbose := fs.Bool("verbose", false, "also list every question the hybrid mode got wrong")
	writeCal := fs.String("write-calibration", "", "measure refusal thresholds on the set, write them to `file`, and evaluate with them")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return fmt.Errorf("%w: one eval set at most", errUsage)
	}
	set, err := loadEvalSet(pos)
	if err != nil {
		return err
	}
	cfg, err := LoadConfig(*cfgPath, e.getenv)
	if err != nil {
		return err
	}
	// Each mode is measured on an engine of its own, built as every command
	// builds it, in that mode and with the threshold being measured.
	embedder := ""
	open := func(ctx context.Context, m retrieval.Mode, judge qa.Calibration) (eval.Subject, func() error, error) {
		g, err := build(ctx, cfg, e.getenv, e.stderr, buildOptions{mode: m, judge: &judge})
		if err != nil {
			return nil, nil, err
		}
		embedder = g.embedder.Model()
		return g.engine, g.Close, nil
	}
	cal, err := loadCalibration(cfg)
	if err != nil {
		return err
	}
	if *writeCal != "" {
		if cal, err = eval.Calibrate(ctx, open, set); err != nil {
			return err
		}
		cal.Embedder = embedder
		if err := writeJSONFile(*writeCal, cal); err != nil {
			return err
		}
	}
	reports, err := eval.Evaluate(ctx, open, set, cal, retrieval.Modes)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(reports)
	}
	if *markdown {
		printMarkdown(e.stdout, reports)
	} else {
		printReports(e.stdout, reports)
	}
	if *verbose {
		for _, r := range reports {
			if r.Mode != retrieval.Hybrid {
				continue
			}
			fmt.Fprintln(e.stdout, "\nhybrid, questions not right:")
			for _, q := range r.Questions {
				if !q.Correct || q.BadCitesN > 0 {
					fmt.Fprintf(e.stdout, "- %s (rank %d, evidence %.3f, refused %v): %.160q\n", q.ID, q.Rank, q.Evidence, q.Refused, q.Answer)
				}
			}
		}
	}
	return nil
}

func loadEvalSet(pos []string) (*corpus.EvalSet, error) {
	if len(pos) == 0 {
		return corpus.DefaultEvalSet()
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return nil, err
	}
	defer f.Close()
	set, err := corpus.LoadEvalSet(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", pos[0], err)
	}
	return set, nil
}

// reportRows lays the modes side by side, one metric a row, the header
// first.
func reportRows(rs []eval.ModeReport) [][]string {
	var rows [][]string
	row := func(name string, f func(r eval.ModeReport) string) {
		cells := []string{name}
		for _, r := range rs {
			cells = append(cells, f(r))
		}
		rows = append(rows, cells)
	}
	ratio := func(f func(r eval.ModeReport) float64) func(r eval.ModeReport) string {
		return func(r eval.ModeReport) string { return fmt.Sprintf("%.3f", f(r)) }
	}
	ms := func(f func(r eval.ModeReport) time.Duration) func(r eval.ModeReport) string {
		return func(r eval.ModeReport) string { return fmt.Sprintf("%.2f ms", float64(f(r))/1e6) }
	}
	row("metric", func(r eval.ModeReport) string { return string(r.Mode) })
	row("questions (answerable/unanswerable)", func(r eval.ModeReport) string {
		return fmt.Sprintf("%d/%d", r.Answerable, r.Unanswerable)
	})
	row("recall@1", ratio(func(r eval.ModeReport) float64 { return r.RecallAt1 }))
	row("recall@5", ratio(func(r eval.ModeReport) float64 { return r.RecallAt5 }))
	row("MRR", ratio(func(r eval.ModeReport) float64 { return r.MRR }))
	row("answer accuracy", ratio(func(r eval.ModeReport) float64 { return r.AnswerAccuracy }))
	row("citation validity", ratio(func(r eval.ModeReport) float64 { return r.CitationValidity }))
	row("refusal accuracy", ratio(func(r eval.ModeReport) float64 { return r.RefusalAccuracy }))
	row("false refusal rate", ratio(func(r eval.ModeReport) float64 { return r.FalseRefusals }))
	row("refusal threshold", ratio(func(r eval.ModeReport) float64 { return r.Threshold }))
	row("p50 per question", ms(func(r eval.ModeReport) time.Duration { return r.P50 }))
	row("p95 per question", ms(func(r eval.ModeReport) time.Duration { return r.P95 }))
	return rows
}

// printReports writes the report table aligned for a terminal.
func printReports(w io.Writer, rs []eval.ModeReport) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, cells := range reportRows(rs) {
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	tw.Flush()
}

// printMarkdown writes the report table as Markdown, for docs/benchmarks.md.
func printMarkdown(w io.Writer, rs []eval.ModeReport) {
	for i, cells := range reportRows(rs) {
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
		if i == 0 {
			fmt.Fprintf(w, "|%s\n", strings.Repeat("---|", len(cells)))
		}
	}
}

// writeJSONFile writes v to path through a temporary file and a rename, so
// that a reader never sees half a file.
func writeJSONFile(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".calibration-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
