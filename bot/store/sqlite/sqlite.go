// Package sqlite is the embedded store.Store: one file, one process, pure Go
// (modernc.org/sqlite, so CGO_ENABLED=0 builds stay static). The file is
// created with mode 0600 and opened in WAL mode; writes go through one
// connection, reads through a small pool. The schema is kept as embedded
// SQL files under migrations/, applied in order on Open and recorded in
// schema_migrations.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/summitbot/summitbot/bot/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is a store.Store in one SQLite file.
type DB struct {
	path   string
	write  *sql.DB // one connection: SQLite has one writer at a time
	read   *sql.DB
	users  store.UserHasher
	closed atomic.Bool
}

var (
	_ store.Store       = (*DB)(nil)
	_ store.BatchWriter = (*DB)(nil)
)

// pragmas apply to every connection. WAL lets readers run beside the
// writer; synchronous=NORMAL is WAL's usual pairing (a power cut may lose
// the last commits, never the file); the busy timeout waits out another
// process's write instead of failing.
const pragmas = "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)"

// Open opens the database at path, creating it (mode 0600, and its
// directory, mode 0700) when missing, and brings its schema up to date.
// An existing file that others may read is refused.
func Open(ctx context.Context, path string) (*DB, error) {
	if err := create(path); err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	db, err := open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return db, nil
}

// create makes the file itself, so that it never exists with the umask's
// mode, and checks the mode of one that was there.
func create(path string) error {
	if path == "" || strings.ContainsRune(path, '?') || strings.HasPrefix(path, "file:") || path == ":memory:" {
		return fmt.Errorf("not a plain file name: %q", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	f.Close()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("not a regular file (%v)", fi.Mode())
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("mode %v lets others read the store: chmod 600 %s", fi.Mode().Perm(), path)
	}
	return nil
}

func open(ctx context.Context, path string) (_ *DB, err error) {
	db := &DB{path: path}
	defer func() {
		if err != nil {
			db.closeDBs()
		}
	}()
	db.write, err = sql.Open("sqlite", path+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	db.write.SetMaxOpenConns(1)
	db.write.SetMaxIdleConns(1)
	db.write.SetConnMaxLifetime(0)
	db.write.SetConnMaxIdleTime(0)
	if err := migrate(ctx, db.write); err != nil {
		return nil, err
	}
	db.read, err = sql.Open("sqlite", path+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		return nil, err
	}
	db.read.SetMaxOpenConns(4)
	db.read.SetMaxIdleConns(4)
	key, err := userKey(ctx, db.write)
	if err != nil {
		return nil, err
	}
	if db.users, err = store.NewUserHasher(key); err != nil {
		return nil, err
	}
	return db, nil
}

// migrate applies the embedded migrations not yet recorded, each in its own
// transaction (BEGIN IMMEDIATE: two processes opening a new file at once
// take turns).
func migrate(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name    TEXT NOT NULL,
		applied INTEGER NOT NULL
	)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return store.Migrate(ctx, migrations, "migrations", func(ctx context.Context, m store.Migration) error {
		return apply(ctx, db, m)
	})
}

func apply(ctx context.Context, db *sql.DB, m store.Migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)`,
		m.Version, m.Name, time.Now().UnixMicro()); err != nil {
		return err
	}
	return tx.Commit()
}

// Migrations returns the embedded migrations in order.
func Migrations() ([]store.Migration, error) { return store.ReadMigrations(migrations, "migrations") }

// SchemaVersion returns the highest migration applied.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	if err := db.read.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return int(v.Int64), nil
}

// userKey returns the user-hash key, creating it on first use.
func userKey(ctx context.Context, db *sql.DB) ([]byte, error) {
	if _, err := db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('user_hash_key', ?) ON CONFLICT DO NOTHING`,
		store.NewUserKey()); err != nil {
		return nil, fmt.Errorf("user hash key: %w", err)
	}
	var key []byte
	if err := db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'user_hash_key'`).Scan(&key); err != nil {
		return nil, fmt.Errorf("user hash key: %w", err)
	}
	return key, nil
}

// Path is the database file.
func (db *DB) Path() string { return db.path }

// Close closes the database; later calls return store.ErrClosed.
func (db *DB) Close() error {
	if db.closed.Swap(true) {
		return fmt.Errorf("close: %w", store.ErrClosed)
	}
	return db.closeDBs()
}

func (db *DB) closeDBs() error {
	var errs []error
	for _, d := range []*sql.DB{db.read, db.write} {
		if d != nil {
			errs = append(errs, d.Close())
		}
	}
	return errors.Join(errs...)
}

func (db *DB) check(op string) error {
	if db.closed.Load() {
		return fmt.Errorf("%s: %w", op, store.ErrClosed)
	}
	return nil
}
