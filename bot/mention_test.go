package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/summitbot/summitbot/bot"
	"github.com/summitbot/summitbot/bot/discordtest"
	"github.com/summitbot/summitbot/retrieval"
)

const mention = "<@" + discordtest.BotUserID + ">"

func answerText(t *testing.T, q retrieval.Question) string {
	t.Helper()
	a, err := sharedEngine(t).Answer(context.Background(), q, nil)
	if err != nil {
		t.Fatal(err)
	}
	return a.Answer
}

// The follow-up tests ask first, then followUp, which the bot must read with
// first as its context.
const first, followUp = "How long did the talks last?", "how long did it last?"

// followUpAnswer is the engine's answer to followUp asked after first, which
// must differ from its answer to followUp alone for a test to tell whether
// the context arrived.
func followUpAnswer(t *testing.T) string {
	t.Helper()
	withCtx := answerText(t, retrieval.Question{Text: followUp, Context: first})
	if withCtx == answerText(t, retrieval.Question{Text: followUp}) {
		t.Fatal("the follow-up is answered the same without context; pick another")
	}
	return withCtx
}

// wantReply sends m and checks that the bot's reply to it answers want.
func (h *harness) wantReply(m *discordgo.Message, want string) {
	h.t.Helper()
	h.fake.SendMessage(m)
	_, sent := h.reply(m)
	if got := unescape(only(h.t, sent.Embeds).Description); got != want {
		h.t.Errorf("follow-up answer %q, want %q", got, want)
	}
}

func TestMentionReply(t *testing.T) {
	t.Parallel()
	h := start(t, sharedEngine(t))
	const q = "How long did the talks last?"
	ignored := &discordgo.Message{Content: "talking about " + q + " without the bot"}
	h.fake.SendMessage(ignored)
	own := &discordgo.Message{Content: mention + " " + q, Author: &discordgo.User{ID: discordtest.BotUserID, Bot: true}}
	h.fake.SendMessage(own)
	m := &discordgo.Message{Content: mention + " " + q}
	h.fake.SendMessage(m)

	call, sent := h.reply(m)
	if call.Status != 200 {
		t.Fatalf("reply answered %d: %s", call.Status, call.Response)
	}
	if ref := sent.MessageReference; ref.ChannelID != discordtest.ChannelID {
		t.Errorf("reply references %+v, want the question in its channel", ref)
	}
	e := only(t, sent.Embeds)
	if got, want := unescape(e.Description), answerText(t, retrieval.Question{Text: q}); got != want {
		t.Errorf("reply %q, want %q", got, want)
	}
	btn := buttons(t, sent.Components)
	if btn["Show passages"] == "" || btn["👍"] == "" || btn["👎"] == "" {
		t.Errorf("buttons %v, want Show passages, 👍 and 👎", btn)
	}
	p := discordtest.ButtonPress(btn["Show passages"])
	h.fake.SendInteraction(p)
	if _, r := h.callback(p); len(r.Data.Embeds) != 1 || len(r.Data.Embeds[0].Fields) == 0 {
		t.Errorf("Show passages under a mention reply: %+v", r.Data)
	}

	t.Run("mention only", func(t *testing.T) {
		m := &discordgo.Message{Content: mention + "   "}
		h.fake.SendMessage(m)
		if _, sent := h.reply(m); !strings.Contains(sent.Content, "empty") {
			t.Errorf("reply %q, want an explanation", sent.Content)
		}
	})
	t.Run("dm", func(t *testing.T) {
		m := &discordgo.Message{ChannelID: "900000000000000050", Content: q}
		h.fake.SendMessage(m)
		if _, sent := h.reply(m); len(sent.Embeds) != 1 {
			t.Errorf("DM reply %+v, want an answer", sent)
		}
	})

	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{ignored.ID, own.ID} {
		if h.repliedTo(id) {
			t.Errorf("the bot answered %s, which it should ignore", id)
		}
	}
}

func TestDMsDisabled(t *testing.T) {
	t.Parallel()
	h := start(t, sharedEngine(t), func(c *bot.Config) { c.AllowDMs = false })
	dm := &discordgo.Message{ChannelID: "900000000000000051", Content: mention + " How long did the talks last?"}
	h.fake.SendMessage(dm)
	i := discordtest.SlashCommand("ask", map[string]any{"question": "How long did the talks last?"}, discordtest.InDM())
	h.fake.SendInteraction(i)
	if _, r := h.callback(i); !strings.Contains(r.Data.Content, "direct messages") || r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("/ask in a DM: %q, want an ephemeral explanation", r.Data.Content)
	}
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	for _, c := range h.fake.Calls() {
		if strings.HasPrefix(c.Path, "channels/"+dm.ChannelID) {
			t.Errorf("the bot answered a DM: %s", c)
		}
	}
}

// TestThreadFollowUp answers /ask, then a mention in a thread started from
// the answer, which must be read with the first question as context; and
// a reply to a mention answer likewise.
func TestThreadFollowUp(t *testing.T) {
	t.Parallel()
	h := start(t, sharedEngine(t))
	withCtx := followUpAnswer(t)

	t.Run("thread under /ask", func(t *testing.T) {
		i, _, _ := h.askAndWait(first)
		edit, _ := h.edit(i)
		var answer discordgo.Message
		if err := edit.DecodeResponse(&answer); err != nil {
			t.Fatal(err)
		}
		h.handled(i.ID)
		// On Discord a thread started from a message has the message's id.
		h.fake.AddChannel(&discordgo.Channel{
			ID: answer.ID, GuildID: discordtest.GuildID, ParentID: discordtest.ChannelID,
			Type: discordgo.ChannelTypeGuildPublicThread, Name: "talks",
		})
		m := &discordgo.Message{ChannelID: answer.ID, Content: mention + " " + followUp}
		h.wantReply(m, withCtx)
	})

	t.Run("reply to a mention answer", func(t *testing.T) {
		q := &discordgo.Message{Content: mention + " " + first}
		h.fake.SendMessage(q)
		call, _ := h.reply(q)
		var answer discordgo.Message
		if err := call.DecodeResponse(&answer); err != nil {
			t.Fatal(err)
		}
		h.handled(q.ID)
		m := &discordgo.Message{
			Content:          mention + " " + followUp,
			MessageReference: &discordgo.MessageReference{MessageID: answer.ID, ChannelID: answer.ChannelID},
		}
		h.wantReply(m, withCtx)
	})
}
