package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/summitbot/summitbot/bot/store"
	"github.com/summitbot/summitbot/bot/store/sqlite"
	"github.com/summitbot/summitbot/bot/store/storetest"
)

func openTemp(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "sub", "summitbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
}

func TestConformanceAsync(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return store.NewAsync(openTemp(t), store.AsyncOptions{}) })
}

func TestFileMode(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	if err := db.SaveAnswer(ctx, &store.Answer{ID: "a", Question: "q"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{db.Path(), db.Path() + "-wal", db.Path() + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != 0o600 {
			t.Errorf("%s: mode %v, want 0600", filepath.Base(p), got)
		}
	}
	fi, err := os.Stat(filepath.Dir(db.Path()))
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o700 {
		t.Errorf("directory mode %v, want 0700", got)
	}
	db.Close()
}

func TestRefusesReadableFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "open.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil { // whatever the umask
		t.Fatal(err)
	}
	db, err := sqlite.Open(context.Background(), path)
	if err == nil {
		db.Close()
		t.Fatal("Open of a world-readable file succeeded")
	}
	if !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("error %q does not say how to fix it", err)
	}
}

func TestSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "summitbot.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveAnswer(ctx, &store.Answer{ID: "a1", Question: "q", MessageID: "m1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Vote(ctx, "a1", "user-123456789", true); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	if v, err := db.SchemaVersion(ctx); err != nil || v != 1 {
		t.Errorf("SchemaVersion = %d, %v; want 1", v, err)
	}
	if a, err := db.AnswerByMessage(ctx, "m1"); err != nil || a.ID != "a1" {
		t.Errorf("AnswerByMessage after reopen = %v, %v", a, err)
	}
	// The same user is recognised after a restart: same key.
	r, err := db.Vote(ctx, "a1", "user-123456789", true)
	if err != nil || r != (store.VoteResult{Up: 1, Repeat: true}) {
		t.Errorf("Vote after reopen = %+v, %v; want a repeat", r, err)
	}
}

func TestNoRawUserIDs(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	const user = "user-987654321"
	if _, err := db.Vote(ctx, "a1", user, false); err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var hash string
	if err := raw.QueryRow(`SELECT user_hash FROM votes`).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(hash, user) || len(hash) != 64 {
		t.Errorf("user kept as %q, want a 64-hex-digit HMAC", hash)
	}
	for _, suffix := range []string{"", "-wal"} {
		b, _ := os.ReadFile(db.Path() + suffix)
		if strings.Contains(string(b), user) {
			t.Errorf("raw user id found in %s", filepath.Base(db.Path()+suffix))
		}
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/srv/data")
	if got, err := sqlite.DefaultPath(); err != nil || got != "/srv/data/summitbot/summitbot.db" {
		t.Errorf("DefaultPath with XDG_DATA_HOME = %q, %v", got, err)
	}
	t.Setenv("XDG_DATA_HOME", "relative/ignored")
	t.Setenv("HOME", "/home/ann")
	if got, err := sqlite.DefaultPath(); err != nil || got != "/home/ann/.local/share/summitbot/summitbot.db" {
		t.Errorf("DefaultPath without XDG_DATA_HOME = %q, %v", got, err)
	}
}

func TestMigrations(t *testing.T) {
	ms, err := sqlite.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || ms[0].Version != 1 || ms[0].Name != "0001_init.sql" {
		t.Errorf("Migrations = %+v, want 0001_init.sql first", ms)
	}
}

func openAt(dir string) (store.Store, error) {
	return sqlite.Open(context.Background(), filepath.Join(dir, "summitbot.db"))
}

// Shutting down with 100 answers queued: all 100 are in the file after.
func TestAsyncCloseKeepsQueuedAnswers(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "summitbot.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	a := store.NewAsync(db, store.AsyncOptions{})
	for i := range 100 {
		if err := a.SaveAnswer(ctx, &store.Answer{ID: fmt.Sprint("a", i), Question: "q", MessageID: fmt.Sprint("m", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := range 100 {
		if _, err := db.AnswerByMessage(ctx, fmt.Sprint("m", i)); err != nil {
			t.Errorf("answer %d after Close and reopen: %v", i, err)
		}
	}
}
