package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"
)

// sourceInfo is one article as `summitbot sources` lists it.
type sourceInfo struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Date      string `json:"date"`
	Publisher string `json:"publisher"`
	Words     int    `json:"words"`
	Chunks    int    `json:"chunks"`
	File      string `json:"file"`
}

func runSources(ctx context.Context, e *env, args []string) error {
	fs, cfgPath := newFlags("sources", e)
	asJSON := fs.Bool("json", false, "print a JSON array")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	g, err := buildFrom(ctx, e, *cfgPath, buildOptions{offlineFallback: true})
	if err != nil {
		return err
	}
	defer g.Close()
	c := g.corpus.Load()
	chunks := make(map[string]int)
	for _, ch := range c.Chunks {
		chunks[ch.ArticleID]++
	}
	list := make([]sourceInfo, 0, len(c.Articles))
	for _, a := range c.Articles {
		list = append(list, sourceInfo{a.ID, a.Title, a.Date, a.Publisher, a.Words, chunks[a.ID], a.File})
	}
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(list)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tDATE\tPUBLISHER\tWORDS\tCHUNKS\tTITLE")
	for _, s := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\n", s.ID, dash(s.Date), dash(s.Publisher), s.Words, s.Chunks, s.Title)
	}
	return tw.Flush()
}

// dash stands in for an unknown value in a table.
func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
