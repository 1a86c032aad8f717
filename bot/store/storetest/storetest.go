// Package storetest is the conformance suite every store.Store runs, so that
// the bot can rely on the same behaviour from Memory, SQLite and PostgreSQL,
// and the write benchmarks (Bench) the persistent ones report.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/summitbot/summitbot/bot/store"
)

// Run runs the suite; open returns a new, empty store for each subtest, which
// the suite closes.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"AnswerRoundTrip", testAnswerRoundTrip},
		{"AnswerReplace", testAnswerReplace},
		{"AnswerCreatedDefault", testAnswerCreatedDefault},
		{"AnswerNotFound", testAnswerNotFound},
		{"AnswerInvalid", testAnswerInvalid},
		{"AnswerByMessage", testAnswerByMessage},
		{"Votes", testVotes},
		{"VotesPerAnswer", testVotesPerAnswer},
		{"QuestionLog", testQuestionLog},
		{"QuestionLogOncePerAnswer", testQuestionLogOncePerAnswer},
		{"QuestionLogInvalid", testQuestionLogInvalid},
		{"Settings", testSettings},
		{"Purge", testPurge},
		{"Concurrent", testConcurrent},
		{"Notifier", testNotifier},
		{"BatchWriter", testBatchWriter},
		{"Closed", testClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil && !errors.Is(err, store.ErrClosed) {
					t.Errorf("Close: %v", err)
				}
			})
			tt.fn(t, s)
		})
	}
}

// base is a fixed time well inside any retention test's window.
var base = time.Date(2026, 11, 3, 14, 15, 16, 123456000, time.UTC)

func sample(id string) *store.Answer {
	return &store.Answer{
		ID:       id,
		Question: "Where did Putin and Kim meet?",
		Text:     "At the Vostochny cosmodrome [1].",
		Citations: []store.Citation{{
			N: 1, Source: "reuters-2023-09-13", Title: "Putin and Kim meet",
			Publisher: "Reuters", Date: "2023-09-13", Chunk: "reuters-2023-09-13#2",
			Text: "The two leaders met at the Vostochny cosmodrome.", Start: 120, End: 170,
			Quote: "The two leaders met at the Vostochny cosmodrome.",
		}, {N: 2, Source: "ap", Title: "Kim’s train — «ünïcode»", Text: "…"}},
		Mode:      "extractive",
		Guild:     "g1",
		Channel:   "c1",
		MessageID: "m-" + id,
		Created:   base,
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func mustGet(t *testing.T, s store.Store, id string) *store.Answer {
	t.Helper()
	a, err := s.Answer(ctx(t), id)
	if err != nil {
		t.Fatalf("Answer(%q): %v", id, err)
	}
	return a
}

func testAnswerRoundTrip(t *testing.T, s store.Store) {
	c := ctx(t)
	want := sample("a1")
	refused := &store.Answer{ID: "a2", Question: "What is the capital of Mars?", Refused: true, Guild: "g1", Channel: "c2", Created: base.Add(time.Second)}
	for _, a := range []*store.Answer{want, refused} {
		if err := s.SaveAnswer(c, a); err != nil {
			t.Fatalf("SaveAnswer(%q): %v", a.ID, err)
		}
	}
	for _, a := range []*store.Answer{want, refused} {
		got := mustGet(t, s, a.ID)
		if diff := cmp.Diff(a, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("Answer(%q) (-saved +got):\n%s", a.ID, diff)
		}
		if got.Created.Location() != time.UTC {
			t.Errorf("Answer(%q).Created in %v, want UTC", a.ID, got.Created.Location())
		}
	}
	// A non-UTC time comes back as the same instant in UTC.
	local := sample("a3")
	local.Created = base.In(time.FixedZone("X", 5*3600))
	if err := s.SaveAnswer(c, local); err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, s, "a3").Created; !got.Equal(base) || got.Location() != time.UTC {
		t.Errorf("Created = %v, want %v", got, base)
	}
	// The returned answer is the caller's to change.
	got := mustGet(t, s, "a1")
	got.Citations[0].Text = "changed"
	if again := mustGet(t, s, "a1"); again.Citations[0].Text == "changed" {
		t.Error("changing a returned answer changed the stored one")
	}
}

func testAnswerReplace(t *testing.T, s store.Store) {
	c := ctx(t)
	a := sample("a1")
	a.MessageID = ""
	if err := s.SaveAnswer(c, a); err != nil {
		t.Fatal(err)
	}
	if err := s.LinkMessage(c, "a1", "ask-1"); err != nil {
		t.Fatal(err)
	}
	b := sample("a1")
	b.Text = "Replaced."
	b.Citations = nil
	if err := s.SaveAnswer(c, b); err != nil {
		t.Fatalf("SaveAnswer again: %v", err)
	}
	if diff := cmp.Diff(b, mustGet(t, s, "a1"), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("after replace (-want +got):\n%s", diff)
	}
	for _, m := range []string{"ask-1", "m-a1"} {
		got, err := s.AnswerByMessage(c, m)
		if err != nil || got.Text != "Replaced." {
			t.Errorf("AnswerByMessage(%q) = %v, %v; want the replaced answer", m, got, err)
		}
	}
}

func testAnswerCreatedDefault(t *testing.T, s store.Store) {
	before := time.Now().Add(-time.Second)
	a := sample("a1")
	a.Created = time.Time{}
	if err := s.SaveAnswer(ctx(t), a); err != nil {
		t.Fatal(err)
	}
	got := mustGet(t, s, "a1").Created
	if got.Before(before) || got.After(time.Now().Add(time.Second)) {
		t.Errorf("Created = %v, want about now", got)
	}
}

func testAnswerNotFound(t *testing.T, s store.Store) {
	c := ctx(t)
	if _, err := s.Answer(c, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Answer(unknown) error = %v, want ErrNotFound", err)
	}
	if _, err := s.AnswerByMessage(c, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AnswerByMessage(unknown) error = %v, want ErrNotFound", err)
	}
	// A link to an answer that was never saved finds nothing.
	if err := s.LinkMessage(c, "never", "m1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AnswerByMessage(c, "m1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AnswerByMessage(linked to unsaved) error = %v, want ErrNotFound", err)
	}
}

func testAnswerInvalid(t *testing.T, s store.Store) {
	c := ctx(t)
	if err := s.SaveAnswer(c, &store.Answer{Question: "no id"}); err == nil {
		t.Error("SaveAnswer without ID succeeded")
	}
	if err := s.SaveAnswer(c, nil); err == nil {
		t.Error("SaveAnswer(nil) succeeded")
	}
	if err := s.LinkMessage(c, "", "m"); err == nil {
		t.Error("LinkMessage with empty answer id succeeded")
	}
	if err := s.LinkMessage(c, "a", ""); err == nil {
		t.Error("LinkMessage with empty message id succeeded")
	}
}

func testAnswerByMessage(t *testing.T, s store.Store) {
	c := ctx(t)
	// A link may come before the answer is saved: the reply was sent
	// while the answer was still being written.
	if err := s.LinkMessage(c, "a1", "user-msg"); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a1", "a2"} {
		if err := s.SaveAnswer(c, sample(id)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.LinkMessage(c, "a2", "thread-2"); err != nil {
		t.Fatal(err)
	}
	// Linking twice is harmless.
	if err := s.LinkMessage(c, "a2", "thread-2"); err != nil {
		t.Fatalf("LinkMessage again: %v", err)
	}
	for msg, want := range map[string]string{"m-a1": "a1", "user-msg": "a1", "m-a2": "a2", "thread-2": "a2"} {
		got, err := s.AnswerByMessage(c, msg)
		if err != nil {
			t.Errorf("AnswerByMessage(%q): %v", msg, err)
			continue
		}
		if got.ID != want {
			t.Errorf("AnswerByMessage(%q).ID = %q, want %q", msg, got.ID, want)
		}
	}
}

func vote(t *testing.T, s store.Store, answer, user string, up bool) store.VoteResult {
	t.Helper()
	r, err := s.Vote(ctx(t), answer, user, up)
	if err != nil {
		t.Fatalf("Vote(%q, %q, %v): %v", answer, user, up, err)
	}
	return r
}

func testVotes(t *testing.T, s store.Store) {
	if err := s.SaveAnswer(ctx(t), sample("a1")); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		user string
		up   bool
		want store.VoteResult
	}{
		{"u1", true, store.VoteResult{Up: 1}},
		{"u1", true, store.VoteResult{Up: 1, Repeat: true}},
		{"u2", true, store.VoteResult{Up: 2}},
		{"u1", false, store.VoteResult{Up: 1, Down: 1, Changed: true}},
		{"u1", false, store.VoteResult{Up: 1, Down: 1, Repeat: true}},
		{"u3", false, store.VoteResult{Up: 1, Down: 2}},
		{"u1", true, store.VoteResult{Up: 2, Down: 1, Changed: true}},
	}
	for i, st := range steps {
		if got := vote(t, s, "a1", st.user, st.up); got != st.want {
			t.Errorf("step %d: Vote(%s, up=%v) = %+v, want %+v", i, st.user, st.up, got, st.want)
		}
	}
	if _, err := s.Vote(ctx(t), "a1", "", true); err == nil {
		t.Error("Vote with empty user succeeded")
	}
	if _, err := s.Vote(ctx(t), "", "u1", true); err == nil {
		t.Error("Vote with empty answer succeeded")
	}
}

func testVotesPerAnswer(t *testing.T, s store.Store) {
	vote(t, s, "a1", "u1", true)
	// A vote on an answer not (yet) saved counts: an Async may hold it.
	if got, want := vote(t, s, "a2", "u1", false), (store.VoteResult{Down: 1}); got != want {
		t.Errorf("Vote on a second answer = %+v, want %+v", got, want)
	}
	if got, want := vote(t, s, "a1", "u2", true), (store.VoteResult{Up: 2}); got != want {
		t.Errorf("Vote = %+v, want %+v", got, want)
	}
}

func logQ(t *testing.T, s store.Store, q store.LoggedQuestion) {
	t.Helper()
	if err := s.LogQuestion(ctx(t), q); err != nil {
		t.Fatalf("LogQuestion(%+v): %v", q, err)
	}
}

func testQuestionLog(t *testing.T, s store.Store) {
	entries := []store.LoggedQuestion{
		{AnswerID: "a3", Guild: "g1", Channel: "c1", Question: "third", Reason: store.Downvoted, Time: base.Add(3 * time.Hour)},
		{AnswerID: "a1", Guild: "g1", Channel: "c1", Question: "first", Reason: store.Refused, Time: base.Add(1 * time.Hour)},
		{Guild: "g1", Question: "old", Reason: store.Refused, Time: base.Add(-48 * time.Hour)},
		{AnswerID: "a2", Guild: "g2", Channel: "c9", Question: "other guild", Reason: store.Refused, Time: base.Add(2 * time.Hour)},
		{Guild: "g1", Channel: "c2", Question: "second, no answer id", Reason: store.Refused, Time: base.Add(2 * time.Hour)},
		{Guild: "g1", Channel: "c2", Question: "second, no answer id", Reason: store.Refused, Time: base.Add(2*time.Hour + time.Minute)},
	}
	for _, q := range entries {
		logQ(t, s, q)
	}
	got, err := s.Questions(ctx(t), "g1", base)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.LoggedQuestion{entries[1], entries[4], entries[5], entries[0]}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Questions(g1, since base) (-want +got):\n%s", diff)
	}
	// since is inclusive.
	got, err = s.Questions(ctx(t), "g1", base.Add(3*time.Hour))
	if err != nil || len(got) != 1 || got[0].Question != "third" {
		t.Errorf("Questions(g1, since the last) = %+v, %v; want the last entry", got, err)
	}
	got, err = s.Questions(ctx(t), "g3", time.Time{})
	if err != nil || len(got) != 0 {
		t.Errorf("Questions(unknown guild) = %+v, %v; want none", got, err)
	}
	// A zero time is logged as now.
	now := time.Now()
	logQ(t, s, store.LoggedQuestion{Guild: "g4", Question: "now", Reason: store.Refused})
	got, err = s.Questions(ctx(t), "g4", now.Add(-time.Second))
	if err != nil || len(got) != 1 || got[0].Time.After(time.Now().Add(time.Second)) {
		t.Errorf("Questions(g4) = %+v, %v; want one entry logged about now", got, err)
	}
}

func testQuestionLogOncePerAnswer(t *testing.T, s store.Store) {
	q := store.LoggedQuestion{AnswerID: "a1", Guild: "g1", Question: "q", Reason: store.Downvoted, Time: base}
	logQ(t, s, q)
	q.Time = base.Add(time.Minute)
	logQ(t, s, q) // a second 👎 on the same answer
	q.Reason = store.Refused
	logQ(t, s, q) // another reason counts
	got, err := s.Questions(ctx(t), "g1", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Time != base || got[0].Reason != store.Downvoted || got[1].Reason != store.Refused {
		t.Errorf("Questions = %+v; want the first 👎 and the refusal", got)
	}
}

func testQuestionLogInvalid(t *testing.T, s store.Store) {
	if err := s.LogQuestion(ctx(t), store.LoggedQuestion{Guild: "g", Question: "q", Reason: "bored"}); err == nil {
		t.Error("LogQuestion with an unknown reason succeeded")
	}
	if err := s.LogQuestion(ctx(t), store.LoggedQuestion{Guild: "g", Reason: store.Refused}); err == nil {
		t.Error("LogQuestion without a question succeeded")
	}
}

func testSettings(t *testing.T, s store.Store) {
	c := ctx(t)
	got, err := s.Settings(c, "g1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(store.Settings{}, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Settings of a new guild (-want +got):\n%s", diff)
	}
	for i, want := range []store.Settings{
		{MentionChannels: []string{"c1", "c2"}, Threads: true},
		{NoQuestionLog: true},
		{MentionChannels: []string{"c3"}, Threads: true, NoQuestionLog: true},
		{},
	} {
		if err := s.PutSettings(c, "g1", want); err != nil {
			t.Fatalf("PutSettings #%d: %v", i, err)
		}
		got, err := s.Settings(c, "g1")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("Settings after put #%d (-want +got):\n%s", i, diff)
		}
	}
	other := store.Settings{Threads: true}
	if err := s.PutSettings(c, "g2", other); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Settings(c, "g1"); got.Threads {
		t.Error("one guild's settings changed another's")
	}
}

func testPurge(t *testing.T, s store.Store) {
	c := ctx(t)
	old, recent := sample("old"), sample("recent")
	old.Created = base.Add(-91 * 24 * time.Hour)
	recent.Created = base.Add(-89 * 24 * time.Hour)
	for _, a := range []*store.Answer{old, recent} {
		if err := s.SaveAnswer(c, a); err != nil {
			t.Fatal(err)
		}
		vote(t, s, a.ID, "u1", false)
		if err := s.LinkMessage(c, a.ID, "thread-"+a.ID); err != nil {
			t.Fatal(err)
		}
		logQ(t, s, store.LoggedQuestion{AnswerID: a.ID, Guild: "g1", Question: a.Question, Reason: store.Downvoted, Time: a.Created})
	}
	n, err := s.Purge(c, store.Cutoff(base, store.DefaultRetention))
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("Purge removed %d, want 2 (one answer, one log entry)", n)
	}
	if _, err := s.Answer(c, "old"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Answer(old) after purge: %v, want ErrNotFound", err)
	}
	for _, m := range []string{"m-old", "thread-old"} {
		if _, err := s.AnswerByMessage(c, m); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("AnswerByMessage(%q) after purge: %v, want ErrNotFound", m, err)
		}
	}
	mustGet(t, s, "recent")
	if a, err := s.AnswerByMessage(c, "thread-recent"); err != nil || a.ID != "recent" {
		t.Errorf("AnswerByMessage(thread-recent) after purge = %v, %v", a, err)
	}
	// The purged answer's votes went with it; the kept one's stayed.
	if got, want := vote(t, s, "old", "u1", false), (store.VoteResult{Down: 1}); got != want {
		t.Errorf("Vote on purged answer = %+v, want %+v (a fresh vote)", got, want)
	}
	if got, want := vote(t, s, "recent", "u1", false), (store.VoteResult{Down: 1, Repeat: true}); got != want {
		t.Errorf("Vote on kept answer = %+v, want %+v", got, want)
	}
	qs, err := s.Questions(c, "g1", time.Time{})
	if err != nil || len(qs) != 1 || qs[0].AnswerID != "recent" {
		t.Errorf("Questions after purge = %+v, %v; want only the recent one", qs, err)
	}
	// Retention 0 keeps none.
	if n, err := s.Purge(c, store.Cutoff(time.Now(), 0)); err != nil || n != 2 {
		t.Errorf("Purge(now) = %d, %v; want 2", n, err)
	}
	if _, err := s.Answer(c, "recent"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Answer(recent) after purging all: %v", err)
	}
}

func testConcurrent(t *testing.T, s store.Store) {
	c := ctx(t)
	const workers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*each*4)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				id := fmt.Sprintf("a%d-%d", w, i)
				a := sample(id)
				if err := s.SaveAnswer(c, a); err != nil {
					errs <- err
					continue
				}
				if _, err := s.Answer(c, id); err != nil {
					errs <- err
				}
				if _, err := s.Vote(c, "shared", fmt.Sprintf("u%d-%d", w, i), i%2 == 0); err != nil {
					errs <- err
				}
				if err := s.LogQuestion(c, store.LoggedQuestion{AnswerID: id, Guild: "g1", Question: "q", Reason: store.Refused, Time: base}); err != nil {
					errs <- err
				}
				if i%5 == 0 {
					if err := s.PutSettings(c, "g1", store.Settings{Threads: w%2 == 0}); err != nil {
						errs <- err
					}
					if _, err := s.Settings(c, "g1"); err != nil {
						errs <- err
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	r := vote(t, s, "shared", "u0-0", true) // a repeat: counts unchanged
	if want := (store.VoteResult{Up: workers * 13, Down: workers * 12, Repeat: true}); r != want {
		t.Errorf("counts after concurrent votes = %+v, want %+v", r, want)
	}
	qs, err := s.Questions(c, "g1", time.Time{})
	if err != nil || len(qs) != workers*each {
		t.Errorf("Questions after concurrent logging: %d entries, %v; want %d", len(qs), err, workers*each)
	}
}

func testNotifier(t *testing.T, s store.Store) {
	n, ok := s.(store.Notifier)
	if !ok {
		t.Skipf("%T is not a store.Notifier", s)
	}
	lctx, cancel := context.WithCancel(ctx(t))
	defer cancel()
	got := make(chan string, 10)
	if err := n.Listen(lctx, "corpus", func(p string) { got <- p }); err != nil {
		t.Fatalf("Listen: %v", err)
	}
	other := make(chan string, 10)
	if err := n.Listen(lctx, "elsewhere", func(p string) { other <- p }); err != nil {
		t.Fatalf("Listen: %v", err)
	}
	for _, p := range []string{"reload 1", "reload 2"} {
		if err := n.Notify(ctx(t), "corpus", p); err != nil {
			t.Fatalf("Notify: %v", err)
		}
	}
	for _, want := range []string{"reload 1", "reload 2"} {
		select {
		case p := <-got:
			if p != want {
				t.Errorf("payload %q, want %q", p, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no notification %q within 10s", want)
		}
	}
	select {
	case p := <-other:
		t.Errorf("listener on another channel got %q", p)
	default:
	}
}

func testClosed(t *testing.T, s store.Store) {
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	c := ctx(t)
	check := func(op string, err error) {
		if !errors.Is(err, store.ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", op, err)
		}
	}
	check("SaveAnswer", s.SaveAnswer(c, sample("a")))
	_, err := s.Answer(c, "a")
	check("Answer", err)
	_, err = s.Vote(c, "a", "u", true)
	check("Vote", err)
	_, err = s.Settings(c, "g")
	check("Settings", err)
	check("Close", s.Close())
}

func testBatchWriter(t *testing.T, s store.Store) {
	bw, ok := s.(store.BatchWriter)
	if !ok {
		t.Skipf("%T is not a store.BatchWriter", s)
	}
	c := ctx(t)
	q := store.LoggedQuestion{AnswerID: "a1", Guild: "g1", Question: "q", Reason: store.Refused, Time: base}
	ws := []store.Write{
		{Link: &store.Link{AnswerID: "a1", MessageID: "ask-1"}},
		{Answer: sample("a1")},
		{Answer: sample("a2")},
		{Question: &q},
		{Question: &q}, // once per answer and reason, as LogQuestion
	}
	if err := bw.WriteBatch(c, ws); err != nil {
		t.Fatalf("WriteBatch: %v", err)
	}
	for msg, want := range map[string]string{"ask-1": "a1", "m-a1": "a1", "m-a2": "a2"} {
		if a, err := s.AnswerByMessage(c, msg); err != nil || a.ID != want {
			t.Errorf("AnswerByMessage(%q) after WriteBatch = %v, %v; want %s", msg, a, err, want)
		}
	}
	if qs, err := s.Questions(c, "g1", time.Time{}); err != nil || len(qs) != 1 {
		t.Errorf("Questions after WriteBatch = %+v, %v; want one", qs, err)
	}
	// All or nothing.
	bad := []store.Write{{Answer: sample("a3")}, {Answer: &store.Answer{}}}
	if err := bw.WriteBatch(c, bad); err == nil {
		t.Error("WriteBatch with an invalid write succeeded")
	}
	if _, err := s.Answer(c, "a3"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Answer(a3) after a failed batch: %v, want ErrNotFound", err)
	}
}
