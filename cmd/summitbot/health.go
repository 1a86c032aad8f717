package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// healthServer serves, on the side port of health.addr:
//
//	/healthz  200 while the process runs;
//	/readyz   200 when ready() returns nil (an index is loaded and the
//	          gateway is connected), 503 with the reason otherwise; a
//	          ready bot that runs degraded (degraded() is not empty) is
//	          still 200, and the body says why it is degraded;
//	/metrics  Prometheus metrics from reg.
type healthServer struct {
	srv *http.Server
	ln  net.Listener
}

// startHealth listens on addr and serves in the background. Close stops it.
// degraded may be nil.
func startHealth(addr string, reg prometheus.Gatherer, ready func() error, degraded func() string, log *slog.Logger) (*healthServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("health: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if err := ready(); err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		// Degraded is still ready: the bot answers, less well, and an
		// orchestrator restarting it would not bring the server back.
		if degraded != nil {
			if why := degraded(); why != "" {
				fmt.Fprintln(w, "degraded: "+why)
				return
			}
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}))
	h := &healthServer{
		srv: &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second},
		ln:  ln,
	}
	go func() {
		if err := h.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("health server stopped", "err", err)
		}
	}()
	log.Info("health and metrics listening", "addr", ln.Addr().String())
	return h, nil
}

// Addr is the address the server listens on.
func (h *healthServer) Addr() string { return h.ln.Addr().String() }

// Close stops the server, giving requests in flight a moment.
func (h *healthServer) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return h.srv.Shutdown(ctx)
}

// runHealthcheck is the container's health check: it asks the running
// bot's /healthz (or, with --ready, /readyz) on health.addr and exits 0
// only on 200. The image has no shell or curl, so the binary checks
// itself; its HEALTHCHECK uses --ready, so that a container which has not
// built its index or has lost Discord is unhealthy.
func runHealthcheck(ctx context.Context, e *env, args []string) error {
	fs, cfgPath := newFlags("healthcheck", e)
	ready := fs.Bool("ready", false, "ask /readyz (connected to Discord, index built) instead of /healthz (the process runs)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: healthcheck takes no arguments", errUsage)
	}
	cfg, err := LoadConfig(*cfgPath, e.getenv)
	if err != nil {
		return err
	}
	if cfg.Health.Addr == "" {
		return errors.New("health.addr is not set (SUMMITBOT_HEALTH_ADDR): there is nothing to check")
	}
	path := "/healthz"
	if *ready {
		path = "/readyz"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+dialable(cfg.Health.Addr)+path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("unhealthy: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("unhealthy: %s answered %s: %s", path, resp.Status, strings.TrimSpace(string(body)))
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if why, ok := strings.CutPrefix(strings.TrimSpace(string(body)), "degraded: "); ok {
		fmt.Fprintln(e.stdout, "healthy, degraded: "+why)
		return nil
	}
	fmt.Fprintln(e.stdout, "healthy")
	return nil
}

// dialable turns a listening address into one to connect to: ":8080" and
// "0.0.0.0:8080" listen on every interface, and are asked on loopback.
func dialable(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return net.JoinHostPort(host, port)
}
