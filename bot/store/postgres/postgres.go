// Package postgres is the store.Store that several processes share: the
// shards of one bot keep their answers, votes, question log and settings
// in one PostgreSQL database (github.com/jackc/pgx/v5, pgxpool), and tell
// each other of corpus changes with LISTEN/NOTIFY (store.Notifier). The
// schema is kept as embedded SQL files under migrations/, applied in order
// on Open under an advisory lock (shards may start together) and recorded
// in schema_migrations.
//
// Tests start their own server with pgtest.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/summitbot/summitbot/bot/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is a store.Store and store.Notifier in a PostgreSQL database.
type DB struct {
	pool  *pgxpool.Pool
	users store.UserHasher
	log   *slog.Logger

	// ctx ends with Close, stopping listeners; wg waits for them.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu     sync.RWMutex // held for reading by calls, for writing by Close
	closed bool
}

var (
	_ store.Store       = (*DB)(nil)
	_ store.Notifier    = (*DB)(nil)
	_ store.BatchWriter = (*DB)(nil)
)

// migrationLock is the advisory lock key under which migrations run.
const migrationLock = 0x5355_4d4d_4954 // "SUMMIT"

// Open connects to the database at url (postgres://…), brings its schema
// up to date and reads (or creates) the user-hash key. log receives
// listeners' reconnections; slog.Default() when nil.
func Open(ctx context.Context, url string, log *slog.Logger) (*DB, error) {
	if log == nil {
		log = slog.Default()
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err) // never the URL: it may hold a password
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", cfg.ConnConfig.Host, err)
	}
	db := &DB{pool: pool, log: log}
	db.ctx, db.cancel = context.WithCancel(context.Background())
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", cfg.ConnConfig.Host, err)
	}
	key, err := db.userKey(ctx)
	if err == nil {
		db.users, err = store.NewUserHasher(key)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", cfg.ConnConfig.Host, err)
	}
	return db, nil
}

// migrate applies the embedded migrations not yet recorded, all in one
// transaction under an advisory lock.
func (db *DB) migrate(ctx context.Context) error {
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock)); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version integer PRIMARY KEY,
			name    text NOT NULL,
			applied timestamptz NOT NULL DEFAULT now()
		)`); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		return store.Migrate(ctx, migrations, "migrations", func(ctx context.Context, m store.Migration) error {
			var done bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)`,
				m.Version).Scan(&done); err != nil || done {
				return err
			}
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name)
			return err
		})
	})
}

// Migrations returns the embedded migrations in order.
func Migrations() ([]store.Migration, error) { return store.ReadMigrations(migrations, "migrations") }

// SchemaVersion returns the highest migration applied.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v *int
	if err := db.pool.QueryRow(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	if v == nil {
		return 0, nil
	}
	return *v, nil
}

// userKey returns the user-hash key, creating it on first use; every shard
// reads the same one.
func (db *DB) userKey(ctx context.Context) ([]byte, error) {
	if _, err := db.pool.Exec(ctx, `INSERT INTO meta (key, value) VALUES ('user_hash_key', $1) ON CONFLICT DO NOTHING`,
		store.NewUserKey()); err != nil {
		return nil, fmt.Errorf("user hash key: %w", err)
	}
	var key []byte
	if err := db.pool.QueryRow(ctx, `SELECT value FROM meta WHERE key = 'user_hash_key'`).Scan(&key); err != nil {
		return nil, fmt.Errorf("user hash key: %w", err)
	}
	return key, nil
}

// Close stops the listeners and closes the pool; later calls return
// store.ErrClosed.
func (db *DB) Close() error {
	db.mu.Lock()
	if db.closed {
		db.mu.Unlock()
		return fmt.Errorf("close: %w", store.ErrClosed)
	}
	db.closed = true
	db.mu.Unlock()
	db.cancel()
	db.wg.Wait()
	db.pool.Close()
	return nil
}

// begin marks a call in progress, or says the store is closed. end with
// the returned func.
func (db *DB) begin(op string) (func(), error) {
	db.mu.RLock()
	if db.closed {
		db.mu.RUnlock()
		return nil, fmt.Errorf("%s: %w", op, store.ErrClosed)
	}
	return db.mu.RUnlock, nil
}

var errNoRows = pgx.ErrNoRows

func notFound(err error) error {
	if errors.Is(err, errNoRows) {
		return store.ErrNotFound
	}
	return err
}
