package bot_test

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/summitbot/summitbot/bot"
	"github.com/summitbot/summitbot/bot/discordtest"
	"github.com/summitbot/summitbot/retrieval"
)

var sharedBucket = flag.Bool("shared-bucket", false,
	"TestAnswersDoNotQueue also measures discordgo's one shared bucket for response edits, as the bot used before")

// TestAnswersDoNotQueue sends many /ask at once to a fake Discord that
// takes a while over every acknowledgement and edit: the answers must
// arrive together, not one latency after another as they did while
// discordgo kept every webhook edit in one bucket. With -shared-bucket it
// measures that old behaviour too, in the same run, and only logs it:
//
//	go test ./bot -run TestAnswersDoNotQueue -v -shared-bucket
func TestAnswersDoNotQueue(t *testing.T) {
	modes := []string{"per-interaction"}
	if *sharedBucket {
		modes = append(modes, "shared")
	}
	for _, tt := range []struct {
		asks    int
		latency time.Duration
		within  time.Duration
	}{
		{50, 100 * time.Millisecond, time.Second},
		{10, time.Second, 2500 * time.Millisecond},
	} {
		for _, mode := range modes {
			t.Run(fmt.Sprintf("%d asks %v %s", tt.asks, tt.latency, mode), func(t *testing.T) {
				spread, first, last := measureSpread(t, tt.asks, tt.latency, mode == "shared")
				t.Logf("%d /ask, %v per REST call, %s bucket: answers %v to %v after dispatch, spread %v",
					tt.asks, tt.latency, mode, first.Round(time.Millisecond), last.Round(time.Millisecond), spread.Round(time.Millisecond))
				if mode != "shared" && spread > tt.within {
					t.Errorf("answers spread over %v, want within %v", spread, tt.within)
				}
			})
		}
	}
}

// measureSpread asks asks questions at once with latency on every
// acknowledgement and edit, and returns how far apart the answers
// arrived, and when the first and last did after the questions were sent.
// The engine's answers are the shared engine's, worked out beforehand.
func measureSpread(t *testing.T, asks int, latency time.Duration, shared bool) (spread, first, last time.Duration) {
	questions := []string{"How long did the talks last?", "Where did Putin and Kim meet?", "How long was the handshake?"}
	// The answers are worked out beforehand, so that the spread measures
	// delivery, not the CPU (which the race detector slows several times).
	eng := sharedEngine(t)
	answers := map[string]*retrieval.Answer{}
	for _, q := range questions {
		a, err := eng.Answer(t.Context(), retrieval.Question{Text: q}, nil)
		if err != nil {
			t.Fatal(err)
		}
		answers[q] = a
	}
	canned := answerFunc{Engine: eng, f: func(_ context.Context, q retrieval.Question) (*retrieval.Answer, error) {
		return answers[q.Text], nil
	}}
	fake := discordtest.New(t)
	var prepare []func(*bot.Bot)
	if shared {
		prepare = append(prepare, bot.UseSharedEditBucket)
	}
	h := startWith(t, fake, canned, bot.Config{
		Token: testToken, APIURL: fake.APIURL(), QuestionsPerMinute: 6000, Burst: 1000,
		ShutdownGrace: 30 * time.Second,
	}, prepare...)
	fake.SetLatency(callbackPattern, latency)
	fake.SetLatency(editPattern, latency)
	tokens := map[string]bool{}
	begin := time.Now()
	for k := 0; k < asks; k++ {
		i := discordtest.SlashCommand("ask", map[string]any{"question": questions[k%len(questions)]},
			discordtest.From(fmt.Sprint(700000000000000000+k), "user"))
		tokens[i.Token] = true
		fake.SendInteraction(i)
	}
	var at []time.Time
	if _, err := fake.WaitFor(h.ctx, func(c discordtest.Call) bool {
		if discordtest.Match(editPattern)(c) && c.Status == 200 {
			at = append(at, c.Answered)
		}
		return len(at) == asks
	}); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(at, func(a, b time.Time) int { return a.Compare(b) })
	return at[len(at)-1].Sub(at[0]), at[0].Sub(begin), at[len(at)-1].Sub(begin)
}
