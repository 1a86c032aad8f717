package qa

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAskedSpeaker(t *testing.T) {
	tests := map[string]string{
		"what did kim say about the war in ukraine":   "kim",
		"wht did putin think abt it":                  "putin",
		"what did mr peskov say":                      "peskov",
		"how did the white house react":               "the white",
		"what was kims reaction":                      "kim",
		"what did they say":                           "",
		"where did putin and kim meet":                "",
		"what did kim jong un say to putin at dinner": "kim jong un",
	}
	for q, want := range tests {
		got := AskedSpeaker(q)
		if want == "the white" { // "the" names nobody
			want = ""
		}
		if got != want {
			t.Errorf("AskedSpeaker(%q) = %q, want %q", q, got, want)
		}
	}
}

func TestSpeakers(t *testing.T) {
	tests := []struct {
		sentence string
		want     []string
	}{
		{`"We'll talk about all the issues, without haste. There is time," Mr Putin said, when asked whether military co-operation would be on the agenda.`, []string{"putin"}},
		{`"We will always support the decisions of President Putin," Mr Kim told Mr Putin.`, []string{"kim"}},
		{`"If North Korea's multiple rocket launchers are provided to Russia, it could have a significant impact on the war in Ukraine," he said.`, []string{"he"}},
		{`Mr Kim and Mr Putin then met together with their delegations and later one on one, according to Kremlin spokesman Dmitry Peskov.`, []string{"peskov"}},
		{`"And the situation is of utmost importance," state news agency RIA quoted ministry spokeswoman Maria Zakharova as saying.`, []string{"zakharova"}},
		{`Asked whether Russia will help North Korea build satellites, Putin was quoted by Russian state media as saying "that’s why we have come here."`, []string{"putin"}},
		{`Experts said Russia would probably use the talks to seek artillery shells.`, nil},
		{`Kim and Putin "may conduct an exchange of ammo for Russia's newer military tech," he added.`, []string{"he"}},
		{`The White House warned last week that Pyongyang would "pay a price".`, []string{"house"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, Speakers(tt.sentence)); diff != "" {
			t.Errorf("Speakers(%.50q…) (-want +got):\n%s", tt.sentence, diff)
		}
	}
}
