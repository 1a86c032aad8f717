package postgres_test

import (
	"testing"

	"github.com/summitbot/summitbot/bot/store"
	"github.com/summitbot/summitbot/bot/store/postgres/pgtest"
	"github.com/summitbot/summitbot/bot/store/storetest"
)

// durable are the settings of a real server: every commit flushed.
var durable = []string{"fsync=on", "synchronous_commit=on", "full_page_writes=on"}

// Benchmark runs storetest.Bench on a durable server, one database each.
func Benchmark(b *testing.B) {
	srv := pgtest.Start(b, durable...)
	storetest.Bench(b, func(b *testing.B) store.Store {
		db, err := openB(b, srv.NewDatabase(b))
		if err != nil {
			b.Fatal(err)
		}
		return db
	})
}
