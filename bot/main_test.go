package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"go.uber.org/goleak"

	"github.com/summitbot/summitbot/bot"
	"github.com/summitbot/summitbot/bot/discordtest"
	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/retrievaltest"
)

// leakOptions ignores bleve's analysis workers, which a package init starts
// for the life of the process.
var leakOptions = []goleak.Option{goleak.IgnoreTopFunction("github.com/blevesearch/bleve_index_api.AnalysisWorker")}

// TestMain fails the run if any goroutine outlives the tests: the bot's
// handlers, discordgo's loops, the fake's connections, the indexes.
func TestMain(m *testing.M) {
	code := m.Run()
	if shared.eng != nil {
		shared.eng.Close()
	}
	if code == 0 {
		if err := goleak.Find(leakOptions...); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

// shared is the engine over the embedded articles that every test that
// does not reload answers from; building an index takes a few hundred ms.
var shared struct {
	once sync.Once
	eng  *retrieval.Engine
	err  error
}

func sharedEngine(t testing.TB) *retrieval.Engine {
	t.Helper()
	shared.once.Do(func() {
		shared.eng, shared.err = newEngine(context.Background(), func() (*corpus.Corpus, error) {
			return corpus.Load(corpus.Default())
		})
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.eng
}

func newEngine(ctx context.Context, load retrieval.LoadFunc) (*retrieval.Engine, error) {
	eng, _, err := retrieval.NewEngine(ctx, load, retrievaltest.Build(nil, "", nil), nil)
	return eng, err
}

// dirEngine copies the embedded articles to a fresh directory and returns
// an engine over it, closed when the test ends, for tests that change the
// corpus and reload.
func dirEngine(t *testing.T) (*retrieval.Engine, string) {
	return dirEngineWith(t, nil)
}

// dirEngineWith is dirEngine with the corpus loader wrapped by wrap, when
// not nil.
func dirEngineWith(t *testing.T, wrap func(retrieval.LoadFunc) retrieval.LoadFunc) (*retrieval.Engine, string) {
	t.Helper()
	dir := t.TempDir()
	copyArticles(t, dir)
	load := retrieval.LoadFunc(func() (*corpus.Corpus, error) { return corpus.Load(corpus.Dir(dir)) })
	if wrap != nil {
		load = wrap(load)
	}
	eng, err := newEngine(t.Context(), load)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return eng, dir
}

// logBuffer keeps the bot's log for assertions and copies it to t.Log.
type logBuffer struct {
	t       testing.TB
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{} // closed and replaced on every write
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	l.b.Write(p)
	if l.changed != nil {
		close(l.changed)
		l.changed = nil
	}
	l.mu.Unlock()
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// waitFor waits until the log holds s.
func (l *logBuffer) waitFor(ctx context.Context, s string) error {
	return l.waitMatch(ctx, regexp.MustCompile(regexp.QuoteMeta(s)))
}

// waitMatch waits until a line of the log matches re.
func (l *logBuffer) waitMatch(ctx context.Context, re *regexp.Regexp) error {
	s := re.String()
	for {
		l.mu.Lock()
		if re.Match(l.b.Bytes()) {
			l.mu.Unlock()
			return nil
		}
		if l.changed == nil {
			l.changed = make(chan struct{})
		}
		changed := l.changed
		l.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("waiting for %q in the log: %w", s, ctx.Err())
		}
	}
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// harness is a bot running against a fake Discord.
type harness struct {
	t      *testing.T
	fake   *discordtest.Server
	bot    *bot.Bot
	eng    bot.Engine
	ctx    context.Context // bounds the test's waits
	log    *logBuffer
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
}

const testToken = "test-token-must-not-leak"

// start runs a bot over eng against a new fake Discord, with a generous
// rate limit unless configure changes it, and waits until its commands are
// registered and its gateway connection is up. When the test ends it stops
// the bot, checks that Run returned nil, and checks that no message the bot
// sent could ping anyone.
func start(t *testing.T, eng bot.Engine, configure ...func(*bot.Config)) *harness {
	t.Helper()
	fake := discordtest.New(t)
	cfg := bot.Config{
		Token:              testToken,
		APIURL:             fake.APIURL(),
		AllowDMs:           true,
		QuestionsPerMinute: 6000,
		Burst:              1000,
		ShutdownGrace:      10 * time.Second,
	}
	for _, f := range configure {
		f(&cfg)
	}
	return startWith(t, fake, eng, cfg)
}

// startWith is start with the fake and the whole configuration given;
// prepare, when given, sees the bot before it runs.
func startWith(t *testing.T, fake *discordtest.Server, eng bot.Engine, cfg bot.Config, prepare ...func(*bot.Bot)) *harness {
	t.Helper()
	logs := &logBuffer{t: t}
	b, err := bot.New(cfg, eng, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range prepare {
		f(b)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{t: t, fake: fake, bot: b, eng: eng, log: logs, cancel: cancel, done: make(chan error, 1)}
	h.ctx = waitCtx(t, 30*time.Second)
	go func() { h.done <- b.Run(ctx) }()
	t.Cleanup(func() {
		if err := h.stop(); err != nil {
			t.Errorf("Run: %v", err)
		}
		checkNoPings(t, fake.Calls())
		checkNoSecrets(t, logs.String(), fake.Tokens())
	})
	select {
	case <-b.Ready():
	case err := <-h.done:
		h.done <- err // for the cleanup's stop
		t.Fatalf("Run returned before the bot was ready: %v", err)
	case <-h.ctx.Done():
		t.Fatal("the bot did not get ready")
	}
	if err := fake.WaitConnected(h.ctx, 1); err != nil {
		t.Fatal(err)
	}
	return h
}

// checkNoSecrets fails the test if a line of the log holds the bot token
// or an interaction token.
func checkNoSecrets(t *testing.T, log string, tokens []string) {
	t.Helper()
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, testToken) {
			t.Errorf("the log holds the bot token: %s", line)
		}
		for _, tok := range tokens {
			if strings.Contains(line, tok) {
				t.Errorf("the log holds interaction token %s: %s", tok, line)
			}
		}
	}
}

// handled waits until the bot has finished with the interaction or message
// id, which it logs last.
func (h *harness) handled(id string) {
	h.t.Helper()
	if err := h.log.waitMatch(h.ctx, regexp.MustCompile(`(interaction|message)=`+id+` .*outcome=`)); err != nil {
		h.t.Fatal(err)
	}
}

// stop cancels Run and returns what it returned; later calls return nil.
func (h *harness) stop() error {
	var err error
	h.once.Do(func() {
		h.cancel()
		select {
		case err = <-h.done:
		case <-time.After(30 * time.Second):
			err = fmt.Errorf("Run did not return within 30s of cancel")
		}
	})
	return err
}

// isRegistration matches the bulk overwrite of the commands, global or
// guild.
func isRegistration(c discordtest.Call) bool {
	return c.Method == "PUT" && strings.HasPrefix(c.Path, "applications/") && strings.HasSuffix(c.Path, "/commands")
}

// waitCtx bounds a test's waits; nothing sleeps to synchronise.
func waitCtx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// waitFor returns the first call matching pattern (see discordtest.Match).
func (h *harness) waitFor(pattern string) discordtest.Call {
	h.t.Helper()
	c, err := h.fake.WaitFor(h.ctx, discordtest.Match(pattern))
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

// callback waits for the interaction callback of i.
func (h *harness) callback(i *discordgo.Interaction) (discordtest.Call, *discordgo.InteractionResponse) {
	h.t.Helper()
	c := h.waitFor("POST interactions/" + i.ID + "/*/callback")
	var r discordgo.InteractionResponse
	if err := c.Decode(&r); err != nil {
		h.t.Fatal(err)
	}
	if r.Data == nil {
		r.Data = &discordgo.InteractionResponseData{}
	}
	return c, &r
}

// voteReply waits for what a vote button press i tells the voter: the
// callback's message, or, when the callback updated the answer's buttons,
// the follow-up after it.
func (h *harness) voteReply(i *discordgo.Interaction) (string, discordgo.MessageFlags) {
	h.t.Helper()
	c := h.waitFor("POST interactions/" + i.ID + "/*/callback")
	var r struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data struct {
			Content string                 `json:"content"`
			Flags   discordgo.MessageFlags `json:"flags"`
		} `json:"data"`
	}
	if err := c.Decode(&r); err != nil {
		h.t.Fatal(err)
	}
	if r.Type != discordgo.InteractionResponseUpdateMessage {
		return r.Data.Content, r.Data.Flags
	}
	f := h.waitFor("POST webhooks/*/" + i.Token)
	if err := f.Decode(&r.Data); err != nil {
		h.t.Fatal(err)
	}
	return r.Data.Content, r.Data.Flags
}

// edit waits for the edit of i's original response and returns the message
// it sets.
func (h *harness) edit(i *discordgo.Interaction) (discordtest.Call, *discordgo.Message) {
	h.t.Helper()
	c := h.waitFor("PATCH webhooks/*/" + i.Token + "/messages/@original")
	var m discordgo.Message
	if err := c.Decode(&m); err != nil {
		h.t.Fatal(err)
	}
	return c, &m
}

// reply waits for the bot's reply to message m.
func (h *harness) reply(m *discordgo.Message) (discordtest.Call, *discordgo.Message) {
	h.t.Helper()
	c, err := h.fake.WaitFor(h.ctx, func(c discordtest.Call) bool {
		if c.Method != "POST" || c.Path != "channels/"+m.ChannelID+"/messages" {
			return false
		}
		var sent discordgo.Message
		return c.Decode(&sent) == nil && sent.MessageReference != nil && sent.MessageReference.MessageID == m.ID
	})
	if err != nil {
		h.t.Fatal(err)
	}
	var sent discordgo.Message
	if err := c.Decode(&sent); err != nil {
		h.t.Fatal(err)
	}
	return c, &sent
}

// repliedTo reports whether the bot has posted a reply to message id so far.
func (h *harness) repliedTo(id string) bool {
	for _, c := range h.fake.Calls() {
		var sent discordgo.Message
		if c.Method == "POST" && c.Decode(&sent) == nil && sent.MessageReference != nil && sent.MessageReference.MessageID == id {
			return true
		}
	}
	return false
}

// ask sends /ask question and returns the interaction.
func (h *harness) ask(question string, opts ...discordtest.InteractionOption) *discordgo.Interaction {
	i := discordtest.SlashCommand("ask", map[string]any{"question": question}, opts...)
	h.fake.SendInteraction(i)
	return i
}

// askAndWait asks and returns the deferred callback and the final answer.
func (h *harness) askAndWait(question string, opts ...discordtest.InteractionOption) (*discordgo.Interaction, *discordgo.InteractionResponse, *discordgo.Message) {
	h.t.Helper()
	i := h.ask(question, opts...)
	_, r := h.callback(i)
	if r.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		h.t.Fatalf("ask %q: callback type %d, want deferred (5); content %q", question, r.Type, r.Data.Content)
	}
	_, m := h.edit(i)
	return i, r, m
}

// checkNoPings fails the test unless every message the bot sent or edited
// carried allowed_mentions with an empty parse list and no ids.
func checkNoPings(t *testing.T, calls []discordtest.Call) {
	t.Helper()
	for _, c := range calls {
		body, _ := c.Body.(map[string]any)
		var msg map[string]any
		switch {
		case c.Method == "POST" && strings.HasSuffix(c.Path, "/callback"):
			typ, _ := body["type"].(float64)
			if typ == float64(discordgo.InteractionApplicationCommandAutocompleteResult) ||
				typ == float64(discordgo.InteractionResponseDeferredMessageUpdate) {
				continue
			}
			msg, _ = body["data"].(map[string]any)
		case c.Method == "PATCH" && strings.HasPrefix(c.Path, "webhooks/"),
			c.Method == "POST" && strings.HasPrefix(c.Path, "webhooks/"),
			c.Method == "POST" && strings.HasPrefix(c.Path, "channels/") && strings.HasSuffix(c.Path, "/messages"),
			c.Method == "PATCH" && strings.HasPrefix(c.Path, "channels/"):
			msg = body
		default:
			continue
		}
		am, ok := msg["allowed_mentions"].(map[string]any)
		if !ok {
			t.Errorf("%s: no allowed_mentions in %s", c, c.Raw)
			continue
		}
		parse, ok := am["parse"].([]any)
		if !ok || len(parse) != 0 || am["users"] != nil || am["roles"] != nil || am["replied_user"] == true {
			t.Errorf("%s: allowed_mentions %v, want parse [] and nothing else", c, am)
		}
	}
}

// unescape undoes the bot's markdown escaping.
var unescapeRE = regexp.MustCompile(`\\([\\*_` + "`" + `~|])`)

func unescape(s string) string { return unescapeRE.ReplaceAllString(s, "$1") }

// only returns the single embed of m.
func only(t *testing.T, embeds []*discordgo.MessageEmbed) *discordgo.MessageEmbed {
	t.Helper()
	if len(embeds) != 1 {
		t.Fatalf("%d embeds, want 1", len(embeds))
	}
	return embeds[0]
}

// buttons returns the custom ids of the buttons on m, by label or emoji.
func buttons(t *testing.T, components []discordgo.MessageComponent) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, row := range components {
		r, ok := row.(*discordgo.ActionsRow)
		if !ok {
			t.Fatalf("component %T, want an actions row", row)
		}
		for _, c := range r.Components {
			b, ok := c.(*discordgo.Button)
			if !ok {
				t.Fatalf("component %T, want a button", c)
			}
			name := b.Label
			if b.Emoji != nil && b.Emoji.Name != "" {
				name = b.Emoji.Name
			}
			out[name] = b.CustomID
		}
	}
	return out
}

// answerFunc answers through f instead of its embedded engine.
type answerFunc struct {
	bot.Engine
	f func(ctx context.Context, q retrieval.Question) (*retrieval.Answer, error)
}

func (a answerFunc) Answer(ctx context.Context, q retrieval.Question, _ func(string)) (*retrieval.Answer, error) {
	return a.f(ctx, q)
}

var _ io.Writer = (*logBuffer)(nil)

// copyArticles writes the embedded articles' files to dir. os.CopyFS
// creates them writable (0o666 before umask), so tests can edit them.
func copyArticles(t *testing.T, dir string) {
	t.Helper()
	if err := os.CopyFS(dir, corpus.Default()); err != nil {
		t.Fatal(err)
	}
}
