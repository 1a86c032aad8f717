// Command summitbot answers questions about the 13 September 2023 meeting of
// Vladimir Putin and Kim Jong Un at the Vostochny Cosmodrome, only from a
// fixed set of news articles, citing the passage behind every claim.
//
// Run `summitbot help` for the commands. This package only wires: it reads
// the configuration and builds the engine in one way, build (build.go), for
// every command (ask, eval, sources, index and serve); the command that was
// asked for runs on it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// env is what a command may touch of the outside world; tests give their own.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

// command is one subcommand of summitbot.
type command struct {
	name    string
	args    string // the usage line after the name
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

func commands() []command {
	return []command{
		{"ask", "[--json] [--mode hybrid|keyword|vector] QUESTION | -", "answer a question from the articles, with its sources", runAsk},
		{"sources", "[--json]", "list the articles the bot answers from", runSources},
		{"serve", "", "run the Discord bot until SIGINT or SIGTERM (token from DISCORD_TOKEN)", runServe},
		{"index", "", "embed the articles with the configured embedding model and cache the vectors", runIndex},
		{"eval", "[--json | --markdown] [--verbose] [--write-calibration FILE] [EVALSET.yaml]", "score answers and retrieval on the eval set", runEval},
		{"healthcheck", "", "exit 0 if the running bot's /healthz answers (the container's health check)", runHealthcheck},
		{"help", "", "show this help", nil},
	}
}

// errUsage marks an error in how a command was called; it exits 2.
var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printHelp(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] || c.run == nil {
			continue
		}
		err := c.run(ctx, e, args[1:])
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			fmt.Fprintf(stderr, "summitbot %s: %v\nusage: summitbot %s %s\n", c.name, err, c.name, c.args)
			return 2
		default:
			fmt.Fprintf(stderr, "summitbot %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "summitbot: unknown command %q\n\n", args[0])
	printHelp(stderr)
	return 2
}

func printHelp(w io.Writer) {
	fmt.Fprint(w, `summitbot answers questions about the Putin–Kim meeting at Vostochny
(13 September 2023) only from its news articles, citing every claim.

Usage: summitbot COMMAND [--config FILE] [flags] [arguments]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
		if c.args != "" {
			fmt.Fprintf(w, "           summitbot %s %s\n", c.name, c.args)
		}
	}
	fmt.Fprint(w, `
Every command takes --config FILE (YAML; see config.example.yaml) and works
without one. Environment variables (SUMMITBOT_*) override the file.
`)
}

// newFlags returns a flag set for a command with the --config flag every
// command takes.
func newFlags(name string, e *env) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("summitbot "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	cfg := fs.String("config", "", "YAML configuration `file`")
	return fs, cfg
}

// parseFlags parses flags that may stand before or after the positional
// arguments ("ask --json Q" and "ask Q --json" both work) and returns the
// positional ones. A lone "-" is positional.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
