package main

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// composeFile is the part of compose.yaml the image must agree with.
type composeFile struct {
	Services map[string]struct {
		Restart     string   `yaml:"restart"`
		EnvFile     any      `yaml:"env_file"`
		User        string   `yaml:"user"`
		Volumes     []string `yaml:"volumes"`
		Ports       []string `yaml:"ports"`
		Healthcheck struct {
			Test        []string `yaml:"test"`
			Interval    string   `yaml:"interval"`
			Timeout     string   `yaml:"timeout"`
			StartPeriod string   `yaml:"start_period"`
			Retries     int      `yaml:"retries"`
		} `yaml:"healthcheck"`
		StopGracePeriod string `yaml:"stop_grace_period"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
}

// TestComposeMatchesDockerfile: compose.yaml, the Dockerfile and the
// image's default config file (docker/summitbot.yaml) agree on the volume,
// the user, the health check and the port; the token comes from an env
// file that neither git nor docker build sees. (.ci/run also validates
// compose.yaml with docker-compose.)
func TestComposeMatchesDockerfile(t *testing.T) {
	root := filepath.Join("..", "..")
	b, err := os.ReadFile(filepath.Join(root, "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cf composeFile
	if err := yaml.Unmarshal(b, &cf); err != nil {
		t.Fatal(err)
	}
	svc, ok := cf.Services["summitbot"]
	if !ok {
		t.Fatalf("compose.yaml has no summitbot service")
	}
	d := readDockerfile(t)
	last := d.stages[len(d.stages)-1]
	get := func(op string) string { return d.get(len(d.stages)-1, op) }

	// Restart policy and the token's env file.
	if svc.Restart != "unless-stopped" && svc.Restart != "always" {
		t.Errorf("restart: %q, want unless-stopped or always", svc.Restart)
	}
	envFile, _ := svc.EnvFile.(string)
	if envFile == "" {
		t.Errorf("env_file: %v, want one file for DISCORD_TOKEN", svc.EnvFile)
	}
	for _, ignore := range []string{".gitignore", ".dockerignore"} {
		b, err := os.ReadFile(filepath.Join(root, ignore))
		if err != nil || !slices.Contains(strings.Fields(string(b)), envFile) {
			t.Errorf("%s does not list %s: the token would reach git or the build context (%v)", ignore, envFile, err)
		}
	}
	if _, err := os.Stat(filepath.Join(root, envFile+".example")); err != nil {
		t.Errorf("no %s.example to start from: %v", envFile, err)
	}
	if b, err := os.ReadFile(filepath.Join(root, ".dockerignore")); err != nil || !slices.Contains(strings.Fields(string(b)), ".git") {
		t.Errorf(".dockerignore does not leave out .git (%v)", err)
	}

	// The user.
	if svc.User != "" && svc.User != get("USER") {
		t.Errorf("compose user %q, Dockerfile USER %q", svc.User, get("USER"))
	}

	// The volume: a named volume on the Dockerfile's VOLUME, which holds
	// the vector cache of the image's default config.
	var dockerVolumes []string
	if err := json.Unmarshal([]byte(get("VOLUME")), &dockerVolumes); err != nil || len(dockerVolumes) != 1 {
		t.Fatalf("Dockerfile VOLUME %q: want one, as a JSON array (%v)", get("VOLUME"), err)
	}
	dataDir := dockerVolumes[0]
	named := ""
	for _, v := range svc.Volumes {
		if src, dst, ok := strings.Cut(v, ":"); ok && strings.TrimSuffix(dst, ":rw") == dataDir {
			named = src
		}
	}
	if _, declared := cf.Volumes[named]; named == "" || !declared {
		t.Errorf("compose volumes %q: no named volume (declared under volumes:) on %s", svc.Volumes, dataDir)
	}
	if !slices.ContainsFunc(last, func(in string) bool {
		return strings.HasPrefix(in, "COPY ") && strings.Contains(in, "--chown=65532:65532") && strings.HasSuffix(in, " "+dataDir)
	}) {
		t.Errorf("the image does not create %s owned by nonroot (65532): a new named volume would not be writable", dataDir)
	}
	cfg := imageConfig(t, d)
	if dir := filepath.Dir(cfg.Embedding.Cache); dir != dataDir {
		t.Errorf("the image's embedding.cache %q is not on the volume %s", cfg.Embedding.Cache, dataDir)
	}

	// The health check: the same command and timings.
	hc := get("HEALTHCHECK")
	opts, cmd, _ := strings.Cut(hc, " CMD ")
	var dockerTest []string
	if err := json.Unmarshal([]byte(cmd), &dockerTest); err != nil {
		t.Fatalf("HEALTHCHECK CMD %q is not a JSON array: %v", cmd, err)
	}
	if want := append([]string{"CMD"}, dockerTest...); !slices.Equal(svc.Healthcheck.Test, want) {
		t.Errorf("compose healthcheck test %q, Dockerfile %q", svc.Healthcheck.Test, want)
	}
	if !slices.Contains(dockerTest, "--ready") {
		t.Errorf("the health check %q asks liveness; it should ask readiness (--ready)", dockerTest)
	}
	for flag, v := range map[string]string{
		"interval": svc.Healthcheck.Interval, "timeout": svc.Healthcheck.Timeout,
		"start-period": svc.Healthcheck.StartPeriod, "retries": strconv.Itoa(svc.Healthcheck.Retries),
	} {
		m := regexp.MustCompile(`--` + flag + `=(\S+)`).FindStringSubmatch(opts)
		if m == nil || m[1] != v {
			t.Errorf("health check %s: Dockerfile %v, compose %q", flag, m, v)
		}
	}

	// The port: health.addr of the default file, EXPOSE, and the
	// container side of compose's mapping.
	_, port, err := net.SplitHostPort(cfg.Health.Addr)
	if err != nil {
		t.Fatalf("the image's health.addr %q: %v", cfg.Health.Addr, err)
	}
	if get("EXPOSE") != port {
		t.Errorf("EXPOSE %q, health.addr port %s", get("EXPOSE"), port)
	}
	if len(svc.Ports) != 1 || !strings.HasSuffix(svc.Ports[0], ":"+port) || !strings.HasPrefix(svc.Ports[0], "127.0.0.1:") {
		t.Errorf("compose ports %q: want the health port %s published on the host's loopback", svc.Ports, port)
	}

	// Docker's default stop timeout (10s) would kill answers in flight.
	if svc.StopGracePeriod == "" {
		t.Errorf("no stop_grace_period: Docker kills the bot after 10s, before discord.shutdown_grace")
	}
}

// imageConfig loads the configuration the container runs with: the file
// the image copies to $SUMMITBOT_CONFIG, and no other variables.
func imageConfig(t *testing.T, d dockerfile) Config {
	t.Helper()
	last := len(d.stages) - 1
	path, ok := strings.CutPrefix(d.get(last, "ENV"), "SUMMITBOT_CONFIG=")
	if !ok {
		t.Fatalf("the image does not set SUMMITBOT_CONFIG")
	}
	src := ""
	for _, in := range d.stages[last] {
		if f := strings.Fields(in); f[0] == "COPY" && f[len(f)-1] == path {
			src = f[len(f)-2]
		}
	}
	if src == "" {
		t.Fatalf("the image does not copy a file to SUMMITBOT_CONFIG=%s", path)
	}
	vars := map[string]string{"SUMMITBOT_CONFIG": filepath.Join("..", "..", src)}
	getenv := func(k string) string { return vars[k] }
	_, cfgPath := newFlags("serve", &env{getenv: getenv}) // --config's default
	cfg, err := LoadConfig(*cfgPath, getenv)
	if err != nil {
		t.Fatalf("the image's config %s: %v", src, err)
	}
	return cfg
}
