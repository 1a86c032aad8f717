package search

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// Aliases expands a text with the canonical form of every alias it
// mentions, so that "Kim Jong-un" in one article and "Kim Jong Un" in a
// question, or "DPRK" and "North Korea", meet in both the keyword and the
// vector index. The groups are data kept with the corpus (aliases.yaml).
type Aliases struct {
	groups []aliasGroup
}

type aliasGroup struct {
	canonical string
	forms     []aliasForm // the canonical form first, then the variants
}

// aliasForm is one name of a group. Its pattern runs only when the text
// holds its first word: a substring test is far cheaper than the regexp,
// and most texts mention few aliases (the regexps were 85% of building the
// index before this).
type aliasForm struct {
	re    *regexp.Regexp
	first string // the form's first word, lower-cased
}

func (f aliasForm) in(text, lower string) bool {
	return strings.Contains(lower, f.first) && f.re.MatchString(text)
}

// NewAliases compiles alias groups; the first name of each group is the
// canonical one. A group needs at least two names.
func NewAliases(groups [][]string) (*Aliases, error) {
	a := &Aliases{}
	for i, g := range groups {
		if len(g) < 2 {
			return nil, fmt.Errorf("alias group %d %q: needs a canonical name and at least one variant", i+1, g)
		}
		ag := aliasGroup{canonical: g[0]}
		for j, v := range g {
			re, first, err := aliasPattern(v)
			if err != nil {
				what := "variant"
				if j == 0 {
					what = "canonical"
				}
				return nil, fmt.Errorf("alias group %d: %s %q: %w", i+1, what, v, err)
			}
			ag.forms = append(ag.forms, aliasForm{re: re, first: first})
		}
		a.groups = append(a.groups, ag)
	}
	return a, nil
}

// aliasPattern matches a variant at word boundaries. Words inside it may be
// separated by any run of spaces, hyphens or dashes, and apostrophes match
// their curly forms. Short all-capital variants ("US", "UN") match only as
// written, so that the pronoun "us" and the "un" of "Jong-un" stay untouched.
func aliasPattern(variant string) (re *regexp.Regexp, first string, err error) {
	words := strings.FieldsFunc(variant, func(r rune) bool { return unicode.IsSpace(r) || isDash(r) })
	if len(words) == 0 {
		return nil, "", fmt.Errorf("empty")
	}
	// The literal prefilter stops before an apostrophe, which the pattern
	// lets match its curly form.
	first, _, _ = strings.Cut(strings.ToLower(words[0]), "'")
	for i, w := range words {
		w = regexp.QuoteMeta(w)
		words[i] = strings.ReplaceAll(w, "'", "['’]")
	}
	expr := strings.Join(words, `[\s\-‐‑–—]+`)
	// \b only where the variant begins or ends with a word character: after
	// the final dot of "U.S." there is no word boundary before a space.
	if isWordByte(variant[0]) {
		expr = `\b` + expr
	}
	if isWordByte(variant[len(variant)-1]) {
		expr += `\b`
	}
	if !(len([]rune(variant)) <= 3 && strings.ToUpper(variant) == variant) {
		expr = "(?i)" + expr
	}
	re, err = regexp.Compile(expr)
	return re, first, err
}

func isWordByte(b byte) bool {
	return b == '_' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}

func isDash(r rune) bool {
	switch r {
	case '-', '‐', '‑', '–', '—':
		return true
	}
	return false
}

// Expand returns text followed by the canonical form of each alias group
// that the text mentions only through a variant. The text itself is unchanged,
// so expansion only ever adds terms.
func (a *Aliases) Expand(text string) string {
	if a == nil || len(a.groups) == 0 {
		return text
	}
	lower := strings.ToLower(text)
	var extra []string
	for _, g := range a.groups {
		if g.forms[0].in(text, lower) {
			continue // already there: adding it again would only inflate its weight
		}
		for _, f := range g.forms[1:] {
			if f.in(text, lower) {
				extra = append(extra, g.canonical)
				break
			}
		}
	}
	if len(extra) == 0 {
		return text
	}
	return text + " \n" + strings.Join(extra, " ; ")
}

// Mentions returns the canonical form of every alias group that text names
// in any of its forms, and text with those mentions blanked out. A question
// that says "shake hands" asks about a handshake however an article words
// it, so the answerer weighs the mention as one concept rather than as the
// separate words of whichever form the question used.
func (a *Aliases) Mentions(text string) (canonical []string, rest string) {
	if a == nil {
		return nil, text
	}
	rest = text
	for _, g := range a.groups {
		found := false
		for _, f := range g.forms {
			if f.in(rest, strings.ToLower(rest)) {
				found = true
				rest = f.re.ReplaceAllString(rest, " ")
			}
		}
		if found {
			canonical = append(canonical, g.canonical)
		}
	}
	return canonical, rest
}
