package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/summitbot/summitbot/bot/store"
)

func TestSettingsAnswersIn(t *testing.T) {
	for _, tt := range []struct {
		s       store.Settings
		channel string
		want    bool
	}{
		{store.Settings{}, "c1", true},
		{store.Settings{MentionChannels: []string{"c1", "c2"}}, "c2", true},
		{store.Settings{MentionChannels: []string{"c1", "c2"}}, "c3", false},
	} {
		if got := tt.s.AnswersIn(tt.channel); got != tt.want {
			t.Errorf("%+v.AnswersIn(%q) = %v, want %v", tt.s, tt.channel, got, tt.want)
		}
	}
}

func TestUserHasher(t *testing.T) {
	h1, err := store.NewUserHasher([]byte("key one"))
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := store.NewUserHasher([]byte("key two"))
	if h1.Hash("123") != h1.Hash("123") {
		t.Error("the same user hashes differently")
	}
	if h1.Hash("123") == h1.Hash("124") || h1.Hash("123") == h2.Hash("123") {
		t.Error("hashes collide across users or keys")
	}
	if len(h1.Hash("123")) != 64 {
		t.Errorf("hash %q is not 64 hex digits", h1.Hash("123"))
	}
	if _, err := store.NewUserHasher(nil); err == nil {
		t.Error("NewUserHasher(nil) succeeded")
	}
	if a, b := store.NewUserKey(), store.NewUserKey(); len(a) != store.UserKeySize || string(a) == string(b) {
		t.Error("NewUserKey is not 32 random bytes")
	}
}

func TestCutoff(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	if got := store.Cutoff(now, store.DefaultRetention); !got.Equal(now.AddDate(0, 0, -90)) {
		t.Errorf("Cutoff(90 days) = %v", got)
	}
	for _, r := range []time.Duration{0, -time.Hour} {
		if got := store.Cutoff(now, r); !got.Equal(now) {
			t.Errorf("Cutoff(%v) = %v, want now: keep none", r, got)
		}
	}
}

// PurgeEvery purges at once, then on its interval, until ctx is done.
func TestPurgeEvery(t *testing.T) {
	m := store.NewMemory()
	defer m.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	old := time.Now().Add(-2 * time.Hour)
	if err := m.SaveAnswer(ctx, &store.Answer{ID: "old", Question: "q", Created: old}); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		store.PurgeEvery(ctx, m, time.Hour, 10*time.Millisecond, testLogger(t))
	}()
	waitGone := func(id string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			if _, err := m.Answer(ctx, id); err != nil {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("answer %q not purged within 10s", id)
			}
			time.Sleep(5 * time.Millisecond) // polling the store: there is no event to wait on
		}
	}
	waitGone("old")
	// A later answer that has aged past the retention goes at a later tick.
	if err := m.SaveAnswer(ctx, &store.Answer{ID: "later", Question: "q", Created: old}); err != nil {
		t.Fatal(err)
	}
	waitGone("later")
	cancel()
	<-done
}
