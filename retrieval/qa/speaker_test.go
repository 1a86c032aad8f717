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
		// A yes/no question, or a wh-word before the noun it asks about.
		"did putin say anything about the war":                "putin",
		"what kind of aid did rudenko say might be discussed": "rudenko",
		"how did zakharova describe the dialogue":             "zakharova",
		"what did putin pledge last week":                     "putin",
		// A question that opens with what someone said, or with whom.
		"so kim said what about the sanctions":           "kim",
		"lim warned against what exactly":                "lim",
		"according to peskov, will the deals be public?": "peskov",
		// Other verbs of saying.
		"did lavrov boast about the deal":          "lavrov",
		"what did zakharova admit about sanctions": "zakharova",
		"what did mr shoigu call the drills":       "shoigu",
		// A pronoun stands for the subject the question named before it.
		"was lavrov pleased or what did he say":      "lavrov",
		"did the talks end early or what did he say": "",
		// A name with a verb of saying inside the question; after an
		// article or a possessive it is a common noun.
		"where shoigu said the drills would be held": "shoigu",
		"what deal the minister said was done":       "",
		"which deputy minister said it":              "",
		"the bbc article says what":                  "",
		// "according to" with no comma before the question word.
		"according to zakharova what did seoul do":  "zakharova",
		"according to kim jong un why is it sacred": "kim jong un",
		// No name: nobody, a description, a question word.
		"who said shoigu would attend the talks":   "",
		"did the kremlin say anything":             "",
		"who wins according to the oslo professor": "",
		"when did north korea fire the missiles":   "",
		"experts said russia wants what":           "experts", // as "what do experts think"
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
		{`Mr Kim and Mr Putin then met together with their delegations and later one on one, according to Kremlin spokesman Dmitry Peskov.`, []string{"dmitry peskov"}},
		{`"And the situation is of utmost importance," state news agency RIA quoted ministry spokeswoman Maria Zakharova as saying.`, []string{"maria zakharova"}},
		{`Asked whether Russia will help North Korea build satellites, Putin was quoted by Russian state media as saying "that’s why we have come here."`, []string{"putin"}},
		{`Experts said Russia would probably use the talks to seek artillery shells.`, nil},
		{`Kim and Putin "may conduct an exchange of ammo for Russia's newer military tech," he added.`, []string{"he"}},
		{`The White House warned last week that Pyongyang would "pay a price".`, []string{"white house"}},
		// The whole name, past a title.
		{`Deputy Foreign Minister Andrei Rudenko said Russia may discuss humanitarian aid with the North Korean delegation.`, []string{"andrei rudenko"}},
		{`Russian Defense Minister Sergei Shoigu will take part in the negotiations, Putin's press secretary Dmitry Peskov said.`, []string{"dmitry peskov"}},
		// The subject before an appositive, not a name in the appositive
		// or the listener after "told".
		{`Lim Soo-suk, South Korea’s Foreign Ministry spokesperson, said Seoul was maintaining communication with Moscow while closely monitoring Kim’s visit.`, []string{"lim soo-suk"}},
		{`Ahn Chan-il, a defector-turned-researcher who runs the World Institute for North Korea Studies, said the relationship could have a significant effect on Russia's war in Ukraine.`, []string{"ahn chan-il"}},
		{`Kim also risks upsetting another major ally, China, by meeting Putin, Vladimir Tikhonov, professor of Korean studies at the University of Oslo, told AFP.`, []string{"vladimir tikhonov"}},
		{`Foreign Ministry spokeswoman Maria Zakharova told TASS.`, []string{"maria zakharova"}},
		// Someone's office or aide is not them.
		{`Russia's natural resources minister Alexander Kozlov greeted Kim when he arrived in the country, Kozlov's ministry told TASS.`, []string{"kozlov's ministry"}},
		{`Kim's translator thanked Putin for the warm welcome, "despite being busy."`, []string{"kim's translator"}},
		{`Via a translator, Mr Kim thanked Mr Putin for the invitation and for the warmth of his reception.`, []string{"kim"}},
		// An office-holder the sentence does not name.
		{`North Korea's leader has vowed closer ties with Moscow saying his country would "always be with Russia".`, nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, Speakers(tt.sentence)); diff != "" {
			t.Errorf("Speakers(%.50q…) (-want +got):\n%s", tt.sentence, diff)
		}
	}
}

func TestNameMatches(t *testing.T) {
	tests := []struct {
		name, asked string
		want        bool
	}{
		{"putin", "putin", true},
		{"vladimir putin", "putin", true},
		{"kim", "kim jong un", true},
		{"lim soo-suk", "lim", true},
		{"chan-il", "an chan il", true},
		{"ahn chan-il", "an chan il", false}, // the alias group says they are one (sameEntity)
		{"kim's translator", "kim", false},
		{"kozlov's ministry", "kozlov", false},
		{"sergei shoigu", "sergei lavrov", false},
		{"white house", "putin", false},
		{"", "putin", false},
	}
	for _, tt := range tests {
		if got := nameMatches(tt.name, tt.asked); got != tt.want {
			t.Errorf("nameMatches(%q, %q) = %v, want %v", tt.name, tt.asked, got, tt.want)
		}
	}
}

func TestReports(t *testing.T) {
	tests := []struct {
		speaker, sentence string
		want              bool
	}{
		// A body's words reported, before or after the verb.
		{"brazils trade ministry", "Brazil's trade ministry said the deal was fair.", true},
		{"the harbour office", "Ships should keep clear, warned the harbour office on Monday.", true},
		// The speaker's name some words from the verb, past a clause.
		{"okafor", "Okafor, who has chaired the panel since May, denied any link.", true},
		// Every word of the name must be there: another country's ministry
		// said it, or the speaker is only named.
		{"chiles trade ministry", "Brazil's trade ministry said the deal was fair.", false},
		{"okafor", "Mr Okafor, the chair, also attended the dinner.", false},
		{"", "Brazil's trade ministry said the deal was fair.", false},
	}
	for _, tt := range tests {
		if got := reports(tt.speaker, tt.sentence); got != tt.want {
			t.Errorf("reports(%q, %q) = %v, want %v", tt.speaker, tt.sentence, got, tt.want)
		}
	}
}
