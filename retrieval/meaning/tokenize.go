package meaning

import (
	"strings"
	"unicode"
)

// Tokens splits text into lower-case words as the vocabulary spells them
// (GloVe's Stanford tokenization):
//   - curly apostrophes and quotes become straight ones, Unicode hyphens '-';
//   - a word is a run of letters, digits and the inner joiners - ' . , and a
//     run is kept whole when the table holds it ("jong-un", "e-mail",
//     "long-term");
//   - otherwise a possessive is dropped ("kim's", "kims'" → "kim") and a
//     negation split ("don't" → "do", "not"; "can't" → "can", "not"): the
//     vocabulary holds no word with an apostrophe or a full stop, and no
//     number;
//   - chat spellings are expanded to the words they stand for ("whats" →
//     "what", "is"; "abt" → "about"; "rn" → "right", "now"; see chat), and a
//     word the table lacks that ends in "s" becomes its stem when the table
//     holds that ("putins" → "putin": a possessive typed without apostrophe);
//   - otherwise a run of digits and joiners is kept whole (a number such as
//     "2023" or "1,000", which has no vector but stays a specific term), and
//     any other run is split at its joiners, each part resolved the same way
//     ("putin-kim" → "putin", "kim"; "u.s." → "u", "s").
//
// Words the table lacks are returned too (they have no vector; SIFWeight
// treats them as the rarest words).
func (t *Table) Tokens(text string) []string {
	var out []string
	text = strings.Map(fold, text)
	start := -1
	for i, r := range text + " " {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || isJoiner(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = t.run(out, text[start:i])
			start = -1
		}
	}
	return out
}

// Tokens splits text with the Default table; see Table.Tokens.
func Tokens(text string) []string { return Default().Tokens(text) }

func isJoiner(r rune) bool { return r == '-' || r == '\'' || r == '.' || r == ',' }

func fold(r rune) rune {
	switch r {
	case '\u2018', '\u2019', '\u02bc', '\u0060', '\u00b4', '\u2032':
		return '\''
	case '\u2010', '\u2011':
		return '-'
	}
	return unicode.ToLower(r)
}

// run resolves one run of letters, digits and joiners.
func (t *Table) run(out []string, s string) []string {
	s = strings.TrimLeft(s, "-'.,")
	s = strings.TrimRight(s, "-'.,")
	if ws, ok := chat[s]; ok { // whole runs only: "u.s." is not "you s"
		return append(out, ws...)
	}
	return t.resolve(out, s)
}

// chat maps spellings common in chat to the words they stand for. GloVe,
// trained on Wikipedia and news, has vectors for some of them ("whats",
// "abt", "rn") that are noise or mean something else.
var chat = map[string][]string{
	"abt": {"about"}, "bc": {"because"}, "cant": {"can", "not"}, "cuz": {"because"},
	"didnt": {"did", "not"}, "doesnt": {"does", "not"}, "dont": {"do", "not"},
	"hes": {"he", "is"}, "howd": {"how", "did"}, "im": {"i", "am"}, "isnt": {"is", "not"},
	"pls": {"please"}, "plz": {"please"}, "ppl": {"people"}, "nk": {"north", "korea"}, "nk's": {"north", "korea"}, "lol": {}, "lmao": {}, "nah": {"no"}, "prof": {"professor"}, "info": {"information"}, "sk": {"south", "korea"}, "sats": {"satellites"}, "govt": {"government"}, "r": {"are"}, "rn": {"right", "now"},
	"thx": {"thanks"}, "tho": {"though"}, "u": {"you"}, "ur": {"your"}, "wasnt": {"was", "not"},
	"wat": {"what"}, "whats": {"what", "is"}, "whens": {"when", "is"}, "wheres": {"where", "is"},
	"whos": {"who", "is"}, "wht": {"what"}, "wont": {"will", "not"}, "ya": {"you"}, "yr": {"year"},
}

func (t *Table) resolve(out []string, s string) []string {
	if s == "" {
		return out
	}
	if _, ok := t.ID(s); ok {
		return append(out, s)
	}
	if stem, ok := strings.CutSuffix(s, "s"); ok && len(stem) > 2 && !strings.ContainsAny(stem, "-'.,") {
		if _, ok := t.ID(stem); ok {
			return append(out, stem)
		}
	}
	switch {
	case strings.HasSuffix(s, "'s"):
		return t.resolve(out, strings.TrimRight(s[:len(s)-2], "-'.,"))
	case strings.HasSuffix(s, "s'"):
		return t.resolve(out, s[:len(s)-1])
	case strings.HasSuffix(s, "n't") && len(s) > 3:
		stem := s[:len(s)-3]
		switch stem {
		case "ca":
			stem = "can"
		case "wo":
			stem = "will"
		case "sha":
			stem = "shall"
		}
		return append(t.resolve(out, stem), "not")
	}
	if strings.IndexFunc(s, unicode.IsLetter) < 0 {
		return append(out, s) // an unknown number: one token
	}
	if strings.ContainsAny(s, "-'.,") {
		for _, p := range strings.FieldsFunc(s, isJoiner) {
			out = t.resolve(out, p)
		}
		return out
	}
	return append(out, s)
}
