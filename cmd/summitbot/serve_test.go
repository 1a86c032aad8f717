package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/summitbot/summitbot/bot/discordtest"
)

// syncBuffer is a bytes.Buffer that a process's output goroutine may fill
// while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

const serveToken = "serve-test-token-secret"

func serveEnv(fake *discordtest.Server) map[string]string {
	return map[string]string{
		"DISCORD_TOKEN":                    serveToken,
		"SUMMITBOT_DISCORD_API_URL":        fake.APIURL(),
		"SUMMITBOT_DISCORD_SHUTDOWN_GRACE": "5s",
		"SUMMITBOT_LOG_LEVEL":              "debug",
		"SUMMITBOT_HEALTH_ADDR":            "127.0.0.1:0",
		"SUMMITBOT_STORE_PATH":             newStorePath(),
	}
}

func isRegistration(c discordtest.Call) bool {
	return c.Method == "PUT" && strings.HasPrefix(c.Path, "applications/") && strings.HasSuffix(c.Path, "/commands")
}

func TestServeWithoutToken(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), []string{"serve"}, strings.NewReader(""), &stdout, &stderr, func(string) string { return "" })
	if code != 1 || !strings.Contains(stderr.String(), "DISCORD_TOKEN") {
		t.Errorf("exit %d, stderr %q; want 1 and a hint to set DISCORD_TOKEN", code, stderr.String())
	}
}

// TestServe runs `summitbot serve` in-process against a fake Discord,
// answers one question, and stops it the way SIGTERM does: by cancelling
// the context main gives run.
func TestServe(t *testing.T) {
	fake := discordtest.New(t)
	env := serveEnv(fake)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, strings.NewReader(""), &stdout, &stderr, func(k string) string { return env[k] })
	}()
	wait, cancelWait := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancelWait()
	if _, err := fake.WaitFor(wait, isRegistration); err != nil {
		cancel()
		<-done
		t.Fatalf("%v\nstderr:\n%s", err, stderr.String())
	}
	if err := fake.WaitConnected(wait, 1); err != nil {
		t.Fatal(err)
	}
	i := discordtest.SlashCommand("ask", map[string]any{"question": "How long did the talks last?"})
	fake.SendInteraction(i)
	c, err := fake.WaitFor(wait, discordtest.Match("PATCH webhooks/*/"+i.Token+"/messages/@original"))
	if err != nil {
		t.Fatal(err)
	}
	var m discordgo.Message
	if err := c.Decode(&m); err != nil || len(m.Embeds) != 1 || !strings.Contains(m.Embeds[0].Description, "two hours") {
		t.Errorf("answer %+v (%v), want the talks' length", m.Embeds, err)
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d, want 0; stderr:\n%s", code, stderr.String())
		}
	case <-wait.Done():
		t.Fatal("serve did not stop after its context was cancelled")
	}
	if strings.Contains(stderr.String(), serveToken) {
		t.Error("the log holds the token")
	}
}

// TestServeProcess runs summitbot serve as a process (this test binary,
// re-run through main), sends it SIGTERM right after an answer was
// acknowledged, and expects the answer delivered and exit status 0.
func TestServeProcess(t *testing.T) {
	if os.Getenv("SUMMITBOT_SERVE_PROCESS") == "1" {
		os.Args = []string{"summitbot", "serve"}
		main() // exits
		return
	}
	if testing.Short() {
		t.Skip("starts a process")
	}
	fake := discordtest.New(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeProcess$")
	cmd.Env = append(os.Environ(), "SUMMITBOT_SERVE_PROCESS=1")
	for k, v := range serveEnv(fake) {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var exitErr error
	exited := make(chan struct{}) // closed once exitErr is set
	go func() {
		exitErr = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			cmd.Process.Kill()
			<-exited
		}
	})

	wait, cancelWait := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancelWait()
	if _, err := fake.WaitFor(wait, isRegistration); err != nil {
		t.Fatalf("%v\nstderr:\n%s", err, stderr.String())
	}
	if err := fake.WaitConnected(wait, 1); err != nil {
		t.Fatal(err)
	}
	i := discordtest.SlashCommand("ask", map[string]any{"question": "Where did Putin and Kim meet?"})
	fake.SendInteraction(i)
	if _, err := fake.WaitFor(wait, discordtest.Match("POST interactions/"+i.ID+"/*/callback")); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
		if exitErr != nil {
			t.Fatalf("serve exited with %v; stderr:\n%s", exitErr, stderr.String())
		}
	case <-wait.Done():
		t.Fatalf("serve did not exit after SIGTERM; stderr:\n%s", stderr.String())
	}
	answered := false
	for _, c := range fake.Calls() {
		answered = answered || c.Method == "PATCH" && strings.Contains(c.Path, i.Token) && c.Status == 200
	}
	if !answered {
		for _, c := range fake.Calls() {
			t.Logf("the fake saw %s %s → %d", c.Method, c.Path, c.Status)
		}
		t.Errorf("the acknowledged question was not answered before exit; stderr:\n%s", stderr.String())
	}
	if strings.Contains(stderr.String(), serveToken) {
		t.Error("the log holds the token")
	}
}
