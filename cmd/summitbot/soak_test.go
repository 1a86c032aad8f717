package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/summitbot/summitbot/bot/discordtest"
)

// soakSample is one scrape of the bot's own runtime metrics.
type soakSample struct {
	at         time.Duration
	goroutines float64
	heapInuse  float64
}

var (
	goroutinesRE = regexp.MustCompile(`(?m)^go_goroutines (\S+)$`)
	heapInuseRE  = regexp.MustCompile(`(?m)^go_memstats_heap_inuse_bytes (\S+)$`)
)

func scrapeRuntime(t *testing.T, addr string) (goroutines, heap float64) {
	t.Helper()
	_, body := httpGet(t, "http://"+addr+"/metrics")
	g, h := goroutinesRE.FindStringSubmatch(body), heapInuseRE.FindStringSubmatch(body)
	if g == nil || h == nil {
		t.Fatalf("no go_goroutines or go_memstats_heap_inuse_bytes in /metrics")
	}
	goroutines, _ = strconv.ParseFloat(g[1], 64)
	heap, _ = strconv.ParseFloat(h[1], 64)
	return goroutines, heap
}

// TestSoak runs `summitbot serve` as a process against the fake Discord
// for SUMMITBOT_SOAK_DURATION (default 10m) at SUMMITBOT_SOAK_RATE
// interactions a second (default 5): /ask (answerable and not), mentions,
// /sources, /source autocomplete, 👍 and /help, with an article added or
// removed and /reload typed every minute. It fails on any failed answer,
// any question left unanswered, and on growth past these bounds, which
// compare the last minute with the first (after a 30 s warm-up): goroutines
// at most 10 more than the first minute's peak, heap in use at most 48 MiB
// more (the answer store keeps up to 2,000 answers for their buttons;
// at 2.5 answers a second it fills in about 13 minutes).
//
//	SUMMITBOT_SOAK=1 go test ./cmd/summitbot -run TestSoak -v -timeout 30m
func TestSoak(t *testing.T) {
	if os.Getenv("SUMMITBOT_SOAK") != "1" {
		t.Skip("on demand: SUMMITBOT_SOAK=1")
	}
	duration := 10 * time.Minute
	if s := os.Getenv("SUMMITBOT_SOAK_DURATION"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatal(err)
		}
		duration = d
	}
	rate := 5.0
	if s := os.Getenv("SUMMITBOT_SOAK_RATE"); s != "" {
		r, err := strconv.ParseFloat(s, 64)
		if err != nil || r <= 0 {
			t.Fatalf("SUMMITBOT_SOAK_RATE %q", s)
		}
		rate = r
	}
	if duration < 2*time.Minute {
		t.Fatalf("a soak needs at least 2m to compare its first and last minutes, got %s", duration)
	}

	fake := discordtest.New(t)
	dir := copyArticles(t)
	env := serveEnv(fake)
	env["SUMMITBOT_CORPUS_DIR"] = dir
	env["SUMMITBOT_DISCORD_QUESTIONS_PER_MINUTE"] = "100000"
	env["SUMMITBOT_DISCORD_BURST"] = "1000"
	env["SUMMITBOT_LOG_LEVEL"] = "info"
	p := startShard(t, env)
	wait, cancel := context.WithTimeout(context.Background(), duration+2*time.Minute)
	defer cancel()
	m, err := waitLog(wait, p.stderr, healthAddrRE)
	if err != nil {
		t.Fatal(err)
	}
	addr := m[1]
	if _, err := waitLog(wait, p.stderr, regexp.MustCompile(`discord bot ready`)); err != nil {
		t.Fatal(err)
	}
	if err := fake.WaitConnected(wait, 1); err != nil {
		t.Fatal(err)
	}

	questions := []string{
		"How long did the talks last?", "Where did Putin and Kim meet?", "Who won the 2018 football World Cup?",
		"What did Kim say about Russia?", "how far is vostochny from pyongyang", "What car did Kim bring?",
		"Did they discuss satellites?", "When did Kim arrive?",
	}
	sent := map[string]time.Time{} // ask token → when sent
	var lastAsk string
	var samples []soakSample
	start := time.Now()
	tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer tick.Stop()
	sample := time.NewTicker(5 * time.Second)
	defer sample.Stop()
	nextReload := start.Add(time.Minute)
	reloads, n := 0, 0
	user := func(k int) discordtest.InteractionOption {
		id := strconv.Itoa(300000000000000000 + k%50)
		return discordtest.From(id, "user"+id)
	}
	for time.Since(start) < duration {
		select {
		case <-sample.C:
			g, h := scrapeRuntime(t, addr)
			samples = append(samples, soakSample{time.Since(start), g, h})
			continue
		case <-tick.C:
		}
		if time.Now().After(nextReload) {
			// Add the mascot article one minute, remove it the next.
			path := filepath.Join(dir, "mascot.txt")
			if reloads%2 == 0 {
				os.WriteFile(path, []byte(newArticle), 0o644)
			} else {
				os.Remove(path)
			}
			fake.SendInteraction(discordtest.SlashCommand("reload", nil, discordtest.WithPermissions(discordgo.PermissionManageGuild)))
			reloads++
			nextReload = nextReload.Add(time.Minute)
			continue
		}
		n++
		switch k := n % 10; {
		case k < 5:
			i := discordtest.SlashCommand("ask", map[string]any{"question": questions[n%len(questions)]}, user(n))
			sent[i.Token] = time.Now()
			fake.SendInteraction(i)
			lastAsk = i.ID
		case k == 5:
			fake.SendMessage(&discordgo.Message{
				Content: "<@" + discordtest.BotUserID + "> " + questions[n%len(questions)],
				Author:  &discordgo.User{ID: strconv.Itoa(400000000000000000 + n%50), Username: "m"},
			})
		case k == 6:
			fake.SendInteraction(discordtest.SlashCommand("sources", nil, user(n)))
		case k == 7:
			fake.SendInteraction(discordtest.Autocomplete("source", map[string]any{"id": "re"}, "id", user(n)))
		case k == 8 && lastAsk != "":
			fake.SendInteraction(discordtest.ButtonPress("up:"+lastAsk, user(n)))
		default:
			fake.SendInteraction(discordtest.SlashCommand("help", nil, user(n)))
		}
	}

	// Every /ask answered, none with the failure message.
	answered := map[string]time.Duration{}
	final, cancelFinal := context.WithTimeout(context.Background(), time.Minute)
	defer cancelFinal()
	for tok, at := range sent {
		c, err := fake.WaitFor(final, discordtest.Match("PATCH webhooks/*/"+tok+"/messages/@original"))
		if err != nil {
			continue
		}
		answered[tok] = c.Time.Sub(at)
	}
	if len(answered) != len(sent) {
		t.Errorf("%d of %d /ask questions answered", len(answered), len(sent))
	}
	failed := 0
	for _, c := range fake.Calls() {
		if strings.Contains(string(c.Raw), "something went wrong") || c.Status >= 400 {
			failed++
			if failed <= 5 {
				t.Errorf("failed: %s %s %d %.200s", c.Method, c.Path, c.Status, c.Raw)
			}
		}
	}
	_, metrics := httpGet(t, "http://"+addr+"/metrics")
	p.stop(t, wait)

	lat := make([]time.Duration, 0, len(answered))
	for _, d := range answered {
		lat = append(lat, d)
	}
	slices.Sort(lat)
	pct := func(q float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[int(q*float64(len(lat)-1))]
	}
	var first, last []soakSample
	for _, s := range samples {
		switch {
		case s.at >= 30*time.Second && s.at < 90*time.Second:
			first = append(first, s)
		case s.at >= duration-time.Minute:
			last = append(last, s)
		}
	}
	peak := func(ss []soakSample, f func(soakSample) float64) float64 {
		m := 0.0
		for _, s := range ss {
			m = max(m, f(s))
		}
		return m
	}
	gr := func(s soakSample) float64 { return s.goroutines }
	hp := func(s soakSample) float64 { return s.heapInuse / (1 << 20) }
	t.Logf("soak %s at %.1f/s: %d interactions and mentions, %d /ask answered of %d, %d reloads, %d failed calls",
		duration, rate, n, len(answered), len(sent), reloads, failed)
	t.Logf("/ask answer latency p50 %s p99 %s max %s", pct(.5).Round(time.Millisecond), pct(.99).Round(time.Millisecond), pct(1).Round(time.Millisecond))
	t.Logf("goroutines: first minute peak %.0f, last minute peak %.0f; heap in use: first minute peak %.1f MiB, last minute peak %.1f MiB",
		peak(first, gr), peak(last, gr), peak(first, hp), peak(last, hp))
	t.Logf("reloads: %s", strings.Join(regexp.MustCompile(`summitbot_reloads_total\{result="\w+"\} \d+`).FindAllString(metrics, -1), ", "))
	for _, s := range samples {
		t.Logf("  %6s goroutines %3.0f heap %6.1f MiB", s.at.Round(time.Second), s.goroutines, hp(s))
	}
	if g1, g2 := peak(first, gr), peak(last, gr); g2 > g1+10 {
		t.Errorf("goroutines grew from %.0f to %.0f", g1, g2)
	}
	if h1, h2 := peak(first, hp), peak(last, hp); h2 > h1+48 {
		t.Errorf("heap in use grew from %.1f MiB to %.1f MiB", h1, h2)
	}
	if !strings.Contains(metrics, fmt.Sprintf(`summitbot_reloads_total{result="ok"} %d`, reloads)) {
		t.Errorf("not every reload went through: %s", regexp.MustCompile(`summitbot_reloads_total.*`).FindAllString(metrics, -1))
	}
}
