package postgres_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.uber.org/goleak"

	"github.com/summitbot/summitbot/bot/store"
	"github.com/summitbot/summitbot/bot/store/postgres"
	"github.com/summitbot/summitbot/bot/store/postgres/pgtest"
)

// Two shards opening one new database at once: the migrations run once,
// both share the user-hash key, and a notification from one reaches both.
func testShards(t *testing.T, srv *pgtest.Server) {
	url := srv.NewDatabase(t)
	ctx := context.Background()
	shards := make([]*postgres.DB, 2)
	var wg sync.WaitGroup
	for i := range shards {
		wg.Go(func() {
			db, err := postgres.Open(ctx, url, nil)
			if err != nil {
				t.Error(err)
				return
			}
			shards[i] = db
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	for _, db := range shards {
		defer db.Close()
	}
	if v, err := shards[1].SchemaVersion(ctx); err != nil || v != 1 {
		t.Errorf("SchemaVersion = %d, %v; want 1", v, err)
	}

	if _, err := shards[0].Vote(ctx, "a1", "user-1", true); err != nil {
		t.Fatal(err)
	}
	r, err := shards[1].Vote(ctx, "a1", "user-1", true)
	if err != nil || r != (store.VoteResult{Up: 1, Repeat: true}) {
		t.Errorf("the same vote through the other shard = %+v, %v; want a repeat", r, err)
	}

	got := make([]chan string, 2)
	for i, db := range shards {
		got[i] = make(chan string, 4)
		if err := db.Listen(ctx, "corpus changed", func(p string) { got[i] <- p }); err != nil {
			t.Fatal(err)
		}
	}
	if err := shards[0].Notify(ctx, "corpus changed", `{"article":"new-one"}`); err != nil {
		t.Fatal(err)
	}
	for i := range shards {
		select {
		case p := <-got[i]:
			if p != `{"article":"new-one"}` {
				t.Errorf("shard %d got %q", i, p)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("shard %d: no notification within 5s", i)
		}
	}
}

// A listener whose connection is killed reconnects, says so with an empty
// payload, and receives what is sent afterwards.
func testListenReconnects(t *testing.T, srv *pgtest.Server) {
	url := srv.NewDatabase(t)
	ctx := context.Background()
	db := open(t, url)
	defer db.Close()
	got := make(chan string, 4)
	if err := db.Listen(ctx, "corpus", func(p string) { got <- p }); err != nil {
		t.Fatal(err)
	}
	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	var killed int
	if err := admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE pid <> pg_backend_pid() AND datname = current_database() AND query LIKE 'LISTEN%'`).Scan(&killed); err != nil || killed != 1 {
		t.Fatalf("terminated %d listeners, %v; want 1", killed, err)
	}
	select {
	case p := <-got:
		if p != "" {
			t.Errorf("first call after reconnect got %q, want \"\"", p)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no reconnect within 10s")
	}
	if err := db.Notify(ctx, "corpus", "after"); err != nil {
		t.Fatal(err)
	}
	select {
	case p := <-got:
		if p != "after" {
			t.Errorf("got %q, want after", p)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("nothing delivered after reconnecting")
	}
}

// Close ends the listeners' goroutines and the pool's.
func testCloseStopsListeners(t *testing.T, srv *pgtest.Server) {
	url := srv.NewDatabase(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	db := open(t, url)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, ch := range []string{"a", "b"} {
		if err := db.Listen(ctx, ch, func(string) {}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

func testNoRawUserIDs(t *testing.T, srv *pgtest.Server) {
	url := srv.NewDatabase(t)
	ctx := context.Background()
	db := open(t, url)
	defer db.Close()
	const user = "user-987654321"
	if _, err := db.Vote(ctx, "a1", user, false); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var hash string
	if err := conn.QueryRow(ctx, `SELECT user_hash FROM votes`).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(hash, user) || len(hash) != 64 {
		t.Errorf("user kept as %q, want a 64-hex-digit HMAC", hash)
	}
}
