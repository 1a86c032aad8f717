package bot_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"mime"
	"mime/multipart"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/summitbot/summitbot/bot"
	"github.com/summitbot/summitbot/bot/discordtest"
	"github.com/summitbot/summitbot/retrieval"
)

// refusing answers through eng but refuses every question that mentions
// the weather or football, as the engine would a question no article
// covers.
func refusing(eng bot.Engine) bot.Engine {
	return answerFunc{Engine: eng, f: func(ctx context.Context, q retrieval.Question) (*retrieval.Answer, error) {
		l := strings.ToLower(q.Text)
		if strings.Contains(l, "weather") || strings.Contains(l, "football") {
			return &retrieval.Answer{Question: q.Text, Answer: "None of the articles covers that.", Refused: true}, nil
		}
		return eng.Answer(ctx, q, nil)
	}}
}

// attachedFile returns the file named like name in a multipart call.
func attachedFile(t *testing.T, c discordtest.Call, suffix string) (string, []byte) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(c.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		t.Fatalf("%s: content type %q, want multipart (a file attached)", c, c.Header.Get("Content-Type"))
	}
	r := multipart.NewReader(bytes.NewReader(c.Raw), params["boundary"])
	for {
		p, err := r.NextPart()
		if err != nil {
			t.Fatalf("%s: no file ending %q attached", c, suffix)
		}
		if strings.HasSuffix(p.FileName(), suffix) {
			var b bytes.Buffer
			b.ReadFrom(p)
			return p.FileName(), b.Bytes()
		}
	}
}

// TestGaps: three refused questions (two near-duplicates) and one 👎 →
// /gaps lists them grouped, with counts, and attaches every row as CSV.
func TestGaps(t *testing.T) {
	t.Parallel()
	h := start(t, refusing(sharedEngine(t)))
	for _, q := range []string{"What's the weather in Vostochny?", "what is the weather at Vostochny", "Who won the football?"} {
		i, _, m := h.askAndWait(q)
		if !strings.Contains(only(t, m.Embeds).Footer.Text, "no source") {
			t.Fatalf("%q was answered", q)
		}
		h.handled(i.ID)
	}
	i, _, m := h.askAndWait("How long did the talks last?")
	h.handled(i.ID)
	down := discordtest.ButtonPress(buttons(t, m.Components)["👎"], discordtest.OnMessage(m))
	h.fake.SendInteraction(down)
	h.voteReply(down)
	h.handled(down.ID)

	g := discordtest.SlashCommand("gaps", nil, moderator)
	h.fake.SendInteraction(g)
	c, msg := h.edit(g)
	e := only(t, msg.Embeds)
	lines := strings.Split(unescape(e.Description), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "**2×** what is the weather at Vostochny") ||
		!strings.Contains(lines[0], "2 refused") {
		t.Errorf("/gaps lists\n%s\nwant the two weather questions as one group of 2 first, then two of 1", e.Description)
	}
	if !strings.Contains(e.Description, "1 👎") || !strings.Contains(e.Description, "How long did the talks last?") {
		t.Errorf("/gaps lacks the 👎 answer: %s", e.Description)
	}
	if !strings.Contains(e.Description, "<t:") {
		t.Errorf("/gaps does not say when each was last asked: %s", e.Description)
	}
	name, data := attachedFile(t, c, ".csv")
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(rows) != 5 || rows[0][0] != "group" {
		t.Errorf("CSV %s has %d rows, want a header and 4:\n%s", name, len(rows), data)
	}

	t.Run("opted out", func(t *testing.T) {
		s := discordtest.Subcommand("settings", "question-log", map[string]any{"on": false}, moderator)
		h.fake.SendInteraction(s)
		_, r := h.callback(s)
		if !strings.Contains(only(t, r.Data.Embeds).Description, "no longer kept") {
			t.Fatalf("/settings question-log: %+v", r.Data.Embeds[0])
		}
		i, _, _ := h.askAndWait("Is the weather nice?")
		h.handled(i.ID)
		g := discordtest.SlashCommand("gaps", nil, moderator)
		h.fake.SendInteraction(g)
		c, _ := h.edit(g)
		_, data := attachedFile(t, c, ".csv")
		if bytes.Contains(data, []byte("nice")) {
			t.Errorf("a question was logged after the server opted out:\n%s", data)
		}
	})
}

// TestSettingsChannels: /settings channels keeps mentions to the listed
// channels; /settings show says so.
func TestSettingsChannels(t *testing.T) {
	t.Parallel()
	h := start(t, sharedEngine(t))
	const other = "900000000000000077"
	h.fake.AddChannel(&discordgo.Channel{ID: other, GuildID: discordtest.GuildID, Name: "help", Type: discordgo.ChannelTypeGuildText})
	s := discordtest.Subcommand("settings", "channels", map[string]any{"channels": "<#" + other + ">"}, moderator)
	h.fake.SendInteraction(s)
	if _, r := h.callback(s); !strings.Contains(only(t, r.Data.Embeds).Description, "<#"+other+">") {
		t.Fatalf("/settings channels: %+v", r.Data.Embeds[0])
	}
	ignored := &discordgo.Message{Content: mention + " How long did the talks last?"}
	h.fake.SendMessage(ignored)
	h.handled(ignored.ID)
	if !strings.Contains(h.log.String(), "outcome=channel_off") {
		t.Error("a mention outside the listed channels was not turned away")
	}
	answered := &discordgo.Message{ChannelID: other, Content: mention + " How long did the talks last?"}
	h.fake.SendMessage(answered)
	h.reply(answered)

	show := discordtest.Subcommand("settings", "show", nil, moderator)
	h.fake.SendInteraction(show)
	_, r := h.callback(show)
	if f := only(t, r.Data.Embeds).Fields[0]; !strings.Contains(f.Value, other) {
		t.Errorf("/settings show: %+v", f)
	}
	if h.repliedTo(ignored.ID) {
		t.Error("the bot answered a mention outside the listed channels")
	}
}

// TestReplyWithoutMention: replying to the bot's answer asks a follow-up,
// with the first question as context, without mentioning the bot.
func TestReplyWithoutMention(t *testing.T) {
	t.Parallel()
	h := start(t, sharedEngine(t))
	withCtx := followUpAnswer(t)
	i, _, _ := h.askAndWait(first)
	h.handled(i.ID)
	answer, ok := h.fake.Original(i.Token)
	if !ok {
		t.Fatal("no answer message")
	}
	m := &discordgo.Message{Content: followUp, MessageReference: &discordgo.MessageReference{MessageID: answer.ID, ChannelID: answer.ChannelID}}
	h.wantReply(m, withCtx)
	// A reply to someone else is not a question to the bot.
	other := &discordgo.Message{Content: "nice"}
	h.fake.SendMessage(other)
	r := &discordgo.Message{Content: followUp, MessageReference: &discordgo.MessageReference{MessageID: other.ID}}
	h.fake.SendMessage(r)
	// Events arrive in order: once a later mention is answered, the reply
	// to someone else has been passed over.
	later := &discordgo.Message{Content: mention + " " + first}
	h.fake.SendMessage(later)
	h.reply(later)
	if h.repliedTo(r.ID) {
		t.Error("the bot answered a reply to another member")
	}
}

// TestModeratorCommandsRefuseMembers: a member without Manage Server is
// refused /gaps, /settings, /article add and /article remove, and nothing
// changes.
func TestModeratorCommandsRefuseMembers(t *testing.T) {
	t.Parallel()
	eng, dir := dirEngine(t)
	h := start(t, eng, func(c *bot.Config) { c.CorpusDir = dir })
	before := listDir(t, dir)
	att := h.fake.AddAttachment("new.txt", "text/plain", []byte(newArticle))
	for _, i := range []*discordgo.Interaction{
		discordtest.SlashCommand("gaps", nil),
		discordtest.Subcommand("settings", "threads", map[string]any{"on": true}),
		discordtest.Subcommand("article", "add", map[string]any{"file": att}),
		discordtest.Subcommand("article", "remove", map[string]any{"id": "reuters-vostochny"}),
	} {
		h.fake.SendInteraction(i)
		_, r := h.callback(i)
		if !strings.Contains(r.Data.Content, "Only moderators") || r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Errorf("/%s by a member: %q, want an ephemeral refusal", i.ApplicationCommandData().Name, r.Data.Content)
		}
	}
	if after := listDir(t, dir); after != before {
		t.Errorf("the corpus directory changed:\n%s\nwas\n%s", after, before)
	}
}

// listDir lists dir's files, hidden ones and those under .removed too,
// with their sizes.
func listDir(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, _ := d.Info()
		rel, _ := filepath.Rel(dir, p)
		b.WriteString(rel)
		if !d.IsDir() {
			fmt.Fprintf(&b, " %d %s", info.Size(), info.ModTime())
		}
		b.WriteString("\n")
		return nil
	})
	return b.String()
}

// TestSettingsThreads: with threads on, a mention's answer goes into a
// thread opened from the question, and a mention there continues it.
func TestSettingsThreads(t *testing.T) {
	t.Parallel()
	h := start(t, sharedEngine(t))
	s := discordtest.Subcommand("settings", "threads", map[string]any{"on": true}, moderator)
	h.fake.SendInteraction(s)
	if _, r := h.callback(s); !strings.Contains(only(t, r.Data.Embeds).Description, "open a thread") {
		t.Fatalf("/settings threads: %+v", r.Data.Embeds[0])
	}
	const first, followUp = "How long did the talks last?", "how long did it last?"
	q := &discordgo.Message{Content: mention + " " + first}
	h.fake.SendMessage(q)
	h.waitFor("POST channels/" + discordtest.ChannelID + "/messages/" + q.ID + "/threads")
	c := h.waitFor("POST channels/" + q.ID + "/messages")
	var answer discordgo.Message
	if err := c.Decode(&answer); err != nil || len(answer.Embeds) != 1 {
		t.Fatalf("answer in the thread: %+v (%v)", answer, err)
	}
	h.handled(q.ID)
	m := &discordgo.Message{ChannelID: q.ID, Content: mention + " " + followUp}
	h.fake.SendMessage(m)
	_, sent := h.reply(m)
	if got, want := unescape(only(t, sent.Embeds).Description), answerText(t, retrieval.Question{Text: followUp, Context: first}); got != want {
		t.Errorf("follow-up in the thread %q, want %q", got, want)
	}
}
