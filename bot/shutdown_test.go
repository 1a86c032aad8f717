package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/summitbot/summitbot/bot"
	"github.com/summitbot/summitbot/bot/discordtest"
	"github.com/summitbot/summitbot/retrieval"
)

// TestReconnect drops the gateway; the bot reconnects and answers the next
// interaction.
func TestReconnect(t *testing.T) {
	t.Parallel()
	h := start(t, sharedEngine(t))
	h.fake.DropConnections()
	if err := h.fake.WaitConnected(h.ctx, 2); err != nil {
		t.Fatal(err)
	}
	_, _, m := h.askAndWait("Where did Putin and Kim meet?")
	if len(m.Embeds) != 1 {
		t.Errorf("after reconnecting: %+v, want an answer", m)
	}
}

// blockingEngine answers only once released, and says when a question has
// started.
func blockingEngine(t *testing.T) (bot.Engine, chan struct{}, chan struct{}) {
	eng := sharedEngine(t)
	started, release := make(chan struct{}, 10), make(chan struct{})
	return answerFunc{Engine: eng, f: func(ctx context.Context, q retrieval.Question) (*retrieval.Answer, error) {
		started <- struct{}{}
		select {
		case <-release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return eng.Answer(ctx, q, nil)
	}}, started, release
}

// TestShutdownDeliversAnswerInFlight cancels Run (what SIGTERM does in
// summitbot serve) while an answer is being worked out: the answer is
// delivered, new interactions are turned away, then Run returns nil.
func TestShutdownDeliversAnswerInFlight(t *testing.T) {
	t.Parallel()
	eng, started, release := blockingEngine(t)
	h := start(t, eng)
	i := h.ask("Where did Putin and Kim meet?")
	h.callback(i)
	<-started

	h.cancel()
	if err := h.log.waitFor(h.ctx, "discord bot stopping"); err != nil {
		t.Fatal(err)
	}
	late := discordtest.SlashCommand("ask", map[string]any{"question": "Where?"})
	h.fake.SendInteraction(late)
	if _, r := h.callback(late); !strings.Contains(r.Data.Content, "restarting") {
		t.Errorf("interaction during shutdown: %q, want to be told the bot is restarting", r.Data.Content)
	}
	close(release)
	if err := h.stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	// Run has returned: the answer must be among the calls already.
	var delivered bool
	for _, c := range h.fake.Calls() {
		if c.Method == "PATCH" && strings.Contains(c.Path, i.Token) && c.Status == 200 {
			var m discordgo.Message
			delivered = c.Decode(&m) == nil && len(m.Embeds) == 1
		}
	}
	if !delivered {
		t.Error("the answer in flight was not delivered before Run returned")
	}
}

// TestShutdownGrace gives up on an answer that takes longer than the grace
// period.
func TestShutdownGrace(t *testing.T) {
	t.Parallel()
	eng, started, _ := blockingEngine(t)
	h := start(t, eng, func(c *bot.Config) { c.ShutdownGrace = 100 * time.Millisecond })
	i := h.ask("Where did Putin and Kim meet?")
	h.callback(i)
	<-started
	begin := time.Now()
	if err := h.stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if d := time.Since(begin); d > 5*time.Second {
		t.Errorf("Run took %v to return with a 100ms grace period", d)
	}
	if !strings.Contains(h.log.String(), "grace period over") {
		t.Errorf("the log does not say the grace period ran out")
	}
}

// TestShutdownLeavesNobodyThinking stops the bot (SIGTERM) with ten answers
// in flight while Discord takes 2 s over each edit: every answer is
// delivered within the grace period, or, when the grace period is too
// short for that, its user is told to ask again. Nobody is left on
// "thinking…".
func TestShutdownLeavesNobodyThinking(t *testing.T) {
	t.Parallel()
	const latency = 2 * time.Second
	for _, tt := range []struct {
		name      string
		grace     time.Duration
		delivered bool // every answer arrives, rather than every user told to ask again
	}{
		{"grace enough", 3 * time.Second, true},
		{"grace too short", 500 * time.Millisecond, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := start(t, sharedEngine(t), func(c *bot.Config) { c.ShutdownGrace = tt.grace })
			h.fake.SetLatency(editPattern, latency)
			const q = "Where did Putin and Kim meet?"
			var asked []*discordgo.Interaction
			for k := 0; k < 10; k++ {
				asked = append(asked, h.ask(q, discordtest.From(fmt.Sprint(700000000000000100+k), "user")))
			}
			for _, i := range asked {
				h.callback(i)
			}
			begin := time.Now()
			if err := h.stop(); err != nil {
				t.Fatalf("Run: %v", err)
			}
			t.Logf("Run returned %v after it was cancelled", time.Since(begin).Round(time.Millisecond))
			for k, i := range asked {
				m, ok := h.fake.Original(i.Token)
				switch {
				case !ok:
					t.Errorf("ask %d: no response", k)
				case m.Flags&discordgo.MessageFlagsLoading != 0:
					t.Errorf("ask %d: left on thinking…", k)
				case tt.delivered && !answered(m, q):
					t.Errorf("ask %d: %q, want the answer", k, m.Content)
				case !tt.delivered && !answered(m, q) && !strings.Contains(m.Content, "ask again"):
					t.Errorf("ask %d: %q, want the answer or to be told to ask again", k, m.Content)
				}
			}
		})
	}
}

// TestStopWhileRegisteringDeliversAnswer stops the bot (SIGTERM) while its
// commands are still being registered, with a question already
// acknowledged: the gateway is open, so interactions arrive before
// registration ends. The answer is delivered before Run returns, as it is
// once the bot is ready. (summitbot serve's TestServeProcess lost such an
// answer under load.)
func TestStopWhileRegisteringDeliversAnswer(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	fake.SetLatency("PUT applications/*/commands", 2*time.Second)
	logs := &logBuffer{t: t}
	b, err := bot.New(bot.Config{Token: testToken, APIURL: fake.APIURL(), AllowDMs: true,
		QuestionsPerMinute: 6000, Burst: 1000, ShutdownGrace: 10 * time.Second},
		sharedEngine(t), slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	wait := waitCtx(t, 30*time.Second)
	if err := fake.WaitConnected(wait, 1); err != nil {
		t.Fatal(err)
	}
	i := discordtest.SlashCommand("ask", map[string]any{"question": "Where did Putin and Kim meet?"})
	fake.SendInteraction(i)
	if _, err := fake.WaitFor(wait, discordtest.Match("POST interactions/"+i.ID+"/*/callback")); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	delivered := false
	for _, c := range fake.Calls() {
		delivered = delivered || c.Method == "PATCH" && strings.Contains(c.Path, i.Token) && c.Status == 200
	}
	if !delivered {
		t.Error("the question acknowledged while registering was not answered before Run returned")
	}
}
