package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/eval"
	"github.com/summitbot/summitbot/retrieval/qa"
)

// offlineEmbedders are the embedders eval --embedders compares by default.
var offlineEmbedders = []string{"local", "sif", "fused"}

// EmbedderReport is how one embedder did: calibrated for itself on the
// set, then evaluated in vector and hybrid mode.
type EmbedderReport struct {
	Embedder string            `json:"embedder"` // the retrieval.embedder value
	Model    string            `json:"model"`
	Reports  []eval.ModeReport `json:"reports"`
	Cal      *eval.Calibration `json:"calibration"`
}

// compareEmbedders evaluates the set once per embedder of list (a comma
// list of retrieval.embedder values), each with refusal thresholds
// calibrated for it, and prints one row per embedder and mode.
func compareEmbedders(ctx context.Context, e *env, cfg Config, set *corpus.EvalSet, list string, asJSON, markdown bool) error {
	names := offlineEmbedders
	if list != "all" {
		names = strings.Split(list, ",")
	}
	var out []EmbedderReport
	for _, name := range names {
		name = strings.TrimSpace(name)
		if !slices.Contains(offlineEmbedders, name) && name != "openai" {
			return fmt.Errorf("%w: --embedders: %q is not local, sif, fused or openai", errUsage, name)
		}
		c := cfg
		c.Retrieval.Embedder = name
		c.Log.Level = "error" // the shipped calibration is for one embedder only: no warning for each build
		model := ""
		open := func(ctx context.Context, m retrieval.Mode, judge qa.Calibration) (eval.Subject, func() error, error) {
			g, err := build(ctx, c, e.getenv, e.stderr, buildOptions{mode: m, judge: &judge})
			if err != nil {
				return nil, nil, err
			}
			model = g.embedder.Model()
			return g.engine, g.Close, nil
		}
		cal, err := eval.Calibrate(ctx, open, set)
		if err != nil {
			return fmt.Errorf("embedder %s: %w", name, err)
		}
		cal.Embedder = model
		reps, err := eval.Evaluate(ctx, open, set, cal, []retrieval.Mode{retrieval.Vector, retrieval.Hybrid})
		if err != nil {
			return fmt.Errorf("embedder %s: %w", name, err)
		}
		out = append(out, EmbedderReport{Embedder: name, Model: model, Reports: reps, Cal: cal})
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	rows := embedderRows(out)
	if markdown {
		for i, cells := range rows {
			fmt.Fprintf(e.stdout, "| %s |\n", strings.Join(cells, " | "))
			if i == 0 {
				fmt.Fprintf(e.stdout, "|%s\n", strings.Repeat("---|", len(cells)))
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, cells := range rows {
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	return tw.Flush()
}

// embedderRows lays out one row per embedder and mode, the header first.
func embedderRows(rs []EmbedderReport) [][]string {
	rows := [][]string{{"embedder", "mode", "recall@1", "recall@5", "MRR", "answer accuracy", "lead accuracy",
		"speaker accuracy", "refusal accuracy", "false refusals", "threshold"}}
	for _, er := range rs {
		for _, r := range er.Reports {
			cells := []string{er.Embedder, string(r.Mode)}
			for _, x := range []float64{r.RecallAt1, r.RecallAt5, r.MRR, r.AnswerAccuracy, r.LeadAccuracy,
				r.SpeakerAccuracy, r.RefusalAccuracy, r.FalseRefusals, r.Threshold} {
				cells = append(cells, fmt.Sprintf("%.3f", x))
			}
			rows = append(rows, cells)
		}
	}
	return rows
}
