package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"runtime/debug"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// Stamped with -ldflags "-X main.stampRevision=…" where the build has no
// VCS information: the Docker build, whose context leaves out .git (see
// .dockerignore and the Dockerfile's VCS_REF argument). What the Go
// toolchain records itself (go build in a clone) wins over these.
var (
	stampVersion  string // the module version, e.g. v1.2.0
	stampRevision string // the commit, e.g. the output of git rev-parse HEAD
	stampTime     string // the commit time, RFC 3339
)

// buildInfo is what `summitbot version` prints: which source the binary
// was built from.
type buildInfo struct {
	Version   string // module version; "(devel)" when unknown
	Revision  string // VCS commit; "unknown" when not recorded
	Time      string // commit time; "" when not recorded
	Modified  bool   // built from a tree with uncommitted changes
	GoVersion string
}

// readBuildInfo reads the running binary's build information.
func readBuildInfo() buildInfo {
	bi, ok := debug.ReadBuildInfo()
	return parseBuildInfo(bi, ok)
}

// parseBuildInfo takes the module version and the vcs.* settings the Go
// toolchain records (go build in a VCS checkout), falling back to the
// -ldflags stamps.
func parseBuildInfo(bi *debug.BuildInfo, ok bool) buildInfo {
	b := buildInfo{GoVersion: runtime.Version()}
	if ok && bi != nil {
		b.Version = bi.Main.Version
		if bi.GoVersion != "" {
			b.GoVersion = bi.GoVersion
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				b.Revision = s.Value
			case "vcs.time":
				b.Time = s.Value
			case "vcs.modified":
				b.Modified, _ = strconv.ParseBool(s.Value)
			}
		}
	}
	if (b.Version == "" || b.Version == "(devel)") && stampVersion != "" {
		b.Version = stampVersion
	}
	if b.Revision == "" {
		b.Revision, b.Time = stampRevision, stampTime
	}
	if b.Version == "" {
		b.Version = "(devel)"
	}
	if b.Revision == "" {
		b.Revision = "unknown"
	}
	return b
}

func (b buildInfo) write(w io.Writer) {
	fmt.Fprintf(w, "summitbot %s\n", b.Version)
	fmt.Fprintf(w, "  revision  %s\n", b.Revision)
	if b.Time != "" {
		fmt.Fprintf(w, "  time      %s\n", b.Time)
	}
	fmt.Fprintf(w, "  modified  %t\n", b.Modified)
	fmt.Fprintf(w, "  go        %s\n", b.GoVersion)
}

// logAttrs are the build's fields for the log's first line.
func (b buildInfo) logAttrs() []any {
	return []any{
		slog.String("version", b.Version),
		slog.String("revision", b.Revision),
		slog.String("vcs_time", b.Time),
		slog.Bool("modified", b.Modified),
		slog.String("go", b.GoVersion),
	}
}

// collector is the summitbot_build_info gauge: always 1, the build in its
// labels, so that dashboards can say which version runs where.
func (b buildInfo) collector() prometheus.Collector {
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "summitbot_build_info",
		Help: "Always 1; the labels say which build runs: module version, VCS revision (with +dirty when built from a modified tree) and Go version.",
		ConstLabels: prometheus.Labels{
			"version":   b.Version,
			"revision":  b.revisionLabel(),
			"goversion": b.GoVersion,
		},
	})
	g.Set(1)
	return g
}

func (b buildInfo) revisionLabel() string {
	if b.Modified {
		return b.Revision + "+dirty"
	}
	return b.Revision
}

func runVersion(_ context.Context, e *env, args []string) error {
	fs := newFlagSet("version")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: version takes no arguments, got %q", errUsage, pos[0])
	}
	readBuildInfo().write(e.stdout)
	return nil
}
