package discordtest_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"go.uber.org/goleak"

	"github.com/summitbot/summitbot/bot"
	"github.com/summitbot/summitbot/bot/discordtest"
)

// TestMain fails the run if any test leaves a goroutine behind: the fake's
// websocket loops, discordgo's heartbeat and listen loops, HTTP connections.
func TestMain(m *testing.M) {
	// bleve (imported through bot → retrieval) starts its analysis workers
	// in a package init; they live for the whole process by design.
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("github.com/blevesearch/bleve_index_api.AnalysisWorker"))
}

// newSession returns a real discordgo session that talks to fake, through
// the same transport seam production uses, without touching discordgo's
// global endpoint variables.
func newSession(t *testing.T, fake *discordtest.Server) *discordgo.Session {
	t.Helper()
	rt, err := bot.APITransport(fake.APIURL(), http.DefaultTransport)
	if err != nil {
		t.Fatal(err)
	}
	s, err := discordgo.New("Bot test-token")
	if err != nil {
		t.Fatal(err)
	}
	s.Client = &http.Client{Transport: rt}
	s.LogLevel = discordgo.LogError
	return s
}

// connect opens a session on fake's gateway and closes it when the test
// ends. Cleanups run last-registered first, so the session closes before the
// fake; the other way round, discordgo would retry the lost gateway forever.
func connect(t *testing.T, fake *discordtest.Server) *discordgo.Session {
	t.Helper()
	s := newSession(t, fake)
	open(t, fake, s)
	return s
}

// open opens s, waits until fake counts it connected (safe to close, see
// WaitConnected), and closes it when the test ends.
func open(t *testing.T, fake *discordtest.Server, s *discordgo.Session) {
	t.Helper()
	if err := s.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if err := fake.WaitConnected(waitCtx(t), 1); err != nil {
		t.Fatal(err)
	}
}

// waitCtx bounds a test's waits generously; nothing here sleeps to
// synchronise.
func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// receive returns the next value from c, or fails the test when ctx ends.
func receive[T any](t *testing.T, ctx context.Context, c <-chan T) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-ctx.Done():
		t.Fatalf("waiting for the bot's handler: %v", ctx.Err())
		panic("unreachable")
	}
}

// restError returns the Discord error code and HTTP status of err.
func restError(t *testing.T, err error) (code, status int) {
	t.Helper()
	var re *discordgo.RESTError
	if !errors.As(err, &re) {
		t.Fatalf("error = %v, want a *discordgo.RESTError", err)
	}
	if re.Message == nil {
		t.Fatalf("REST error without a JSON message: %s", re.ResponseBody)
	}
	return re.Message.Code, re.Response.StatusCode
}

func ptr[T any](v T) *T { return &v }
