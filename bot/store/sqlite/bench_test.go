package sqlite_test

import (
	"testing"

	"github.com/summitbot/summitbot/bot/store"
	"github.com/summitbot/summitbot/bot/store/storetest"
)

// Benchmark runs storetest.Bench on a new file each.
func Benchmark(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) store.Store {
		db, err := openAt(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		return db
	})
}
