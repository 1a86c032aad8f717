package qa_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/summitbot/summitbot/retrieval/qa"
	"github.com/summitbot/summitbot/retrieval/search"
)

// sentenceIndex returns the index of the sentence of ix, in article id,
// that starts with prefix; it fails t when there is none.
func sentenceIndex(t *testing.T, ix *search.Index, id, prefix string) int {
	t.Helper()
	a, ok := ix.Article(id)
	if !ok {
		t.Fatalf("no article %q", id)
	}
	for _, sp := range a.Sentences {
		if strings.HasPrefix(a.Text[sp.Start:sp.End], prefix) {
			if i, ok := ix.SentenceAt(id, sp.Start); ok {
				return i
			}
		}
	}
	t.Fatalf("no sentence of %s starts with %q", id, prefix)
	return -1
}

// spokenByTest is a sentence, whose words spokenBy should give to want,
// named in the sentence that starts with at ("" when no sentence names
// them).
type spokenByTest struct {
	article, sentence string
	want              []string
	at                string
}

func checkSpokenBy(t *testing.T, ix *search.Index, tests []spokenByTest) {
	t.Helper()
	for _, tt := range tests {
		i := sentenceIndex(t, ix, tt.article, tt.sentence)
		who, at := qa.SpokenBy(ix, i)
		wantAt := -1
		if tt.at != "" {
			wantAt = sentenceIndex(t, ix, tt.article, tt.at)
		}
		if diff := cmp.Diff(tt.want, who); diff != "" || at != wantAt {
			t.Errorf("SpokenBy(%.40q…) = %q, %d; want %q, %d (%.40q…)\n%s", tt.sentence, who, at, tt.want, wantAt, tt.at, diff)
		}
	}
}

// TestSpokenByCarriesTheSpeaker: a quotation with no attribution of its own,
// and a sentence of "he said", are the words of the speaker the article
// named last, past a run of that speaker's quotes and "he said"
// sentences.
func TestSpokenByCarriesTheSpeaker(t *testing.T) {
	ix := testIndex(t)
	checkSpokenBy(t, ix, []spokenByTest{
		// A sentence that names its speaker is theirs.
		{"reuters-vostochny", "“I am glad to see you,”", []string{"putin"}, "“I am glad to see you,”"},
		// A quotation paragraph after it carries the speaker on.
		{"reuters-vostochny", "“This is our new cosmodrome.”", []string{"putin"}, "“I am glad to see you,”"},
		{"kim-sacred-fight", `"For the well-being and prosperity`, []string{"putin"}, `"A toast to the future`},
		// "He said" is the speaker of the sentence before.
		{"kim-sacred-fight", "He said North Korea’s relations", []string{"kim"}, `"We will always support`},
		{"reuters-vostochny", "“As neighbours, our countries", []string{"dmitry peskov"}, "Asked whether the leaders would discuss weapons"},
		// A run of "he said", "he added" and a quotation paragraph, after
		// the sentence that names the speaker before an appositive.
		{"afp-arms-deal", "Kim also risks upsetting", []string{"vladimir tikhonov"}, "Kim also risks upsetting"},
		{"afp-arms-deal", `"China will be hardly too happy`, []string{"vladimir tikhonov"}, "Kim also risks upsetting"},
		{"afp-arms-deal", `Kim and Putin "may conduct an exchange`, []string{"vladimir tikhonov"}, "Kim also risks upsetting"},
		{"afp-arms-deal", `"Tactically, they both gain`, []string{"vladimir tikhonov"}, "Kim also risks upsetting"},
		{"kim-sacred-fight", `"If North Korea's multiple rocket launchers`, []string{"ahn chan-il"}, "Ahn Chan-il, a defector-turned-researcher"},
		{"reuters-vostochny", "He also congratulated Mr Kim", []string{"putin"}, "“I am glad to see you,”"},
		// Narration quotes nobody, whatever stands before it.
		{"reuters-vostochny", "The summit between the leaders", nil, ""},
		{"ap-siberian-summit", "Kim Jong Un may also seek energy", nil, ""},
	})
}

// TestSpokenByStops: carrying a speaker forward stops at narration, at a
// sentence that names someone else, at a heading, at the start of the
// article and after carryReach sentences. The sentences are the articles'
// own, rearranged.
func TestSpokenByStops(t *testing.T) {
	const (
		toast   = `"A toast to the future strengthening of cooperation and friendship between our countries," Mr Putin said, raising his glass in footage aired by Russian state television.`
		health  = `"For the well-being and prosperity of our nations, for the health of the chairman and all of those present."`
		cosmo   = `"This is our new cosmodrome."`
		glad    = `"I am glad to see you."`
		time    = `"We'll talk about all the issues, without haste. There is time."`
		narrate = "Kim Jong Un may also seek energy supplies and food."
		warned  = `Washington warned last week that North Korea would "pay a price" if it supplied Russia with weaponry for the war in Ukraine.`
		said    = `"If North Korea's multiple rocket launchers and other artillery shells are provided to Russia in large quantities, it could have a significant impact on the war in Ukraine," he said.`
	)
	files := fstest.MapFS{
		"a.txt": {Data: []byte(strings.Join([]string{toast, narrate, health}, "\n\n"))},
		"b.txt": {Data: []byte(strings.Join([]string{toast, warned, health, said}, "\n\n"))},
		"c.txt": {Data: []byte(strings.Join([]string{toast, "Strategic ties", health}, "\n\n"))},
		"d.txt": {Data: []byte(strings.Join([]string{health, said, toast, cosmo, glad, time, health, said}, "\n\n"))},
	}
	ix, c := indexOf(t, files)
	id := func(file string) string {
		for _, a := range c.Articles {
			if a.File == file {
				return a.ID
			}
		}
		t.Fatalf("no article of %s", file)
		return ""
	}
	checkSpokenBy(t, ix, []spokenByTest{
		// Narration between: the quotation's speaker is not known.
		{id("a.txt"), health, nil, ""},
		// Someone else named between: the quotation is theirs, and a
		// sentence of "he said" after it too.
		{id("b.txt"), health, []string{"washington"}, "Washington warned"},
		{id("b.txt"), `"If North Korea's multiple`, []string{"washington"}, "Washington warned"},
		// A heading between.
		{id("c.txt"), health, nil, ""},
		// The article's first sentences: nobody before them.
		{id("d.txt"), health, nil, ""},
		{id("d.txt"), `"If North Korea's multiple`, []string{"he"}, ""},
		// Four quotations on, the speaker is still carried; five are too
		// far from the sentence that named them.
		{id("d.txt"), time, []string{"putin"}, `"A toast`},
	})
	d, _ := ix.Article(id("d.txt"))
	last := d.Sentences[len(d.Sentences)-1]
	i, _ := ix.SentenceAt(d.ID, last.Start)
	if who, at := qa.SpokenBy(ix, i); !cmp.Equal(who, []string{"he"}) || at != -1 {
		t.Errorf("the last sentence of d.txt, five sentences after its speaker: SpokenBy = %q, %d; want [he], -1", who, at)
	}
	if who, at := qa.SpokenBy(ix, i-1); !cmp.Equal(who, []string{"putin"}) || at != sentenceIndex(t, ix, d.ID, `"A toast`) {
		t.Errorf("the fourth quotation after its speaker: SpokenBy = %q, %d; want [putin] and the toast", who, at)
	}
}

// TestAttribution: a sentence is the asked speaker's words (1) when
// spokenBy gives them to any form of the speaker's name, someone else's
// (-1) when it gives them to others only, and nobody's (0) when it quotes
// nobody.
func TestAttribution(t *testing.T) {
	ix := testIndex(t)
	tests := []struct {
		article, sentence, speaker string
		want                       float64
	}{
		{"afp-arms-deal", `"Tactically, they both gain`, "tikhonov", 1},
		{"afp-arms-deal", `"Tactically, they both gain`, "vladimir tikhonov", 1},
		{"afp-arms-deal", `"Tactically, they both gain`, "kim", -1},
		{"afp-arms-deal", "Kim also risks upsetting", "kim", -1},
		{"kim-sacred-fight", `"If North Korea's multiple rocket launchers`, "an chan il", 1}, // an alias of Ahn Chan-il
		{"afp-arms-deal", `"If North Korea's multiple rocket launchers`, "ahn chan-il", 1},   // the article spells it "An Chan-il"
		{"ap-siberian-summit", "Lim Soo-suk, South Korea’s Foreign Ministry spokesperson", "lim", 1},
		{"ap-siberian-summit", "Lim Soo-suk, South Korea’s Foreign Ministry spokesperson", "seoul", -1},
		{"reuters-vostochny", "“As neighbours, our countries", "kremlin spokesman", 1},
		{"afp-arms-deal", "Russia's natural resources minister Alexander Kozlov", "kozlov", -1},
		{"ap-siberian-summit", "Kim Jong Un may also seek energy", "kim", 0},
	}
	for _, tt := range tests {
		i := sentenceIndex(t, ix, tt.article, tt.sentence)
		if got := qa.Attribution(ix, i, tt.speaker); got != tt.want {
			t.Errorf("attribution(%.40q…, %q) = %v, want %v", tt.sentence, tt.speaker, got, tt.want)
		}
	}
}
