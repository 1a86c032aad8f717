package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
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
	var o evalOptions
	fs.BoolVar(&o.asJSON, "json", false, "print the reports as JSON")
	fs.BoolVar(&o.markdown, "markdown", false, "print the table as Markdown (as in docs/benchmarks.md)")
	fs.BoolVar(&o.verbose, "verbose", false, "also list what the hybrid mode got wrong: answers, lead sentences, speakers, refusals by tag, chat")
	fs.StringVar(&o.writeCal, "write-calibration", "", "measure refusal thresholds on the set, write them to `file`, and evaluate with them")
	fs.BoolVar(&o.ablation, "ablation", false, "also cross-validate the judge with each of its features left out in turn")
	embedders := fs.String("embedders", "", "compare embedders instead: a comma `list` of retrieval.embedder values, or all (local,sif,fused), each calibrated for itself, in vector and hybrid mode")
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
	if *embedders != "" {
		return compareEmbedders(ctx, e, cfg, set, *embedders, o.asJSON, o.markdown)
	}
	// The reports are printed as soon as they are measured, before the
	// slower cross-validation.
	res, err := measureEval(ctx, e, cfg, set, o, func(res *evalResult) error {
		return res.printReports(e.stdout, o)
	})
	if err != nil {
		return err
	}
	res.printFits(e.stdout, o)
	return nil
}

// evalOptions are eval's flags but --config and --embedders: asJSON,
// writeCal and ablation decide what is measured, markdown and verbose only
// how it is printed.
type evalOptions struct {
	asJSON, markdown, verbose, ablation bool
	writeCal                            string
}

// evalResult is what one eval measured: every mode's report and, unless
// only JSON was asked for, the hybrid mode's cross-validated ranker and
// judge.
type evalResult struct {
	reports  []eval.ModeReport
	rankerCV *eval.RankerCV
	judgeCV  []eval.Ablation
}

// measureEval evaluates set in every mode, calibrating first if o.writeCal
// names a file, and hands the reports to reported (if not nil); then,
// unless o.asJSON, it cross-validates the fitted ranker and judge.
func measureEval(ctx context.Context, e *env, cfg Config, set *corpus.EvalSet, o evalOptions, reported func(*evalResult) error) (*evalResult, error) {
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
	if err != nil && o.writeCal == "" {
		return nil, err // writing a calibration needs no old one
	}
	if o.writeCal != "" {
		if cal, err = eval.Calibrate(ctx, open, set); err != nil {
			return nil, err
		}
		cal.Embedder = embedder
		if err := writeJSONFile(o.writeCal, cal); err != nil {
			return nil, err
		}
	}
	reports, err := eval.Evaluate(ctx, open, set, cal, retrieval.Modes)
	if err != nil {
		return nil, err
	}
	res := &evalResult{reports: reports}
	if reported != nil {
		if err := reported(res); err != nil {
			return nil, err
		}
	}
	if o.asJSON {
		return res, nil
	}
	// The reports rank and judge with the shipped ranker and model, fitted
	// on this very set; their own figures are cross-validated.
	fit, err := eval.Fit(ctx, open, set, retrieval.Hybrid)
	if err != nil {
		return nil, err
	}
	res.rankerCV = fit.Calibration.RankerCV
	res.judgeCV = []eval.Ablation{{CV: fit.Calibration.CV}}
	if o.ablation {
		res.judgeCV = eval.AblateJudge(fit.Observations, fit.FoldObservations)
	}
	return res, nil
}

// printReports prints the reports as JSON, or as a table for a terminal or
// in Markdown.
func (res *evalResult) printReports(w io.Writer, o evalOptions) error {
	if o.asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(res.reports)
	}
	if o.markdown {
		printMarkdown(w, res.reports)
	} else {
		printReports(w, res.reports)
	}
	return nil
}

// printFits prints what follows the table: the cross-validated ranker and
// judge, then with --verbose the hybrid mode's misses. JSON has none.
func (res *evalResult) printFits(w io.Writer, o evalOptions) {
	if o.asJSON {
		return
	}
	printRankerCV(w, res.rankerCV, o.markdown)
	printJudgeCV(w, res.judgeCV, o.markdown)
	if o.verbose {
		for _, r := range res.reports {
			if r.Mode == retrieval.Hybrid {
				printMisses(w, r)
			}
		}
	}
}

// printMisses lists what a mode got wrong: answerable questions answered
// wrong or refused, answers whose lead sentence misses the gold answer or
// the speaker, unanswerable questions answered (by tag), chat messages not
// answered in chat mode, and answers with an invalid citation.
func printMisses(w io.Writer, r eval.ModeReport) {
	section := func(title string, keep func(q eval.QuestionScore) bool) {
		first := true
		for _, q := range r.Questions {
			if !keep(q) {
				continue
			}
			if first {
				fmt.Fprintf(w, "\n%s, %s:\n", r.Mode, title)
				first = false
			}
			fmt.Fprintf(w, "- %s (rank %d, evidence %.3f, refused %v): %.160q\n", q.ID, q.Rank, q.Evidence, q.Refused, q.Answer)
		}
	}
	section("answerable questions not answered right", func(q eval.QuestionScore) bool {
		return q.Kind == "answerable" && !q.Correct
	})
	section("answers right whose lead sentence misses the answer", func(q eval.QuestionScore) bool {
		return q.Kind == "answerable" && q.Correct && !q.LeadCorrect
	})
	section("answers whose lead sentence is not attributed to the speaker", func(q eval.QuestionScore) bool {
		return q.Speaker != "" && !q.Refused && !q.SpeakerCorrect
	})
	tags := append(slices.Clone(corpus.RefusalTags), "")
	for _, tag := range tags {
		name := tag
		if name == "" {
			name = "untagged"
		}
		section("unanswerable ("+name+") questions answered", func(q eval.QuestionScore) bool {
			return q.Kind == "unanswerable" && q.Tag == tag && !q.Correct
		})
	}
	section("chat messages not answered in chat mode", func(q eval.QuestionScore) bool {
		return q.Kind == "chat" && !q.Correct
	})
	section("answers with invalid citations", func(q eval.QuestionScore) bool { return q.BadCitesN > 0 })
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
	row("questions (answerable/unanswerable/chat)", func(r eval.ModeReport) string {
		return fmt.Sprintf("%d/%d/%d", r.Answerable, r.Unanswerable, r.Chat)
	})
	row("recall@1", ratio(func(r eval.ModeReport) float64 { return r.RecallAt1 }))
	row("recall@5", ratio(func(r eval.ModeReport) float64 { return r.RecallAt5 }))
	row("MRR", ratio(func(r eval.ModeReport) float64 { return r.MRR }))
	row("answer accuracy", ratio(func(r eval.ModeReport) float64 { return r.AnswerAccuracy }))
	row("lead-sentence accuracy", ratio(func(r eval.ModeReport) float64 { return r.LeadAccuracy }))
	if len(rs) > 0 {
		row(fmt.Sprintf("speaker accuracy (%d questions)", rs[0].Speakers), ratio(func(r eval.ModeReport) float64 { return r.SpeakerAccuracy }))
	}
	row("citation validity", ratio(func(r eval.ModeReport) float64 { return r.CitationValidity }))
	row("refusal accuracy", ratio(func(r eval.ModeReport) float64 { return r.RefusalAccuracy }))
	if len(rs) > 0 {
		for i, t := range rs[0].RefusalByTag {
			name := t.Tag
			if name == "" {
				name = "untagged"
			}
			row(fmt.Sprintf("refusal accuracy: %s (%d)", name, t.Questions), func(r eval.ModeReport) string {
				if i >= len(r.RefusalByTag) {
					return "-"
				}
				return fmt.Sprintf("%.3f", r.RefusalByTag[i].Accuracy)
			})
		}
	}
	row("false refusal rate", ratio(func(r eval.ModeReport) float64 { return r.FalseRefusals }))
	row("chat handled", func(r eval.ModeReport) string { return fmt.Sprintf("%d/%d", r.ChatHandled, r.Chat) })
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
