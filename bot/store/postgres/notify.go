package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Notify sends payload (at most 8,000 bytes, PostgreSQL's limit) to every
// listener on channel, in every process sharing the database.
func (db *DB) Notify(ctx context.Context, channel, payload string) error {
	end, err := db.begin("notify")
	if err != nil {
		return err
	}
	defer end()
	if _, err := db.pool.Exec(ctx, `SELECT pg_notify($1, $2)`, channel, payload); err != nil {
		return fmt.Errorf("notify %s: %w", channel, err)
	}
	return nil
}

// Listen subscribes fn to channel on a connection of its own, taken from the
// pool, and returns once LISTEN has run. fn runs on one goroutine until ctx
// is done or the DB is closed. A lost connection is re-established with
// backoff and fn is then called with "" (notifications sent meanwhile are
// lost).
func (db *DB) Listen(ctx context.Context, channel string, fn func(payload string)) error {
	end, err := db.begin("listen")
	if err != nil {
		return err
	}
	defer end()
	conn, err := db.listen(ctx, channel)
	if err != nil {
		return fmt.Errorf("listen %s: %w", channel, err)
	}
	lctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(db.ctx, cancel)
	db.wg.Add(1)
	go func() {
		defer db.wg.Done()
		defer stop()
		defer cancel()
		db.deliver(lctx, conn, channel, fn)
	}()
	return nil
}

// listen takes a connection out of the pool (it never goes back: a
// listening connection is not fit for others) and runs LISTEN on it.
func (db *DB) listen(ctx context.Context, channel string) (*pgx.Conn, error) {
	pc, err := db.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	conn := pc.Hijack()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		conn.Close(context.Background())
		return nil, err
	}
	return conn, nil
}

func (db *DB) deliver(ctx context.Context, conn *pgx.Conn, channel string, fn func(string)) {
	defer func() {
		if conn != nil {
			conn.Close(context.Background())
		}
	}()
	backoff := 100 * time.Millisecond
	for {
		n, err := conn.WaitForNotification(ctx)
		if err == nil {
			fn(n.Payload)
			continue
		}
		if ctx.Err() != nil {
			return
		}
		db.log.Warn("store listener lost its connection", "channel", channel, "err", err)
		conn.Close(context.Background())
		conn = nil
		for conn == nil {
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 30*time.Second)
			if conn, err = db.listen(ctx, channel); err != nil {
				conn = nil
				db.log.Warn("store listener could not reconnect", "channel", channel, "err", err)
			}
		}
		backoff = 100 * time.Millisecond
		db.log.Info("store listener reconnected", "channel", channel)
		fn("") // notifications may have been missed
	}
}
