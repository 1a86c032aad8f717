package bot_test

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"go.uber.org/goleak"

	"github.com/summitbot/summitbot/bot"
	"github.com/summitbot/summitbot/bot/discordtest"
	"github.com/summitbot/summitbot/bot/store"
	"github.com/summitbot/summitbot/bot/store/sqlite"
)

// TestLoad sends 200 /ask interactions from 50 users within one second.
// Every one must be acknowledged within 3 s and answered; the latencies
// are logged (go test -run TestLoad -v ./bot). It runs twice over, with the
// answers kept in memory (store off: store.Memory) and in SQLite behind
// store.Async (store on), alternating, so that the two can be compared
// within one run (docs/store.md). It is not parallel, so that it measures
// the bot alone and can check that nothing is left running.
func TestLoad(t *testing.T) {
	for round := 1; round <= 2; round++ {
		for _, on := range []bool{false, true} {
			name := fmt.Sprintf("store off/%d", round)
			if on {
				name = fmt.Sprintf("store on/%d", round)
			}
			t.Run(name, func(t *testing.T) { runLoad(t, on) })
		}
	}
}

func runLoad(t *testing.T, storeOn bool) {
	const (
		questions = 200
		users     = 50
		within    = time.Second
	)
	eng := sharedEngine(t)
	ignore := goleak.IgnoreCurrent()
	fake := discordtest.New(t)
	var st store.Store
	if storeOn {
		db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "summitbot.db"))
		if err != nil {
			t.Fatal(err)
		}
		st = store.NewAsync(db, store.AsyncOptions{Logger: slog.New(slog.DiscardHandler)})
	}
	h := startWith(t, fake, eng, bot.Config{
		Token: testToken, APIURL: fake.APIURL(), AllowDMs: true,
		QuestionsPerMinute: 60, Burst: questions / users, ShutdownGrace: 10 * time.Second,
		Store: st,
	})
	asked := []string{
		"How long did the talks last?", "Where did Putin and Kim meet?", "How long was the handshake?",
		"What did Kim say about Russia?", "Who won the World Cup?", "Why was Vostochny chosen?",
	}
	sent := make(map[string]time.Time, questions) // token → when dispatched
	begin := time.Now()
	for k := 0; k < questions; k++ {
		user := fmt.Sprint(700000000000000000 + k%users)
		i := discordtest.SlashCommand("ask", map[string]any{"question": asked[k%len(asked)]}, discordtest.From(user, "user"+user))
		sent[i.Token] = time.Now()
		h.fake.SendInteraction(i)
	}
	dispatched := time.Since(begin)
	if dispatched > within {
		t.Logf("dispatching took %v, over %v: the machine is slow (race detector?)", dispatched, within)
	}

	edits := 0
	if _, err := h.fake.WaitFor(h.ctx, func(c discordtest.Call) bool {
		if c.Method == "PATCH" && strings.HasSuffix(c.Path, "/messages/@original") {
			edits++
		}
		return edits == questions
	}); err != nil {
		t.Fatal(err)
	}
	var acks, answers []time.Duration
	for _, c := range h.fake.Calls() {
		var token string
		switch {
		case c.Method == "POST" && strings.HasPrefix(c.Path, "interactions/"):
			token = strings.Split(c.Path, "/")[2]
		case c.Method == "PATCH" && strings.HasPrefix(c.Path, "webhooks/"):
			token = strings.Split(c.Path, "/")[2]
		default:
			continue
		}
		at, ok := sent[token]
		if !ok {
			continue
		}
		if c.Status >= 300 {
			t.Errorf("%s: %s", c, c.Response)
		}
		if c.Method == "POST" {
			var r discordgo.InteractionResponse
			if c.Decode(&r) != nil || r.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
				t.Errorf("%s: not a deferred acknowledgement: %s", c, c.Raw)
			}
			acks = append(acks, c.Time.Sub(at))
		} else {
			var m discordgo.Message
			if c.Decode(&m) != nil || len(m.Embeds) != 1 {
				t.Errorf("%s: not an answer: %s", c, c.Raw)
			}
			answers = append(answers, c.Time.Sub(at))
		}
	}
	if len(acks) != questions || len(answers) != questions {
		t.Fatalf("%d acknowledgements and %d answers, want %d of each", len(acks), len(answers), questions)
	}
	slices.Sort(acks)
	slices.Sort(answers)
	pct := func(d []time.Duration, p float64) time.Duration { return d[int(p*float64(len(d)-1))] }
	t.Logf("%d /ask from %d users dispatched in %v", questions, users, dispatched.Round(time.Millisecond))
	t.Logf("acknowledgement latency: p50 %v, p99 %v, max %v", pct(acks, 0.5), pct(acks, 0.99), acks[len(acks)-1])
	t.Logf("answer latency:          p50 %v, p99 %v, max %v", pct(answers, 0.5), pct(answers, 0.99), answers[len(answers)-1])
	if worst := acks[len(acks)-1]; worst > 3*time.Second {
		t.Errorf("slowest acknowledgement took %v, want within 3s", worst)
	}

	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	if st != nil {
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
	}
	h.fake.Close()
	goleak.VerifyNone(t, append(leakOptions, ignore)...)
}
