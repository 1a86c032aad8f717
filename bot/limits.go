package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/summitbot/summitbot/retrieval"
)

// Discord's limits on what the bot sends, in characters. discordgo checks
// none of them, and Discord answers 400 to a message over any of them, so
// every message is fitted here before it goes out.
const (
	maxContent          = 2000
	maxEmbedTitle       = 256
	maxEmbedDescription = 4096
	maxEmbedFields      = 25
	maxFieldName        = 256
	maxFieldValue       = 1024
	maxFooter           = 2048
	maxEmbedsTotal      = 6000 // all embeds of one message together
	maxChoices          = 25   // autocomplete choices
	maxChoiceName       = 100
	maxChoiceValue      = 100
)

// MaxQuestionLength is the longest question the bot takes, in characters:
// retrieval's one limit, which /ask's option tells Discord, and to which
// mentions and /source queries are held too.
const MaxQuestionLength = retrieval.MaxQuestionLength

// trimTail marks text that was cut short.
const trimTail = " …"

// trimText shortens s to at most max characters (runes, as Discord counts
// them), ending with " …" when it cut anything. It cuts at the last sentence
// boundary that fits, keeping the [n] citation markers that close that
// sentence; failing that, at the last space; failing that, anywhere that is
// not inside a [n] marker. It reads only about max characters of s beyond
// one count of its length, so a huge input costs little.
func trimText(s string, max int) string {
	if max <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	room := max - utf8.RuneCountInString(trimTail)
	if room <= 0 {
		return "…"
	}
	cut := runeOffset(s, room) // s[:cut] is the longest prefix that fits
	if b := lastSentenceEnd(s, cut); b > 0 {
		return dropDanglingEscape(s[:b]) + trimTail
	}
	if b := strings.LastIndexAny(s[:cut], " \t\n"); b > 0 {
		if t := strings.TrimRightFunc(s[:b], unicode.IsSpace); t != "" {
			return dropDanglingEscape(t) + trimTail
		}
	}
	return dropDanglingEscape(s[:outsideMarker(s, cut)]) + "…"
}

// runeOffset returns the byte offset just after the first n runes of s.
func runeOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

// lastSentenceEnd returns the byte offset of the last sentence end at or
// before cut: after the sentence's closing punctuation and quotes and any
// [n] markers that follow it. It returns 0 when there is none.
func lastSentenceEnd(s string, cut int) int {
	best := 0
	for i := 0; i < cut; {
		r, size := utf8.DecodeRuneInString(s[i:])
		next := i + size
		switch r {
		case '\n':
			if b := len(strings.TrimRightFunc(s[:i], unicode.IsSpace)); b > 0 {
				best = b
			}
		case '.', '!', '?', '…':
			j := skipClosers(s, next)
			k, markers := skipMarkers(s, j)
			if k > cut {
				break
			}
			rest := s[k:]
			if rest == "" || markers && startsWithSpace(rest) || startsSentence(rest) {
				best = k
			}
		}
		i = next
	}
	return best
}

// skipClosers skips the quotes and brackets that close a sentence.
func skipClosers(s string, i int) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !strings.ContainsRune(`"')]’”»`, r) {
			break
		}
		i += size
	}
	return i
}

// skipMarkers skips citation markers such as " [1] [12]" at s[i:] and
// reports whether there were any. Spaces after the last marker are not
// skipped.
func skipMarkers(s string, i int) (int, bool) {
	found := false
	for {
		j := i
		for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
			j++
		}
		if j >= len(s) || s[j] != '[' {
			return i, found
		}
		k := j + 1
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		if k == j+1 || k >= len(s) || s[k] != ']' {
			return i, found
		}
		i, found = k+1, true
	}
}

func startsWithSpace(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

// startsSentence reports whether s, the text after a full stop, begins the
// next sentence: white space, then a capital, a digit, a quote or a
// bracket, or a line break. "U.S. officials" is not a sentence end.
func startsSentence(s string) bool {
	if !startsWithSpace(s) {
		return false
	}
	t := strings.TrimLeft(s, " \t")
	if t == "" || t[0] == '\n' || t[0] == '\r' {
		return true
	}
	r, _ := utf8.DecodeRuneInString(t)
	return unicode.IsUpper(r) || unicode.IsDigit(r) || strings.ContainsRune(`"'“‘«([*`, r)
}

// outsideMarker moves a cut at byte offset cut back to a rune boundary
// that does not split a [n] marker.
func outsideMarker(s string, cut int) int {
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	k := cut
	for k > 0 && s[k-1] >= '0' && s[k-1] <= '9' {
		k--
	}
	if k > 0 && s[k-1] == '[' {
		return k - 1
	}
	return cut
}

// dropDanglingEscape removes a final backslash that would escape what is
// appended after it; escapeMarkdown writes backslashes in pairs with the
// character they escape.
func dropDanglingEscape(s string) string {
	n := 0
	for n < len(s) && s[len(s)-1-n] == '\\' {
		n++
	}
	if n%2 == 1 {
		return s[:len(s)-1]
	}
	return s
}

// markdownEscaper escapes the characters that Discord's markdown gives a
// meaning anywhere in a line.
var markdownEscaper = strings.NewReplacer(
	`\`, `\\`, `*`, `\*`, `_`, `\_`, "`", "\\`", `~`, `\~`, `|`, `\|`,
)

// escapeMarkdown makes article text and questions show as written rather
// than as Discord markdown.
func escapeMarkdown(s string) string { return markdownEscaper.Replace(s) }

// embedLength is how Discord counts an embed against the 6,000 characters
// all embeds of a message may hold.
func embedLength(e *discordgo.MessageEmbed) int {
	n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	for _, f := range e.Fields {
		n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	if e.Footer != nil {
		n += utf8.RuneCountInString(e.Footer.Text)
	}
	if e.Author != nil {
		n += utf8.RuneCountInString(e.Author.Name)
	}
	return n
}

// fitEmbed brings e within Discord's limits, whatever built it: each part
// to its own limit, then the description and, if need be, the last fields
// shortened until the whole is within 6,000. The builders already budget
// their text; this is the net under them.
func fitEmbed(e *discordgo.MessageEmbed) *discordgo.MessageEmbed {
	e.Title = trimText(e.Title, maxEmbedTitle)
	e.Description = trimText(e.Description, maxEmbedDescription)
	if len(e.Fields) > maxEmbedFields {
		e.Fields = e.Fields[:maxEmbedFields]
	}
	for _, f := range e.Fields {
		f.Name = trimText(f.Name, maxFieldName)
		f.Value = trimText(f.Value, maxFieldValue)
	}
	if e.Footer != nil {
		e.Footer.Text = trimText(e.Footer.Text, maxFooter)
	}
	if e.Author != nil {
		e.Author.Name = trimText(e.Author.Name, maxFieldName)
	}
	over := embedLength(e) - maxEmbedsTotal
	if over > 0 {
		d := utf8.RuneCountInString(e.Description)
		e.Description = trimText(e.Description, max(0, d-over))
	}
	for over = embedLength(e) - maxEmbedsTotal; over > 0 && len(e.Fields) > 0; over = embedLength(e) - maxEmbedsTotal {
		e.Fields = e.Fields[:len(e.Fields)-1]
	}
	return e
}
