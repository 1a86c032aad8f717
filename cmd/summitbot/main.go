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
	"regexp"
	"strings"
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

// command is one subcommand of summitbot. help.go prints it.
type command struct {
	name     string
	args     []string // usage lines' arguments after [flags], e.g. "QUESTION"
	summary  string   // one line
	argsHelp []string // "NAME<TAB>what it is", one per argument
	examples []string // whole command lines
	run      func(ctx context.Context, e *env, args []string) error
}

func commands() []command {
	return []command{
		{name: "ask", args: []string{"QUESTION...", "-"},
			summary: "answer a question from the articles, with its sources",
			argsHelp: []string{
				"QUESTION\tthe question; several words are joined with spaces",
				"-\tread one question per line from standard input",
			},
			examples: []string{`summitbot ask "Where did Putin and Kim meet?"`, `summitbot ask --json - < questions.txt`},
			run:      runAsk},
		{name: "sources",
			summary:  "list the articles the bot answers from",
			examples: []string{"summitbot sources", "summitbot sources --json"},
			run:      runSources},
		{name: "serve",
			summary:  "run the Discord bot until SIGINT or SIGTERM (token from DISCORD_TOKEN)",
			examples: []string{"DISCORD_TOKEN=… summitbot serve --config summitbot.yaml"},
			run:      runServe},
		{name: "index",
			summary:  "embed the articles with the configured embedding model and cache the vectors",
			examples: []string{"summitbot index --config summitbot.yaml"},
			run:      runIndex},
		{name: "eval", args: []string{"[EVALSET.yaml]"},
			summary:  "score answers and retrieval on the eval set",
			argsHelp: []string{"EVALSET.yaml\tquestions with their expected answers; default: the built-in set"},
			examples: []string{"summitbot eval", "summitbot eval --markdown --verbose"},
			run:      runEval},
		{name: "healthcheck",
			summary:  "exit 0 if the running bot's health port answers (the container's health check)",
			examples: []string{"summitbot healthcheck --ready", "summitbot healthcheck --config /etc/summitbot/summitbot.yaml"},
			run:      runHealthcheck},
		{name: "version",
			summary:  "print the version and the commit the binary was built from",
			examples: []string{"summitbot version"},
			run:      runVersion},
		{name: "help", args: []string{"[COMMAND]"},
			summary:  "show help, or a command's help (the same as COMMAND --help)",
			examples: []string{"summitbot help ask"}},
	}
}

// errUsage marks an error in how a command was called; it exits 2.
var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		printHelp(stdout)
		return 0
	}
	if args[0] == "-version" || args[0] == "--version" {
		args = []string{"version"}
	}
	if args[0] == "help" {
		if len(args) == 1 || args[1] == "help" || args[1] == "-h" || args[1] == "-help" || args[1] == "--help" {
			printHelp(stdout)
			return 0
		}
		// A command's help is its own --help.
		args = []string{args[1], "--help"}
	}
	c, ok := lookup(args[0])
	if !ok {
		fmt.Fprintf(stderr, "summitbot: unknown command %q\nsee summitbot help\n", args[0])
		return 2
	}
	err := c.run(ctx, e, args[1:])
	var h *helpRequest
	switch {
	case err == nil:
		return 0
	case errors.As(err, &h):
		printCommandHelp(stdout, c, h.fs)
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "summitbot %s: %s\nsee summitbot help %s\n", c.name, strings.TrimPrefix(err.Error(), errUsage.Error()+": "), c.name)
		return 2
	default:
		fmt.Fprintf(stderr, "summitbot %s: %v\n", c.name, err)
		return 1
	}
}

// lookup finds the command called name.
func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name && c.run != nil {
			return c, true
		}
	}
	return command{}, false
}

// newFlags returns a flag set for a command with the --config flag every
// command but version takes. Its default is $SUMMITBOT_CONFIG, so that
// an image can name a default file which a mounted one replaces, and the
// health check reads the same file as serve.
func newFlags(name string, e *env) (*flag.FlagSet, *string) {
	fs := newFlagSet(name)
	cfg := fs.String("config", e.getenv("SUMMITBOT_CONFIG"), "YAML configuration `file` (default: $SUMMITBOT_CONFIG, else none)")
	return fs, cfg
}

// newFlagSet returns an empty flag set that prints nothing: parseFlags
// reports its errors and run prints the command's help.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("summitbot "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// helpRequest is --help (or -h) among a command's flags: run prints the
// command's help, with the flags of fs.
type helpRequest struct{ fs *flag.FlagSet }

func (*helpRequest) Error() string { return "help requested" }

func (*helpRequest) Unwrap() error { return flag.ErrHelp }

// dashDash finds the "-name" in the flag package's errors, which help
// and the README spell "--name".
var dashDash = regexp.MustCompile(`(: |flag |for )-\b`)

// parseFlags parses flags that may stand before or after the positional
// arguments ("ask --json Q" and "ask Q --json" both work) and returns the
// positional ones. A lone "-" is positional.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, &helpRequest{fs}
			}
			return nil, fmt.Errorf("%w: %s", errUsage, dashDash.ReplaceAllString(err.Error(), "$1--"))
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
