package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/summitbot/summitbot/bot/store"
	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/qa"
	"github.com/summitbot/summitbot/retrieval/search"
)

// Config is everything summitbot can be told. It is built in three layers:
// DefaultConfig, then the YAML file given with --config (if any), then
// environment variables, each overriding the one before. config.example.yaml
// documents every key and its variable.
type Config struct {
	Corpus    CorpusConfig    `yaml:"corpus"`
	Retrieval RetrievalConfig `yaml:"retrieval"`
	Discord   DiscordConfig   `yaml:"discord"`
	Log       LogConfig       `yaml:"log"`
	Health    HealthConfig    `yaml:"health"`
	Store     StoreConfig     `yaml:"store"`
	LLM       LLMConfig       `yaml:"llm"`       // see model.go
	Embedding EmbeddingConfig `yaml:"embedding"` // see model.go
}

// DiscordConfig is what `summitbot serve` needs to be a Discord bot.
type DiscordConfig struct {
	// Token is the bot token. Prefer DISCORD_TOKEN to writing it in a file.
	// It is never logged.
	Token string `yaml:"token"`
	// GuildID registers the commands to one server, where they appear at
	// once (for development); empty registers them globally.
	GuildID string `yaml:"guild_id"`
	// APIURL is the base of Discord's REST API; REST calls and the gateway
	// lookup go through it (a REST proxy, or a fake Discord in tests).
	APIURL string `yaml:"api_url"`
	// ModeratorRoleIDs may use /reload besides members with Manage Server.
	ModeratorRoleIDs []string `yaml:"moderator_role_ids"`
	// AllowDMs answers mentions and questions in direct messages.
	AllowDMs bool `yaml:"allow_dms"`
	// QuestionsPerMinute and Burst bound each user's questions; moderators
	// are exempt.
	QuestionsPerMinute float64 `yaml:"questions_per_minute"`
	Burst              int     `yaml:"burst"`
	// ShardID and ShardCount split the bot's servers between processes.
	ShardID    int `yaml:"shard_id"`
	ShardCount int `yaml:"shard_count"`
	// ShutdownGrace bounds how long answers in flight may take to finish
	// after SIGINT or SIGTERM.
	ShutdownGrace time.Duration `yaml:"shutdown_grace"`
}

// CorpusConfig says where the articles come from.
type CorpusConfig struct {
	// Dir is a directory of article files; empty means the articles
	// embedded in the binary.
	Dir string `yaml:"dir"`
	// WatchInterval is how often Dir is checked for changed articles, which
	// are then reloaded; 0 turns the check off (/reload and SIGHUP still
	// reload). With several shards, set it so that every shard picks up a
	// change: a /reload reaches only its own.
	WatchInterval time.Duration `yaml:"watch_interval"`
}

// StoreConfig says where `summitbot serve` keeps what survives a restart:
// answers (for their buttons and reply follow-ups), votes, the question log
// and each server's settings (see docs/store.md). ask and eval do not use it.
type StoreConfig struct {
	// Path is the SQLite file; empty means sqlite.DefaultPath(), in the
	// user's data directory. Ignored when URL is set.
	Path string `yaml:"path"`
	// URL, when set, is a postgres:// (or postgresql://) URL: shards then
	// share one PostgreSQL database and hear of corpus changes through it.
	URL string `yaml:"url"`
	// Retention is how long answers and logged questions are kept; 0
	// keeps none beyond the next hourly purge.
	Retention time.Duration `yaml:"retention"`
}

// RetrievalConfig tunes how passages are found.
type RetrievalConfig struct {
	Mode        string `yaml:"mode"`        // keyword, vector or hybrid
	Passages    int    `yaml:"passages"`    // passages an answer draws on
	Dimensions  int    `yaml:"dimensions"`  // of the local embedder's vectors
	Calibration string `yaml:"calibration"` // refusal thresholds file; empty means the embedded one
	Embedder    string `yaml:"embedder"`    // local, or openai (see EmbeddingConfig)
}

// HealthConfig is the side port for health checks and metrics.
type HealthConfig struct {
	// Addr is where /healthz, /readyz and /metrics listen, e.g.
	// 127.0.0.1:8080; empty turns the port off.
	Addr string `yaml:"addr"`
}

// LogConfig shapes the log, which goes to standard error.
type LogConfig struct {
	Level  string `yaml:"level"`  // debug, info, warn or error
	Format string `yaml:"format"` // text or json
}

// DefaultConfig is the configuration with no file and no environment.
func DefaultConfig() Config {
	return Config{
		Retrieval: RetrievalConfig{
			Mode:       string(retrieval.Hybrid),
			Passages:   qa.DefaultPassages,
			Dimensions: search.DefaultLocalDims,
			Embedder:   "local",
		},
		LLM:       defaultLLM(),
		Embedding: defaultEmbedding(),
		Discord: DiscordConfig{
			APIURL:             "https://discord.com/api/v10",
			AllowDMs:           true,
			QuestionsPerMinute: 4,
			Burst:              3,
			ShardCount:         1,
			ShutdownGrace:      10 * time.Second,
		},
		Log:   LogConfig{Level: "info", Format: "text"},
		Store: StoreConfig{Retention: store.DefaultRetention},
	}
}

// LoadConfig builds the configuration from the defaults, the file at path
// (skipped when path is empty) and the environment, then checks it.
func LoadConfig(path string, getenv func(string) string) (Config, error) {
	cfg := DefaultConfig()
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return cfg, fmt.Errorf("config: %w", err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
			return cfg, fmt.Errorf("config %s: %w", path, err)
		}
		if err := oneDocument(dec); err != nil {
			return cfg, fmt.Errorf("config %s: %w", path, err)
		}
	}
	if err := cfg.applyEnv(getenv); err != nil {
		return cfg, err
	}
	return cfg, cfg.validate()
}

// oneDocument checks that what is left of dec holds no YAML document with
// anything in it: a second document would be ignored without a word, and
// whoever wrote it would believe it applied. An empty one, such as a
// trailing "---", changes nothing and is allowed.
func oneDocument(dec *yaml.Decoder) error {
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return err
		}
		for _, n := range doc.Content {
			if n.Kind != yaml.ScalarNode || n.Tag != "!!null" {
				return fmt.Errorf("a second YAML document starts at line %d; summitbot reads only the first, so put every setting in it", doc.Line)
			}
		}
	}
}

// envVar binds one environment variable to one setting.
type envVar struct {
	name string
	set  func(string) error
}

// env lists every environment variable summitbot reads, with the setting it
// overrides. Keep it in step with config.example.yaml.
func (c *Config) env() []envVar {
	return append([]envVar{
		{"SUMMITBOT_CORPUS_DIR", setString(&c.Corpus.Dir)},
		{"SUMMITBOT_CORPUS_WATCH_INTERVAL", setDuration(&c.Corpus.WatchInterval)},
		{"SUMMITBOT_RETRIEVAL_MODE", setString(&c.Retrieval.Mode)},
		{"SUMMITBOT_RETRIEVAL_PASSAGES", setInt(&c.Retrieval.Passages)},
		{"SUMMITBOT_RETRIEVAL_DIMENSIONS", setInt(&c.Retrieval.Dimensions)},
		{"SUMMITBOT_RETRIEVAL_CALIBRATION", setString(&c.Retrieval.Calibration)},
		{"DISCORD_TOKEN", setString(&c.Discord.Token)},
		{"SUMMITBOT_DISCORD_GUILD_ID", setString(&c.Discord.GuildID)},
		{"SUMMITBOT_DISCORD_API_URL", setString(&c.Discord.APIURL)},
		{"SUMMITBOT_DISCORD_MODERATOR_ROLE_IDS", setList(&c.Discord.ModeratorRoleIDs)},
		{"SUMMITBOT_DISCORD_ALLOW_DMS", setBool(&c.Discord.AllowDMs)},
		{"SUMMITBOT_DISCORD_QUESTIONS_PER_MINUTE", setFloat(&c.Discord.QuestionsPerMinute)},
		{"SUMMITBOT_DISCORD_BURST", setInt(&c.Discord.Burst)},
		{"SUMMITBOT_DISCORD_SHARD_ID", setInt(&c.Discord.ShardID)},
		{"SUMMITBOT_DISCORD_SHARD_COUNT", setInt(&c.Discord.ShardCount)},
		{"SUMMITBOT_DISCORD_SHUTDOWN_GRACE", setDuration(&c.Discord.ShutdownGrace)},
		{"SUMMITBOT_HEALTH_ADDR", setString(&c.Health.Addr)},
		{"SUMMITBOT_STORE_PATH", setString(&c.Store.Path)},
		{"SUMMITBOT_STORE_URL", setString(&c.Store.URL)},
		{"SUMMITBOT_STORE_RETENTION", setDuration(&c.Store.Retention)},
		{"SUMMITBOT_LOG_LEVEL", setString(&c.Log.Level)},
		{"SUMMITBOT_LOG_FORMAT", setString(&c.Log.Format)},
	}, c.modelEnv()...)
}

func (c *Config) applyEnv(getenv func(string) string) error {
	for _, v := range c.env() {
		s := getenv(v.name)
		if s == "" {
			continue
		}
		if err := v.set(s); err != nil {
			return fmt.Errorf("config: %s: %w", v.name, err)
		}
	}
	return nil
}

func setString(p *string) func(string) error {
	return func(s string) error { *p = s; return nil }
}

func setInt(p *int) func(string) error {
	return func(s string) error {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("%q is not a whole number", s)
		}
		*p = n
		return nil
	}
}

func setBool(p *bool) func(string) error {
	return func(s string) error {
		b, err := strconv.ParseBool(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("%q is not true or false", s)
		}
		*p = b
		return nil
	}
}

func setFloat(p *float64) func(string) error {
	return func(s string) error {
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", s)
		}
		*p = f
		return nil
	}
}

func setDuration(p *time.Duration) func(string) error {
	return func(s string) error {
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("%q is not a duration such as 10s", s)
		}
		*p = d
		return nil
	}
}

// setList reads a comma-separated list.
func setList(p *[]string) func(string) error {
	return func(s string) error {
		*p = nil
		for _, f := range strings.Split(s, ",") {
			if f = strings.TrimSpace(f); f != "" {
				*p = append(*p, f)
			}
		}
		return nil
	}
}

func (c *Config) validate() error {
	var errs []error
	if _, err := retrieval.ParseMode(c.Retrieval.Mode); err != nil {
		errs = append(errs, fmt.Errorf("retrieval.mode: %w", err))
	}
	if c.Retrieval.Passages < 1 || c.Retrieval.Passages > 50 {
		errs = append(errs, fmt.Errorf("retrieval.passages: %d is not between 1 and 50", c.Retrieval.Passages))
	}
	if c.Retrieval.Dimensions < 64 || c.Retrieval.Dimensions > 65536 {
		errs = append(errs, fmt.Errorf("retrieval.dimensions: %d is not between 64 and 65536", c.Retrieval.Dimensions))
	}
	if c.Corpus.WatchInterval < 0 {
		errs = append(errs, fmt.Errorf("corpus.watch_interval: must be 0 (off) or more"))
	}
	d := c.Discord
	if d.QuestionsPerMinute <= 0 || d.Burst < 1 {
		errs = append(errs, fmt.Errorf("discord: questions_per_minute must be above 0 and burst at least 1"))
	}
	if d.ShardCount < 1 || d.ShardID < 0 || d.ShardID >= d.ShardCount {
		errs = append(errs, fmt.Errorf("discord: shard_id %d must be from 0 to shard_count-1 (shard_count %d)", d.ShardID, d.ShardCount))
	}
	if d.ShutdownGrace <= 0 {
		errs = append(errs, fmt.Errorf("discord.shutdown_grace: must be above 0"))
	}
	if c.Store.Retention < 0 {
		errs = append(errs, fmt.Errorf("store.retention: must be 0 (keep none) or more"))
	}
	if c.Store.URL != "" && !isPostgresURL(c.Store.URL) {
		errs = append(errs, fmt.Errorf("store.url: must start with postgres:// or postgresql:// (leave it empty for SQLite at store.path)"))
	}
	if _, err := parseLevel(c.Log.Level); err != nil {
		errs = append(errs, fmt.Errorf("log.level: %w", err))
	}
	if c.Health.Addr != "" {
		if _, _, err := net.SplitHostPort(c.Health.Addr); err != nil {
			errs = append(errs, fmt.Errorf("health.addr: %w", err))
		}
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		errs = append(errs, fmt.Errorf("log.format: %q is not text or json", c.Log.Format))
	}
	errs = append(errs, c.validateModel()...)
	if len(errs) > 0 {
		return fmt.Errorf("config: %w", errors.Join(errs...))
	}
	return nil
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("%q is not debug, info, warn or error", s)
	}
	return l, nil
}

// newLogger returns the logger the configuration asks for, writing to w.
func (c *Config) newLogger(w io.Writer) *slog.Logger {
	level, _ := parseLevel(c.Log.Level) // validated
	return c.newLoggerAt(w, level)
}

// newLoggerAt is newLogger at level, or at the configured level when that
// is higher.
func (c *Config) newLoggerAt(w io.Writer, level slog.Level) *slog.Logger {
	configured, _ := parseLevel(c.Log.Level) // validated
	opts := &slog.HandlerOptions{Level: max(level, configured)}
	if c.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// isPostgresURL reports whether url names a PostgreSQL database.
func isPostgresURL(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}
