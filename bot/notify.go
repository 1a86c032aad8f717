package bot

import (
	"context"
	"errors"
	"time"

	"github.com/summitbot/summitbot/retrieval"
)

// CorpusChannel is the Notifier channel on which shards sharing a store
// announce a corpus change (/reload, /article). The payload names the bot
// that made the change, which has reloaded already; an empty payload (a
// listener that reconnected and may have missed one) means every bot
// reloads.
const CorpusChannel = "summitbot_corpus"

// corpusChanged tells the other shards that the corpus changed.
func (b *Bot) corpusChanged(ctx context.Context) {
	if b.cfg.Notifier == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := b.cfg.Notifier.Notify(ctx, CorpusChannel, b.instance); err != nil {
		b.log.Warn("could not tell the other shards that the corpus changed; they reload on their own watch or SIGHUP", "err", err)
	}
}

// listenCorpus reloads the corpus whenever another shard announces a change,
// until ctx ends. It returns once the subscription is in place.
func (b *Bot) listenCorpus(ctx context.Context) error {
	if b.cfg.Notifier == nil {
		return nil
	}
	return b.cfg.Notifier.Listen(ctx, CorpusChannel, func(payload string) {
		if payload == b.instance {
			return
		}
		start := time.Now()
		rep, err := b.engine.Reload(ctx)
		for errors.Is(err, retrieval.ErrReloadRunning) && ctx.Err() == nil {
			// The running reload may have read the directory before the
			// change: wait for it and reload again.
			select {
			case <-ctx.Done():
				return
			case <-time.After(200 * time.Millisecond):
			}
			rep, err = b.engine.Reload(ctx)
		}
		if err != nil {
			if ctx.Err() == nil {
				b.log.Warn("reload announced by another shard failed; the old index is still serving", "err", err)
			}
			return
		}
		b.log.Info("reloaded: another shard changed the corpus", "articles", rep.Articles, "added", rep.Added,
			"removed", rep.Removed, "changed", rep.Changed, "took", time.Since(start))
	})
}
