package qa

import (
	"regexp"
	"strings"
	"testing"
)

func TestSanitizeGenerated(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Putin met Kim at Vostochny. [1]", "Putin met Kim at Vostochny. [1]"},
		{"See the [official summit report](https://evil.example/phish) for more. [2]", "See the official summit report for more. [2]"},
		{"Everyone should visit discord.gg/abc123 now.", "Everyone should visit now."},
		{"Join https://discord.com/invite/xyz or <https://x.y/z>.", "Join or ."},
		{"Ping <@123456789012345678> and <@&42> in <#99>!", "Ping and in !"},
		{"@everyone the summit is over @here", "everyone the summit is over here"},
		{"# Breaking\n## news\nKim left. [1]", "Breaking\nnews\nKim left. [1]"},
		{"Run ```rm -rf /``` now", "Run now"},
		{"a `code` word", "a code word"},
		{"visit www.example.com/x today", "visit today"},
		{"go to evil.ru/login", "go to"},
		{"The 42.7m Angara rocket. [1]", "The 42.7m Angara rocket. [1]"},
		{"U.S. officials said so. [3]", "U.S. officials said so. [3]"},
		{"[[nested](http://a)](http://b)", "nested"},
		{"||spoiler|| text", "spoiler text"},
		{"-# small print", "small print"},
	}
	for _, tt := range tests {
		if got := SanitizeGenerated(tt.in); got != tt.want {
			t.Errorf("SanitizeGenerated(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

// unsafeRE matches what must never reach a message body from a model.
var unsafeRE = regexp.MustCompile(`(?i)://|\bwww\.\S|discord(?:app)?\.(?:gg|com)|dsc\.gg|<#[^>]*>|@everyone|@here|@|` + "```" + `|\]\(|(?m)^\s*#`)

func FuzzSanitizeGenerated(f *testing.F) {
	for _, s := range []string{
		"[official summit report](https://evil.example/phish) [1]",
		"<@123> @everyone discord.gg/x ```code``` # head",
		"[a](<http://x> \"t\") ![img](http://y)",
		"@@everyone <@!1> <@&2> <#3> <:e:4> <t:5:R>",
		"[[x](y)](z) [1](http://a)",
		"ht tp://a https://b www.c.d e.com/f",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := SanitizeGenerated(s)
		if m := unsafeRE.FindString(out); m != "" {
			t.Fatalf("SanitizeGenerated(%q) = %q still holds %q", s, out, m)
		}
		if again := SanitizeGenerated(out); again != out {
			t.Fatalf("not idempotent: %q → %q → %q", s, out, again)
		}
		_ = strings.TrimSpace(out)
	})
}
