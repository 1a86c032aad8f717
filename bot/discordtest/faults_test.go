package discordtest_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/google/go-cmp/cmp"

	"github.com/summitbot/summitbot/bot/discordtest"
)

const sendPattern = "POST channels/*/messages"

// created counts the answers to POST calls that name a message the fake
// holds.
func created(t *testing.T, fake *discordtest.Server) int {
	t.Helper()
	n := 0
	for _, c := range fake.Calls() {
		var m discordgo.Message
		if c.Method == "POST" && c.DecodeResponse(&m) == nil && m.ID != "" {
			if _, ok := fake.Message(m.ID); ok {
				n++
			}
		}
	}
	return n
}

func TestFailNext(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	s := newSession(t, fake)
	fake.FailNext(sendPattern, http.StatusServiceUnavailable, 2)
	for k := 0; k < 2; k++ {
		_, err := s.ChannelMessageSend(discordtest.ChannelID, "hello", discordgo.WithRestRetries(0))
		if _, status := restError(t, err); status != http.StatusServiceUnavailable {
			t.Fatalf("send %d: status %d, want 503", k, status)
		}
	}
	if _, err := s.ChannelMessageSend(discordtest.ChannelID, "hello"); err != nil {
		t.Fatalf("third send: %v", err)
	}
	want := []string{
		"POST channels/" + discordtest.ChannelID + "/messages -> 503",
		"POST channels/" + discordtest.ChannelID + "/messages -> 503",
		"POST channels/" + discordtest.ChannelID + "/messages -> 200",
	}
	if diff := cmp.Diff(want, callStrings(fake.Calls())); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if n := created(t, fake); n != 1 {
		t.Errorf("%d messages created, want 1: a failed call must have no effect", n)
	}
}

// TestBadGatewayIsRetriedByDiscordgo shows what discordgo does by itself:
// it retries a 502 at once, MaxRestRetries times, without waiting.
func TestBadGatewayIsRetriedByDiscordgo(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	s := newSession(t, fake)
	fake.FailNext(sendPattern, http.StatusBadGateway, 1)
	if _, err := s.ChannelMessageSend(discordtest.ChannelID, "hello"); err != nil {
		t.Fatalf("send: %v", err)
	}
	if n := len(fake.Calls()); n != 2 {
		t.Errorf("%d calls, want 2", n)
	}
}

func TestHangNext(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	s := newSession(t, fake)
	fake.HangNext(sendPattern, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	begin := time.Now()
	_, err := s.ChannelMessageSend(discordtest.ChannelID, "hello", discordgo.WithContext(ctx))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("hung send: %v, want the context's deadline", err)
	}
	if d := time.Since(begin); d < 200*time.Millisecond {
		t.Errorf("hung send returned after %v", d)
	}
	hung, err := fake.WaitFor(waitCtx(t), discordtest.Match(sendPattern))
	if err != nil {
		t.Fatal(err)
	}
	if hung.Status != 0 {
		t.Errorf("hung call recorded with status %d, want 0", hung.Status)
	}
	if _, err := s.ChannelMessageSend(discordtest.ChannelID, "hello"); err != nil {
		t.Fatalf("next send: %v", err)
	}
	if n := created(t, fake); n != 1 {
		t.Errorf("%d messages created, want 1", n)
	}
}

// TestHangEndsWithClose checks that a hung call does not keep Close
// waiting.
func TestHangEndsWithClose(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	s := newSession(t, fake)
	fake.HangNext(sendPattern, 1)
	errc := make(chan error, 1)
	go func() {
		_, err := s.ChannelMessageSend(discordtest.ChannelID, "hello")
		errc <- err
	}()
	// The call is recorded only once it ends, so there is no event to wait
	// on: give the request a moment to arrive and check it is still held.
	select {
	case err := <-errc:
		t.Fatalf("hung send returned: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	fake.Close()
	if err := receive(t, waitCtx(t), errc); err == nil {
		t.Error("send answered after Close, want an error")
	}
}

func TestDropNext(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	s := newSession(t, fake)
	fake.DropNext(sendPattern, 1)
	_, err := s.ChannelMessageSend(discordtest.ChannelID, "hello")
	var re *discordgo.RESTError
	if err == nil || errors.As(err, &re) {
		t.Fatalf("dropped send: %v, want a transport error", err)
	}
	if c := fake.Calls(); len(c) != 1 || c[0].Status != 0 {
		t.Errorf("calls %v, want one with status 0", callStrings(c))
	}
	if n := created(t, fake); n != 0 {
		t.Errorf("%d messages created, want 0", n)
	}
}

func TestLoseResponseNext(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	s := newSession(t, fake)
	fake.LoseResponseNext(sendPattern, 1)
	if _, err := s.ChannelMessageSend(discordtest.ChannelID, "hello"); err == nil {
		t.Fatal("send whose response was lost: no error")
	}
	if n := created(t, fake); n != 1 {
		t.Errorf("%d messages created, want 1: the call takes effect", n)
	}
}

func TestLatency(t *testing.T) {
	t.Parallel()
	const d = 150 * time.Millisecond
	fake := discordtest.New(t, discordtest.Latency("GET channels/*", d))
	s := newSession(t, fake)
	fake.SetLatency(sendPattern, d)
	if _, err := s.ChannelMessageSend(discordtest.ChannelID, "hello"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Channel(discordtest.ChannelID); err != nil {
		t.Fatal(err)
	}
	fake.SetLatency(sendPattern, 0)
	if _, err := s.ChannelMessageSend(discordtest.ChannelID, "again"); err != nil {
		t.Fatal(err)
	}
	calls := fake.Calls()
	for k, want := range []bool{true, true, false} {
		took := calls[k].Answered.Sub(calls[k].Time)
		if slow := took >= d; slow != want {
			t.Errorf("%s answered after %v, want latency %v: %v", calls[k], took, d, want)
		}
	}

	// A client that gives up while the call waits changes nothing.
	fake.SetLatency(sendPattern, time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := s.ChannelMessageSend(discordtest.ChannelID, "late", discordgo.WithContext(ctx)); err == nil {
		t.Fatal("send that gave up: no error")
	}
	if _, err := fake.WaitFor(waitCtx(t), func(c discordtest.Call) bool { return c.Status == 0 }); err != nil {
		t.Fatal(err)
	}
	if n := created(t, fake); n != 2 {
		t.Errorf("%d messages created, want 2", n)
	}
}

func TestRateLimitMatching(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	s := newSession(t, fake)
	const retryAfter = 120 * time.Millisecond
	fake.RateLimitMatching(sendPattern, retryAfter, 2)
	if _, err := s.ChannelMessageSend(discordtest.ChannelID, "hello"); err != nil {
		t.Fatal(err)
	}
	calls := fake.Calls()
	if len(calls) != 3 || calls[0].Status != 429 || calls[1].Status != 429 || calls[2].Status != 200 {
		t.Fatalf("calls %v, want 429, 429, 200", callStrings(calls))
	}
	if waited := calls[2].Time.Sub(calls[0].Time); waited < 2*retryAfter {
		t.Errorf("retried after %v, want at least %v", waited, 2*retryAfter)
	}
}

// TestEnforceNonce checks that a create repeated with the same nonce and
// enforce_nonce returns the first message, as Discord does.
func TestEnforceNonce(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	s := newSession(t, fake)
	body := map[string]any{"content": "hello", "nonce": "n-1", "enforce_nonce": true}
	endpoint := discordgo.EndpointChannelMessages(discordtest.ChannelID)
	var ids []string
	for k := 0; k < 2; k++ {
		raw, err := s.RequestWithBucketID("POST", endpoint, body, endpoint)
		if err != nil {
			t.Fatal(err)
		}
		var m discordgo.Message
		if err := discordgo.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	if ids[0] != ids[1] {
		t.Errorf("message ids %v, want the same twice", ids)
	}
	body["enforce_nonce"] = false
	if _, err := s.RequestWithBucketID("POST", endpoint, body, endpoint); err != nil {
		t.Fatal(err)
	}
	if n := created(t, fake); n != 3 {
		// The first message counts twice: both answers name it.
		t.Errorf("%d created messages answered, want 3", n)
	}
}

func TestReaction(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	s := newSession(t, fake)
	m := &discordgo.Message{Content: "hi"}
	fake.AddMessage(m)
	for k := 0; k < 2; k++ {
		if err := s.MessageReactionAdd(m.ChannelID, m.ID, "⏳"); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := fake.Message(m.ID)
	if len(got.Reactions) != 1 || got.Reactions[0].Emoji.Name != "⏳" || got.Reactions[0].Count != 1 || !got.Reactions[0].Me {
		t.Errorf("reactions %+v, want the bot's ⏳ once", got.Reactions)
	}
}
