package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/summitbot/summitbot/bot"
	"github.com/summitbot/summitbot/bot/discordtest"
	"github.com/summitbot/summitbot/retrieval"
)

func TestRegistersCommands(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, guild, path string
	}{
		{"global", "", "applications/" + discordtest.AppID + "/commands"},
		{"guild", "123456789012345678", "applications/" + discordtest.AppID + "/guilds/123456789012345678/commands"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := start(t, sharedEngine(t), func(c *bot.Config) { c.GuildID = tt.guild })
			calls := h.fake.Calls()
			var puts []discordtest.Call
			for _, c := range calls {
				if isRegistration(c) {
					puts = append(puts, c)
				}
			}
			if len(puts) != 1 || puts[0].Path != tt.path {
				t.Fatalf("registrations %v, want one PUT %s", puts, tt.path)
			}
			var cmds []*discordgo.ApplicationCommand
			if err := puts[0].Decode(&cmds); err != nil {
				t.Fatal(err)
			}
			byName := map[string]*discordgo.ApplicationCommand{}
			for _, c := range cmds {
				byName[c.Name] = c
			}
			var names []string
			for n := range byName {
				names = append(names, n)
			}
			slices.Sort(names)
			if want := []string{"article", "ask", "gaps", "help", "reload", "settings", "source", "sources"}; !slices.Equal(names, want) {
				t.Fatalf("commands %v, want %v", names, want)
			}
			for _, mod := range []string{"reload", "gaps", "settings", "article"} {
				if p := byName[mod].DefaultMemberPermissions; p == nil || *p != discordgo.PermissionManageGuild {
					t.Errorf("/%s default member permissions %v, want Manage Server (%d)", mod, p, discordgo.PermissionManageGuild)
				}
			}
			if q := byName["ask"].Options; len(q) != 1 || !q[0].Required || q[0].MaxLength != 300 {
				t.Errorf("/ask options %+v, want one required question of at most 300 characters", q)
			}
			if id := byName["source"].Options[0]; id.Name != "id" || !id.Autocomplete || !id.Required {
				t.Errorf("/source id option %+v, want required with autocomplete", id)
			}
			hs := h.fake.Handshakes()
			if len(hs) == 0 || hs[0].Token != "Bot "+testToken {
				t.Errorf("identify token %q, want the configured token with the Bot prefix", hs[0].Token)
			}
		})
	}
}

// TestAsk asks a question and checks the acknowledgement, the answer, its
// sources and buttons, Show passages, and feedback.
func TestAsk(t *testing.T) {
	t.Parallel()
	eng := sharedEngine(t)
	h := start(t, eng)
	const question = "How long did the talks last?"
	want, err := eng.Answer(context.Background(), retrieval.Question{Text: question}, nil)
	if err != nil || want.Refused || len(want.Citations) == 0 {
		t.Fatalf("engine: %v, %+v; want an answer with citations", err, want)
	}

	sent := time.Now()
	i := h.ask(question)
	ack, r := h.callback(i)
	if r.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Fatalf("first response type %d, want a deferred message (5)", r.Type)
	}
	if r.Data.Flags&discordgo.MessageFlagsEphemeral != 0 {
		t.Errorf("the deferred answer is ephemeral; answers are public")
	}
	if lat := ack.Time.Sub(sent); lat > 3*time.Second {
		t.Errorf("acknowledged after %v, want within 3s", lat)
	}
	edit, m := h.edit(i)
	if !ack.Time.Before(edit.Time) && !ack.Time.Equal(edit.Time) {
		t.Errorf("answer edited at %v before the acknowledgement at %v", edit.Time, ack.Time)
	}
	if idx := slices.IndexFunc(h.fake.Calls(), func(c discordtest.Call) bool { return c.Path == edit.Path }); idx < slices.IndexFunc(h.fake.Calls(), func(c discordtest.Call) bool { return c.Path == ack.Path }) {
		t.Errorf("the edit was recorded before the acknowledgement")
	}

	e := only(t, m.Embeds)
	if got := unescape(e.Description); got != want.Answer {
		t.Errorf("description\n%q\nwant the answer\n%q", got, want.Answer)
	}
	if unescape(e.Title) != question {
		t.Errorf("title %q, want the question", e.Title)
	}
	sources := ""
	for _, f := range e.Fields {
		sources += unescape(f.Value) + "\n"
	}
	for _, c := range want.Citations {
		marker := fmt.Sprintf("[%d]", c.N)
		if !strings.Contains(e.Description, marker) {
			t.Errorf("description lacks %s", marker)
		}
		line := lineWith(sources, c.Title)
		if line == "" || !strings.Contains(line, marker) {
			t.Errorf("sources lack %s %q:\n%s", marker, c.Title, sources)
		}
		if c.Date != "" && !strings.Contains(line, c.Date) || c.Publisher != "" && !strings.Contains(line, c.Publisher) {
			t.Errorf("source line %q lacks publisher %q or date %q", line, c.Publisher, c.Date)
		}
	}
	if e.Footer == nil || !regexp.MustCompile(`^offline extractive · reported by \d of the 5 articles$`).MatchString(e.Footer.Text) {
		t.Errorf("footer %+v, want \"offline extractive · reported by N of the 5 articles\"", e.Footer)
	}
	btn := buttons(t, m.Components)
	for _, name := range []string{"Show passages", "👍", "👎"} {
		if btn[name] == "" {
			t.Fatalf("buttons %v lack %q", btn, name)
		}
	}

	t.Run("show passages", func(t *testing.T) {
		p := discordtest.ButtonPress(btn["Show passages"])
		h.fake.SendInteraction(p)
		_, r := h.callback(p)
		if r.Type != discordgo.InteractionResponseChannelMessageWithSource || r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Fatalf("response type %d flags %d, want an ephemeral message", r.Type, r.Data.Flags)
		}
		pe := only(t, r.Data.Embeds)
		if len(pe.Fields) != len(want.Citations) {
			t.Fatalf("%d passages, want %d", len(pe.Fields), len(want.Citations))
		}
		for k, c := range want.Citations {
			f := pe.Fields[k]
			if !strings.HasPrefix(f.Name, fmt.Sprintf("[%d] ", c.N)) || !strings.Contains(f.Name, c.Title) {
				t.Errorf("passage %d named %q, want [%d] and %q", k, f.Name, c.N, c.Title)
			}
			if !strings.Contains(unescape(f.Value), "**"+c.Quote+"**") {
				t.Errorf("passage [%d] %q does not hold the quoted sentence %q in bold", c.N, f.Value, c.Quote)
			}
			if !strings.Contains(c.Text, c.Quote) {
				t.Errorf("citation [%d]: quote not in its passage", c.N)
			}
		}
	})

	t.Run("feedback", func(t *testing.T) {
		press := func(id string, o ...discordtest.InteractionOption) string {
			t.Helper()
			p := discordtest.ButtonPress(id, o...)
			h.fake.SendInteraction(p)
			content, flags := h.voteReply(p)
			if flags&discordgo.MessageFlagsEphemeral == 0 {
				t.Errorf("feedback reply %q is not ephemeral", content)
			}
			return content
		}
		if got := press(btn["👍"]); !strings.Contains(got, "Thanks") {
			t.Errorf("first vote: %q, want a thank-you", got)
		}
		if got := press(btn["👍"]); !strings.Contains(got, "already") {
			t.Errorf("the same vote again: %q, want a polite refusal", got)
		}
		if got := press(btn["👎"]); !strings.Contains(got, "now 👎") {
			t.Errorf("the other button: %q, want the vote changed", got)
		}
		if got := press(btn["👎"], discordtest.From("900000000000000099", "other")); !strings.Contains(got, "Thanks") {
			t.Errorf("another user's vote: %q, want a thank-you", got)
		}
		if up, down := h.bot.Feedback(); up != 1 || down != 2 {
			t.Errorf("feedback counters %d up %d down, want 1 and 2", up, down)
		}
		if !strings.Contains(h.log.String(), "msg=feedback") {
			t.Errorf("votes not logged")
		}
	})
}

func lineWith(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}

// TestAskRefusesBadQuestions checks the short ephemeral explanations for
// questions that cannot be asked; none is deferred or answered.
func TestAskRefusesBadQuestions(t *testing.T) {
	t.Parallel()
	h := start(t, sharedEngine(t))
	tests := []struct {
		name, question, want string
	}{
		{"empty", "   ", "empty"},
		{"only mentions", "<@&900000000000000077> @everyone <@" + discordtest.BotUserID + ">", "empty"},
		{"too long", strings.Repeat("why ", 76), "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i := h.ask(tt.question)
			_, r := h.callback(i)
			if r.Type != discordgo.InteractionResponseChannelMessageWithSource || r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
				t.Fatalf("response type %d flags %d, want an ephemeral message", r.Type, r.Data.Flags)
			}
			if !strings.Contains(r.Data.Content, tt.want) {
				t.Errorf("reply %q, want it to say %q", r.Data.Content, tt.want)
			}
		})
	}
}

// TestNothingPings asks with @everyone and a role mention in the question;
// the harness checks allowed_mentions on every message, and here the
// answer must not echo the mentions either.
func TestNothingPings(t *testing.T) {
	t.Parallel()
	h := start(t, sharedEngine(t))
	q := "@everyone <@&900000000000000077> where did Putin and Kim meet?"
	_, _, m := h.askAndWait(q)
	call := h.waitFor("PATCH webhooks/*/*/messages/@original")
	var body struct {
		AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
	}
	if err := json.Unmarshal(call.Raw, &body); err != nil || body.AllowedMentions == nil || body.AllowedMentions.Parse == nil || len(body.AllowedMentions.Parse) != 0 {
		t.Errorf("allowed_mentions %+v (%v), want parse []", body.AllowedMentions, err)
	}
	e := only(t, m.Embeds)
	for _, s := range []string{e.Title, e.Description, m.Content} {
		if strings.Contains(s, "@everyone") || strings.Contains(s, "<@&") {
			t.Errorf("the answer echoes a mention: %q", s)
		}
	}
}

// TestLongAnswerTrimmed gives the bot an answer far over Discord's limits;
// the fake rejects any message over them, so the edit succeeding is part
// of the test.
func TestLongAnswerTrimmed(t *testing.T) {
	t.Parallel()
	eng := sharedEngine(t)
	long := answerFunc{Engine: eng, f: func(ctx context.Context, q retrieval.Question) (*retrieval.Answer, error) {
		a, err := eng.Answer(ctx, retrieval.Question{Text: "How long did the talks last?"}, nil)
		if err != nil {
			return nil, err
		}
		b := *a
		var sb strings.Builder
		for n := 0; sb.Len() < 9000; n++ {
			fmt.Fprintf(&sb, "Sentence number %d says something long_enough *to* matter about the talks at Vostochny. [%d] [%d] ", n, n%9+1, n%7+10)
		}
		b.Answer = sb.String()
		for k := 0; k < 30; k++ {
			c := a.Citations[0]
			c.N = k + 1
			c.Title = strings.Repeat("A very long title ", 20)
			b.Citations = append(b.Citations, c)
		}
		return &b, nil
	}}
	h := start(t, long)
	i, _, m := h.askAndWait("How long did the talks last?")
	edit, _ := h.edit(i)
	if edit.Status != 200 {
		t.Fatalf("edit answered %d: %s", edit.Status, edit.Raw)
	}
	e := only(t, m.Embeds)
	n := utf8.RuneCountInString(e.Description)
	if n > 4096 || n < 1000 {
		t.Errorf("description has %d characters, want at most 4096 and not cut to nothing", n)
	}
	total := utf8.RuneCountInString(e.Title) + n
	for _, f := range e.Fields {
		total += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
		if utf8.RuneCountInString(f.Value) > 1024 {
			t.Errorf("field %q has %d characters", f.Name, utf8.RuneCountInString(f.Value))
		}
	}
	if e.Footer != nil {
		total += utf8.RuneCountInString(e.Footer.Text)
	}
	if total > 6000 {
		t.Errorf("embed holds %d characters, want at most 6000", total)
	}
	if !strings.HasSuffix(e.Description, "] …") {
		t.Errorf("description ends %q, want a sentence with its markers, then \" …\"", e.Description[len(e.Description)-40:])
	}
	if regexp.MustCompile(`\[\d*$|\[\d*[^\d\]]`).MatchString(strings.TrimSuffix(e.Description, " …")) {
		t.Errorf("description has a broken citation marker")
	}
}

// TestRateLimit lets a member ask twice a minute, then tells them when to
// try again; moderators are not limited.
func TestRateLimit(t *testing.T) {
	t.Parallel()
	h := start(t, sharedEngine(t), func(c *bot.Config) { c.QuestionsPerMinute, c.Burst = 2, 2 })
	for k := 0; k < 2; k++ {
		h.askAndWait("Where did Putin and Kim meet?")
	}
	i := h.ask("Where did Putin and Kim meet?")
	_, r := h.callback(i)
	if r.Type != discordgo.InteractionResponseChannelMessageWithSource || r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 ||
		!regexp.MustCompile(`try again in \d+s`).MatchString(r.Data.Content) {
		t.Errorf("third question: type %d flags %d %q, want an ephemeral \"try again in Ns\"", r.Type, r.Data.Flags, r.Data.Content)
	}
	// Another user has their own allowance.
	h.askAndWait("Where did Putin and Kim meet?", discordtest.From("900000000000000098", "someone"))
	mod := discordtest.WithPermissions(discordtest.DefaultPermissions | discordgo.PermissionManageGuild)
	for k := 0; k < 4; k++ {
		h.askAndWait("Where did Putin and Kim meet?", discordtest.From("900000000000000097", "mod"), mod)
	}
}

// TestFailureHasErrorID makes the engine fail: the user sees a short
// message with an error id, and the log has the id with the details.
func TestFailureHasErrorID(t *testing.T) {
	t.Parallel()
	broken := answerFunc{Engine: sharedEngine(t), f: func(context.Context, retrieval.Question) (*retrieval.Answer, error) {
		return nil, fmt.Errorf("disk on fire")
	}}
	h := start(t, broken)
	i, _, m := h.askAndWait("Where did Putin and Kim meet?")
	id := regexp.MustCompile("error id `([0-9a-f]{8})`").FindStringSubmatch(m.Content)
	if id == nil {
		t.Fatalf("reply %q, want an error id", m.Content)
	}
	if strings.Contains(m.Content, "disk on fire") {
		t.Errorf("the reply shows internal details: %q", m.Content)
	}
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	logs := h.log.String()
	line := lineWith(logs, "error_id="+id[1])
	for _, want := range []string{"interaction=" + i.ID, "user=" + discordtest.UserID, "guild=" + discordtest.GuildID, "command=ask", "disk on fire"} {
		if !strings.Contains(line, want) {
			t.Errorf("log line %q lacks %q", line, want)
		}
	}
	if !regexp.MustCompile(`interaction=` + i.ID + `.*outcome=error latency=`).MatchString(logs) {
		t.Errorf("no summary log line with outcome and latency for %s", i.ID)
	}
}

// TestAskSmallTalk answers small talk with a short reply that says what the
// bot covers: no quote, no sources, no buttons.
func TestAskSmallTalk(t *testing.T) {
	t.Parallel()
	h := start(t, sharedEngine(t))
	for _, q := range []string{"thank you so much", "hello!", "help", "who made u"} {
		i := h.ask(q)
		h.callback(i)
		_, m := h.edit(i)
		e := only(t, m.Embeds)
		if !strings.Contains(e.Description, "Vostochny") || strings.Contains(e.Description, "[1]") || len(e.Fields) > 0 {
			t.Errorf("%q: reply %q with %d source fields; want what the bot covers, no quote", q, e.Description, len(e.Fields))
		}
		if len(m.Components) > 0 {
			t.Errorf("%q: %d component rows; a chat reply has no buttons", q, len(m.Components))
		}
		if e.Footer == nil || strings.Contains(e.Footer.Text, "reported by") {
			t.Errorf("%q: footer %+v", q, e.Footer)
		}
	}
}
