package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"path"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
)

// Every shard is its own process with its own index, and a /reload reaches
// only the shard of the server it was typed in. Two ways bring the others
// along, both reloading from corpus.dir:
//
//   - corpusWatcher polls the directory every corpus.watch_interval and
//     reloads when what corpus.Load reads has changed, so a changed file
//     reaches every shard within one interval, /reload or not;
//   - SIGHUP reloads at once, for an operator who changes the files and
//     signals every process (docker kill -s HUP, systemctl reload).
//
// Polling a content hash rather than using inotify (fsnotify) because it
// needs no dependency, works on bind mounts, network file systems and
// Kubernetes ConfigMap volumes (whose files change by a symlink swap that
// inotify watchers easily miss), and costs a read of a few hundred
// kilobytes per interval; and a hash, not mtimes, so that a touch or a
// copy that changes nothing does not rebuild the index.

// corpusFingerprint hashes what corpus.Load reads: the names and contents
// of the directory's top-level .txt, .yaml and .yml files, dotfiles aside.
func corpusFingerprint(fsys fs.FS) (string, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return "", fmt.Errorf("fingerprint corpus: %w", err)
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		switch ext := path.Ext(n); {
		case e.IsDir(), strings.HasPrefix(n, "."):
		case ext == ".txt", ext == ".yaml", ext == ".yml":
			names = append(names, n)
		}
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return "", fmt.Errorf("fingerprint corpus: %w", err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// corpusWatcher reloads an engine when its corpus directory changes.
type corpusWatcher struct {
	fsys fs.FS
	log  *slog.Logger
	m    *engineMetrics

	mu      sync.Mutex
	loaded  string // fingerprint of the files the last load read; "" forces a reload
	lastErr string // the last failure logged, so that a broken file is logged once
}

// wrap makes load remember the fingerprint of what it is about to read,
// whoever asked for the load (/reload, SIGHUP or the watcher), so that the
// watcher does not reload again what a /reload just loaded. A file changed
// between the fingerprint and the read is seen as a change at the next poll:
// at worst one reload too many, never one missed.
func (w *corpusWatcher) wrap(load retrieval.LoadFunc) retrieval.LoadFunc {
	return func() (*corpus.Corpus, error) {
		fp, err := corpusFingerprint(w.fsys)
		w.mu.Lock()
		w.loaded = fp // "" when it failed: the next poll reloads
		w.mu.Unlock()
		if err != nil {
			w.log.Warn("corpus directory could not be fingerprinted", "err", err)
		}
		return load()
	}
}

// run polls every interval until ctx ends.
func (w *corpusWatcher) run(ctx context.Context, eng *retrieval.Engine, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		fp, err := corpusFingerprint(w.fsys)
		if err != nil {
			w.m.watchError()
			w.logOnce("corpus directory could not be read; still serving the last index", err)
			continue
		}
		w.mu.Lock()
		changed := fp != w.loaded
		w.mu.Unlock()
		if !changed {
			continue
		}
		if err := reloadFor(ctx, eng, "corpus changed", w.log); err != nil && !errors.Is(err, retrieval.ErrReloadRunning) {
			// Try again at the next poll: a transient failure (an embedding
			// model down) must not leave this shard behind the others. A
			// broken file fails at loading, before any index is built, so
			// retrying costs little; it is logged once.
			w.mu.Lock()
			w.loaded = ""
			w.mu.Unlock()
			w.logOnce("reload after a corpus change failed; the old index is still serving", err)
			continue
		}
		w.mu.Lock()
		w.lastErr = ""
		w.mu.Unlock()
	}
}

// logOnce logs err unless it is the one logged last.
func (w *corpusWatcher) logOnce(msg string, err error) {
	w.mu.Lock()
	repeat := w.lastErr == err.Error()
	w.lastErr = err.Error()
	w.mu.Unlock()
	if !repeat {
		w.log.Warn(msg, "err", err)
	}
}

// reloadFor reloads eng, logging why and how it went; a reload already
// running is not an error worth more than a line.
func reloadFor(ctx context.Context, eng *retrieval.Engine, why string, log *slog.Logger) error {
	rep, err := eng.Reload(ctx)
	switch {
	case errors.Is(err, retrieval.ErrReloadRunning):
		log.Info("reload already running", "trigger", why)
	case err != nil:
		log.Debug("reload failed", "trigger", why, "err", err)
	default:
		log.Info("reloaded", "trigger", why, "articles", rep.Articles, "chunks", rep.Chunks,
			"added", rep.Added, "removed", rep.Removed, "changed", rep.Changed, "took", rep.Took)
	}
	return err
}

// reloadOnHangup reloads eng on every SIGHUP until ctx ends.
func reloadOnHangup(ctx context.Context, eng *retrieval.Engine, log *slog.Logger) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			if err := reloadFor(ctx, eng, "SIGHUP", log); err != nil && !errors.Is(err, retrieval.ErrReloadRunning) {
				log.Warn("reload on SIGHUP failed; the old index is still serving", "err", err)
			}
		}
	}
}
