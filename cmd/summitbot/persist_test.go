package main

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/summitbot/summitbot/bot/discordtest"
	"github.com/summitbot/summitbot/bot/store/postgres/pgtest"
	"github.com/summitbot/summitbot/bot/store/sqlite"
)

// callbackOf waits for i's interaction callback and returns its type, its
// content, its flags, its first embed's fields and its buttons (by emoji
// or label: custom id and label).
type callbackReply struct {
	Type    discordgo.InteractionResponseType
	Content string
	Flags   discordgo.MessageFlags
	Fields  int
	Buttons map[string][2]string
}

func callbackOf(t *testing.T, wait context.Context, fake *discordtest.Server, i *discordgo.Interaction) callbackReply {
	t.Helper()
	c, err := fake.WaitFor(wait, discordtest.Match("POST interactions/"+i.ID+"/*/callback"))
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data struct {
			Content    string                    `json:"content"`
			Flags      discordgo.MessageFlags    `json:"flags"`
			Embeds     []*discordgo.MessageEmbed `json:"embeds"`
			Components []struct {
				Components []struct {
					CustomID string `json:"custom_id"`
					Label    string `json:"label"`
					Emoji    *struct {
						Name string `json:"name"`
					} `json:"emoji"`
				} `json:"components"`
			} `json:"components"`
		} `json:"data"`
	}
	if err := c.Decode(&r); err != nil {
		t.Fatal(err)
	}
	out := callbackReply{Type: r.Type, Content: r.Data.Content, Flags: r.Data.Flags, Buttons: map[string][2]string{}}
	if len(r.Data.Embeds) > 0 {
		out.Fields = len(r.Data.Embeds[0].Fields)
	}
	for _, row := range r.Data.Components {
		for _, b := range row.Components {
			name := b.Label
			if b.Emoji != nil {
				name = b.Emoji.Name
			}
			out.Buttons[name] = [2]string{b.CustomID, b.Label}
		}
	}
	return out
}

// answerButtons returns the custom ids of an answer's buttons by emoji or
// label.
func answerButtons(t *testing.T, m *discordgo.Message) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, row := range m.Components {
		r, ok := row.(*discordgo.ActionsRow)
		if !ok {
			t.Fatalf("component %T", row)
		}
		for _, c := range r.Components {
			b := c.(*discordgo.Button)
			name := b.Label
			if b.Emoji != nil && b.Emoji.Name != "" {
				name = b.Emoji.Name
			}
			out[name] = b.CustomID
		}
	}
	return out
}

// startServe starts a serve process with env and waits until it is ready.
func startServe(t *testing.T, wait context.Context, env map[string]string) *shardProcess {
	t.Helper()
	p := startShard(t, env)
	if _, err := waitLog(wait, p.stderr, regexp.MustCompile(`discord bot ready`)); err != nil {
		t.Fatalf("%v\n%s", err, p.stderr.String())
	}
	return p
}

// TestServeRestartKeepsAnswers runs `summitbot serve` as a process twice
// over one SQLite store: an answer's "Show passages" works after the
// restart, and a vote cast before it is counted once.
func TestServeRestartKeepsAnswers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two processes")
	}
	fake := discordtest.New(t)
	env := serveEnv(fake) // one SUMMITBOT_STORE_PATH for both
	wait, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	first := startServe(t, wait, env)
	_, answer := askFake(t, wait, fake, "How long did the talks last?")
	btn := answerButtons(t, answer)
	if btn["Show passages"] == "" || btn["👍"] == "" {
		t.Fatalf("buttons %v", btn)
	}
	answer.Author = &discordgo.User{ID: discordtest.BotUserID, Bot: true}
	up := discordtest.ButtonPress(btn["👍"], discordtest.OnMessage(answer))
	fake.SendInteraction(up)
	if r := callbackOf(t, wait, fake, up); r.Type != discordgo.InteractionResponseUpdateMessage || r.Buttons["👍"][1] != "1" {
		t.Fatalf("first 👍: %+v, want the buttons updated to 👍 1", r)
	}
	if _, err := waitLog(wait, first.stderr, regexp.MustCompile(`interaction=`+up.ID+` .*outcome=voted`)); err != nil {
		t.Fatal(err)
	}
	first.stop(t, wait)

	second := startServe(t, wait, env)
	if err := fake.WaitConnected(wait, 1); err != nil {
		t.Fatal(err)
	}
	show := discordtest.ButtonPress(btn["Show passages"], discordtest.OnMessage(answer))
	fake.SendInteraction(show)
	if r := callbackOf(t, wait, fake, show); r.Fields == 0 || r.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("Show passages after the restart: %+v, want the passages, ephemeral", r)
	}
	again := discordtest.ButtonPress(btn["👍"], discordtest.OnMessage(answer))
	fake.SendInteraction(again)
	if r := callbackOf(t, wait, fake, again); !strings.Contains(r.Content, "already") {
		t.Errorf("the same 👍 after the restart: %+v, want already counted", r)
	}
	down := discordtest.ButtonPress(btn["👎"], discordtest.OnMessage(answer))
	fake.SendInteraction(down)
	if r := callbackOf(t, wait, fake, down); r.Buttons["👍"][1] != "" || r.Buttons["👎"][1] != "1" {
		t.Errorf("👎 after 👍: buttons %v, want 👍 0 and 👎 1 (the vote moved)", r.Buttons)
	}
	if _, err := waitLog(wait, second.stderr, regexp.MustCompile(`interaction=`+down.ID+` .*outcome=voted`)); err != nil {
		t.Fatal(err)
	}
	second.stop(t, wait)
	if strings.Contains(first.stderr.String()+second.stderr.String(), "no longer remember") {
		t.Error("an answer was forgotten")
	}
}

// TestServeSIGTERMWritesQueuedAnswers sends 100 questions, SIGTERM once
// all are acknowledged, and expects every answer in the store after exit:
// the store closes only after the bot has stopped, writing its whole queue.
func TestServeSIGTERMWritesQueuedAnswers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	fake := discordtest.New(t)
	env := serveEnv(fake)
	env["SUMMITBOT_DISCORD_SHUTDOWN_GRACE"] = "60s"
	env["SUMMITBOT_DISCORD_QUESTIONS_PER_MINUTE"] = "6000"
	env["SUMMITBOT_DISCORD_BURST"] = "1000"
	env["SUMMITBOT_LOG_LEVEL"] = "info"
	wait, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	p := startServe(t, wait, env)
	const n = 100
	asks := make([]*discordgo.Interaction, n)
	for k := range asks {
		asks[k] = discordtest.SlashCommand("ask", map[string]any{"question": fmt.Sprintf("How long did the talks last? (%d)", k)})
		fake.SendInteraction(asks[k])
	}
	for _, i := range asks {
		if _, err := fake.WaitFor(wait, discordtest.Match("POST interactions/"+i.ID+"/*/callback")); err != nil {
			t.Fatal(err)
		}
	}
	if p.stop(t, wait); t.Failed() {
		t.FailNow()
	}
	// The answers finished after the signal were saved while the bot was
	// stopping: their writes were queued then.
	_, tail, _ := strings.Cut(p.stderr.String(), "discord bot stopping")
	answeredAfterSignal := strings.Count(tail, "outcome=answered")
	t.Logf("%d of %d answers were finished after SIGTERM", answeredAfterSignal, n)
	db, err := sqlite.Open(context.Background(), env["SUMMITBOT_STORE_PATH"])
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	missing := 0
	for _, i := range asks {
		if _, err := db.Answer(context.Background(), i.ID); err != nil {
			missing++
		}
	}
	if missing > 0 || strings.Contains(p.stderr.String(), "store write failed") || strings.Contains(p.stderr.String(), "dropped") {
		t.Errorf("%d of %d answers missing from the store after SIGTERM", missing, n)
	}
}

// TestShardsShareOnePostgres runs two serve processes as shards 0 and 1
// over one PostgreSQL database and one corpus directory, with the
// directory watch off: an /article add in shard 0's server reaches shard 1
// through LISTEN/NOTIFY, which answers from it within 5 s.
func TestShardsShareOnePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL and two processes")
	}
	url := pgtest.Start(t).NewDatabase(t)
	fake := discordtest.New(t)
	dir := copyArticles(t)
	wait, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	shards := make([]*shardProcess, 2)
	for i := range shards {
		env := serveEnv(fake)
		env["SUMMITBOT_STORE_URL"] = url
		env["SUMMITBOT_CORPUS_DIR"] = dir
		env["SUMMITBOT_DISCORD_SHARD_ID"] = strconv.Itoa(i)
		env["SUMMITBOT_DISCORD_SHARD_COUNT"] = "2"
		shards[i] = startServe(t, wait, env)
	}
	if err := fake.WaitConnected(wait, 2); err != nil {
		t.Fatal(err)
	}
	guild0, guild1 := guildOnShard(t, 0, 2), guildOnShard(t, 1, 2)
	const question = "What was the name of the summit's mascot?"
	if _, m := askFake(t, wait, fake, question, discordtest.InGuild(guild1)); strings.Contains(m.Embeds[0].Description, "Orbita") {
		t.Fatalf("shard 1 knows the mascot before the article exists")
	}

	att := fake.AddAttachment("mascot.txt", "text/plain", []byte(newArticle))
	add := discordtest.Subcommand("article", "add", map[string]any{"file": att, "id": "mascot"},
		discordtest.InGuild(guild0), discordtest.WithPermissions(discordgo.PermissionManageGuild))
	fake.SendInteraction(add)
	c, err := fake.WaitFor(wait, discordtest.Match("PATCH webhooks/*/"+add.Token+"/messages/@original"))
	if err != nil {
		t.Fatal(err)
	}
	added := time.Now()
	var m discordgo.Message
	if err := c.Decode(&m); err != nil || len(m.Embeds) != 1 || m.Embeds[0].Title != "Article added" {
		t.Fatalf("/article add on shard 0 answered %+v (%v)\n%s", m, err, shards[0].stderr.String())
	}
	within, stop := context.WithTimeout(wait, 5*time.Second)
	defer stop()
	if _, err := waitLog(within, shards[1].stderr, regexp.MustCompile(`another shard changed the corpus.*added=\[mascot\]`)); err != nil {
		t.Fatalf("%v\nshard 1:\n%s", err, shards[1].stderr.String())
	}
	if _, m := askFake(t, within, fake, question, discordtest.InGuild(guild1)); !strings.Contains(m.Embeds[0].Description, "Orbita") {
		t.Errorf("shard 1 after /article add in shard 0's server answered %q, want the mascot's name", m.Embeds[0].Description)
	}
	t.Logf("shard 1 answered from the new article %v after shard 0's reply", time.Since(added).Round(time.Millisecond))
	if strings.Contains(shards[0].stderr.String(), "another shard changed the corpus") {
		t.Error("shard 0 reloaded again on its own announcement")
	}
	for _, p := range shards {
		p.stop(t, wait)
	}
}
