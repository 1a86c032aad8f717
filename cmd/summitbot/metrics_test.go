package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/summitbot/summitbot/bot/discordtest"
	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/search"
)

// healthAddrRE finds the side port's address in serve's log.
var healthAddrRE = regexp.MustCompile(`health and metrics listening"? addr=(\S+)`)

// waitLog polls buf until re matches its text, and returns the submatches.
// A process's log is the only place some events show up.
// serveInProcess runs `summitbot serve` in this process with env, stops it
// when the test ends (failing the test if it exits non-zero), and returns
// its health address, once it listens, and its log.
func serveInProcess(wait context.Context, t *testing.T, env map[string]string) (addr string, stderr *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout syncBuffer
	stderr = new(syncBuffer)
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, strings.NewReader(""), &stdout, stderr, func(k string) string { return env[k] })
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d; log:\n%s", code, stderr.String())
		}
	})
	m, err := waitLog(wait, stderr, healthAddrRE)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	return m[1], stderr
}

func waitLog(ctx context.Context, buf *syncBuffer, re *regexp.Regexp) ([]string, error) {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if m := re.FindStringSubmatch(buf.String()); m != nil {
			return m, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for %q in the log: %w", re, ctx.Err())
		case <-tick.C:
		}
	}
}

// httpGet returns the status and body of GET url.
func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// waitMetrics scrapes /metrics at addr until every line in want is in it;
// metrics are recorded just after the reply that a test waits for.
func waitMetrics(ctx context.Context, t *testing.T, addr string, want ...string) string {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		_, body := httpGet(t, "http://"+addr+"/metrics")
		var missing []string
		for _, w := range want {
			if !hasLine(body, w) {
				missing = append(missing, w)
			}
		}
		if len(missing) == 0 {
			return body
		}
		select {
		case <-ctx.Done():
			t.Fatalf("/metrics lacks %q:\n%s", missing, grepLines(body, "summitbot_"))
		case <-tick.C:
		}
	}
}

func hasLine(body, line string) bool {
	for _, l := range strings.Split(body, "\n") {
		if l == line {
			return true
		}
	}
	return false
}

func grepLines(body, prefix string) string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestServeMetrics runs serve in-process with the side port on, holds its
// way to the fake Discord shut until /readyz has said 503, then drives
// commands through the fake Discord and reads each count back from
// /metrics.
func TestServeMetrics(t *testing.T) {
	fake := discordtest.New(t)
	target, err := url.Parse(fake.APIURL())
	if err != nil {
		t.Fatal(err)
	}
	target.Path = ""
	proxy := httputil.NewSingleHostReverseProxy(target)
	release := make(chan struct{})
	gate := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
			proxy.ServeHTTP(w, r)
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(gate.Close)
	released := false
	t.Cleanup(func() {
		if !released {
			close(release)
		}
	})

	env := serveEnv(fake)
	env["SUMMITBOT_DISCORD_API_URL"] = gate.URL + "/api/v10"
	wait, cancelWait := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancelWait()
	addr, stderr := serveInProcess(wait, t, env)
	if first, _, _ := strings.Cut(stderr.String(), "\n"); !strings.Contains(first, "summitbot starting") || !strings.Contains(first, "revision=") {
		t.Errorf("the log's first line does not say which build runs: %q", first)
	}
	b := readBuildInfo()
	waitMetrics(wait, t, addr, fmt.Sprintf(`summitbot_build_info{goversion=%q,revision=%q,version=%q} 1`, b.GoVersion, b.revisionLabel(), b.Version))

	if code, _ := httpGet(t, "http://"+addr+"/healthz"); code != 200 {
		t.Errorf("/healthz before connecting = %d, want 200", code)
	}
	if code, body := httpGet(t, "http://"+addr+"/readyz"); code != 503 {
		t.Errorf("/readyz before connecting = %d %q, want 503", code, body)
	}
	close(release)
	released = true
	if _, err := fake.WaitFor(wait, isRegistration); err != nil {
		t.Fatal(err)
	}
	if err := fake.WaitConnected(wait, 1); err != nil {
		t.Fatal(err)
	}
	for {
		code, _ := httpGet(t, "http://"+addr+"/readyz")
		if code == 200 {
			break
		}
		select {
		case <-wait.Done():
			t.Fatalf("/readyz = %d after connecting, want 200", code)
		case <-time.After(10 * time.Millisecond):
		}
	}

	// One answered question, with its votes.
	ask := discordtest.SlashCommand("ask", map[string]any{"question": "How long did the talks last?"})
	fake.SendInteraction(ask)
	if _, err := fake.WaitFor(wait, discordtest.Match("PATCH webhooks/*/"+ask.Token+"/messages/@original")); err != nil {
		t.Fatal(err)
	}
	waitMetrics(wait, t, addr,
		`summitbot_questions_total{command="ask",outcome="answered"} 1`,
		`summitbot_answer_duration_seconds_count{command="ask"} 1`,
		`summitbot_retrieval_evidence_count 1`,
		`summitbot_gateway_connected 1`,
		`summitbot_gateway_reconnects_total 0`,
		`summitbot_feedback_votes_total{vote="helpful"} 0`,
		`summitbot_reloads_total{result="ok"} 0`,
	)
	up := discordtest.ButtonPress("up:" + ask.ID)
	fake.SendInteraction(up)
	waitMetrics(wait, t, addr,
		`summitbot_questions_total{command="button:up",outcome="voted"} 1`,
		`summitbot_feedback_votes_total{vote="helpful"} 1`,
		`summitbot_feedback_votes_total{vote="unhelpful"} 0`,
	)

	// A refused question from another user (a name the articles never
	// mention: refused by rule, not by where the fitted judge's cut
	// falls); an invalid one, which takes nothing from the allowance; and
	// three more from the first user, who has two left of the default
	// burst of 3.
	fake.SendInteraction(discordtest.SlashCommand("ask", map[string]any{"question": "What is the capital of Australia?"},
		discordtest.From("200000000000000002", "other")))
	fake.SendInteraction(discordtest.SlashCommand("ask", map[string]any{"question": "   "}))
	for range 3 {
		fake.SendInteraction(discordtest.SlashCommand("ask", map[string]any{"question": "How long did the talks last?"}))
	}
	waitMetrics(wait, t, addr,
		`summitbot_questions_total{command="ask",outcome="refused"} 1`,
		`summitbot_questions_total{command="ask",outcome="invalid_question"} 1`,
		`summitbot_questions_total{command="ask",outcome="answered"} 3`,
		`summitbot_questions_total{command="ask",outcome="rate_limited"} 1`,
		`summitbot_answer_duration_seconds_count{command="ask"} 6`,
	)

	// A reload of the embedded articles, and a gateway reconnect.
	fake.SendInteraction(discordtest.SlashCommand("reload", nil, discordtest.WithPermissions(discordgo.PermissionManageGuild)))
	waitMetrics(wait, t, addr,
		`summitbot_questions_total{command="reload",outcome="reloaded"} 1`,
		`summitbot_reloads_total{result="ok"} 1`,
	)
	fake.DropConnections()
	if err := fake.WaitConnected(wait, 2); err != nil {
		t.Fatal(err)
	}
	body := waitMetrics(wait, t, addr, `summitbot_gateway_reconnects_total 1`, `summitbot_gateway_connected 1`)
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes", `summitbot_embedding_requests_total{result="ok"}`} {
		if !strings.Contains(body, name) {
			t.Errorf("/metrics lacks %s", name)
		}
	}
}

// fakeGenerator replies with reply or fails with err.
type fakeGenerator struct {
	reply string
	err   error
}

func (g fakeGenerator) Generate(context.Context, retrieval.Prompt, func(string)) (string, error) {
	return g.reply, g.err
}
func (fakeGenerator) Model() string { return "fake" }

// TestModelMetrics checks the model and embedding counters with a fake
// model and the offline embedder.
func TestModelMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := newEngineMetrics(reg)
	for _, g := range []retrieval.Generator{
		fakeGenerator{reply: "ok"},
		fakeGenerator{err: fmt.Errorf("chat: %w", retrieval.ErrModelTimeout)},
		fakeGenerator{err: fmt.Errorf("chat: %w", retrieval.ErrModelRateLimited)},
		fakeGenerator{err: context.Canceled},
		fakeGenerator{err: errors.New("boom")},
	} {
		m.generator(g).Generate(t.Context(), retrieval.Prompt{}, nil)
	}
	emb := m.embedder(search.NewLocalEmbedder(64))
	if _, err := emb.Embed(t.Context(), []string{"a", "b"}); err != nil {
		t.Fatal(err)
	}
	if _, ok := emb.(search.QueryEmbedder); ok {
		t.Error("the wrapped offline embedder claims to embed queries itself")
	}
	h, err := startHealth("127.0.0.1:0", reg, func() error { return nil }, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	wait, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	waitMetrics(wait, t, h.Addr(),
		`summitbot_model_requests_total{result="ok"} 1`,
		`summitbot_model_requests_total{result="error"} 4`,
		`summitbot_model_errors_total{reason="timeout"} 1`,
		`summitbot_model_errors_total{reason="rate_limited"} 1`,
		`summitbot_model_errors_total{reason="cancelled"} 1`,
		`summitbot_model_errors_total{reason="other"} 1`,
		`summitbot_model_request_duration_seconds_count 5`,
		`summitbot_embedding_requests_total{result="ok"} 1`,
		`summitbot_embedding_texts_total 2`,
	)
}
