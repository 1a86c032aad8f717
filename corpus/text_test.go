package corpus_test

import (
	"strings"
	"testing"
	"testing/fstest"
	"unicode"
	"unicode/utf8"

	"github.com/summitbot/summitbot/corpus"
)

func TestCleanText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Where did Putin and Kim meet?", "Where did Putin and Kim meet?"},
		{"tab and newline kept", "a\tb\nc", "a\tb\nc"},
		{"non-ASCII kept", "Владимир Путин, 김정은, Vostochny — “armoured” café 🚀", "Владимир Путин, 김정은, Vostochny — “armoured” café 🚀"},
		{"zero-width space inside a word", "K\u200bim", "Kim"},
		{"zero-width joiners and word joiner", "K\u200ci\u200dm\u2060", "Kim"},
		{"byte order marks", "\ufeffKim\ufeff", "Kim"},
		{"soft hyphen", "Vos\u00adtochny", "Vostochny"},
		{"bidi marks", "\u200eKim\u200f", "Kim"},
		{"bidi override", "Kim \u202eteem\u202c", "Kim teem"},
		{"bidi embeddings", "\u202a\u202b\u202dKim\u202c", "Kim"},
		{"bidi isolates", "\u2066Kim\u2069 \u2067met\u2069 \u2068Putin\u2069", "Kim met Putin"},
		{"invisible operators", "K\u2061i\u2062m\u2063\u2064", "Kim"},
		{"tag characters", "Kim\U000e0049\U000e0067\U000e006e\U000e006f\U000e007f", "Kim"},
		{"Mongolian vowel separator", "K\u180eim", "Kim"},
		{"colour", "\x1b[31mKim\x1b[0m", "Kim"},
		{"colour with many parameters", "\x1b[1;38;2;255;0;0mKim\x1b[m", "Kim"},
		{"cursor and erase", "Kim\x1b[2K\x1b[1A\x1b[?25l met", "Kim met"},
		{"8-bit CSI", "\u009b31mKim", "Kim"},
		{"window title ended by BEL", "\x1b]0;pwned\x07Kim", "Kim"},
		{"hyperlink ended by ST", "\x1b]8;;https://evil.example\x1b\\Kim\x1b]8;;\x1b\\", "Kim"},
		{"open title ends at the line", "\x1b]0;pwned\nKim", "\nKim"},
		{"device control string", "\x1bPq#0;2;0;0;0\x1b\\Kim", "Kim"},
		{"charset designation", "\x1b(BKim", "Kim"},
		{"reset", "\x1bcKim", "Kim"},
		{"ESC at the end", "Kim\x1b", "Kim"},
		{"ESC before a letter", "\x1b[", ""},
		{"bell and backspace", "Kim\x07\x08\x08\x08Putin", "KimPutin"},
		{"NUL and DEL", "K\x00im\x7f", "Kim"},
		{"carriage return overwriting", "safe question\rrm -rf", "safe question rm -rf"},
		{"form feed and vertical tab", "a\fb\vc", "a b c"},
		{"C1 controls", "Kim\u0085met\u0090Putin", "Kim metPutin"},
		{"not UTF-8", "Kim\xff\xfe met", "Kim met"},
		{"U+FFFD kept", "Kim \ufffd", "Kim \ufffd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := corpus.CleanText(tt.in); got != tt.want {
				t.Errorf("CleanText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestLoadCleansText: invisible characters inside an article's words, as
// characters or as HTML entities, are gone from its text and its links, so
// that "Kim" in a question matches "K\u200bim" in an article.
func TestLoadCleansText(t *testing.T) {
	raw := "K\u200bim Jong Un met Vladimir Pu&#8203;tin at the Vos\u00adtochny Cosmodrome.\r\n" +
		"The talks lasted \x1b[1mfour\x1b[0m hours, <a href=\"https://example.com/\u200ekim\">Mr K\u2060im</a> said.\n"
	c, err := corpus.Load(fstest.MapFS{"a.txt": {Data: []byte(raw)}})
	if err != nil {
		t.Fatal(err)
	}
	a := c.Articles[0]
	want := "Kim Jong Un met Vladimir Putin at the Vostochny Cosmodrome.\n\nThe talks lasted four hours, Mr Kim said."
	if a.Text != want {
		t.Errorf("Text = %q, want %q", a.Text, want)
	}
	if len(a.Links) != 1 || a.Links[0].Text != "Mr Kim" || a.Links[0].URL != "https://example.com/kim" {
		t.Errorf("Links = %q", a.Links)
	}
	checkSpans(t, a, c.Chunks)
}

// invisibles are the characters CleanText removes, tags aside.
const invisibles = "\u00ad\u180e\ufeff\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e" +
	"\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069"

// checkCleanText fails t unless out is what CleanText promises: UTF-8,
// no control character but tab and newline, nothing invisible, and
// unchanged by a second cleaning.
func checkCleanText(t *testing.T, in, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("CleanText(%q) = %q is not UTF-8", in, out)
	}
	for _, r := range out {
		if (unicode.IsControl(r) && r != '\t' && r != '\n') || strings.ContainsRune(invisibles, r) || (r >= 0xe0000 && r <= 0xe007f) {
			t.Fatalf("CleanText(%q) = %q keeps %U", in, out, r)
		}
	}
	if again := corpus.CleanText(out); again != out {
		t.Fatalf("CleanText is not idempotent: %q → %q → %q", in, out, again)
	}
}
