package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/summitbot/summitbot/bot/discordtest"
	"github.com/summitbot/summitbot/corpus"
)

// shardProcess is one `summitbot serve` process of a sharded bot.
type shardProcess struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	exited chan struct{}
	err    error // set before exited closes
}

// startShard runs this test binary as `summitbot serve` with env added.
func startShard(t *testing.T, env map[string]string) *shardProcess {
	t.Helper()
	p := &shardProcess{stderr: &syncBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(os.Args[0], "-test.run=^TestShards$")
	p.cmd.Env = append(os.Environ(), "SUMMITBOT_SHARD_PROCESS=1")
	for k, v := range env {
		p.cmd.Env = append(p.cmd.Env, k+"="+v)
	}
	p.cmd.Stderr = p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			p.cmd.Process.Kill()
			<-p.exited
		}
	})
	return p
}

// stop sends SIGTERM and expects exit status 0.
func (p *shardProcess) stop(t *testing.T, wait context.Context) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
		if p.err != nil {
			t.Errorf("shard exited with %v; log:\n%s", p.err, p.stderr.String())
		}
	case <-wait.Done():
		t.Errorf("shard did not exit after SIGTERM")
	}
}

// copyArticles copies the embedded articles to a new directory. os.CopyFS
// creates the files writable (0o666 before umask), so tests can edit them.
func copyArticles(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, corpus.Default()); err != nil {
		t.Fatal(err)
	}
	return dir
}

// guildOnShard returns a guild id whose events Discord sends to shard of
// count.
func guildOnShard(t *testing.T, shard, count int) string {
	t.Helper()
	id := strconv.FormatUint(uint64(1000+shard)<<22, 10)
	if discordtest.ShardOf(id, count) != shard {
		t.Fatalf("guild %s is not on shard %d of %d", id, shard, count)
	}
	return id
}

// askFake sends /ask through fake and returns the interaction and the
// answer the bot edits in, which must be one embed.
func askFake(t *testing.T, wait context.Context, fake *discordtest.Server, question string, opts ...discordtest.InteractionOption) (*discordgo.Interaction, *discordgo.Message) {
	t.Helper()
	i := discordtest.SlashCommand("ask", map[string]any{"question": question}, opts...)
	fake.SendInteraction(i)
	c, err := fake.WaitFor(wait, discordtest.Match("PATCH webhooks/*/"+i.Token+"/messages/@original"))
	if err != nil {
		t.Fatal(err)
	}
	var m discordgo.Message
	if err := c.Decode(&m); err != nil || len(m.Embeds) != 1 {
		t.Fatalf("answer %+v (%v)", m, err)
	}
	return i, &m
}

// newArticle is a fact no embedded article has.
const newArticle = "Organisers at Vostochny said the summit's official mascot was a blue owl named Orbita, stitched on every delegate's badge.\n\nThe owl was chosen by schoolchildren in Tsiolkovsky, the town that serves the cosmodrome.\n"

// TestShards runs two `summitbot serve` processes as shards 0 and 1 of 2
// over one corpus directory against one fake Discord. Each identifies with
// its shard and gets only its guilds' interactions. An article added to the
// directory and a /reload typed in shard 0's guild reach shard 1 too,
// through its watch of the directory, and it answers from the new article.
func TestShards(t *testing.T) {
	if os.Getenv("SUMMITBOT_SHARD_PROCESS") == "1" {
		os.Args = []string{"summitbot", "serve"}
		main() // exits
		return
	}
	if testing.Short() {
		t.Skip("starts two processes")
	}
	fake := discordtest.New(t)
	dir := copyArticles(t)
	shards := make([]*shardProcess, 2)
	for i := range shards {
		env := serveEnv(fake)
		env["SUMMITBOT_CORPUS_DIR"] = dir
		env["SUMMITBOT_CORPUS_WATCH_INTERVAL"] = "100ms"
		env["SUMMITBOT_DISCORD_SHARD_ID"] = strconv.Itoa(i)
		env["SUMMITBOT_DISCORD_SHARD_COUNT"] = "2"
		shards[i] = startShard(t, env)
	}
	wait, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if err := fake.WaitConnected(wait, 2); err != nil {
		t.Fatalf("%v\nshard 0:\n%s\nshard 1:\n%s", err, shards[0].stderr.String(), shards[1].stderr.String())
	}
	var got [][2]int
	for _, h := range fake.Handshakes() {
		if h.Identify == nil || h.Identify.Shard == nil {
			t.Fatalf("a shard identified without its shard: %+v", h.Identify)
		}
		got = append(got, *h.Identify.Shard)
	}
	slices.SortFunc(got, func(a, b [2]int) int { return a[0] - b[0] })
	if !slices.Equal(got, [][2]int{{0, 2}, {1, 2}}) {
		t.Fatalf("shards identified as %v, want [0 2] and [1 2]", got)
	}
	// Ready means registered: a question before that would be answered, but
	// the log line this test waits for comes after registration.
	for i, p := range shards {
		if _, err := waitLog(wait, p.stderr, regexp.MustCompile(`discord bot ready.* shard=`+strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
	guild0, guild1 := guildOnShard(t, 0, 2), guildOnShard(t, 1, 2)

	ask := func(guild, question string) *discordgo.Message {
		t.Helper()
		i, m := askFake(t, wait, fake, question, discordtest.InGuild(guild))
		// Only the shard of the guild got it: it logs the interaction once
		// answered.
		mine := discordtest.ShardOf(guild, 2)
		if _, err := waitLog(wait, shards[mine].stderr, regexp.MustCompile(`interaction=`+i.ID+` .*outcome=`)); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(shards[1-mine].stderr.String(), "interaction="+i.ID) {
			t.Errorf("shard %d handled interaction %s, which is shard %d's", 1-mine, i.ID, mine)
		}
		return m
	}
	const question = "What was the name of the summit's mascot?"
	if m := ask(guild1, question); strings.Contains(m.Embeds[0].Description, "Orbita") {
		t.Fatalf("shard 1 knows the mascot before the article exists: %q", m.Embeds[0].Description)
	}

	if err := os.WriteFile(filepath.Join(dir, "mascot.txt"), []byte(newArticle), 0o644); err != nil {
		t.Fatal(err)
	}
	// Shard 0 watches the directory too: let its own reload finish first,
	// or the /reload below may find it running and be told to try again
	// (which the race detector's slower reloads made happen).
	if _, err := waitLog(wait, shards[0].stderr, regexp.MustCompile(`msg=reloaded trigger="corpus changed".*added=\[mascot\]`)); err != nil {
		t.Fatalf("%v\nshard 0:\n%s", err, shards[0].stderr.String())
	}
	reload := discordtest.SlashCommand("reload", nil, discordtest.InGuild(guild0),
		discordtest.WithPermissions(discordgo.PermissionManageGuild))
	fake.SendInteraction(reload)
	c, err := fake.WaitFor(wait, discordtest.Match("PATCH webhooks/*/"+reload.Token+"/messages/@original"))
	if err != nil {
		t.Fatal(err)
	}
	var m discordgo.Message
	if err := c.Decode(&m); err != nil || len(m.Embeds) != 1 || m.Embeds[0].Title != "Reloaded" {
		t.Fatalf("/reload on shard 0 answered %+v (%v)", m.Embeds, err)
	}
	// Shard 1 was told nothing: it sees the directory change.
	if _, err := waitLog(wait, shards[1].stderr, regexp.MustCompile(`msg=reloaded trigger="corpus changed".*added=\[mascot\]`)); err != nil {
		t.Fatalf("%v\nshard 1:\n%s", err, shards[1].stderr.String())
	}
	for n, guild := range []string{guild1, guild0} {
		if m := ask(guild, question); !strings.Contains(m.Embeds[0].Description, "Orbita") {
			t.Errorf("shard %d after the change answered %q, want the mascot's name", 1-n, m.Embeds[0].Description)
		}
	}

	for _, p := range shards {
		p.stop(t, wait)
		if strings.Contains(p.stderr.String(), serveToken) {
			t.Error("the log holds the token")
		}
	}
}

// TestReloadOnSIGHUP: with the directory watch off, SIGHUP is how an
// operator makes a running serve take a change to the articles.
func TestReloadOnSIGHUP(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	fake := discordtest.New(t)
	dir := copyArticles(t)
	env := serveEnv(fake)
	env["SUMMITBOT_CORPUS_DIR"] = dir
	wait, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	p := startServe(t, wait, env)
	ask := func() string {
		t.Helper()
		_, m := askFake(t, wait, fake, "What was the name of the summit's mascot?")
		return m.Embeds[0].Description
	}
	if got := ask(); strings.Contains(got, "Orbita") {
		t.Fatalf("knows the mascot before the article exists: %q", got)
	}
	if err := os.WriteFile(filepath.Join(dir, "mascot.txt"), []byte(newArticle), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	if _, err := waitLog(wait, p.stderr, regexp.MustCompile(`msg=reloaded trigger=SIGHUP.*added=\[mascot\]`)); err != nil {
		t.Fatalf("%v\n%s", err, p.stderr.String())
	}
	if got := ask(); !strings.Contains(got, "Orbita") {
		t.Errorf("after SIGHUP answered %q, want the mascot's name", got)
	}
	p.stop(t, wait)
}
