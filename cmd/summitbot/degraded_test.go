package main

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/summitbot/summitbot/bot/discordtest"
	"github.com/summitbot/summitbot/retrieval/openai/openaitest"
)

const degradedBody = "degraded: embedding server unreachable, using the offline embedder\n"

// closedPort returns a loopback address nothing listens on: connections to
// it are refused, until a test listens on it again.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// unreachableEmbedding is embeddingEnv with the server at addr, where
// nothing listens yet, and no retries.
func unreachableEmbedding(t *testing.T, addr string) map[string]string {
	env := embeddingEnv(t, openaitest.New(t))
	env["SUMMITBOT_EMBEDDING_BASE_URL"] = "http://" + addr + "/v1"
	env["SUMMITBOT_LLM_RETRIES"] = "0"
	return env
}

// TestAskDegraded: ask with the embedding server down and an empty cache
// answers with the offline embedder and says so once on standard error;
// sources lists the articles all the same.
func TestAskDegraded(t *testing.T) {
	env := unreachableEmbedding(t, closedPort(t))
	code, out, errOut := summitbot(t, env, "", "ask", "How long did the talks last?")
	if code != 0 || !strings.Contains(out, "two hours") {
		t.Fatalf("exit %d:\n%s\n%s", code, out, errOut)
	}
	if n := strings.Count(errOut, "embedding server unreachable"); n != 1 {
		t.Errorf("%d warnings about the embedding server, want 1:\n%s", n, errOut)
	}
	// sources lists the articles, which needs no vectors.
	if code, out, errOut := summitbot(t, env, "", "sources"); code != 0 || !strings.Contains(out, "reuters-vostochny") {
		t.Errorf("sources with the server down: exit %d:\n%s\n%s", code, out, errOut)
	}
	// index exists to fill the cache with the model's vectors: it fails.
	if code, _, errOut := summitbot(t, env, "", "index"); code != 1 || !strings.Contains(errOut, "could not be reached") {
		t.Errorf("index with the server down: exit %d, %s", code, errOut)
	}
}

// TestServeDegraded runs serve in-process with the embedding server
// unreachable (a closed loopback port) and an empty vector cache: it
// becomes ready on the offline embedder and answers, /readyz and
// summitbot_degraded say it is degraded; once the server listens on that
// port, a /reload switches to it and the bot is no longer degraded.
func TestServeDegraded(t *testing.T) {
	fake := discordtest.New(t)
	addr := closedPort(t)
	env := serveEnv(fake)
	for k, v := range unreachableEmbedding(t, addr) {
		env[k] = v
	}
	wait, cancelWait := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancelWait()
	healthAddr, stderr := serveInProcess(wait, t, env)
	health := "http://" + healthAddr
	if err := fake.WaitConnected(wait, 1); err != nil {
		t.Fatal(err)
	}
	waitReady := func(want string) {
		t.Helper()
		for {
			code, body := httpGet(t, health+"/readyz")
			if code == 200 && body == want {
				return
			}
			select {
			case <-wait.Done():
				t.Fatalf("/readyz = %d %q, want 200 %q", code, body, want)
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	waitReady(degradedBody)
	waitMetrics(wait, t, healthAddr, `summitbot_degraded{reason="embedder"} 1`)
	if n := strings.Count(stderr.String(), "embedding server unreachable"); n != 1 {
		t.Errorf("%d warnings about the embedding server, want 1:\n%s", n, stderr.String())
	}
	ask := func() string {
		t.Helper()
		i := discordtest.SlashCommand("ask", map[string]any{"question": "How long did the talks last?"})
		fake.SendInteraction(i)
		c, err := fake.WaitFor(wait, discordtest.Match("PATCH webhooks/*/"+i.Token+"/messages/@original"))
		if err != nil {
			t.Fatal(err)
		}
		var msg discordgo.Message
		if err := c.Decode(&msg); err != nil || len(msg.Embeds) != 1 {
			t.Fatalf("answer %+v (%v)", msg.Embeds, err)
		}
		return msg.Embeds[0].Description
	}
	if a := ask(); !strings.Contains(a, "two hours") {
		t.Errorf("degraded answer %q, want the talks' length", a)
	}

	// The server comes up on the address the bot was configured with.
	srv := openaitest.New(t)
	srv.Dims = 2048
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen again on %s: %v", addr, err)
	}
	up := &http.Server{Handler: srv.Config.Handler, ReadHeaderTimeout: 5 * time.Second}
	go up.Serve(ln)
	t.Cleanup(func() { up.Close() })

	fake.SendInteraction(discordtest.SlashCommand("reload", nil, discordtest.WithPermissions(discordgo.PermissionManageGuild)))
	waitMetrics(wait, t, healthAddr, `summitbot_reloads_total{result="ok"} 1`, `summitbot_degraded{reason="embedder"} 0`)
	waitReady("ready\n")
	if srv.EmbeddedTexts() == 0 {
		t.Error("the reload did not embed with the server")
	}
	before := srv.EmbeddedTexts()
	if a := ask(); !strings.Contains(a, "two hours") {
		t.Errorf("answer after the switch %q, want the talks' length", a)
	}
	if srv.EmbeddedTexts() != before+1 {
		t.Errorf("the question was not embedded by the server (%d texts, then %d)", before, srv.EmbeddedTexts())
	}
	if !strings.Contains(stderr.String(), "embedding server reached") {
		t.Errorf("the switch back is not in the log:\n%s", stderr.String())
	}
}
