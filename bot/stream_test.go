package bot_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	goopenai "github.com/sashabaranov/go-openai"

	"github.com/summitbot/summitbot/bot"
	"github.com/summitbot/summitbot/bot/discordtest"
	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/openai"
	"github.com/summitbot/summitbot/retrieval/openai/openaitest"
	"github.com/summitbot/summitbot/retrieval/qa"
	"github.com/summitbot/summitbot/retrieval/retrievaltest"
	"github.com/summitbot/summitbot/retrieval/search"
)

const handshakeQ = "How long did the handshake last?"

// recordingEngine is an engine whose answers are written by a model on a
// fake OpenAI server, and which keeps the last answer it gave.
type recordingEngine struct {
	*retrieval.Engine
	mu   sync.Mutex
	last *retrieval.Answer
}

func (e *recordingEngine) Answer(ctx context.Context, q retrieval.Question, draft func(string)) (*retrieval.Answer, error) {
	a, err := e.Engine.Answer(ctx, q, draft)
	e.mu.Lock()
	e.last = a
	e.mu.Unlock()
	return a, err
}

func (e *recordingEngine) lastAnswer() *retrieval.Answer {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.last
}

// modelEngine returns an engine over the embedded articles whose answers
// are written by "test-model" on srv, closed when the test ends.
func modelEngine(t *testing.T, srv *openaitest.Server) *recordingEngine {
	t.Helper()
	gen := &qa.Generate{Generator: openai.NewChat(openai.Config{
		BaseURL: srv.BaseURL(), Model: "test-model", Timeout: 10 * time.Second,
		Retry: openai.Retry{Attempts: 1},
	}, 400)}
	eng := retrievaltest.NewEngine(t, func() (*corpus.Corpus, error) { return corpus.Load(corpus.Default()) }, gen)
	return &recordingEngine{Engine: eng}
}

var passageRE = regexp.MustCompile(`(?s)<passage n="(\d+)"[^>]*>\n(.*?)\n</passage>`)

// cite returns the marker of the first passage of the prompt that holds
// every one of words, so that a scripted reply cites correctly whatever
// order retrieval put the passages in.
func cite(t *testing.T, req goopenai.ChatCompletionRequest, words ...string) string {
	for _, m := range passageRE.FindAllStringSubmatch(req.Messages[len(req.Messages)-1].Content, -1) {
		all := true
		for _, w := range words {
			all = all && strings.Contains(m[2], w)
		}
		if all {
			return "[" + m[1] + "]"
		}
	}
	t.Errorf("no passage in the prompt holds %q", words)
	return "[0]"
}

// stepper lets a test release a streamed reply one piece at a time.
type stepper struct{ next chan struct{} }

func newStepper() *stepper { return &stepper{next: make(chan struct{})} }

// wait is openaitest.WriteStream's wait: it returns when the test steps,
// or when the request ends.
func (s *stepper) wait(r *http.Request) func(int) {
	return func(int) {
		select {
		case <-s.next:
		case <-r.Context().Done():
		}
	}
}

func (s *stepper) step(ctx context.Context, t *testing.T) {
	t.Helper()
	select {
	case s.next <- struct{}{}:
	case <-ctx.Done():
		t.Fatal("the stream did not ask for its next piece")
	}
}

// isDraft reports whether an edit shows an answer being written.
func isDraft(m *discordgo.Message) bool {
	return len(m.Embeds) == 1 && m.Embeds[0].Footer != nil && strings.HasPrefix(m.Embeds[0].Footer.Text, "writing…")
}

// editOf waits for an edit of i's reply whose message want accepts.
func (h *harness) editOf(i *discordgo.Interaction, want func(*discordgo.Message) bool) *discordgo.Message {
	h.t.Helper()
	match := discordtest.Match("PATCH webhooks/*/" + i.Token + "/messages/@original")
	c, err := h.fake.WaitFor(h.ctx, func(c discordtest.Call) bool {
		var m discordgo.Message
		return match(c) && c.Decode(&m) == nil && want(&m)
	})
	if err != nil {
		h.t.Fatal(err)
	}
	var m discordgo.Message
	if err := c.Decode(&m); err != nil {
		h.t.Fatal(err)
	}
	return &m
}

// edits returns every edit of i's reply so far, with when each arrived.
func (h *harness) edits(i *discordgo.Interaction) ([]*discordgo.Message, []time.Time) {
	h.t.Helper()
	match := discordtest.Match("PATCH webhooks/*/" + i.Token + "/messages/@original")
	var msgs []*discordgo.Message
	var at []time.Time
	for _, c := range h.fake.Calls() {
		if !match(c) {
			continue
		}
		var m discordgo.Message
		if err := c.Decode(&m); err != nil {
			h.t.Fatal(err)
		}
		msgs, at = append(msgs, &m), append(at, c.Time)
	}
	return msgs, at
}

// TestAskStreamed: with a model, /ask's reply shows the answer as it is
// written — unverified, without markers or buttons, edits spaced by the
// stream interval — and the last edit is the verified answer with its
// citations and buttons.
func TestAskStreamed(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	steps := newStepper()
	srv.Chat = func(w http.ResponseWriter, r *http.Request, req goopenai.ChatCompletionRequest) {
		if !req.Stream {
			t.Errorf("the answer was not streamed")
		}
		openaitest.WriteStream(w, req, []string{"The handshake", " lasted around 40 seconds", " " + cite(t, req, "40 seconds") + "."}, steps.wait(r))
	}
	eng := modelEngine(t, srv)
	const interval = 150 * time.Millisecond
	h := start(t, eng, func(c *bot.Config) { c.StreamInterval = interval })

	i := h.ask(handshakeQ)
	callback, _ := h.callback(i)
	first := h.editOf(i, func(m *discordgo.Message) bool { return isDraft(m) })
	if d := unescape(first.Embeds[0].Description); d != "The handshake" {
		t.Errorf("first draft %q, want the first piece", d)
	}
	steps.step(h.ctx, t)
	h.editOf(i, func(m *discordgo.Message) bool {
		return isDraft(m) && strings.Contains(m.Embeds[0].Description, "40 seconds")
	})
	steps.step(h.ctx, t)
	final := h.editOf(i, func(m *discordgo.Message) bool { return !isDraft(m) })
	h.handled(i.ID)

	a := eng.lastAnswer()
	if a == nil || a.Writer != retrieval.Generated || len(a.Citations) == 0 {
		t.Fatalf("answer %+v, want a generated one with citations", a)
	}
	e := only(t, final.Embeds)
	if got := unescape(e.Description); got != a.Answer || !strings.Contains(got, "40 seconds") || !strings.Contains(got, "[1]") {
		t.Errorf("final answer %q, want the verified %q", got, a.Answer)
	}
	if !strings.HasPrefix(e.Footer.Text, "written by test-model") || len(e.Fields) == 0 ||
		!strings.Contains(e.Fields[0].Value, "[1]") || !strings.Contains(e.Fields[0].Value, a.Citations[0].Title) {
		t.Errorf("final footer %q, fields %+v: want the model and the sources", e.Footer.Text, e.Fields)
	}
	if b := buttons(t, final.Components); b["Show passages"] == "" || b["👍"] == "" {
		t.Errorf("final buttons %v, want Show passages and the votes", b)
	}

	msgs, at := h.edits(i)
	if len(msgs) < 3 || msgs[len(msgs)-1].Embeds[0].Description != e.Description {
		t.Fatalf("%d edits, want at least two drafts and then the answer, last", len(msgs))
	}
	for k, m := range msgs[:len(msgs)-1] {
		if !isDraft(m) {
			t.Errorf("edit %d of %d is not a draft: %q", k+1, len(msgs), m.Embeds[0].Description)
		}
		if len(m.Components) != 0 || strings.Contains(m.Embeds[0].Description, "[") {
			t.Errorf("draft %d has buttons or markers: %q %v", k+1, m.Embeds[0].Description, m.Components)
		}
	}
	prev := callback.Time
	for k, when := range at[:len(at)-1] { // the final edit waits for no interval
		if gap := when.Sub(prev); gap < interval {
			t.Errorf("draft %d came %v after the previous message, want at least %v", k+1, gap, interval)
		}
		prev = when
	}
}

// TestAskStreamFailsMidway: the model's stream breaks after a piece was
// shown; the last edit is the extractive answer with a note saying why.
func TestAskStreamFailsMidway(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	broke := make(chan struct{})
	srv.Chat = func(w http.ResponseWriter, r *http.Request, req goopenai.ChatCompletionRequest) {
		openaitest.WriteStream(w, req, []string{"The handshake lasted", " never mind"}, func(int) {
			select {
			case <-broke:
			case <-r.Context().Done():
			}
			panic(http.ErrAbortHandler) // the connection drops mid-reply
		})
	}
	eng := modelEngine(t, srv)
	h := start(t, eng, func(c *bot.Config) { c.StreamInterval = time.Millisecond })

	i := h.ask(handshakeQ)
	h.editOf(i, isDraft)
	close(broke)
	final := h.editOf(i, func(m *discordgo.Message) bool { return !isDraft(m) })
	h.handled(i.ID)

	a := eng.lastAnswer()
	if a == nil || a.Writer != retrieval.Extractive || !strings.Contains(a.Note, "quotes the articles directly") {
		t.Fatalf("answer %+v, want the extractive one with a note", a)
	}
	e := only(t, final.Embeds)
	want := a.Answer + "\n\n*" + a.Note + "*"
	if got := unescape(e.Description); got != want {
		t.Errorf("final %q, want %q", got, want)
	}
	if !strings.HasPrefix(e.Footer.Text, "offline extractive") {
		t.Errorf("footer %q", e.Footer.Text)
	}
	msgs, _ := h.edits(i)
	if last := msgs[len(msgs)-1]; isDraft(last) || last.Embeds[0].Description != e.Description {
		t.Errorf("the last of %d edits is not the answer", len(msgs))
	}
}

// TestMentionStreamed: a question asked by mention is answered by a reply
// that shows the draft, then is edited into the verified answer.
func TestMentionStreamed(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	steps := newStepper()
	srv.Chat = func(w http.ResponseWriter, r *http.Request, req goopenai.ChatCompletionRequest) {
		openaitest.WriteStream(w, req, []string{"The handshake lasted", " around 40 seconds " + cite(t, req, "40 seconds") + "."}, steps.wait(r))
	}
	eng := modelEngine(t, srv)
	h := start(t, eng, func(c *bot.Config) { c.StreamInterval = time.Millisecond })

	q := &discordgo.Message{Content: mention + " " + handshakeQ}
	h.fake.SendMessage(q)
	call, draft := h.reply(q)
	if !isDraft(draft) {
		t.Fatalf("first reply %+v, want a draft", draft.Embeds)
	}
	var posted discordgo.Message
	if err := call.DecodeResponse(&posted); err != nil {
		t.Fatal(err)
	}
	steps.step(h.ctx, t)
	c, err := h.fake.WaitFor(h.ctx, func(c discordtest.Call) bool {
		var m discordgo.Message
		return c.Method == "PATCH" && c.Path == "channels/"+posted.ChannelID+"/messages/"+posted.ID &&
			c.Decode(&m) == nil && !isDraft(&m)
	})
	if err != nil {
		t.Fatal(err)
	}
	h.handled(q.ID)
	var final discordgo.Message
	if err := c.Decode(&final); err != nil {
		t.Fatal(err)
	}
	if got, want := unescape(only(t, final.Embeds).Description), eng.lastAnswer().Answer; got != want {
		t.Errorf("final %q, want %q", got, want)
	}
	if len(buttons(t, final.Components)) != 3 {
		t.Errorf("final buttons %v", final.Components)
	}
}

// TestThreadFollowUpRewritten: with a model, a follow-up in reply to an
// answer is first rewritten into a standalone question, which the answer
// is then written for.
func TestThreadFollowUpRewritten(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	const standalone = "How long did the handshake between Putin and Kim last?"
	srv.Chat = func(w http.ResponseWriter, r *http.Request, req goopenai.ChatCompletionRequest) {
		if strings.Contains(req.Messages[0].Content, "rewrite a follow-up") {
			openaitest.WriteReply(w, req, standalone)
			return
		}
		if !strings.Contains(req.Messages[len(req.Messages)-1].Content, standalone) {
			// The first question: its passages need not say how long.
			openaitest.WriteStream(w, req, []string{"Putin and Kim shook hands " + cite(t, req, "hands") + "."}, nil)
			return
		}
		openaitest.WriteStream(w, req, []string{"The handshake lasted around 40 seconds " + cite(t, req, "40 seconds") + "."}, nil)
	}
	eng := modelEngine(t, srv)
	h := start(t, eng, func(c *bot.Config) { c.StreamInterval = time.Hour })

	q := &discordgo.Message{Content: mention + " Did Putin and Kim shake hands?"}
	h.fake.SendMessage(q)
	call, _ := h.reply(q)
	var answer discordgo.Message
	if err := call.DecodeResponse(&answer); err != nil {
		t.Fatal(err)
	}
	h.handled(q.ID)
	before := len(srv.ChatRequests())

	m := &discordgo.Message{
		Content:          mention + " and how long did it last?",
		MessageReference: &discordgo.MessageReference{MessageID: answer.ID, ChannelID: answer.ChannelID},
	}
	h.fake.SendMessage(m)
	_, sent := h.reply(m)
	h.handled(m.ID)

	reqs := srv.ChatRequests()[before:]
	if len(reqs) != 2 {
		t.Fatalf("%d chat requests for the follow-up, want the rewrite and the answer", len(reqs))
	}
	if rw := reqs[0].Messages[len(reqs[0].Messages)-1].Content; !strings.Contains(rw, "Did Putin and Kim shake hands?") ||
		!strings.Contains(rw, "and how long did it last?") {
		t.Errorf("rewrite request %q, want both questions", rw)
	}
	if u := reqs[1].Messages[len(reqs[1].Messages)-1].Content; !strings.HasSuffix(u, "<question>"+standalone+"</question>") {
		t.Errorf("the answer was not written for the standalone question: %q", u[max(0, len(u)-200):])
	}
	a := eng.lastAnswer()
	if a.Question != standalone || a.Writer != retrieval.Generated {
		t.Errorf("answer to %q, mode %q", a.Question, a.Mode)
	}
	if got := unescape(only(t, sent.Embeds).Description); got != a.Answer {
		t.Errorf("follow-up answer %q, want %q", got, a.Answer)
	}
}

// TestReloadShowsEmbeddingProgress: when embedding the new passages is
// slow, the /reload reply shows how far it has got, then the report.
func TestReloadShowsEmbeddingProgress(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	var blocking atomic.Bool
	arrived := make(chan int, 64)
	release := make(chan struct{})
	srv.EmbedError = func(w http.ResponseWriter, n int) bool {
		if blocking.Load() {
			arrived <- n
			<-release
		}
		return false
	}
	emb := search.NewCachedEmbedder(openai.NewEmbedder(openai.Config{
		BaseURL: srv.BaseURL(), Model: "test-embed", Retry: openai.Retry{Attempts: 1},
	}, 1, 0), filepath.Join(t.TempDir(), "vectors.bin"), 0, nil)
	dir := t.TempDir()
	copyArticles(t, dir)
	eng, _, err := retrieval.NewEngine(t.Context(), func() (*corpus.Corpus, error) { return corpus.Load(corpus.Dir(dir)) },
		retrievaltest.Build(emb, "", nil, search.WithQueryEmbedder(emb)), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	h := start(t, eng, func(c *bot.Config) {
		c.ReloadProgressDelay, c.ReloadProgressInterval = time.Nanosecond, time.Nanosecond
	})

	if err := os.WriteFile(filepath.Join(dir, newArticleFile), []byte(newArticle), 0o644); err != nil {
		t.Fatal(err)
	}
	blocking.Store(true)
	i := discordtest.SlashCommand("reload", nil, moderator)
	h.fake.SendInteraction(i)
	select {
	case <-arrived: // the first new text is being embedded
	case <-h.ctx.Done():
		t.Fatal("the reload embedded nothing")
	}
	release <- struct{}{}
	progress := h.editOf(i, func(m *discordgo.Message) bool {
		return len(m.Embeds) == 1 && m.Embeds[0].Title == "Reloading…"
	})
	if d := progress.Embeds[0].Description; !regexp.MustCompile(`\b1 of \d+ texts embedded`).MatchString(d) {
		t.Errorf("progress %q, want 1 of n texts embedded", d)
	}
	blocking.Store(false)
	close(release)
	final := h.editOf(i, func(m *discordgo.Message) bool { return len(m.Embeds) == 1 && m.Embeds[0].Title == "Reloaded" })
	h.handled(i.ID)
	if !strings.Contains(final.Embeds[0].Fields[0].Value, newArticleID) {
		t.Errorf("report %+v, want %s added", final.Embeds[0].Fields, newArticleID)
	}
	msgs, _ := h.edits(i)
	if last := msgs[len(msgs)-1]; last.Embeds[0].Title != "Reloaded" {
		t.Errorf("the last of %d edits is %q, want the report", len(msgs), last.Embeds[0].Title)
	}
}

// TestAskFinalEditAfterSlowDraft: a draft edit that Discord rate-limits is
// still in flight when the answer is ready; the answer's edit waits for
// it, so that the draft can never land after the answer and replace it.
func TestAskFinalEditAfterSlowDraft(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	steps := newStepper()
	srv.Chat = func(w http.ResponseWriter, r *http.Request, req goopenai.ChatCompletionRequest) {
		openaitest.WriteStream(w, req, []string{"The handshake lasted", " around 40 seconds " + cite(t, req, "40 seconds") + "."}, steps.wait(r))
	}
	eng := modelEngine(t, srv)
	h := start(t, eng, func(c *bot.Config) { c.StreamInterval = time.Millisecond })
	h.fake.RateLimitNext("webhooks/", 300*time.Millisecond)

	i := h.ask(handshakeQ)
	limited := h.waitFor("PATCH webhooks/*/" + i.Token + "/messages/@original")
	if limited.Status != http.StatusTooManyRequests {
		t.Fatalf("first edit %s, want it rate limited", limited)
	}
	steps.step(h.ctx, t) // the answer is ready while the draft waits to be retried
	h.editOf(i, func(m *discordgo.Message) bool { return !isDraft(m) })
	h.handled(i.ID)

	msgs, _ := h.edits(i)
	if len(msgs) < 3 || !isDraft(msgs[1]) {
		t.Fatalf("%d edits, want the rate-limited draft, its retry, then the answer", len(msgs))
	}
	if last := msgs[len(msgs)-1]; isDraft(last) {
		t.Errorf("the last edit is a draft: %q", last.Embeds[0].Description)
	}
}
