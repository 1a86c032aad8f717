package discordtest_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/summitbot/summitbot/bot/discordtest"
)

// The tests here need no gateway: discordgo's REST calls work without Open.

func TestApplicationCommandBulkOverwrite(t *testing.T) {
	t.Parallel()
	for _, guildID := range []string{"", discordtest.GuildID} {
		t.Run("guild="+guildID, func(t *testing.T) {
			t.Parallel()
			fake := discordtest.New(t)
			s := newSession(t, fake)
			cmds := []*discordgo.ApplicationCommand{
				{Name: "ask", Description: "Ask a question", Options: []*discordgo.ApplicationCommandOption{
					{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "What", Required: true},
				}},
				{Name: "reload", Description: "Reload the corpus"},
			}
			created, err := s.ApplicationCommandBulkOverwrite(discordtest.AppID, guildID, cmds)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range created {
				if c.ID == "" || c.ApplicationID != discordtest.AppID || c.GuildID != guildID {
					t.Errorf("created command %+v, want ID, application and guild set", c)
				}
			}

			want := "applications/" + discordtest.AppID + "/commands"
			if guildID != "" {
				want = "applications/" + discordtest.AppID + "/guilds/" + guildID + "/commands"
			}
			calls := fake.Calls()
			if len(calls) != 1 || calls[0].Method != http.MethodPut || calls[0].Path != want {
				t.Fatalf("calls = %v, want PUT %s", callStrings(calls), want)
			}
			var sent []*discordgo.ApplicationCommand
			if err := calls[0].Decode(&sent); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(cmds, sent); diff != "" {
				t.Errorf("recorded commands (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRateLimitIsRetried(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	s := newSession(t, fake)
	limited := make(chan *discordgo.RateLimit, 1)
	s.AddHandler(func(_ *discordgo.Session, r *discordgo.RateLimit) { limited <- r })

	const retryAfter = 150 * time.Millisecond
	fake.RateLimitNext("channels/", retryAfter)
	m, err := s.ChannelMessageSend(discordtest.ChannelID, "hello")
	if err != nil {
		t.Fatalf("ChannelMessageSend: %v", err)
	}
	if m.Content != "hello" || m.ID == "" {
		t.Errorf("message = %+v", m)
	}

	calls := fake.Calls()
	path := "POST channels/" + discordtest.ChannelID + "/messages"
	if diff := cmp.Diff([]string{path + " -> 429", path + " -> 200"}, callStrings(calls)); diff != "" {
		t.Fatalf("calls (-want +got):\n%s", diff)
	}
	if waited := calls[1].Time.Sub(calls[0].Time); waited < retryAfter {
		t.Errorf("retried after %v, want at least %v", waited, retryAfter)
	}
	if r := receive(t, waitCtx(t), limited); r.RetryAfter != retryAfter {
		t.Errorf("RateLimit event RetryAfter = %v, want %v", r.RetryAfter, retryAfter)
	}
}

func TestUnknownEndpointIsRecorded(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	s := newSession(t, fake)
	_, err := s.GuildRoles(discordtest.GuildID)
	if code, status := restError(t, err); code != 0 || status != http.StatusNotFound {
		t.Errorf("GuildRoles error code %d status %d, want 0 and 404", code, status)
	}
	want := []string{"GET guilds/" + discordtest.GuildID + "/roles -> 404"}
	if diff := cmp.Diff(want, callStrings(fake.Calls())); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

// TestInteractionProtocol checks the mistakes Discord rejects and the fake
// rejects alike.
func TestInteractionProtocol(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	s := newSession(t, fake)
	deferred := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}

	// Unknown to the fake: never sent.
	stranger := discordtest.SlashCommand("ask", nil)
	if code, _ := restError(t, s.InteractionRespond(stranger, deferred)); code != 10062 {
		t.Errorf("respond to an unknown interaction: code %d, want 10062", code)
	}

	// Sent while no bot is connected: the fake still knows it.
	i := discordtest.SlashCommand("ask", nil)
	fake.SendInteraction(i)
	_, err := s.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: ptr("too early")})
	if code, _ := restError(t, err); code != 10008 {
		t.Errorf("edit before responding: code %d, want 10008", code)
	}
	if err := s.InteractionRespond(i, deferred); err != nil {
		t.Fatal(err)
	}
	if code, _ := restError(t, s.InteractionRespond(i, deferred)); code != 40060 {
		t.Errorf("second response: code %d, want 40060", code)
	}
	follow, err := s.FollowupMessageCreate(i, true, &discordgo.WebhookParams{Content: "more", Flags: discordgo.MessageFlagsEphemeral})
	if err != nil {
		t.Fatal(err)
	}
	edited, err := s.FollowupMessageEdit(i, follow.ID, &discordgo.WebhookEdit{Content: ptr("even more")})
	if err != nil {
		t.Fatal(err)
	}
	if edited.Content != "even more" || edited.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("edited follow-up = %+v", edited)
	}

	tooMany := make([]*discordgo.ApplicationCommandOptionChoice, 26)
	for n := range tooMany {
		tooMany[n] = &discordgo.ApplicationCommandOptionChoice{Name: "c", Value: "c"}
	}
	ac := discordtest.Autocomplete("ask", nil, "question")
	fake.SendInteraction(ac)
	err = s.InteractionRespond(ac, &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: tooMany},
	})
	if code, _ := restError(t, err); code != 50035 {
		t.Errorf("26 autocomplete choices: code %d, want 50035", code)
	}
}

func TestMessageLimits(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	s := newSession(t, fake)
	tests := []struct {
		name string
		send *discordgo.MessageSend
		code int
	}{
		{"empty", &discordgo.MessageSend{}, 50006},
		{"content 2001", &discordgo.MessageSend{Content: strings.Repeat("é", 2001)}, 50035},
		{"11 embeds", &discordgo.MessageSend{Embeds: make([]*discordgo.MessageEmbed, 11)}, 50035},
		{"long description", &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Description: strings.Repeat("x", 4097)}}}, 50035},
		{"content 2000", &discordgo.MessageSend{Content: strings.Repeat("é", 2000)}, 0},
	}
	for _, tt := range tests {
		for n, e := range tt.send.Embeds {
			if e == nil {
				tt.send.Embeds[n] = &discordgo.MessageEmbed{Title: "t"}
			}
		}
		_, err := s.ChannelMessageSendComplex(discordtest.ChannelID, tt.send)
		if tt.code == 0 {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		if code, status := restError(t, err); code != tt.code || status != http.StatusBadRequest {
			t.Errorf("%s: code %d status %d, want %d and 400", tt.name, code, status, tt.code)
		}
	}
}

func TestChannelsAndThreads(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	s := newSession(t, fake)

	thread := &discordgo.Channel{
		GuildID:  discordtest.GuildID,
		ParentID: discordtest.ChannelID,
		OwnerID:  discordtest.UserID,
		Name:     "help",
		Type:     discordgo.ChannelTypeGuildPublicThread,
	}
	fake.AddChannel(thread)
	got, err := s.Channel(thread.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(thread, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Channel (-want +got):\n%s", diff)
	}
	if _, err := s.Channel("1"); err == nil {
		t.Error("Channel of an unknown ID succeeded")
	} else if code, _ := restError(t, err); code != 10003 {
		t.Errorf("unknown channel: code %d, want 10003", code)
	}

	started, err := s.ThreadStartComplex(discordtest.ChannelID, &discordgo.ThreadStart{Name: "answers"})
	if err != nil {
		t.Fatal(err)
	}
	if started.ParentID != discordtest.ChannelID || started.OwnerID != discordtest.BotUserID || started.Type != discordgo.ChannelTypeGuildPrivateThread {
		t.Errorf("started thread = %+v", started)
	}

	question := &discordgo.Message{Content: "how high is K2?"}
	fake.AddMessage(question)
	fromMsg, err := s.MessageThreadStart(discordtest.ChannelID, question.ID, "K2", 60)
	if err != nil {
		t.Fatal(err)
	}
	if fromMsg.ID != question.ID || fromMsg.Type != discordgo.ChannelTypeGuildPublicThread {
		t.Errorf("thread from message = %+v, want ID %s and a public thread", fromMsg, question.ID)
	}
	reply, err := s.ChannelMessageSend(fromMsg.ID, "8,611 m")
	if err != nil {
		t.Fatal(err)
	}
	if reply.ChannelID != fromMsg.ID || reply.GuildID != discordtest.GuildID {
		t.Errorf("message in thread = %+v", reply)
	}

	if _, err := s.ChannelMessage(discordtest.ChannelID, "404"); err == nil {
		t.Error("ChannelMessage of an unknown ID succeeded")
	} else if code, _ := restError(t, err); code != 10008 {
		t.Errorf("unknown message: code %d, want 10008", code)
	}
	if _, err := s.ChannelMessageEdit(discordtest.ChannelID, question.ID, "edited"); err == nil {
		t.Error("editing a user's message succeeded")
	} else if code, _ := restError(t, err); code != 50005 {
		t.Errorf("editing a user's message: code %d, want 50005", code)
	}
}

func TestWaitFor(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	s := newSession(t, fake)
	if err := s.ChannelTyping(discordtest.ChannelID); err != nil {
		t.Fatal(err)
	}

	// A call that already happened is found at once.
	c, err := fake.WaitFor(waitCtx(t), discordtest.Match("POST channels/*/typing"))
	if err != nil || c.Status != http.StatusNoContent {
		t.Fatalf("WaitFor past call = %v, %v", c, err)
	}

	// A call still to come is waited for.
	done := make(chan error, 1)
	go func() {
		_, err := s.ChannelMessageSend(discordtest.ChannelID, "later")
		done <- err
	}()
	c, err = fake.WaitFor(waitCtx(t), discordtest.Match("POST channels/*/messages"))
	if err != nil || c.Body.(map[string]any)["content"] != "later" {
		t.Fatalf("WaitFor future call = %v %v, %v", c, c.Body, err)
	}
	if err := receive(t, waitCtx(t), done); err != nil {
		t.Fatal(err)
	}

	// One that never comes ends with the context, naming the calls seen.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = fake.WaitFor(ctx, discordtest.Match("DELETE *"))
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "POST channels/"+discordtest.ChannelID+"/typing -> 204") {
		t.Errorf("WaitFor with a cancelled context = %v", err)
	}
}
