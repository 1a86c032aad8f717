package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestParseBuildInfo(t *testing.T) {
	vcs := &debug.BuildInfo{
		GoVersion: "go1.26.0",
		Main:      debug.Module{Path: "github.com/summitbot/summitbot", Version: "v0.0.0-20261130233006-0aa6e0f12345+dirty"},
		Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "0aa6e0f1234567890abcdef1234567890abcdef0"},
			{Key: "vcs.time", Value: "2026-11-30T23:30:06Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	got := parseBuildInfo(vcs, true)
	want := buildInfo{"v0.0.0-20261130233006-0aa6e0f12345+dirty", "0aa6e0f1234567890abcdef1234567890abcdef0", "2026-11-30T23:30:06Z", true, "go1.26.0"}
	if got != want {
		t.Errorf("from the toolchain's VCS settings: %+v, want %+v", got, want)
	}

	// No VCS settings (the Docker build, whose context has no .git): the
	// -ldflags stamps.
	defer func(v, r, tm string) { stampVersion, stampRevision, stampTime = v, r, tm }(stampVersion, stampRevision, stampTime)
	stampVersion, stampRevision, stampTime = "v1.2.3", "abc123", "2026-11-30T00:00:00Z"
	bare := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}}
	got = parseBuildInfo(bare, true)
	want = buildInfo{"v1.2.3", "abc123", "2026-11-30T00:00:00Z", false, "go1.26.0"}
	if got != want {
		t.Errorf("from the stamps: %+v, want %+v", got, want)
	}
	// The toolchain's record wins over a stamp.
	if got := parseBuildInfo(vcs, true); got.Revision != "0aa6e0f1234567890abcdef1234567890abcdef0" {
		t.Errorf("a stamp beat the recorded revision: %+v", got)
	}

	// Neither.
	stampVersion, stampRevision, stampTime = "", "", ""
	if got := parseBuildInfo(nil, false); got.Version != "(devel)" || got.Revision != "unknown" || got.GoVersion == "" {
		t.Errorf("with no build info: %+v", got)
	}
}

func TestVersionCommand(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		code, out, errOut := summitbot(t, nil, "", args...)
		if code != 0 || errOut != "" {
			t.Fatalf("%q: exit %d, stderr %q", args, code, errOut)
		}
		b := readBuildInfo()
		if !strings.HasPrefix(out, "summitbot "+b.Version+"\n") || !strings.Contains(out, "\n  revision  "+b.Revision+"\n") ||
			!strings.Contains(out, "\n  modified  ") || !strings.Contains(out, "\n  go        "+b.GoVersion+"\n") {
			t.Errorf("%q printed:\n%s", args, out)
		}
	}
	if code, _, errOut := summitbot(t, nil, "", "version", "extra"); code != 2 || !strings.Contains(errOut, "see summitbot help version") {
		t.Errorf("version extra: exit %d, stderr %q", code, errOut)
	}
}
