package corpus

import (
	"strings"
	"unicode/utf8"
)

// CleanText removes from s what is not there to be read but to act on a
// terminal or to hide inside a word, so that text typed by a user, or
// scraped into an article, can be echoed to a terminal or a log and
// analysed as what it shows:
//
//   - ANSI escape sequences (ESC [ … colours and cursor moves, ESC ] …
//     titles and hyperlinks, and the other ESC forms) are removed whole,
//     the 8-bit CSI (U+009B) too; a string sequence (OSC, DCS, APC, PM,
//     SOS) left open ends at the end of the line;
//   - other control characters are removed, except tab and newline; a
//     carriage return, vertical tab, form feed or NEL becomes a space;
//   - invisible characters that split or disguise a word are removed:
//     zero-width space, non-joiner and joiner (U+200B–U+200D), word joiner
//     (U+2060), the byte order mark (U+FEFF), the bidirectional controls
//     (U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), the soft hyphen
//     (U+00AD), the invisible operators (U+2061–U+2064), the Mongolian
//     vowel separator (U+180E) and the tag characters (U+E0000–U+E007F),
//     which can spell out text no one sees;
//   - bytes that are not UTF-8 are removed.
//
// So "K\u200bim" becomes "Kim" and "\x1b[31mKim\x1b[0m" becomes "Kim".
// White space is otherwise left as it is; callers that want one line
// collapse it themselves. CleanText(CleanText(s)) == CleanText(s).
func CleanText(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			i++
		case r == 0x1b:
			i += escapeLen(s[i:])
		case r == 0x9b: // CSI, the 8-bit form of ESC [
			i += n + csiLen(s[i+n:])
		case r == '\t' || r == '\n':
			b.WriteRune(r)
			i += n
		case r == '\r' || r == '\v' || r == '\f' || r == 0x85:
			b.WriteByte(' ')
			i += n
		case isControl(r) || invisible(r):
			i += n
		default:
			b.WriteString(s[i : i+n])
			i += n
		}
	}
	return b.String()
}

// isClean reports whether CleanText has nothing to do, which is the common
// case and costs no allocation.
func isClean(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || (r != '\t' && r != '\n' && isControl(r)) || invisible(r) {
			return false
		}
	}
	return true
}

// isControl reports whether r is a C0 or C1 control character or DEL.
func isControl(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r < 0xa0)
}

// invisible reports whether r is one of the invisible characters CleanText
// removes.
func invisible(r rune) bool {
	switch {
	case r == 0xad, r == 0x180e, r == 0xfeff:
		return true
	case r >= 0x200b && r <= 0x200f: // zero-width space, (non-)joiner, LRM, RLM
		return true
	case r >= 0x202a && r <= 0x202e: // bidi embeddings and overrides
		return true
	case r >= 0x2060 && r <= 0x2064: // word joiner, invisible operators
		return true
	case r >= 0x2066 && r <= 0x2069: // bidi isolates
		return true
	case r >= 0xe0000 && r <= 0xe007f: // tags
		return true
	}
	return false
}

// escapeLen returns the length of the escape sequence at the start of s,
// which starts with ESC: ESC alone when nothing valid follows.
func escapeLen(s string) int {
	if len(s) < 2 {
		return len(s)
	}
	switch c := s[1]; {
	case c == '[':
		return 2 + csiLen(s[2:])
	case c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_':
		return 2 + stringLen(s[2:])
	case c >= 0x20 && c <= 0x2f: // intermediate bytes, then one final byte
		i := 1
		for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
			i++
		}
		if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
			i++
		}
		return i
	case c >= 0x30 && c <= 0x7e: // a two-byte sequence such as ESC c or ESC 7
		return 2
	}
	return 1
}

// csiLen returns the length of the parameter and intermediate bytes and the
// final byte of a control sequence whose introducer has been read. Where
// no final byte comes, the bytes that could belong to the sequence go with
// it.
func csiLen(s string) int {
	i := 0
	for i < len(s) && s[i] >= 0x30 && s[i] <= 0x3f {
		i++
	}
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e {
		i++
	}
	return i
}

// stringLen returns the length of a control string (the payload of OSC,
// DCS, SOS, PM or APC) with its terminator: BEL, ESC \ or U+009C. An
// unterminated one ends before the end of the line, so that one stray
// ESC ] cannot swallow the rest of an article.
func stringLen(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case 0x07:
			return i + 1
		case 0x1b:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i // another sequence begins
		case 0xc2:
			if i+1 < len(s) && s[i+1] == 0x9c {
				return i + 2
			}
		case '\n':
			return i
		}
	}
	return len(s)
}
