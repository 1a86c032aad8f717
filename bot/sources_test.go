package bot_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/summitbot/summitbot/bot/discordtest"
)

func TestSources(t *testing.T) {
	t.Parallel()
	eng := sharedEngine(t)
	h := start(t, eng)
	i := discordtest.SlashCommand("sources", nil)
	h.fake.SendInteraction(i)
	_, r := h.callback(i)
	if r.Type != discordgo.InteractionResponseChannelMessageWithSource || r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Fatalf("type %d flags %d, want an ephemeral message", r.Type, r.Data.Flags)
	}
	e := only(t, r.Data.Embeds)
	arts := eng.Articles()
	if len(arts) != 5 {
		t.Errorf("%d articles, want 5", len(arts))
	}
	for _, a := range arts {
		line := lineWith(unescape(e.Description), "`"+a.ID+"`")
		if !strings.Contains(line, a.Title) {
			t.Errorf("no line with id %s and title %q in\n%s", a.ID, a.Title, e.Description)
		}
	}
}

func TestSource(t *testing.T) {
	t.Parallel()
	eng := sharedEngine(t)
	h := start(t, eng)
	const id = "reuters-vostochny"
	source := func(opts map[string]any) *discordgo.MessageEmbed {
		t.Helper()
		i := discordtest.SlashCommand("source", opts)
		h.fake.SendInteraction(i)
		_, r := h.callback(i)
		if r.Type != discordgo.InteractionResponseChannelMessageWithSource || r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Fatalf("type %d flags %d %q, want an ephemeral message", r.Type, r.Data.Flags, r.Data.Content)
		}
		if len(r.Data.Embeds) == 0 {
			t.Fatalf("no embed; content %q", r.Data.Content)
		}
		return r.Data.Embeds[0]
	}

	t.Run("article", func(t *testing.T) {
		e := source(map[string]any{"id": id})
		a, _ := eng.Article(id)
		if unescape(e.Title) != a.Title {
			t.Errorf("title %q, want %q", e.Title, a.Title)
		}
		fields := map[string]string{}
		for _, f := range e.Fields {
			fields[f.Name] = f.Value
		}
		if fields["Publisher"] != "Reuters" || fields["Date"] != "2023-09-13" || fields["Words"] == "" || !strings.Contains(fields["Id"], id) {
			t.Errorf("fields %v, want id, Reuters, 2023-09-13 and a word count", fields)
		}
		first := a.Text[a.Sentences[0].Start:a.Sentences[0].End]
		if !strings.HasPrefix(unescape(e.Description), first) {
			t.Errorf("description %q does not open with the article's first sentence %q", e.Description, first)
		}
	})

	t.Run("query", func(t *testing.T) {
		e := source(map[string]any{"id": id, "query": "missiles fired"})
		if len(e.Fields) == 0 || len(e.Fields) > 3 {
			t.Fatalf("%d passages, want 1 to 3", len(e.Fields))
		}
		a, _ := eng.Article(id)
		for _, f := range e.Fields {
			if !strings.Contains(a.Text, strings.TrimSuffix(unescape(f.Value), " …")) {
				t.Errorf("passage %q is not from %s", f.Value, id)
			}
		}
		if !strings.Contains(strings.ToLower(unescape(e.Fields[0].Value)), "missile") {
			t.Errorf("best passage %q does not mention missiles", e.Fields[0].Value)
		}
	})

	t.Run("unknown id", func(t *testing.T) {
		i := discordtest.SlashCommand("source", map[string]any{"id": "no-such-article"})
		h.fake.SendInteraction(i)
		_, r := h.callback(i)
		if !strings.Contains(r.Data.Content, "/sources") || r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Errorf("reply %q flags %d, want an ephemeral pointer to /sources", r.Data.Content, r.Data.Flags)
		}
	})
}

func TestAutocomplete(t *testing.T) {
	t.Parallel()
	h := start(t, sharedEngine(t))
	tests := []struct {
		typed string
		want  []string
	}{
		{"", []string{"kim-sacred-fight", "ap-siberian-summit", "reuters-vostochny", "always-with-russia", "afp-arms-deal"}},
		{"REUTERS", []string{"reuters-vostochny"}},
		{"siberian", []string{"ap-siberian-summit"}}, // by id and title
		{"arms deal", []string{"afp-arms-deal"}},     // by title only
		{"zzz", nil},
	}
	for _, tt := range tests {
		t.Run(tt.typed, func(t *testing.T) {
			i := discordtest.Autocomplete("source", map[string]any{"id": tt.typed}, "id")
			h.fake.SendInteraction(i)
			_, r := h.callback(i)
			if r.Type != discordgo.InteractionApplicationCommandAutocompleteResult {
				t.Fatalf("type %d, want an autocomplete result", r.Type)
			}
			var got []string
			for _, c := range r.Data.Choices {
				got = append(got, c.Value.(string))
				if utf8.RuneCountInString(c.Name) > 100 {
					t.Errorf("choice name %q over 100 characters", c.Name)
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("choices %v, want %v", got, tt.want)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	t.Parallel()
	h := start(t, sharedEngine(t))
	i := discordtest.SlashCommand("help", nil)
	h.fake.SendInteraction(i)
	_, r := h.callback(i)
	e := only(t, r.Data.Embeds)
	for _, want := range []string{"/ask", "/sources", "/source", "/reload", "only from", "Vostochny"} {
		if !strings.Contains(e.Description, want) {
			t.Errorf("help lacks %q", want)
		}
	}
}
