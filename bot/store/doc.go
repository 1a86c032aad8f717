// Package store owns what the bot keeps between restarts: the answers it
// has sent (so that their buttons and reply follow-ups keep working), the
// votes on them, the question log that moderators read with /gaps, and each
// server's settings. It declares the Store interface the bot needs and the
// nouns it stores; implementations live in sub-packages named after their
// technology and import only this package.
//
// # Code overview
//
//   - store.go: the nouns (Answer, Citation, VoteResult, LoggedQuestion,
//     Settings), the Store interface and its errors.
//   - answer.go: the checks and time rules every implementation shares.
//   - notify.go: Notifier, the LISTEN/NOTIFY-style broadcast between shards
//     that only some stores offer.
//   - userhash.go: UserHasher, the keyed hash under which user ids are kept.
//   - memory.go: Memory, an in-memory Store and Notifier for tests that
//     don't care about persistence.
//   - async.go: Async, a bounded queue in front of any Store so that writes
//     never delay a reply, and BatchWriter, through which it writes what
//     has queued up in one transaction.
//   - migrate.go: Migration and Migrate, the versioned SQL files that the
//     SQL stores embed and apply in order, each in its own dialect.
//   - retention.go: Purge and PurgeEvery, which remove question text older
//     than the configured retention.
//   - sqlite/: the embedded default (modernc.org/sqlite, pure Go).
//   - postgres/: a store shared by several shards (pgx), with Notifier.
//
// # Testing
//
// storetest.Run is the conformance suite every implementation runs, Memory
// included: go test -race ./bot/store/... . The PostgreSQL tests start a
// server of their own with postgres/pgtest and skip when PostgreSQL is not
// installed, unless SUMMITBOT_REQUIRE_POSTGRES=1. docs/store.md has the
// design in prose and the benchmark figures.
package store
