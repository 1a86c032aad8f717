package discordtest_test

import (
	"testing"

	"github.com/bwmarrin/discordgo"
	"github.com/google/go-cmp/cmp"

	"github.com/summitbot/summitbot/bot/discordtest"
)

// TestSlashCommandDeferThenEdit is the bot's usual answer: acknowledge with
// type 5 at once, then edit the original response.
func TestSlashCommandDeferThenEdit(t *testing.T) {
	t.Parallel()
	ctx := waitCtx(t)
	fake := discordtest.New(t)
	s := connect(t, fake)

	type seen struct {
		userID   string
		perms    int64
		question string
		limit    int64
		err      error
	}
	got := make(chan seen, 1)
	s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		if ic.Type != discordgo.InteractionApplicationCommand {
			return
		}
		data := ic.ApplicationCommandData()
		v := seen{
			userID:   ic.Member.User.ID,
			perms:    ic.Member.Permissions,
			question: data.GetOption("question").StringValue(),
			limit:    data.GetOption("limit").IntValue(),
		}
		v.err = s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		})
		if v.err == nil {
			_, v.err = s.InteractionResponseEdit(ic.Interaction, &discordgo.WebhookEdit{
				Content: ptr("answer to " + v.question),
			})
		}
		got <- v
	})

	i := discordtest.SlashCommand("ask", map[string]any{"question": "why", "limit": 3},
		discordtest.From("42", "alice"), discordtest.WithPermissions(discordgo.PermissionAdministrator))
	fake.SendInteraction(i)

	v := receive(t, ctx, got)
	if v.err != nil {
		t.Fatalf("handler: %v", v.err)
	}
	want := seen{userID: "42", perms: discordgo.PermissionAdministrator, question: "why", limit: 3}
	if diff := cmp.Diff(want, v, cmp.AllowUnexported(seen{})); diff != "" {
		t.Errorf("handler saw (-want +got):\n%s", diff)
	}

	wantCalls := []string{
		"GET gateway -> 200",
		"POST interactions/" + i.ID + "/" + i.Token + "/callback -> 204",
		"PATCH webhooks/" + discordtest.AppID + "/" + i.Token + "/messages/@original -> 200",
	}
	calls := fake.Calls()
	if diff := cmp.Diff(wantCalls, callStrings(calls)); diff != "" {
		t.Fatalf("calls (-want +got):\n%s", diff)
	}
	var ack discordgo.InteractionResponse
	if err := calls[1].Decode(&ack); err != nil || ack.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Errorf("callback = %s (%v), want type 5", calls[1].Raw, err)
	}
	if calls[1].Header.Get("Authorization") != "Bot test-token" {
		t.Errorf("Authorization = %q", calls[1].Header.Get("Authorization"))
	}

	// The original response as Discord now shows it: edited, no longer loading.
	orig, err := s.InteractionResponse(i)
	if err != nil {
		t.Fatal(err)
	}
	if orig.Content != "answer to why" || orig.Flags&discordgo.MessageFlagsLoading != 0 || orig.ChannelID != discordtest.ChannelID {
		t.Errorf("original response = %+v", orig)
	}
}

func TestAutocomplete(t *testing.T) {
	t.Parallel()
	ctx := waitCtx(t)
	fake := discordtest.New(t)
	s := connect(t, fake)
	got := make(chan error, 1)
	s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		if ic.Type != discordgo.InteractionApplicationCommandAutocomplete {
			return
		}
		var focused string
		for _, o := range ic.ApplicationCommandData().Options {
			if o.Focused {
				focused = o.Name + "=" + o.StringValue()
			}
		}
		got <- s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{
				{Name: focused, Value: focused},
			}},
		})
	})

	i := discordtest.Autocomplete("ask", map[string]any{"topic": "ever"}, "topic")
	fake.SendInteraction(i)
	if err := receive(t, ctx, got); err != nil {
		t.Fatal(err)
	}
	c, err := fake.WaitFor(ctx, discordtest.Match("POST interactions/"+i.ID+"/*/callback"))
	if err != nil {
		t.Fatal(err)
	}
	var resp discordgo.InteractionResponse
	if err := c.Decode(&resp); err != nil {
		t.Fatal(err)
	}
	if len(resp.Data.Choices) != 1 || resp.Data.Choices[0].Name != "topic=ever" {
		t.Errorf("choices = %s", c.Raw)
	}
}

func TestButtonPressUpdatesMessage(t *testing.T) {
	t.Parallel()
	ctx := waitCtx(t)
	fake := discordtest.New(t)
	s := connect(t, fake)
	got := make(chan error, 1)
	s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		if ic.Type != discordgo.InteractionMessageComponent {
			return
		}
		got <- s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseUpdateMessage,
			Data: &discordgo.InteractionResponseData{
				Content:    "pressed " + ic.MessageComponentData().CustomID,
				Components: []discordgo.MessageComponent{},
			},
		})
	})

	i := discordtest.ButtonPress("more")
	fake.SendInteraction(i)
	if err := receive(t, ctx, got); err != nil {
		t.Fatal(err)
	}
	m, err := s.ChannelMessage(i.ChannelID, i.Message.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m.Content != "pressed more" || len(m.Components) != 0 || m.EditedTimestamp == nil {
		t.Errorf("message after update = %+v", m)
	}
}

// TestMessageCreateReply answers a mention with a reply, as the bot does.
func TestMessageCreateReply(t *testing.T) {
	t.Parallel()
	ctx := waitCtx(t)
	fake := discordtest.New(t)
	s := connect(t, fake)
	type sent struct {
		m   *discordgo.Message
		err error
	}
	got := make(chan sent, 1)
	s.AddHandler(func(s *discordgo.Session, m *discordgo.MessageCreate) {
		if m.Author.Bot || len(m.Mentions) == 0 || m.Mentions[0].ID != s.State.User.ID {
			return
		}
		reply, err := s.ChannelMessageSendComplex(m.ChannelID, &discordgo.MessageSend{
			Content:         "pong",
			Reference:       m.Reference(),
			AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
			Embeds:          []*discordgo.MessageEmbed{{Title: "source", Description: "a passage"}},
		})
		got <- sent{reply, err}
	})

	ping := &discordgo.Message{Content: "<@" + discordtest.BotUserID + "> ping"}
	fake.SendMessage(ping)
	r := receive(t, ctx, got)
	if r.err != nil {
		t.Fatal(r.err)
	}
	c, err := fake.WaitFor(ctx, discordtest.Match("POST channels/"+discordtest.ChannelID+"/messages"))
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Content         string                           `json:"content"`
		Reference       discordgo.MessageReference       `json:"message_reference"`
		AllowedMentions discordgo.MessageAllowedMentions `json:"allowed_mentions"`
		Embeds          []*discordgo.MessageEmbed        `json:"embeds"`
	}
	if err := c.Decode(&body); err != nil {
		t.Fatal(err)
	}
	if body.Content != "pong" || body.Reference.MessageID != ping.ID || body.AllowedMentions.Parse == nil {
		t.Errorf("reply body = %s", c.Raw)
	}
	if len(body.Embeds) != 1 || body.Embeds[0].Type != discordgo.EmbedTypeRich {
		t.Errorf("embeds = %+v, want one rich embed", body.Embeds)
	}

	// The reply is stored like any message, pointing at the ping.
	stored, err := s.ChannelMessage(discordtest.ChannelID, r.m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Type != discordgo.MessageTypeReply || stored.ReferencedMessage == nil ||
		stored.ReferencedMessage.ID != ping.ID || stored.Author.ID != discordtest.BotUserID {
		t.Errorf("stored reply = %+v", stored)
	}
}
