package postgres_test

import (
	"context"
	"testing"

	"github.com/summitbot/summitbot/bot/store"
	"github.com/summitbot/summitbot/bot/store/postgres"
	"github.com/summitbot/summitbot/bot/store/postgres/pgtest"
	"github.com/summitbot/summitbot/bot/store/storetest"
)

func open(t *testing.T, url string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// TestPostgres runs every test on one server: starting one takes seconds.
func TestPostgres(t *testing.T) {
	srv := pgtest.Start(t)
	for _, tt := range []struct {
		name string
		fn   func(*testing.T, *pgtest.Server)
	}{
		{"Conformance", testConformance},
		{"ConformanceAsync", testConformanceAsync},
		{"Shards", testShards},
		{"ListenReconnects", testListenReconnects},
		{"CloseStopsListeners", testCloseStopsListeners},
		{"NoRawUserIDs", testNoRawUserIDs},
	} {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, srv) })
	}
}

func testConformance(t *testing.T, srv *pgtest.Server) {
	storetest.Run(t, func(t *testing.T) store.Store { return open(t, srv.NewDatabase(t)) })
}

func testConformanceAsync(t *testing.T, srv *pgtest.Server) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return store.NewAsync(open(t, srv.NewDatabase(t)), store.AsyncOptions{})
	})
}

func openB(b *testing.B, url string) (store.Store, error) {
	return postgres.Open(context.Background(), url, nil)
}
