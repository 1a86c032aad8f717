package search

import (
	"strings"
	"testing"
)

func TestAliasesExpand(t *testing.T) {
	a, err := NewAliases([][]string{
		{"Kim Jong Un", "Kim Jong-un"},
		{"Ahn Chan-il", "An Chan-il"},
		{"North Korea", "DPRK", "Pyongyang", "Democratic People's Republic of Korea"},
		{"United States", "US", "U.S."},
		{"cosmodrome", "spaceport"},
		{"armoured", "armored"},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		want []string // canonical forms that must be added
		not  []string // canonical forms that must not be added
	}{
		{"Kim Jong-un arrived", []string{"Kim Jong Un"}, nil},
		{"kim jong–un’s train", []string{"Kim Jong Un"}, nil},
		{"Kim Jong Un arrived", nil, []string{"Kim Jong Un"}},
		{"An Chan-il told AFP", []string{"Ahn Chan-il"}, nil},
		{"the dprk leader", []string{"North Korea"}, nil},
		{"Democratic People’s Republic of Korea", []string{"North Korea"}, nil},
		{"Pyongyang fired two missiles", []string{"North Korea"}, nil},
		{"the US warned", []string{"United States"}, nil},
		{"the U.S. warned", []string{"United States"}, nil},
		{"tell us what happened", nil, []string{"United States"}},
		{"a Far East spaceport", []string{"cosmodrome"}, nil},
		{"heavily armored train", []string{"armoured"}, nil},
		{"spaceports", nil, []string{"cosmodrome"}}, // word boundary: no partial match
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got := a.Expand(tt.text)
			added := got[len(tt.text):]
			for _, w := range tt.want {
				// Either added, or already there in a form its pattern
				// matches (then adding it would only inflate its weight).
				if !containsFold(added, w) && !a.groupOf(w).forms[0].re.MatchString(tt.text) {
					t.Errorf("Expand(%q) = %q, want %q added", tt.text, got, w)
				}
			}
			for _, w := range tt.not {
				if containsFold(added, w) {
					t.Errorf("Expand(%q) = %q, must not add %q", tt.text, got, w)
				}
			}
		})
	}
}

func TestNewAliasesRejectsLoneName(t *testing.T) {
	if _, err := NewAliases([][]string{{"Putin"}}); err == nil {
		t.Fatal("NewAliases accepted a group with no variant")
	}
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

func (a *Aliases) groupOf(canonical string) aliasGroup {
	for _, g := range a.groups {
		if g.canonical == canonical {
			return g
		}
	}
	panic("no alias group " + canonical)
}
