package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/summitbot/summitbot/bot/store"
	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
)

// Answerer answers a question; draft, when not nil, is shown a model's
// answer as it is written (see retrieval.Answerer).
type Answerer interface {
	Answer(ctx context.Context, q retrieval.Question, draft func(text string)) (*retrieval.Answer, error)
}

// Library lists the articles and finds an article's passages for /sources
// and /source (see retrieval.Library).
type Library interface {
	Articles() []*corpus.Article
	Article(id string) (*corpus.Article, bool)
	Passages(ctx context.Context, articleID, query string, n int) ([]retrieval.Passage, error)
}

// Reloader rebuilds the index to the side and swaps it in, or keeps the
// old one and says why; retrieval.ErrReloadRunning when one is running.
type Reloader interface {
	Reload(ctx context.Context) (*retrieval.ReloadReport, error)
}

// Engine is everything the bot is handed: *retrieval.Engine implements it.
type Engine interface {
	Answerer
	Library
	Reloader
}

// Config is what the bot needs besides its engine. cmd/summitbot fills it
// from the discord section of its configuration.
type Config struct {
	// Token is the bot token, with or without the "Bot " prefix. It is never
	// logged.
	Token string
	// APIURL is the base of Discord's REST API (DefaultAPIURL when empty);
	// every REST call and the gateway lookup go through it.
	APIURL string
	// Transport carries the HTTP requests; nil means a clone of
	// http.DefaultTransport that the bot closes when Run ends.
	Transport http.RoundTripper
	// GuildID registers the commands to one server; empty registers them
	// globally.
	GuildID string
	// ModeratorRoleIDs may /reload, besides members with Manage Server.
	ModeratorRoleIDs []string
	// AllowDMs answers commands and messages in direct messages.
	AllowDMs bool
	// QuestionsPerMinute and Burst bound each user's questions (defaults 4
	// and 3); moderators are exempt.
	QuestionsPerMinute float64
	Burst              int
	// ShardID and ShardCount split the bot's servers between processes.
	ShardID, ShardCount int
	// ShutdownGrace bounds how long answers in flight may take once Run's
	// context is cancelled (default 10 s); the users whose answers are not
	// delivered by then are told to ask again.
	ShutdownGrace time.Duration
	// RequestTimeout bounds each attempt of a request to Discord (default
	// 10 s). Acknowledgements, answers and replies that fail with a 5xx, a
	// timeout or a dropped connection are sent again after RetryBackoff
	// (default 500 ms), doubling and jittered, up to RetryAttempts tries in
	// all (default 5), within the interaction's window; a 429 is retried
	// after its retry_after.
	RequestTimeout time.Duration
	RetryBackoff   time.Duration
	RetryAttempts  int
	// StreamInterval is the least time between edits that show a model's
	// answer as it is written (default 1.5 s); edits share Discord's rate
	// limits with everything else the bot sends.
	StreamInterval time.Duration
	// ReloadProgressDelay is how long a /reload runs before its reply shows
	// embedding progress (default 2 s); ReloadProgressInterval is the least
	// time between those edits (default 1.5 s).
	ReloadProgressDelay, ReloadProgressInterval time.Duration
	// Metrics, when not nil, counts what the bot does (see NewMetrics).
	Metrics *Metrics
	// Store keeps answers (for their buttons and follow-ups), votes, the
	// question log and each server's settings; nil means a store.Memory,
	// which forgets everything when the bot stops. The bot does not close
	// it: close it after Run has returned.
	Store store.Store
	// Notifier, when not nil, tells the other shards that share the store
	// that the corpus changed (/reload, /article), and tells this bot when
	// another shard changed it, whereupon it reloads.
	Notifier store.Notifier
	// CorpusDir is the directory of articles /article adds to and removes
	// from; empty turns /article's changes off.
	CorpusDir string
}

// Bot is a running Discord bot. Make one with New and call Run once.
type Bot struct {
	cfg     Config
	engine  Engine
	log     *slog.Logger
	limiter *userLimiter
	store   store.Store
	// instance tells this bot's corpus announcements from other shards'.
	instance string
	// api is the session's transport, which knows the configured API URL
	// for error messages; set by Run.
	api *apiTransport
	// sharedEditBucket puts every response edit into discordgo's one shared
	// rate-limit bucket, as before editBucket; for measuring the difference.
	sharedEditBucket bool
	// moderators holds ModeratorRoleIDs.
	moderators map[string]bool

	votesUp, votesDown atomic.Int64

	connected atomic.Bool  // the gateway connection is up (gateway.go)
	connects  atomic.Int64 // gateway connections made

	// answering bounds the answers worked out at once to the CPUs, so that
	// a burst of questions cannot starve the acknowledgements Discord
	// wants within 3 s: an acknowledgement is one short request, an answer
	// is CPU work.
	answering chan struct{}

	// workCtx is what handlers run under; it ends when the shutdown grace
	// period does, not when Run's context does, so that answers in flight
	// can finish.
	workCtx    context.Context
	cancelWork context.CancelFunc

	mu       sync.Mutex
	closing  bool           // no new work is taken
	inflight sync.WaitGroup // handlers running; Add only under mu while !closing
	appID    string         // from READY
	userID   string         // the bot user, from READY
	ran      bool

	ready chan struct{} // closed once the commands are registered
}

// New checks cfg and returns a bot that answers from engine and logs to log.
func New(cfg Config, engine Engine, log *slog.Logger) (*Bot, error) {
	if strings.TrimSpace(strings.TrimPrefix(cfg.Token, "Bot ")) == "" {
		return nil, errors.New("bot: no Discord bot token")
	}
	if engine == nil {
		return nil, errors.New("bot: no engine")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if cfg.QuestionsPerMinute <= 0 {
		cfg.QuestionsPerMinute = 4
	}
	if cfg.Burst < 1 {
		cfg.Burst = 3
	}
	if cfg.ShardCount < 1 {
		cfg.ShardCount = 1
	}
	if cfg.ShardID < 0 || cfg.ShardID >= cfg.ShardCount {
		return nil, fmt.Errorf("bot: shard id %d is not below shard count %d", cfg.ShardID, cfg.ShardCount)
	}
	if cfg.ShutdownGrace <= 0 {
		cfg.ShutdownGrace = 10 * time.Second
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = defaultRequestTimeout
	}
	if cfg.RetryBackoff <= 0 {
		cfg.RetryBackoff = defaultRetryBackoff
	}
	if cfg.RetryAttempts < 1 {
		cfg.RetryAttempts = defaultRetryAttempts
	}
	b := &Bot{
		cfg:        cfg,
		engine:     engine,
		log:        log,
		limiter:    newUserLimiter(cfg.QuestionsPerMinute, cfg.Burst),
		store:      cfg.Store,
		instance:   errorID() + errorID(),
		moderators: make(map[string]bool),
		ready:      make(chan struct{}),
		answering:  make(chan struct{}, runtime.GOMAXPROCS(0)),
	}
	if b.store == nil {
		b.store = store.NewMemory()
	}
	for _, id := range cfg.ModeratorRoleIDs {
		b.moderators[id] = true
	}
	b.workCtx, b.cancelWork = context.WithCancel(context.Background())
	if cfg.Metrics != nil {
		cfg.Metrics.bot.Store(b)
	}
	return b, nil
}

// Ready is closed once Run has connected and registered the commands.
func (b *Bot) Ready() <-chan struct{} { return b.ready }

// Feedback returns the 👍 and 👎 votes counted since the bot started.
func (b *Bot) Feedback() (up, down int64) { return b.votesUp.Load(), b.votesDown.Load() }

// Run connects to Discord, registers the commands with one bulk overwrite,
// and answers until ctx is cancelled. Then it stops taking new work, waits
// up to the shutdown grace period for answers in flight, closes the gateway
// and returns nil. It returns an error when it cannot connect or register.
func (b *Bot) Run(ctx context.Context) error {
	b.mu.Lock()
	if b.ran {
		b.mu.Unlock()
		return errors.New("bot: Run called twice")
	}
	b.ran = true
	b.mu.Unlock()
	defer b.cancelWork()

	s, closeIdle, err := b.newSession()
	if err != nil {
		return err
	}
	defer closeIdle()

	// discordgo's Open reads READY itself; with SyncEvents the handler has
	// run by the time Open returns.
	if err := s.Open(); err != nil {
		b.stop()
		return fmt.Errorf("bot: connect to the Discord gateway: %w", b.redact(err))
	}
	b.mu.Lock()
	appID, userID := b.appID, b.userID
	b.mu.Unlock()

	regCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	var cmds []*discordgo.ApplicationCommand
	err = b.call(regCtx, callPolicy{retry: true}, func(opts ...discordgo.RequestOption) error {
		var err error
		cmds, err = s.ApplicationCommandBulkOverwrite(appID, b.cfg.GuildID, commands(b.cfg.AllowDMs), opts...)
		return err
	})
	cancel()
	if err != nil {
		// The gateway is open, so questions may have come in and been
		// acknowledged while the commands were being registered: they are
		// answered, within the grace period, before the session closes.
		b.stop()
		b.drain()
		b.closeSession(s)
		if ctx.Err() != nil {
			return nil // asked to stop while registering
		}
		return fmt.Errorf("bot: register commands: %w", err)
	}
	scope := "global"
	if b.cfg.GuildID != "" {
		scope = "guild " + b.cfg.GuildID
	}
	listenCtx, stopListening := context.WithCancel(context.WithoutCancel(ctx))
	defer stopListening()
	if err := b.listenCorpus(listenCtx); err != nil {
		// Not fatal: the corpus watch and SIGHUP still reload.
		b.log.Error("could not listen for other shards' corpus changes", "err", err)
	}
	b.log.Info("discord bot ready", "application", appID, "user", userID, "commands", len(cmds),
		"scope", scope, "shard", b.cfg.ShardID, "shards", b.cfg.ShardCount)
	close(b.ready)

	<-ctx.Done()
	b.stop()
	b.log.Info("discord bot stopping; new interactions are turned away", "grace", b.cfg.ShutdownGrace)
	b.drain()
	b.closeSession(s)
	b.log.Info("discord bot stopped")
	return nil
}

// newSession makes a discordgo session that reaches Discord through
// APIURL. closeIdle releases the transport's connections if the bot made it.
func (b *Bot) newSession() (*discordgo.Session, func(), error) {
	token := strings.TrimSpace(b.cfg.Token)
	if !strings.HasPrefix(token, "Bot ") {
		token = "Bot " + token
	}
	s, err := discordgo.New(token)
	if err != nil {
		return nil, nil, fmt.Errorf("bot: new session: %w", err)
	}
	next, closeIdle := b.cfg.Transport, func() {}
	if next == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		// Answers to many interactions go out at once.
		t.MaxIdleConnsPerHost = 32
		next, closeIdle = t, t.CloseIdleConnections
	}
	rt, err := newAPITransport(b.cfg.APIURL, next)
	if err != nil {
		return nil, nil, fmt.Errorf("bot: %w", err)
	}
	b.api = rt
	// Each attempt is bounded by RequestTimeout (see call); this is the
	// net under the requests discordgo makes by itself.
	s.Client = &http.Client{Transport: rt, Timeout: max(30*time.Second, b.cfg.RequestTimeout)}
	s.ShardID, s.ShardCount = b.cfg.ShardID, b.cfg.ShardCount
	// Slash commands need no intent; mentions and DMs arrive with their
	// content without the privileged message content intent.
	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
	// Handlers run in discordgo's read loop, so that each one can be
	// counted before its goroutine starts (see spawn).
	s.SyncEvents = true
	s.AddHandler(b.onReady)
	s.AddHandler(b.onConnect)
	s.AddHandler(b.onDisconnect)
	s.AddHandler(b.onInteraction)
	s.AddHandler(b.onMessage)
	return s, closeIdle, nil
}

func (b *Bot) onReady(_ *discordgo.Session, r *discordgo.Ready) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if r.User != nil {
		b.userID = r.User.ID
	}
	if r.Application != nil {
		b.appID = r.Application.ID
	}
	if b.appID == "" {
		b.appID = b.userID // on Discord the two are the same
	}
}

// onConnect closes a connection that discordgo's reconnect loop opened
// after shutdown began: its loop, once started, does not look at Close.
func (b *Bot) onConnect(s *discordgo.Session, _ *discordgo.Connect) {
	b.gatewayUp()
	b.mu.Lock()
	closing := b.closing
	b.mu.Unlock()
	if closing {
		go s.Close()
	}
}

// botUserID returns the bot user's id.
func (b *Bot) botUserID() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.userID
}

// spawn runs f in a goroutine counted as in flight, unless shutdown has
// begun; it reports whether f will run.
func (b *Bot) spawn(f func(ctx context.Context)) bool {
	b.mu.Lock()
	if b.closing {
		b.mu.Unlock()
		return false
	}
	b.inflight.Add(1)
	b.mu.Unlock()
	go func() {
		defer b.inflight.Done()
		f(b.workCtx)
	}()
	return true
}

// isClosing reports whether shutdown has begun.
func (b *Bot) isClosing() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.closing
}

// stop makes the bot take no new work.
func (b *Bot) stop() {
	b.mu.Lock()
	b.closing = true
	b.mu.Unlock()
}

// drain waits for the handlers in flight, up to the grace period; then it
// cancels them and waits a little more for them to notice.
func (b *Bot) drain() {
	done := make(chan struct{})
	go func() {
		b.inflight.Wait()
		close(done)
	}()
	grace := time.NewTimer(b.cfg.ShutdownGrace)
	defer grace.Stop()
	select {
	case <-done:
		return
	case <-grace.C:
	}
	b.log.Warn("shutdown grace period over; cancelling answers in flight", "grace", b.cfg.ShutdownGrace)
	b.cancelWork()
	// Long enough for the handlers to tell their users to ask again.
	late := time.NewTimer(reportTimeout + time.Second)
	defer late.Stop()
	select {
	case <-done:
	case <-late.C:
		b.log.Warn("answers still in flight after cancelling them")
	}
}

// closeSession closes the gateway for good. discordgo's heartbeat and read
// loops call reconnect after a failed write or read, and reconnect reads
// ShouldReconnectOnError once; writing it under the session's lock orders
// it before any such read that follows Close.
func (b *Bot) closeSession(s *discordgo.Session) {
	s.Lock()
	s.ShouldReconnectOnError = false
	s.Unlock()
	if err := s.Close(); err != nil {
		b.log.Warn("close gateway", "err", err)
	}
}
