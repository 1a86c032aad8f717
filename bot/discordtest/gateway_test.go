package discordtest_test

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/summitbot/summitbot/bot/discordtest"
)

func TestOpenIdentifiesAndReceivesReady(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	s := newSession(t, fake)
	s.Identify.Intents = discordgo.IntentsGuildMessages | discordgo.IntentMessageContent
	open(t, fake, s)

	wantUser := &discordgo.User{ID: discordtest.BotUserID, Username: "summitbot", Discriminator: "0", Bot: true}
	if diff := cmp.Diff(wantUser, s.State.User); diff != "" {
		t.Errorf("State.User (-want +got):\n%s", diff)
	}
	if s.State.Application == nil || s.State.Application.ID != discordtest.AppID {
		t.Errorf("State.Application = %+v, want ID %s", s.State.Application, discordtest.AppID)
	}

	hs := fake.Handshakes()
	if len(hs) != 1 || hs[0].Resumed || hs[0].Identify == nil {
		t.Fatalf("Handshakes() = %+v, want one READY", hs)
	}
	if hs[0].Token != "Bot test-token" || hs[0].Identify.Intents != s.Identify.Intents {
		t.Errorf("identified with token %q intents %d, want %q %d", hs[0].Token, hs[0].Identify.Intents, "Bot test-token", s.Identify.Intents)
	}
	if !strings.Contains(hs[0].Query, "v=9") || !strings.Contains(hs[0].Query, "encoding=json") {
		t.Errorf("gateway query = %q, want v=9 and encoding=json", hs[0].Query)
	}
	if got := fake.Connected(); got != 1 {
		t.Errorf("Connected() = %d, want 1", got)
	}
	if diff := cmp.Diff([]string{"GET gateway -> 200"}, callStrings(fake.Calls())); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

// TestReconnect drops the gateway under a connected bot and checks that
// discordgo comes back by itself and handles the next interaction, both
// when the fake lets it resume and when it must identify again.
func TestReconnect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		invalidate  bool
		wantResumed bool
	}{
		{name: "resume", wantResumed: true},
		{name: "invalid session then identify", invalidate: true, wantResumed: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := waitCtx(t)
			fake := discordtest.New(t)
			s := connect(t, fake)
			s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
				s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
					Type: discordgo.InteractionResponseChannelMessageWithSource,
					Data: &discordgo.InteractionResponseData{Content: "pong"},
				})
			})

			// Invalidate first: discordgo reconnects as soon as it sees
			// the drop, and could resume before a later invalidation.
			if tt.invalidate {
				fake.InvalidateSessions()
			}
			fake.DropConnections()
			if err := fake.WaitConnected(ctx, 2); err != nil {
				t.Fatal(err)
			}
			hs := fake.Handshakes()
			if hs[1].Resumed != tt.wantResumed {
				t.Errorf("second handshake resumed = %v, want %v", hs[1].Resumed, tt.wantResumed)
			}
			if tt.wantResumed && hs[1].SessionID != hs[0].SessionID {
				t.Errorf("resumed session %q, want %q", hs[1].SessionID, hs[0].SessionID)
			}

			i := discordtest.SlashCommand("ping", nil)
			fake.SendInteraction(i)
			if _, err := fake.WaitFor(ctx, discordtest.Match("POST interactions/"+i.ID+"/*/callback")); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestDispatchWhileDisconnected sends an event before the bot has connected;
// the fake holds it for the first handshake.
func TestDispatchWhileDisconnected(t *testing.T) {
	t.Parallel()
	ctx := waitCtx(t)
	fake := discordtest.New(t)
	fake.SendMessage(&discordgo.Message{Content: "early"})

	s := newSession(t, fake)
	got := make(chan string, 1)
	s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { got <- m.Content })
	open(t, fake, s)
	if content := receive(t, ctx, got); content != "early" {
		t.Errorf("content = %q, want %q", content, "early")
	}
}

// TestShutdownLeavesNoGoroutines runs a whole session, reconnect included,
// then closes the bot and the fake and checks that every goroutine ended.
// It is not parallel, so that no other test's goroutines are running; the
// ones from earlier tests that are still ending are ignored.
func TestShutdownLeavesNoGoroutines(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	ctx := waitCtx(t)
	fake := discordtest.New(t)
	s := newSession(t, fake)
	s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		})
	})
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	if err := fake.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	fake.DropConnections()
	if err := fake.WaitConnected(ctx, 2); err != nil {
		t.Fatal(err)
	}
	fake.SendInteraction(discordtest.SlashCommand("ask", nil))
	if _, err := fake.WaitFor(ctx, discordtest.Match("POST interactions/*/*/callback")); err != nil {
		t.Fatal(err)
	}

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	fake.Close()
	goleak.VerifyNone(t, ignore)
}

func callStrings(calls []discordtest.Call) []string {
	out := make([]string, len(calls))
	for i, c := range calls {
		out[i] = c.String()
	}
	return out
}
