package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// dockerfile is the root Dockerfile as instructions: continuation lines
// joined, comments dropped, grouped by stage.
type dockerfile struct {
	stages [][]string // each stage's instructions, FROM first
}

func readDockerfile(t *testing.T) dockerfile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var d dockerfile
	text := strings.ReplaceAll(string(b), "\\\n", " ")
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "FROM ") {
			d.stages = append(d.stages, nil)
		}
		if len(d.stages) == 0 {
			t.Fatalf("instruction before FROM: %q", line)
		}
		d.stages[len(d.stages)-1] = append(d.stages[len(d.stages)-1], line)
	}
	return d
}

// get returns the arguments of the last instruction op in stage i.
func (d dockerfile) get(i int, op string) string {
	v := ""
	for _, in := range d.stages[i] {
		if rest, ok := strings.CutPrefix(in, op+" "); ok {
			v = strings.TrimSpace(rest)
		}
	}
	return v
}

// TestDockerfile checks what docs/operations.md promises of the image: a build
// stage and a small runtime stage, a non-root user, the entrypoint and the
// health check. The image's own build runs in .ci/run
// (TestDockerBuildCommand with SUMMITBOT_DOCKER_BUILD=1): it compiles
// every package again, static, which took 148 s of a cold go test ./...
func TestDockerfile(t *testing.T) {
	d := readDockerfile(t)
	if len(d.stages) != 2 {
		t.Fatalf("%d stages, want build and runtime", len(d.stages))
	}
	last := len(d.stages) - 1
	facts := map[string]string{
		"build image":   strings.Fields(d.get(0, "FROM"))[0],
		"runtime image": strings.Fields(d.get(last, "FROM"))[0],
		"user":          d.get(last, "USER"),
		"entrypoint":    d.get(last, "ENTRYPOINT") + " " + d.get(last, "CMD"),
		"health check":  regexp.MustCompile(`.*CMD `).ReplaceAllString(d.get(last, "HEALTHCHECK"), ""),
	}
	want := map[string]string{
		"user":         "nonroot:nonroot",
		"entrypoint":   `["/summitbot"] ["serve"]`,
		"health check": `["/summitbot", "healthcheck", "--ready"]`,
	}
	for k, v := range want {
		if facts[k] != v {
			t.Errorf("Dockerfile %s = %q, want %q", k, facts[k], v)
		}
	}
	if !slices.ContainsFunc(d.stages[last], func(in string) bool {
		return strings.HasPrefix(in, "COPY --from=build ") && strings.HasSuffix(in, " /summitbot")
	}) {
		t.Errorf("the runtime stage does not copy the binary from the build stage")
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "docs", "operations.md"))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range facts {
		row := "| " + k + " | `" + v + "` |"
		if !strings.Contains(string(readme), row) {
			t.Errorf("docs/operations.md lacks the row %s", row)
		}
	}
	// The image's defaults must not beat a mounted file: no ENV but the
	// one naming the default file (variables override files).
	for _, in := range d.stages[last] {
		if rest, ok := strings.CutPrefix(in, "ENV "); ok && !strings.HasPrefix(rest, "SUMMITBOT_CONFIG=") {
			t.Errorf("the image sets %s: a variable beats the operator's config file; put the default in docker/summitbot.yaml", rest)
		}
	}
	for _, in := range d.stages[0] {
		if strings.HasPrefix(in, "RUN ") && strings.Contains(in, "go ") && !strings.Contains(in, "--mount=type=cache,target=/go/pkg/mod") {
			t.Errorf("%q has no module cache mount", in)
		}
	}
	for _, label := range []string{"title", "source", "version", "revision"} {
		if !strings.Contains(d.get(last, "LABEL"), "org.opencontainers.image."+label+"=") {
			t.Errorf("no OCI label org.opencontainers.image.%s", label)
		}
	}
}

// TestDockerBuildCommand runs the Dockerfile's build command (our machines
// have no Docker engine) and checks the binary is static, carries the
// articles and reports the commit passed as VCS_REF. .ci/run sets
// SUMMITBOT_DOCKER_BUILD=1; go test ./... skips it, to stay fast.
func TestDockerBuildCommand(t *testing.T) {
	if os.Getenv("SUMMITBOT_DOCKER_BUILD") == "" {
		t.Skip("SUMMITBOT_DOCKER_BUILD is not set: .ci/run builds the image's binary")
	}
	d := readDockerfile(t)
	var build string
	for _, in := range d.stages[0] {
		if strings.HasPrefix(in, "RUN ") && strings.Contains(in, "go build") {
			build = strings.TrimPrefix(in, "RUN ")
		}
	}
	for _, must := range []string{"CGO_ENABLED=0", "-trimpath", "-o /out/summitbot", "./cmd/summitbot", "-X main.stampRevision=${VCS_REF}"} {
		if !strings.Contains(build, must) {
			t.Fatalf("build command %q lacks %s", build, must)
		}
	}
	build = regexp.MustCompile(`--mount=\S+\s+`).ReplaceAllString(build, "")
	out := filepath.Join(t.TempDir(), "summitbot")
	cmd := exec.Command("sh", "-c", strings.Replace(build, "-o /out/summitbot", "-o "+out, 1))
	cmd.Dir = filepath.Join("..", "..")
	const ref = "0123456789abcdef0123456789abcdef01234567"
	// GOFLAGS: no VCS stamping, as in the image, whose build context has
	// no .git.
	cmd.Env = append(os.Environ(), "GOFLAGS=-buildvcs=false", "VERSION=v0.0.0-test", "VCS_REF="+ref, "VCS_TIME=2026-11-30T00:00:00Z")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", build, err, b)
	}
	f, err := elf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("the binary asks for a dynamic loader: not static")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the binary links %v: not static", libs)
	}
	run := exec.Command(out, "sources")
	run.Dir = t.TempDir() // far from the source tree: the articles must be inside
	run.Env = []string{}
	b, err := run.CombinedOutput()
	if err != nil || strings.Count(string(b), "2023-09-13") < 4 {
		t.Errorf("the built binary's sources: %v\n%s", err, b)
	}
	b, err = exec.Command(out, "version").CombinedOutput()
	if err != nil || !strings.Contains(string(b), "revision  "+ref) {
		t.Errorf("the built binary's version does not show VCS_REF: %v\n%s", err, b)
	}
}
