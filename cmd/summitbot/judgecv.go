package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval/eval"
)

// printJudgeCV prints the answerability judge's k-fold cross-validated
// record in hybrid mode, one row per ablation (the first with every
// feature), as a table or as Markdown.
func printJudgeCV(w io.Writer, abl []eval.Ablation, markdown bool) {
	if len(abl) == 0 || abl[0].CV == nil {
		return
	}
	head := []string{"judge features", "answer", "lead", "false refusals", "refusals"}
	for _, tag := range corpus.RefusalTags {
		head = append(head, fmt.Sprintf("%s (%d)", tag, abl[0].CV.TagCounts[tag]))
	}
	rows := [][]string{head}
	for _, a := range abl {
		name := "all"
		if a.Without != "" {
			name = "without " + a.Without
		}
		cv := a.CV
		row := []string{name, f3(cv.AnswerAccuracy), f3(cv.LeadAccuracy), f3(cv.FalseRefusals), f3(cv.Refusals)}
		for _, tag := range corpus.RefusalTags {
			row = append(row, f3(cv.ByTag[tag]))
		}
		rows = append(rows, row)
	}
	fmt.Fprintf(w, "\nanswerability judge, hybrid, %d-fold cross-validated (%d answerable, %d unanswerable; each fold's questions ranked by the sentence ranker fitted without them):\n", abl[0].CV.Folds, abl[0].CV.Answerable, abl[0].CV.Unanswerable)
	printTable(w, rows, markdown)
}

// printRankerCV prints the sentence ranker's k-fold cross-validated record
// in hybrid mode beside the hand weights', every answerable question
// answered (no judge).
func printRankerCV(w io.Writer, cv *eval.RankerCV, markdown bool) {
	if cv == nil {
		return
	}
	rows := [][]string{
		{"sentence order", "answer", "lead", fmt.Sprintf("speaker (%d)", cv.Speakers), "sentences per answer"},
		{"hand weights", f3(cv.HandAnswer), f3(cv.HandLead), f3(cv.HandSpeaker), fmt.Sprintf("%.2f", cv.HandSentences)},
		{"fitted ranker", f3(cv.AnswerAccuracy), f3(cv.LeadAccuracy), f3(cv.SpeakerAccuracy), fmt.Sprintf("%.2f", cv.Sentences)},
	}
	fmt.Fprintf(w, "\nsentence ranker, hybrid, %d-fold cross-validated (%d answerable questions, none refused):\n", cv.Folds, cv.Answerable)
	printTable(w, rows, markdown)
}

// printTable writes rows, the header first, as Markdown or aligned for a
// terminal.
func printTable(w io.Writer, rows [][]string, markdown bool) {
	if markdown {
		for i, r := range rows {
			fmt.Fprintf(w, "| %s |\n", strings.Join(r, " | "))
			if i == 0 {
				fmt.Fprintf(w, "|%s\n", strings.Repeat("---|", len(r)))
			}
		}
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t")+"\t")
	}
	tw.Flush()
}

func f3(x float64) string { return fmt.Sprintf("%.3f", x) }
