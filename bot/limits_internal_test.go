package bot

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

func TestTrimText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"fits", "Short. [1]", 20, "Short. [1]"},
		{"sentence with markers", "One fact. [1] [2] Another fact that is long. [3]", 25, "One fact. [1] [2] …"},
		{"abbreviation is not an end", "U.S. officials said so. More words follow here.", 30, "U.S. officials said so. …"},
		{"no sentence end: last space", "word word word word word", 12, "word word …"},
		{"never inside a marker", "aaaaaaaaaa[12]bbbb", 13, "aaaaaaaaaa…"},
		{"runes, not bytes", "Él dijo «sí». Después, nada más que decir.", 20, "Él dijo «sí». …"},
		{"tiny", "Hello there.", 1, "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := trimText(tt.in, tt.max)
			if got != tt.want {
				t.Errorf("trimText(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > tt.max {
				t.Errorf("%d characters, over %d", n, tt.max)
			}
		})
	}
}

func TestFitEmbed(t *testing.T) {
	long := strings.Repeat("A sentence about the summit. [1] ", 400)
	e := &discordgo.MessageEmbed{Title: long, Description: long, Footer: &discordgo.MessageEmbedFooter{Text: long}}
	for i := 0; i < 30; i++ {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: long, Value: long})
	}
	fitEmbed(e)
	if n := embedLength(e); n > maxEmbedsTotal {
		t.Errorf("embed holds %d characters, over %d", n, maxEmbedsTotal)
	}
	if len(e.Fields) > maxEmbedFields || utf8.RuneCountInString(e.Title) > maxEmbedTitle ||
		utf8.RuneCountInString(e.Description) > maxEmbedDescription {
		t.Errorf("a part is over its limit: %d fields, title %d, description %d", len(e.Fields),
			utf8.RuneCountInString(e.Title), utf8.RuneCountInString(e.Description))
	}
}

func TestEscapeMarkdown(t *testing.T) {
	if got, want := escapeMarkdown("*bold* _it_ `code` ~x~ |s| \\"), `\*bold\* \_it\_ \`+"`"+`code\`+"`"+` \~x\~ \|s\| \\`; got != want {
		t.Errorf("escapeMarkdown = %q, want %q", got, want)
	}
}

func TestStripMentions(t *testing.T) {
	got := strings.Join(strings.Fields(stripMentions("<@123> <@!45> hi <@&6> @everyone <#7> @here there")), " ")
	if got != "hi there" {
		t.Errorf("stripMentions = %q, want %q", got, "hi there")
	}
}

func TestUserLimiter(t *testing.T) {
	l := newUserLimiter(2, 2) // two a minute, two at once
	now := time.Unix(1000, 0)
	if l.wait("a", now) != 0 || l.wait("a", now) != 0 {
		t.Fatal("the burst was refused")
	}
	if d := l.wait("a", now); d < 29*time.Second || d > 31*time.Second {
		t.Errorf("third question: wait %v, want about 30s", d)
	}
	if l.wait("b", now) != 0 {
		t.Error("another user was limited")
	}
	if l.wait("a", now.Add(31*time.Second)) != 0 {
		t.Error("still limited after the wait it was told")
	}
}
