package corpus

import (
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// cleaned is an article file after the markup and the date line are gone
// but before its paragraphs are laid out into Article.Text; the split-word
// repair needs every file at this stage before any is laid out.
type cleaned struct {
	date  string // from the inline date prefix; "" without one
	links []Link
	paras []string // one line each, spaces collapsed, never empty
}

// datePrefix is the " date 2023-09-13 " that the scraper put in front of
// the first sentence of most files.
var datePrefix = regexp.MustCompile(`^\s*date\s+(\d{4}-\d{2}-\d{2})(?:\s+|$)`)

func clean(raw string) cleaned {
	var c cleaned
	s := strings.TrimPrefix(raw, "\uFEFF")
	if m := datePrefix.FindStringSubmatch(s); m != nil && validDate(m[1]) {
		c.date = m[1]
		s = s[len(m[0]):]
	}
	s, c.links = stripAnchors(s)
	// Unescape only after the anchors are gone, so that an escaped "&lt;a&gt;"
	// in the text stays text.
	s = html.UnescapeString(s)
	c.paras = splitParagraphs(s)
	return c
}

// splitParagraphs treats every non-blank line as a paragraph: the scraped
// files put one paragraph per line, and a sub-heading is a line of its own
// that would be lost if single newlines were joined. Each line goes through
// CleanText, so that a zero-width character inside a word ("K\u200bim", or
// "K&#8203;im" before unescaping) cannot keep the word from matching the
// same word in a question, which is cleaned the same way.
func splitParagraphs(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var paras []string
	for line := range strings.SplitSeq(s, "\n") {
		if p := collapseSpace(CleanText(line)); p != "" {
			paras = append(paras, p)
		}
	}
	return paras
}

// collapseSpace turns every run of white space or control characters into
// one ASCII space and trims the ends, so that word boundaries in Text are
// always a single space.
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// stripAnchors removes <a ...> and </a> tags, keeping the text between them
// and recording each href as a Link. It is a deliberately small parser for
// anchors only: golang.org/x/net/html is in the module graph only
// indirectly (an old 2021 version), and using it would mean a new direct
// requirement in go.mod. Any other "<" is left as text.
//
// It runs in time linear in len(s) whatever s holds: where a tag ends is
// looked up in tagEnds rather than scanned for from every "<a", which on a
// file of unclosed `<a href="` scanned to the end of the file from each of
// them (58 s for 1 MiB).
func stripAnchors(s string) (string, []Link) {
	var (
		b     strings.Builder
		links []Link
		open  = -1  // index in links of the anchor whose text is being read
		from  int   // offset in b where that text starts
		ends  []int // tagEnds(s), computed at the first "<a"
	)
	closeLink := func() {
		if open >= 0 {
			links[open].Text = collapseSpace(CleanText(html.UnescapeString(b.String()[from:])))
			open = -1
		}
	}
	i := 0
	for {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		b.WriteString(s[i : i+j])
		i += j
		if isAnchorOpen(s[i:]) {
			if ends == nil {
				ends = tagEnds(s)
			}
			if end := ends[i+2]; end >= 0 {
				closeLink() // anchors do not nest; an unclosed one ends here
				href := attr(s[i+2:end], "href")
				links = append(links, Link{URL: strings.TrimSpace(CleanText(html.UnescapeString(href)))})
				open, from = len(links)-1, b.Len()
				i = end + 1
				continue
			}
		}
		if n := anchorCloseTag(s[i:]); n > 0 {
			closeLink()
			i += n
			continue
		}
		b.WriteByte('<')
		i++
	}
	closeLink()
	return b.String(), links
}

// isAnchorOpen reports whether s starts like an <a ...> tag: "<a" or "<A"
// followed by ">", "/" or white space.
func isAnchorOpen(s string) bool {
	if len(s) < 3 || s[0] != '<' || (s[1] != 'a' && s[1] != 'A') {
		return false
	}
	c := s[2]
	return c == '>' || c == '/' || isASCIISpace(c)
}

// tagEnds returns, for every offset k of s (and len(s)), the offset of the
// ">" that ends a tag whose attributes start at k, or -1 when no ">" does.
// Quoted attribute values may contain ">", so which ">" ends the tag
// depends on the quotes met on the way; one pass from the end, tracking
// the answer for each of the three states (outside quotes, inside "…",
// inside '…'), finds it for every start at once.
func tagEnds(s string) []int {
	ends := make([]int, len(s)+1)
	plain, inDouble, inSingle := -1, -1, -1 // the answers at k+1
	ends[len(s)] = -1
	for k := len(s) - 1; k >= 0; k-- {
		p, d, q := plain, inDouble, inSingle
		switch s[k] {
		case '>':
			p = k
		case '"':
			p, d = inDouble, plain
		case '\'':
			p, q = inSingle, plain
		}
		plain, inDouble, inSingle = p, d, q
		ends[k] = plain
	}
	return ends
}

// anchorCloseTag returns the length of the </a> tag at the start of s, or 0.
func anchorCloseTag(s string) int {
	if len(s) < 4 || !strings.EqualFold(s[:3], "</a") {
		return 0
	}
	i := 3
	for i < len(s) && isASCIISpace(s[i]) {
		i++
	}
	if i < len(s) && s[i] == '>' {
		return i + 1
	}
	return 0
}

// attr returns the value of the attribute name in the inside of a tag, such
// as ` href="x" target="_blank"`, or "".
func attr(tag, name string) string {
	i := 0
	for i < len(tag) {
		for i < len(tag) && (isASCIISpace(tag[i]) || tag[i] == '/') {
			i++
		}
		start := i
		for i < len(tag) && !isASCIISpace(tag[i]) && tag[i] != '=' && tag[i] != '/' {
			i++
		}
		key := tag[start:i]
		for i < len(tag) && isASCIISpace(tag[i]) {
			i++
		}
		var val string
		if i < len(tag) && tag[i] == '=' {
			i++
			for i < len(tag) && isASCIISpace(tag[i]) {
				i++
			}
			if i < len(tag) && (tag[i] == '"' || tag[i] == '\'') {
				q := tag[i]
				end := strings.IndexByte(tag[i+1:], q)
				if end < 0 {
					end = len(tag) - i - 1
				}
				val = tag[i+1 : i+1+end]
				i += end + 2
			} else {
				start := i
				for i < len(tag) && !isASCIISpace(tag[i]) {
					i++
				}
				val = tag[start:i]
			}
		}
		if strings.EqualFold(key, name) {
			return val
		}
		if key == "" && i == start {
			i++ // a stray character; step over it rather than loop
		}
	}
	return ""
}

func isASCIISpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// layout is an article's paragraphs joined into Text, with each paragraph
// sorted into what it is for.
type layout struct {
	text      string
	sections  []Section
	captions  []Span
	sentences []Span
}

// layOut joins the paragraphs with blank lines and classifies them. Headings,
// captions and a closing wire credit stay in the text, so that offsets and
// the passages shown to users are honest, but never become sentences.
func layOut(paras []string) layout {
	var l layout
	var b strings.Builder
	for i, p := range paras {
		if i > 0 {
			b.WriteString("\n\n")
		}
		off := b.Len()
		b.WriteString(p)
		last := i == len(paras)-1
		switch {
		case captionSource(p) != "":
			l.captions = append(l.captions, Span{off, off + len(p)})
		case last && wireCredit(p) == len(p):
			// A sign-off such as "REUTERS" on its own line.
		case isHeading(p):
			l.sections = append(l.sections, Section{Title: p, Span: Span{off, off + len(p)}})
		default:
			body := p
			if last {
				body = strings.TrimRight(p[:len(p)-wireCredit(p)], " ")
			}
			for _, s := range splitSentences(body) {
				l.sentences = append(l.sentences, Span{off + s.Start, off + s.End})
			}
		}
	}
	l.text = b.String()
	return l
}

// maxHeadingWords is the most words a sub-heading has; the ones in the
// articles have two or three, and the shortest real sentence has more.
const maxHeadingWords = 6

// isHeading reports whether a paragraph is a sub-heading such as "Fired
// missiles" or "‘Sensitive areas’": a few words that do not end a sentence.
func isHeading(p string) bool {
	words := strings.Fields(p)
	if len(words) == 0 || len(words) > maxHeadingWords || !strings.ContainsFunc(p, unicode.IsLetter) {
		return false
	}
	end := strings.TrimRightFunc(p, isClosingMark)
	r, _ := utf8.DecodeLastRuneInString(end)
	// ",;:" do not end a sentence, but they do not end a heading either.
	return !strings.ContainsRune(".?!…,;:", r)
}

// isClosingMark reports whether r may follow the full stop of a sentence.
func isClosingMark(r rune) bool {
	return strings.ContainsRune(`"'’”»)]`, r)
}

// captionPattern is a photo caption's credit: "... Post. (Source: Associated Press)".
var captionPattern = regexp.MustCompile(`\((?i:source):\s*([^()]*[^()\s])\s*\)$`)

// captionSource returns X when the paragraph is a photo caption ending in
// "(Source: X)", and "" otherwise.
func captionSource(p string) string {
	if m := captionPattern.FindStringSubmatch(p); m != nil {
		return m[1]
	}
	return ""
}

// wireNames maps the sign-off a wire service leaves at the end of a story
// to the service's name.
var wireNames = map[string]string{
	"REUTERS": "Reuters",
	"AFP":     "AFP",
	"AP":      "AP",
}

// wireCreditPattern is a wire sign-off at the very end of a paragraph, after
// the end of a sentence or alone.
var wireCreditPattern = regexp.MustCompile(`(?:^|[.?!…"'’”)\]] )(REUTERS|AFP|AP)$`)

// wireCredit returns the length of the wire sign-off at the end of p,
// without the space before it, or 0 when there is none.
func wireCredit(p string) int {
	m := wireCreditPattern.FindStringSubmatchIndex(p)
	if m == nil {
		return 0
	}
	return m[3] - m[2]
}

// countWords counts the words of s; a dash or a stray quote between spaces
// is not a word.
func countWords(s string) int {
	n := 0
	for _, f := range strings.Fields(s) {
		if strings.ContainsFunc(f, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			n++
		}
	}
	return n
}
