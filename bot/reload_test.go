package bot_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/summitbot/summitbot/bot"
	"github.com/summitbot/summitbot/bot/discordtest"
	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
)

// newArticle is an article none of the real ones resembles, so that a
// question about it is refused before a reload and answered after.
const newArticle = `Kim Jong Un presented Vladimir Putin with a zebra-striped samovar at the end of the summit at the Vostochny Cosmodrome, officials said on Thursday.

The zebra-striped samovar was made of hammered bronze by craftsmen in Pyongyang, a North Korean foreign ministry official told reporters.

Putin thanked Kim for the samovar and said it would stand in the Kremlin library.`

const (
	newArticleFile = "zzz_samovar.txt"
	newArticleID   = "zzz-samovar"
	samovarQ       = "What was the zebra-striped samovar made of?"
)

// moderator is a member with Manage Server.
var moderator = discordtest.WithPermissions(discordtest.DefaultPermissions | discordgo.PermissionManageGuild)

func articleCount(t *testing.T, eng bot.Engine) int {
	t.Helper()
	n := 0
	n = len(eng.Articles())
	return n
}

// reloadAs sends /reload with opts and returns the first response and, when
// it was deferred, the final message.
func (h *harness) reloadAs(opts ...discordtest.InteractionOption) (*discordgo.InteractionResponse, *discordgo.Message) {
	h.t.Helper()
	i := discordtest.SlashCommand("reload", nil, opts...)
	h.fake.SendInteraction(i)
	_, r := h.callback(i)
	if r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
		h.t.Errorf("/reload response is not ephemeral")
	}
	if r.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		return r, nil
	}
	_, m := h.edit(i)
	return r, m
}

func TestReloadByModerator(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		roles []string
		opts  []discordtest.InteractionOption
	}{
		{"manage server", nil, []discordtest.InteractionOption{moderator}},
		{"administrator", nil, []discordtest.InteractionOption{discordtest.WithPermissions(discordgo.PermissionAdministrator)}},
		{"moderator role", []string{"777"}, []discordtest.InteractionOption{discordtest.WithRoles("1", "777")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			eng, dir := dirEngine(t)
			h := start(t, eng, func(c *bot.Config) { c.ModeratorRoleIDs = tt.roles })
			if _, _, m := h.askAndWait(samovarQ); !strings.Contains(only(t, m.Embeds).Footer.Text, "no source") {
				t.Fatalf("before the reload the samovar question was answered: %q", only(t, m.Embeds).Description)
			}
			if err := os.WriteFile(filepath.Join(dir, newArticleFile), []byte(newArticle), 0o644); err != nil {
				t.Fatal(err)
			}
			_, m := h.reloadAs(tt.opts...)
			if m == nil {
				t.Fatal("the reload was not deferred")
			}
			e := only(t, m.Embeds)
			fields := map[string]string{}
			for _, f := range e.Fields {
				fields[f.Name] = f.Value
			}
			if !strings.Contains(fields["Added (1)"], newArticleID) || fields["Removed (0)"] != "none" || fields["Changed (0)"] != "none" {
				t.Errorf("report fields %v, want %s added and nothing else", fields, newArticleID)
			}
			if !strings.Contains(e.Description, "6 articles") || !strings.Contains(e.Description, "Took") {
				t.Errorf("report %q, want the article count, the chunk count and the time", e.Description)
			}
			_, _, m = h.askAndWait(samovarQ)
			ans := only(t, m.Embeds)
			if !strings.Contains(ans.Description, "bronze") || !strings.Contains(ans.Description, "[1]") {
				t.Errorf("after the reload: %q, want the new article's answer", ans.Description)
			}
		})
	}
}

func TestReloadRefusedForMembers(t *testing.T) {
	t.Parallel()
	eng, dir := dirEngine(t)
	h := start(t, eng, func(c *bot.Config) { c.ModeratorRoleIDs = []string{"777"} })
	if err := os.WriteFile(filepath.Join(dir, newArticleFile), []byte(newArticle), 0o644); err != nil {
		t.Fatal(err)
	}
	// A plain member, with another role, whom a server admin may have let
	// see the command.
	r, m := h.reloadAs(discordtest.WithRoles("778"))
	if m != nil || r.Type != discordgo.InteractionResponseChannelMessageWithSource || !strings.Contains(r.Data.Content, "Only moderators") {
		t.Errorf("response type %d %q, want an ephemeral refusal", r.Type, r.Data.Content)
	}
	// In a DM there is no member at all.
	r, _ = h.reloadAs(discordtest.InDM())
	if !strings.Contains(r.Data.Content, "Only moderators") {
		t.Errorf("DM reload: %q, want a refusal", r.Data.Content)
	}
	if n := articleCount(t, eng); n != 5 {
		t.Errorf("%d articles after a refused reload, want 5", n)
	}
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(h.log.String(), "outcome=forbidden") {
		t.Errorf("refusal not logged")
	}
}

func TestReloadBrokenArticleKeepsOldIndex(t *testing.T) {
	t.Parallel()
	eng, dir := dirEngine(t)
	h := start(t, eng)
	os.WriteFile(filepath.Join(dir, newArticleFile), []byte(newArticle), 0o644)
	if err := os.WriteFile(filepath.Join(dir, "zzz_broken.txt"), []byte{0xff, 0xfe, 'a', 'b'}, 0o644); err != nil {
		t.Fatal(err)
	}
	_, m := h.reloadAs(moderator)
	e := only(t, m.Embeds)
	if !strings.Contains(e.Title, "failed") || !strings.Contains(unescape(e.Description), "zzz_broken.txt") ||
		!strings.Contains(e.Description, "UTF-8") {
		t.Errorf("report %q: %q, want a failure naming zzz_broken.txt and why", e.Title, e.Description)
	}
	if n := articleCount(t, eng); n != 5 {
		t.Errorf("%d articles after a failed reload, want the old 5", n)
	}
	_, _, m = h.askAndWait("How long did the talks last?")
	if d := only(t, m.Embeds).Description; !strings.Contains(d, "two hours") {
		t.Errorf("after a failed reload: %q, want answers from the old index", d)
	}
}

// TestReloadSymlinkOutsideKeepsOldIndex: a link in the corpus directory
// to a file outside it (here a stand-in for /etc/passwd) is refused by
// name and reason, the old index keeps serving, and nothing of the file
// reaches a user.
func TestReloadSymlinkOutsideKeepsOldIndex(t *testing.T) {
	t.Parallel()
	eng, dir := dirEngine(t)
	h := start(t, eng)
	outside := filepath.Join(t.TempDir(), "passwd")
	if err := os.WriteFile(outside, []byte("root:x:0:0:SECRET-TOKEN-4f1c\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "passwd.txt")); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}
	_, m := h.reloadAs(moderator)
	e := only(t, m.Embeds)
	if !strings.Contains(e.Title, "failed") || !strings.Contains(unescape(e.Description), "passwd.txt") ||
		!strings.Contains(e.Description, "outside the corpus directory") {
		t.Errorf("report %q: %q, want a failure naming passwd.txt and why", e.Title, e.Description)
	}
	if n := articleCount(t, eng); n != 5 {
		t.Errorf("%d articles after a refused file, want the old 5", n)
	}
	if strings.Contains(fmt.Sprint(m), "SECRET") || strings.Contains(h.log.String(), "SECRET") {
		t.Errorf("the outside file's content reached the reply or the log")
	}
}

// TestReloadWhileReloading holds the first reload inside the corpus loader
// while a second one arrives.
func TestReloadWhileReloading(t *testing.T) {
	t.Parallel()
	var hold atomic.Bool
	entered, release := make(chan struct{}), make(chan struct{})
	eng, _ := dirEngineWith(t, func(load retrieval.LoadFunc) retrieval.LoadFunc {
		return func() (*corpus.Corpus, error) {
			if hold.Load() {
				entered <- struct{}{}
				<-release
			}
			return load()
		}
	})
	hold.Store(true)
	h := start(t, eng)
	first := discordtest.SlashCommand("reload", nil, moderator)
	h.fake.SendInteraction(first)
	select {
	case <-entered:
	case <-h.ctx.Done():
		t.Fatal("the first reload did not start")
	}
	_, m := h.reloadAs(moderator)
	if !strings.Contains(m.Content, "already running") {
		t.Errorf("second reload: %q, want to be told one is running", m.Content)
	}
	close(release)
	_, m = h.edit(first)
	if e := only(t, m.Embeds); e.Title != "Reloaded" {
		t.Errorf("first reload: %q, want it to finish", e.Title)
	}
}

// TestReloadDuringQuestions asks many questions while a moderator reloads;
// every one is answered from the old or the new index.
func TestReloadDuringQuestions(t *testing.T) {
	t.Parallel()
	eng, dir := dirEngine(t)
	h := start(t, eng)
	if err := os.WriteFile(filepath.Join(dir, newArticleFile), []byte(newArticle), 0o644); err != nil {
		t.Fatal(err)
	}
	questions := []string{"How long did the talks last?", "Where did Putin and Kim meet?", samovarQ}
	var asks []*discordgo.Interaction
	for k := 0; k < 30; k++ {
		asks = append(asks, h.ask(questions[k%len(questions)], discordtest.From(fmt.Sprint(800000000000000000+k%7), "u")))
		if k == 10 {
			reload := discordtest.SlashCommand("reload", nil, moderator)
			h.fake.SendInteraction(reload)
			defer func() {
				_, m := h.edit(reload)
				if e := only(t, m.Embeds); e.Title != "Reloaded" {
					t.Errorf("reload: %q %q", e.Title, e.Description)
				}
			}()
		}
	}
	var wg sync.WaitGroup
	for _, i := range asks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := h.fake.WaitFor(h.ctx, discordtest.Match("PATCH webhooks/*/"+i.Token+"/messages/@original"))
			if err != nil {
				t.Error(err)
				return
			}
			var m discordgo.Message
			if err := c.Decode(&m); err != nil || c.Status != 200 || len(m.Embeds) != 1 || m.Content != "" {
				t.Errorf("question %s: status %d content %q embeds %d (%v)", i.ID, c.Status, m.Content, len(m.Embeds), err)
			}
		}()
	}
	wg.Wait()
}
