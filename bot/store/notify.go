package store

import "context"

// Notifier broadcasts short messages between processes sharing a store, such
// as "the corpus changed" from the shard that ran /article to every other
// shard. PostgreSQL offers it (LISTEN/NOTIFY); SQLite, a single process's
// store, does not: check with a type assertion.
type Notifier interface {
	// Notify sends payload to every listener on channel, this process's
	// included. Delivery is at most once.
	Notify(ctx context.Context, channel, payload string) error
	// Listen subscribes fn to channel and returns once the subscription is
	// in place, so that a Notify after it returns is delivered. fn is
	// called from one goroutine per Listen, in order, until ctx is done or
	// the store is closed. When the subscription had to be re-established
	// after a lost connection, fn is called with the empty payload:
	// notifications may have been missed.
	Listen(ctx context.Context, channel string, fn func(payload string)) error
}
