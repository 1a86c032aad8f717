package corpus_test

import (
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/summitbot/summitbot/corpus"
)

// loadOne loads text as the only article of a corpus.
func loadOne(t *testing.T, text string) *corpus.Article {
	t.Helper()
	c, err := corpus.Load(fstest.MapFS{"a.txt": {Data: []byte(text)}})
	if err != nil {
		t.Fatalf("Load(%q): %v", text, err)
	}
	checkSpans(t, c.Articles[0], c.Chunks)
	return c.Articles[0]
}

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"titles without a full stop", "Mr Putin met Mr Kim. Dr Ahn said so.",
			[]string{"Mr Putin met Mr Kim.", "Dr Ahn said so."}},
		{"titles with a full stop", "Mr. Putin met Mr. Kim. Dr. Ahn said so.",
			[]string{"Mr. Putin met Mr. Kim.", "Dr. Ahn said so."}},
		{"initialism inside", "U.S. officials agreed. They said so.",
			[]string{"U.S. officials agreed.", "They said so."}},
		{"initialism at the end", "He lives in the U.S. The end came.",
			[]string{"He lives in the U.S.", "The end came."}},
		{"month abbreviation", "It happened on Jan. 5 in Moscow. Then it ended.",
			[]string{"It happened on Jan. 5 in Moscow.", "Then it ended."}},
		{"quote ending in .\"", `He said "it is time." Then he left.`,
			[]string{`He said "it is time."`, "Then he left."}},
		{"quote ending in .”", "She said “yes.” He nodded.",
			[]string{"She said “yes.”", "He nodded."}},
		{"quote ending in ?”", "“Why now?” he asked. Nobody knew.",
			[]string{"“Why now?” he asked.", "Nobody knew."}},
		{"quote spanning sentences", "“Bilateral contacts are very important. And the situation is, of course, important,” she said.",
			[]string{"“Bilateral contacts are very important. And the situation is, of course, important,” she said."}},
		{"straight quote spanning sentences", `"We'll talk about all the issues, without haste. There is time," Putin said. Kim nodded.`,
			[]string{`"We'll talk about all the issues, without haste. There is time," Putin said.`, "Kim nodded."}},
		{"quote opened mid-sentence", "He replied: “That’s why we came here. They want to develop space.” Then he left.",
			[]string{"He replied: “That’s why we came here. They want to develop space.”", "Then he left."}},
		{"quote never closed", `He said "it is time. Then he left.`,
			[]string{`He said "it is time.`, "Then he left."}},
		{"brackets", `"They are trying to develop (their presence in) space," Putin said. Kim nodded.`,
			[]string{`"They are trying to develop (their presence in) space," Putin said.`, "Kim nodded."}},
		{"ellipsis", `"We will always support the leadership ... and we will be together," Mr Kim said.`,
			[]string{`"We will always support the leadership ... and we will be together," Mr Kim said.`}},
		{"decimal", "The 42.7m Angara rocket launches objects into low Earth orbit. It is new.",
			[]string{"The 42.7m Angara rocket launches objects into low Earth orbit.", "It is new."}},
		{"year at the end", "All in 2018 and 2019. He also crossed the border.",
			[]string{"All in 2018 and 2019.", "He also crossed the border."}},
		{"year before a quote", "It ended in 2019. “Never again,” he said.",
			[]string{"It ended in 2019.", "“Never again,” he said."}},
		{"question and exclamation", "Was it true? Yes! It was.",
			[]string{"Was it true?", "Yes!", "It was."}},
		{"no final full stop", "Putin met Kim", nil}, // a short line without a full stop is a heading
		{"paragraphs never merge", "Putin met Kim and his aides at the border\n\nthey talked.",
			[]string{"Putin met Kim and his aides at the border", "they talked."}},
		{"curly apostrophe", "Russia’s foreign ministry said the talks matter. Kim’s visit went on.",
			[]string{"Russia’s foreign ministry said the talks matter.", "Kim’s visit went on."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := loadOne(t, tt.text)
			if diff := cmp.Diff(tt.want, sentenceTexts(a)); diff != "" {
				t.Errorf("sentences of %q (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}
