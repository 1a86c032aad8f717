package eval_test

import (
	"testing"

	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/eval"
)

func TestAttributed(t *testing.T) {
	aliases := [][]string{
		{"Kim Jong Un", "Kim Jong-un"},
		{"Ahn Chan-il", "An Chan-il"},
		{"Dmitry Peskov", "Kremlin spokesman", "press secretary"},
	}
	for _, c := range []struct {
		sentence, speaker string
		want              bool
	}{
		{`Putin said he was "very glad to see" Kim.`, "Putin", true},
		{`“I am glad to see you,” Mr Putin said as he shook Mr Kim’s hand.`, "Putin", true},
		{`When asked, Mr Putin replied: “That’s why we came here.`, "Putin", true},
		{`Kim Jong-un told Putin that Russia would triumph.`, "Kim", true},
		{`Ahn, a defector, warned of an impact on the war.`, "Ahn Chan-il", true},
		{`An Chan-il said the relationship could matter.`, "Ahn Chan-il", true},
		{`The talks were secret, the Kremlin spokesman said.`, "Peskov", true},
		{`The talks were secret, according to Dmitry Peskov.`, "Peskov", true},
		{`"But this is quite natural for neighbouring states," he said.`, "Peskov", false}, // a pronoun
		{`Mr Kim and Mr Putin shook hands for 40 seconds.`, "Putin", false},                // no speech verb
		{`Putinism said nothing.`, "Putin", false},                                         // not the word
		{`Zakharova said the talks mattered.`, "Putin", false},                             // someone else
		{`Mr Kim's delegation arrived by train, officials said.`, "Kim", false},            // a possessive only
		{`Kim thanked Putin for inviting him to visit.`, "Kim", true},
	} {
		if got := eval.Attributed(c.sentence, c.speaker, aliases); got != c.want {
			t.Errorf("Attributed(%q, %q) = %v, want %v", c.sentence, c.speaker, got, c.want)
		}
	}
}

func TestLeadSentence(t *testing.T) {
	a := &retrieval.Answer{Answer: "First one [1]. Second.", Sentences: []retrieval.Sentence{{Text: "First one."}, {Text: "Second."}}}
	if got := eval.LeadSentence(a); got != "First one." {
		t.Errorf("with sentences: %q", got)
	}
	a = &retrieval.Answer{Answer: `He said "yes." Then more.`}
	if got := eval.LeadSentence(a); got != `He said "yes."` {
		t.Errorf("from text: %q", got)
	}
}

func TestChatHandled(t *testing.T) {
	for _, c := range []struct {
		a    retrieval.Answer
		want bool
	}{
		{retrieval.Answer{Writer: "chat", Answer: "Hi!"}, true},
		{retrieval.Answer{Writer: "chat", Refused: true}, false},
		{retrieval.Answer{Writer: "chat", Citations: []retrieval.Citation{{N: 1}}}, false},
		{retrieval.Answer{Writer: retrieval.Extractive, Answer: "Hi"}, false},
	} {
		if got := eval.ChatHandled(&c.a); got != c.want {
			t.Errorf("ChatHandled(%+v) = %v, want %v", c.a, got, c.want)
		}
	}
}
