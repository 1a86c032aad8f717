package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// The help is the standard library's flag package with our own layout:
// a CLI library (cobra, urfave/cli, kong) would add dependencies and
// binary size to eight commands whose flags flag already parses; what it
// would bring — descriptions, examples, --flag spelling, one-line errors —
// is this file.

// printHelp is `summitbot help`: every command with its one-line summary.
func printHelp(w io.Writer) {
	fmt.Fprint(w, `summitbot answers questions about the Putin–Kim meeting at Vostochny
(13 September 2023) only from its news articles, citing every claim.

Usage: summitbot COMMAND [flags] [arguments]

Commands:
`)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	tw.Flush()
	fmt.Fprint(w, `
Run "summitbot help COMMAND" (or summitbot COMMAND --help) for a command's
arguments, flags and examples; "summitbot --version" for the build.

Every command but version takes --config FILE (YAML; see
config.example.yaml) and works without one. Settings come from, each
overriding the one before: the defaults, the file, then the environment
(SUMMITBOT_*, and DISCORD_TOKEN).
`)
}

// printCommandHelp is `summitbot COMMAND --help` and `summitbot help
// COMMAND`: the summary, the usage lines, the arguments, every flag of fs
// with its default, and the examples.
func printCommandHelp(w io.Writer, c command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "summitbot %s: %s\n\n", c.name, c.summary)
	flags := ""
	fs.VisitAll(func(*flag.Flag) { flags = " [flags]" })
	args := c.args
	if len(args) == 0 {
		args = []string{""}
	}
	for i, a := range args {
		lead := "Usage:"
		if i > 0 {
			lead = "      "
		}
		fmt.Fprintln(w, strings.TrimRight(fmt.Sprintf("%s summitbot %s%s %s", lead, c.name, flags, a), " "))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if len(c.argsHelp) > 0 {
		fmt.Fprint(tw, "\nArguments:\n")
		for _, a := range c.argsHelp {
			fmt.Fprintf(tw, "  %s\n", a)
		}
	}
	if flags != "" {
		fmt.Fprint(tw, "\nFlags:\n")
		fs.VisitAll(func(f *flag.Flag) {
			arg, usage := flag.UnquoteUsage(f)
			name := "--" + f.Name
			if arg != "" {
				name += " " + strings.ToUpper(arg)
			}
			if !strings.Contains(usage, "(default") {
				usage += fmt.Sprintf(" (default: %s)", defaultText(f))
			}
			fmt.Fprintf(tw, "  %s\t%s\n", name, usage)
		})
	}
	tw.Flush()
	if len(c.examples) > 0 {
		fmt.Fprint(w, "\nExamples:\n")
		for _, ex := range c.examples {
			fmt.Fprintf(w, "  %s\n", ex)
		}
	}
}

// defaultText is a flag's default as help shows it.
func defaultText(f *flag.Flag) string {
	if f.DefValue == "" {
		return "none"
	}
	return f.DefValue
}
