package bot_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/summitbot/summitbot/bot"
	"github.com/summitbot/summitbot/bot/discordtest"
)

// articleReply sends i and returns what the bot finally said: the
// deferred response's edit, or the response itself.
func (h *harness) articleReply(i *discordgo.Interaction) (string, *discordgo.MessageEmbed) {
	h.t.Helper()
	h.fake.SendInteraction(i)
	_, r := h.callback(i)
	if r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
		h.t.Errorf("/article reply is not ephemeral")
	}
	if r.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		return r.Data.Content, nil
	}
	_, m := h.edit(i)
	var e *discordgo.MessageEmbed
	if len(m.Embeds) > 0 {
		e = m.Embeds[0]
	}
	return m.Content, e
}

// TestArticleAddAndRemove: /article add with a valid article → the next
// /ask answers from it; /article remove → the file is under .removed/ and
// no answer cites it.
func TestArticleAddAndRemove(t *testing.T) {
	t.Parallel()
	eng, dir := dirEngine(t)
	h := start(t, eng, func(c *bot.Config) { c.CorpusDir = dir })
	if _, _, m := h.askAndWait(samovarQ); !strings.Contains(only(t, m.Embeds).Footer.Text, "no source") {
		t.Fatalf("before /article add the samovar question was answered")
	}
	att := h.fake.AddAttachment("Samovar Gift.md", "text/markdown", []byte(newArticle))
	add := discordtest.Subcommand("article", "add", map[string]any{
		"file": att, "id": newArticleID, "title": "Kim's samovar", "date": "2023-09-14", "publisher": "Test Wire",
	}, moderator)
	content, e := h.articleReply(add)
	if e == nil || e.Title != "Article added" || !strings.Contains(e.Fields[0].Value, newArticleID) {
		t.Fatalf("/article add replied %q %+v, want the reload's diff with %s added", content, e, newArticleID)
	}
	if _, err := h.fake.WaitFor(h.ctx, discordtest.Match("GET /attachments/*/*/*")); err != nil {
		t.Errorf("the attachment was not downloaded from the fake: %v", err)
	}
	if raw, err := os.ReadFile(filepath.Join(dir, newArticleID+".txt")); err != nil || !bytes.Equal(raw, []byte(newArticle)) {
		t.Errorf("the article file: %v", err)
	}
	manifest, _ := os.ReadFile(filepath.Join(dir, "manifest.yaml"))
	if !strings.Contains(string(manifest), "id: "+newArticleID) || !strings.Contains(string(manifest), "publisher: Test Wire") ||
		!strings.Contains(string(manifest), "# One entry per article file") {
		t.Errorf("manifest.yaml lacks the entry or lost its comments:\n%s", manifest)
	}
	_, _, m := h.askAndWait(samovarQ)
	if e := only(t, m.Embeds); strings.Contains(e.Footer.Text, "no source") || !strings.Contains(e.Fields[0].Value, "Kim's samovar") {
		t.Fatalf("after /article add: %q, sources %+v", e.Description, e.Fields)
	}

	t.Run("the id exists", func(t *testing.T) {
		before := listDir(t, dir)
		again := discordtest.Subcommand("article", "add", map[string]any{"file": att, "id": newArticleID}, moderator)
		if content, _ := h.articleReply(again); !strings.Contains(content, "already in the corpus") {
			t.Errorf("adding an existing id: %q", content)
		}
		if after := listDir(t, dir); after != before {
			t.Errorf("the directory changed:\n%s", after)
		}
	})

	remove := discordtest.Subcommand("article", "remove", map[string]any{"id": newArticleID}, moderator)
	content, e = h.articleReply(remove)
	if e == nil || e.Title != "Article removed" || !strings.Contains(e.Fields[1].Value, newArticleID) {
		t.Fatalf("/article remove replied %q %+v, want the reload's diff with %s removed", content, e, newArticleID)
	}
	moved, _ := filepath.Glob(filepath.Join(dir, ".removed", "*", newArticleID+".txt"))
	if len(moved) != 1 {
		t.Errorf("the removed file is not under .removed/: %v", moved)
	}
	if _, err := os.Stat(filepath.Join(dir, newArticleID+".txt")); err == nil {
		t.Error("the file is still in the corpus directory")
	}
	_, _, m = h.askAndWait(samovarQ)
	if e := only(t, m.Embeds); !strings.Contains(e.Footer.Text, "no source") || strings.Contains(e.Description, "samovar was made") {
		t.Errorf("after /article remove the answer still cites it: %q", e.Description)
	}

	t.Run("autocomplete", func(t *testing.T) {
		i := discordtest.Autocomplete("article", nil, "", moderator)
		i.Data = discordgo.ApplicationCommandInteractionData{Name: "article", Options: []*discordgo.ApplicationCommandInteractionDataOption{{
			Name: "remove", Type: discordgo.ApplicationCommandOptionSubCommand,
			Options: []*discordgo.ApplicationCommandInteractionDataOption{{Name: "id", Type: discordgo.ApplicationCommandOptionString, Value: "reuters", Focused: true}},
		}}}
		h.fake.SendInteraction(i)
		_, r := h.callback(i)
		if len(r.Data.Choices) != 1 || r.Data.Choices[0].Value != "reuters-vostochny" {
			t.Errorf("choices %+v, want reuters-vostochny", r.Data.Choices)
		}
	})
}

// TestArticleAddRefused: a binary, an oversized or an empty attachment, a
// bad id or date, and a bot without corpus.dir are refused with a reason,
// and the directory is left as it was.
func TestArticleAddRefused(t *testing.T) {
	t.Parallel()
	eng, dir := dirEngine(t)
	h := start(t, eng, func(c *bot.Config) { c.CorpusDir = dir })
	before := listDir(t, dir)
	big := bytes.Repeat([]byte("The samovar was large. "), 50000)
	binary := append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0, 1, 2}, 100)...)
	tests := []struct {
		name string
		att  *discordgo.MessageAttachment
		opts map[string]any
		want string
	}{
		{"binary", h.fake.AddAttachment("gift.txt", "text/plain", binary), nil, "binary"},
		{"oversized", h.fake.AddAttachment("gift.txt", "text/plain", big), nil, "over 1 MiB"},
		{"oversized, size understated", func() *discordgo.MessageAttachment {
			a := h.fake.AddAttachment("gift.txt", "text/plain", big)
			a.Size = 10
			return a
		}(), nil, "over 1 MiB"},
		{"not text", h.fake.AddAttachment("gift.pdf", "application/pdf", []byte(newArticle)), nil, "not a .txt, .md or .html"},
		{"empty", h.fake.AddAttachment("gift.txt", "text/plain", []byte(" \n ")), nil, "only whitespace"},
		{"bad id", h.fake.AddAttachment("gift.txt", "text/plain", []byte(newArticle)), map[string]any{"id": "../etc"}, "not a usable id"},
		{"bad date", h.fake.AddAttachment("gift.txt", "text/plain", []byte(newArticle)), map[string]any{"date": "13/09/2023"}, "YYYY-MM-DD"},
		{"existing id", h.fake.AddAttachment("gift.txt", "text/plain", []byte(newArticle)), map[string]any{"id": "reuters-vostochny"}, "already in the corpus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := map[string]any{"file": tt.att}
			for k, v := range tt.opts {
				opts[k] = v
			}
			content, _ := h.articleReply(discordtest.Subcommand("article", "add", opts, moderator))
			if !strings.Contains(content, tt.want) || !strings.Contains(content, "othing was changed") {
				t.Errorf("reply %q, want %q and that nothing changed", content, tt.want)
			}
			if after := listDir(t, dir); after != before {
				t.Errorf("the directory changed:\n%s\nwas\n%s", after, before)
			}
		})
	}

	t.Run("no corpus dir", func(t *testing.T) {
		h := start(t, sharedEngine(t))
		att := h.fake.AddAttachment("gift.txt", "text/plain", []byte(newArticle))
		content, _ := h.articleReply(discordtest.Subcommand("article", "add", map[string]any{"file": att}, moderator))
		if !strings.Contains(content, "corpus.dir") {
			t.Errorf("reply %q, want a reason naming corpus.dir", content)
		}
		content, _ = h.articleReply(discordtest.Subcommand("article", "remove", map[string]any{"id": "reuters-vostochny"}, moderator))
		if !strings.Contains(content, "corpus.dir") {
			t.Errorf("reply %q, want a reason naming corpus.dir", content)
		}
	})

	t.Run("not writable", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root writes to a read-only directory")
		}
		ro := t.TempDir()
		os.Chmod(ro, 0o555)
		t.Cleanup(func() { os.Chmod(ro, 0o755) })
		h := start(t, sharedEngine(t), func(c *bot.Config) { c.CorpusDir = ro })
		att := h.fake.AddAttachment("gift.txt", "text/plain", []byte(newArticle))
		if content, _ := h.articleReply(discordtest.Subcommand("article", "add", map[string]any{"file": att}, moderator)); !strings.Contains(content, "not writable") {
			t.Errorf("reply %q, want not writable", content)
		}
	})
}
