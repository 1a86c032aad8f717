package store

import (
	"context"
	"log/slog"
	"time"
)

// Cutoff is the time before which question text goes under retention: now
// minus retention. A retention of 0 (or less) keeps nothing once purged.
func Cutoff(now time.Time, retention time.Duration) time.Time {
	return now.Add(-max(retention, 0))
}

// PurgeEvery purges s of what is older than retention, at once and then
// every interval, until ctx is done. Failures are logged and tried again at
// the next interval; they never stop the bot. With a retention of 0 answers
// live until the next purge, so their buttons work only until then.
func PurgeEvery(ctx context.Context, s Store, retention, interval time.Duration, log *slog.Logger) {
	if interval <= 0 {
		interval = time.Hour
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		cutoff := Cutoff(time.Now(), retention)
		n, err := s.Purge(ctx, cutoff)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("store purge failed", "cutoff", cutoff, "err", err)
		case n > 0:
			log.Info("store purged", "cutoff", cutoff, "removed", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
