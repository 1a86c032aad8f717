package qa

import "testing"

func TestAbsent(t *testing.T) {
	m := NewMeaning([]string{
		"Mr Okafor met the Brazilian trade minister in Lagos on Friday.",
		"The first round of talks lasted four hours.",
	})
	for q, want := range map[string]float64{
		"who did okafor meet in lagos":     0,
		"what was the frist round about":   0, // "frist" is their "first" misspelt
		"what were okafors talks about":    0, // "okafors" is their "okafor's" without its apostrophe
		"who was meetin okafor":            0, // "meetin" is "meeting" without its g
		"how do pancakes taste with syrup": 3, // "pancakes", "taste", "syrup": nothing of theirs is near
	} {
		if got := m.absent(m.table.Tokens(q)); got != want {
			t.Errorf("absent(%q) = %v, want %v", q, got, want)
		}
	}
}
