package bot_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/summitbot/summitbot/bot"
	"github.com/summitbot/summitbot/bot/discordtest"
)

// The tests here inject Discord's bad moments into the fake and check that
// every answer is delivered, retried, or reported as lost.

const (
	editPattern     = "PATCH webhooks/*/*/messages/@original"
	callbackPattern = "POST interactions/*/*/callback"
	replyPattern    = "POST channels/*/messages"
)

// fastRetries keeps the retries' backoff short.
func fastRetries(c *bot.Config) {
	c.RetryBackoff = 20 * time.Millisecond
}

// answered reports whether m shows an answer to question.
func answered(m *discordgo.Message, question string) bool {
	return m != nil && len(m.Embeds) == 1 && unescape(m.Embeds[0].Title) == question &&
		m.Flags&discordgo.MessageFlagsLoading == 0
}

func isFailureText(s string) bool { return strings.Contains(s, "something went wrong") }

// TestAnswerSurvivesOneFault: a single 5xx, dropped connection or lost
// response on the acknowledgement or the answer's edit does not lose the
// answer, and the user never sees an error.
func TestAnswerSurvivesOneFault(t *testing.T) {
	t.Parallel()
	const q = "Where did Putin and Kim meet?"
	for _, tt := range []struct {
		name   string
		inject func(f *discordtest.Server)
	}{
		{"edit 500", func(f *discordtest.Server) { f.FailNext(editPattern, http.StatusInternalServerError, 1) }},
		{"edit 503", func(f *discordtest.Server) { f.FailNext(editPattern, http.StatusServiceUnavailable, 1) }},
		{"edit 502 twice", func(f *discordtest.Server) { f.FailNext(editPattern, http.StatusBadGateway, 2) }},
		{"edit dropped", func(f *discordtest.Server) { f.DropNext(editPattern, 1) }},
		{"acknowledgement 500", func(f *discordtest.Server) { f.FailNext(callbackPattern, http.StatusInternalServerError, 1) }},
		{"acknowledgement dropped", func(f *discordtest.Server) { f.DropNext(callbackPattern, 1) }},
		// The callback got through; its retry is "already acknowledged".
		{"acknowledgement response lost", func(f *discordtest.Server) { f.LoseResponseNext(callbackPattern, 1) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := start(t, sharedEngine(t), fastRetries)
			tt.inject(h.fake)
			i := h.ask(q)
			h.handled(i.ID)
			m, _ := h.fake.Original(i.Token)
			if !answered(m, q) {
				t.Errorf("the response shows %+v, want the answer", m)
			}
			for _, c := range h.fake.Calls() {
				var sent discordgo.Message
				if c.Method == "PATCH" && c.Decode(&sent) == nil && isFailureText(sent.Content) {
					t.Errorf("the user was told something went wrong: %s", c)
				}
			}
			if s := h.log.String(); strings.Contains(s, "answer lost") || strings.Contains(s, "interaction failed") {
				t.Error("the log reports a failure")
			}
		})
	}
}

// TestMentionReplySurvivesOneFault: the same for a reply to a mention, and
// a reply whose create got through although its response was lost is not
// posted twice.
func TestMentionReplySurvivesOneFault(t *testing.T) {
	t.Parallel()
	const q = "How long did the talks last?"
	for _, tt := range []struct {
		name   string
		inject func(f *discordtest.Server)
	}{
		{"503", func(f *discordtest.Server) { f.FailNext(replyPattern, http.StatusServiceUnavailable, 1) }},
		{"dropped", func(f *discordtest.Server) { f.DropNext(replyPattern, 1) }},
		{"response lost", func(f *discordtest.Server) { f.LoseResponseNext(replyPattern, 1) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := start(t, sharedEngine(t), fastRetries)
			tt.inject(h.fake)
			m := &discordgo.Message{Content: mention + " " + q}
			h.fake.SendMessage(m)
			h.handled(m.ID)
			var ids []string
			for _, c := range h.fake.Calls() {
				var sent discordgo.Message
				if c.Method == "POST" && c.DecodeResponse(&sent) == nil && sent.ID != "" {
					if stored, ok := h.fake.Message(sent.ID); ok && !contains(ids, stored.ID) {
						ids = append(ids, stored.ID)
					}
				}
			}
			if len(ids) != 1 {
				t.Fatalf("%d replies posted, want 1", len(ids))
			}
			reply, _ := h.fake.Message(ids[0])
			if len(reply.Embeds) != 1 || unescape(reply.Embeds[0].Title) != q {
				t.Errorf("reply %+v, want the answer", reply)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestAnswerLostAfterRetries: when every attempt at the answer's edit
// fails, the user is told, the log says which answer was lost and why, and
// the loss is counted.
func TestAnswerLostAfterRetries(t *testing.T) {
	t.Parallel()
	const q = "Where did Putin and Kim meet?"
	reg := prometheus.NewRegistry()
	metrics, err := bot.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	h := start(t, sharedEngine(t), fastRetries, func(c *bot.Config) { c.Metrics = metrics })
	h.fake.FailNext(editPattern, http.StatusServiceUnavailable, 5)
	i := h.ask(q)
	h.handled(i.ID)

	m, _ := h.fake.Original(i.Token)
	if m == nil || !isFailureText(m.Content) {
		t.Fatalf("the response shows %+v, want the error message", m)
	}
	edits := 0
	for _, c := range h.fake.Calls() {
		if discordtest.Match(editPattern)(c) {
			edits++
		}
	}
	if edits != 6 {
		t.Errorf("%d edits, want 5 attempts at the answer and the error message", edits)
	}
	lost := regexp.MustCompile(`msg="answer lost" .*interaction=` + i.ID + ` .*command=ask stage=edit lost="` +
		regexp.QuoteMeta(q) + `" err=".*503 Service Unavailable.*gave up after 5 attempts`)
	if !lost.MatchString(h.log.String()) {
		t.Errorf("no log line matches %s", lost)
	}
	if n := counter(t, reg, "summitbot_answers_lost_total", map[string]string{"command": "ask", "stage": "edit"}); n != 1 {
		t.Errorf("summitbot_answers_lost_total{command=ask,stage=edit} = %v, want 1", n)
	}
}

// counter returns the value of the counter name with labels in reg.
func counter(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	metrics:
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if v, ok := labels[l.GetName()]; ok && v != l.GetValue() {
					continue metrics
				}
			}
			return m.GetCounter().GetValue()
		}
	}
	return 0
}

// TestHungEditIsRetried: an edit that gets no answer is given up after
// RequestTimeout and sent again.
func TestHungEditIsRetried(t *testing.T) {
	t.Parallel()
	const q = "Where did Putin and Kim meet?"
	const timeout = 300 * time.Millisecond
	h := start(t, sharedEngine(t), fastRetries, func(c *bot.Config) { c.RequestTimeout = timeout })
	h.fake.HangNext(editPattern, 1)
	begin := time.Now()
	i := h.ask(q)
	h.handled(i.ID)
	if m, _ := h.fake.Original(i.Token); !answered(m, q) {
		t.Errorf("the response shows %+v, want the answer", m)
	}
	var edits []discordtest.Call
	for _, c := range h.fake.Calls() {
		if discordtest.Match(editPattern)(c) {
			edits = append(edits, c)
		}
	}
	if len(edits) != 2 || edits[0].Status != 0 || edits[1].Status != 200 {
		t.Fatalf("edits %v, want one hung and one answered", edits)
	}
	if d := edits[1].Time.Sub(edits[0].Time); d < timeout {
		t.Errorf("retried after %v, want after the %v timeout", d, timeout)
	}
	if d := time.Since(begin); d > 5*time.Second {
		t.Errorf("answered after %v", d)
	}
}

// TestRateLimitDelaysOnlyItsAnswer: a 429 on one user's answer is honoured
// (the edit is retried no sooner than retry_after) and holds up no other
// user's answer.
func TestRateLimitDelaysOnlyItsAnswer(t *testing.T) {
	t.Parallel()
	const retryAfter = 1500 * time.Millisecond
	h := start(t, sharedEngine(t), fastRetries)
	first := discordtest.SlashCommand("ask", map[string]any{"question": "Where did Putin and Kim meet?"})
	h.fake.RateLimitMatching("PATCH webhooks/*/"+first.Token+"/messages/@original", retryAfter, 1)
	h.fake.SendInteraction(first)
	limited := h.waitFor("PATCH webhooks/*/" + first.Token + "/messages/@original")
	if limited.Status != http.StatusTooManyRequests {
		t.Fatalf("first edit %s, want 429", limited)
	}

	other := h.ask("How long did the talks last?", discordtest.From("700000000000000001", "other"))
	_, otherEdit := h.edit(other)
	if !answered(otherEdit, "How long did the talks last?") {
		t.Errorf("the other answer: %+v", otherEdit)
	}
	h.handled(other.ID)
	h.handled(first.ID)
	var otherAt, retryAt time.Time
	for _, c := range h.fake.Calls() {
		switch {
		case c.Method == "PATCH" && strings.Contains(c.Path, "/"+other.Token+"/"):
			otherAt = c.Answered
		case c.Method == "PATCH" && strings.Contains(c.Path, "/"+first.Token+"/") && c.Status == 200:
			retryAt = c.Time
		}
	}
	if waited := retryAt.Sub(limited.Answered); waited < retryAfter-10*time.Millisecond {
		t.Errorf("the limited edit was retried after %v, want at least %v", waited, retryAfter)
	}
	if d := otherAt.Sub(limited.Answered); d > retryAfter/2 {
		t.Errorf("the other user's answer came %v after the 429, want no wait for it", d)
	}
	if m, _ := h.fake.Original(first.Token); !answered(m, "Where did Putin and Kim meet?") {
		t.Errorf("the limited answer: %+v", m)
	}
}

// TestErrorsNameNoToken: a failed request's error, as logged, names the
// configured API and not discord.com, and holds no token. (Every test that
// uses start also checks the whole log for every token; see
// checkNoSecrets.)
func TestErrorsNameNoToken(t *testing.T) {
	t.Parallel()
	h := start(t, sharedEngine(t), fastRetries, func(c *bot.Config) { c.RequestTimeout = 200 * time.Millisecond })
	h.fake.DropNext(editPattern, 1)
	h.fake.HangNext(editPattern, 1)
	h.fake.FailNext(editPattern, http.StatusBadGateway, 1)
	i := h.ask("Where did Putin and Kim meet?", discordtest.From("700000000000000002", "x"))
	h.handled(i.ID)
	log := h.log.String()
	retries := regexp.MustCompile(`msg="discord request failed; retrying".*`).FindAllString(log, -1)
	if len(retries) == 0 {
		t.Fatal("no retry logged")
	}
	for _, line := range retries {
		if !strings.Contains(line, h.fake.APIURL()+"/webhooks/"+discordtest.AppID+"/[redacted]/messages/@original") {
			t.Errorf("retry line does not name the configured API with the token redacted: %s", line)
		}
	}
	if strings.Contains(log, "discord.com/api") {
		t.Error("the log names discord.com/api")
	}
	checkNoSecrets(t, log, []string{i.Token})
}

// TestMentionFloodGetsOneNotice: a user who mentions the bot faster than
// their allowance is told so in public once a minute; the rest of their
// questions get a reaction.
func TestMentionFloodGetsOneNotice(t *testing.T) {
	t.Parallel()
	h := start(t, sharedEngine(t), func(c *bot.Config) { c.QuestionsPerMinute, c.Burst = 1, 1 })
	var sent []*discordgo.Message
	for k := 0; k < 6; k++ {
		m := &discordgo.Message{Content: mention + " How long did the talks last?"}
		h.fake.SendMessage(m)
		sent = append(sent, m)
	}
	for _, m := range sent {
		h.handled(m.ID)
	}
	notices, reactions := 0, 0
	for _, c := range h.fake.Calls() {
		var m discordgo.Message
		switch {
		case c.Method == "POST" && c.Decode(&m) == nil && strings.Contains(m.Content, "faster than"):
			notices++
		case c.Method == "PUT" && strings.Contains(c.Path, "/reactions/"):
			reactions++
		}
	}
	if notices != 1 || reactions != 4 {
		t.Errorf("%d public notices and %d reactions, want 1 and 4", notices, reactions)
	}
}

// TestRunErrorNamesConfiguredAPI: when Discord cannot be reached, Run's
// error names the configured API, not the discord.com URL discordgo
// builds.
func TestRunErrorNamesConfiguredAPI(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	apiURL := fake.APIURL()
	fake.Close() // nothing listens there now
	b, err := bot.New(bot.Config{Token: testToken, APIURL: apiURL}, sharedEngine(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Run(t.Context())
	if err == nil {
		t.Fatal("Run against a closed server returned nil")
	}
	if !strings.Contains(err.Error(), apiURL+"/gateway") || strings.Contains(err.Error(), "discord.com") {
		t.Errorf("Run: %v, want the error to name %s/gateway and not discord.com", err, apiURL)
	}
}
