package main

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestHealthServer(t *testing.T) {
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "summitbot_test_total", Help: "a test counter"})
	reg.MustRegister(c)
	c.Add(3)
	var notReady error = errors.New("gateway not connected")
	degraded := ""
	h, err := startHealth("127.0.0.1:0", reg, func() error { return notReady }, func() string { return degraded }, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get("http://" + h.Addr() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("/healthz = %d", code)
	}
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "gateway not connected") {
		t.Errorf("/readyz while not ready = %d %q", code, body)
	}
	// The container's health check asks /readyz: not yet healthy, though
	// alive. The address comes from the file $SUMMITBOT_CONFIG names, as
	// in the image.
	cfg := filepath.Join(t.TempDir(), "summitbot.yaml")
	if err := os.WriteFile(cfg, []byte("health:\n  addr: "+h.Addr()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fileEnv := map[string]string{"SUMMITBOT_CONFIG": cfg}
	if code, _, errOut := summitbot(t, fileEnv, "", "healthcheck", "--ready"); code != 1 || !strings.Contains(errOut, "gateway not connected") {
		t.Errorf("healthcheck --ready while not ready: exit %d, %q", code, errOut)
	}
	if code, _, errOut := summitbot(t, fileEnv, "", "healthcheck"); code != 0 {
		t.Errorf("healthcheck (liveness) while not ready: exit %d, %q", code, errOut)
	}
	notReady = nil
	if code, _, errOut := summitbot(t, fileEnv, "", "healthcheck", "--ready"); code != 0 {
		t.Errorf("healthcheck --ready when ready: exit %d, %q", code, errOut)
	}
	if code, body := get("/readyz"); code != 200 || body != "ready\n" {
		t.Errorf("/readyz when ready = %d %q", code, body)
	}
	// Degraded is ready, and says why.
	degraded = "embedding server unreachable, using the offline embedder"
	if code, body := get("/readyz"); code != 200 || body != "degraded: "+degraded+"\n" {
		t.Errorf("/readyz when degraded = %d %q", code, body)
	}
	if code, out, errOut := summitbot(t, fileEnv, "", "healthcheck", "--ready"); code != 0 || !strings.Contains(out, "healthy, degraded: embedding server unreachable") {
		t.Errorf("healthcheck --ready when degraded: exit %d, %q %q", code, out, errOut)
	}
	degraded = ""
	if code, body := get("/metrics"); code != 200 || !strings.Contains(body, "summitbot_test_total 3") {
		t.Errorf("/metrics = %d:\n%s", code, body)
	}

	// The container's health check, against this server and against none.
	env := map[string]string{"SUMMITBOT_HEALTH_ADDR": h.Addr()}
	if code, out, errOut := summitbot(t, env, "", "healthcheck"); code != 0 || !strings.Contains(out, "healthy") {
		t.Errorf("healthcheck: exit %d, %q %q", code, out, errOut)
	}
	h.Close()
	if code, _, errOut := summitbot(t, env, "", "healthcheck"); code != 1 || !strings.Contains(errOut, "unhealthy") {
		t.Errorf("healthcheck with the server gone: exit %d, %q", code, errOut)
	}
	if code, _, errOut := summitbot(t, nil, "", "healthcheck"); code != 1 || !strings.Contains(errOut, "health.addr is not set") {
		t.Errorf("healthcheck with no address: exit %d, %q", code, errOut)
	}
}

func TestDialable(t *testing.T) {
	for in, want := range map[string]string{
		":8080":          "127.0.0.1:8080",
		"0.0.0.0:8080":   "127.0.0.1:8080",
		"[::]:8080":      "[::1]:8080",
		"127.0.0.1:9090": "127.0.0.1:9090",
		"bot:8080":       "bot:8080",
	} {
		if got := dialable(in); got != want {
			t.Errorf("dialable(%q) = %q, want %q", in, got, want)
		}
	}
}
