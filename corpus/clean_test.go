package corpus_test

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/summitbot/summitbot/corpus"
)

// TestQuirks loads testdata/quirks, one small file per oddity of the real
// articles, and checks what each file becomes.
func TestQuirks(t *testing.T) {
	c, err := corpus.Load(corpus.Dir("testdata/quirks"))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	byFile := map[string]*corpus.Article{}
	for _, a := range c.Articles {
		byFile[a.File] = a
		checkSpans(t, a, c.Chunks)
	}

	type want struct {
		text      string
		date      string
		publisher string
		links     []corpus.Link
		sections  []string
		captions  []string
		sentences []string
	}
	tests := []struct {
		file string
		want want
	}{
		{"anchors.txt", want{
			text: `Russian President Vladimir Putin hosted Kim & his aides on Wednesday. Tom & Jerry said "hello" to the 5 < 6 crowd.`,
			links: []corpus.Link{
				{Text: "Vladimir Putin", URL: "https://example.com/putin?a=1&b=2"},
				{Text: "Kim & his aides", URL: "https://example.com/kim"},
			},
			sentences: []string{
				"Russian President Vladimir Putin hosted Kim & his aides on Wednesday.",
				`Tom & Jerry said "hello" to the 5 < 6 crowd.`,
			},
		}},
		{"dated.txt", want{
			text:      "The leaders met on Wednesday at the cosmodrome.\n\nThey talked for two hours.",
			date:      "2023-09-13",
			sentences: []string{"The leaders met on Wednesday at the cosmodrome.", "They talked for two hours."},
		}},
		{"undated.txt", want{
			text:      "The leaders met on Wednesday at the cosmodrome. They talked for two hours.",
			sentences: []string{"The leaders met on Wednesday at the cosmodrome.", "They talked for two hours."},
		}},
		{"headings.txt", want{
			text: "The two leaders met at the cosmodrome on Wednesday.\n\nLong deliberations\n\nTheir talks lasted around two hours.\n\n" +
				"‘Sensitive areas’\n\nPeskov said the two countries cooperate in “sensitive” areas.\n\n“Yes.”\n\nHe left.\n\n" +
				"Fired missiles\n\nPyongyang fired two ballistic missiles on Wednesday.",
			sections: []string{"Long deliberations", "‘Sensitive areas’", "Fired missiles"},
			sentences: []string{
				"The two leaders met at the cosmodrome on Wednesday.",
				"Their talks lasted around two hours.",
				"Peskov said the two countries cooperate in “sensitive” areas.",
				"“Yes.”",
				"He left.",
				"Pyongyang fired two ballistic missiles on Wednesday.",
			},
		}},
		{"caption.txt", want{
			text: "Kim is expected to seek economic aid and military technology.\n\n" +
				"North Korea's missile launch displayed at the Unification Observation Post. (Source: Associated Press)\n\n" +
				"The meeting came hours after North Korea fired two ballistic missiles.",
			publisher: "Associated Press",
			captions:  []string{"North Korea's missile launch displayed at the Unification Observation Post. (Source: Associated Press)"},
			sentences: []string{
				"Kim is expected to seek economic aid and military technology.",
				"The meeting came hours after North Korea fired two ballistic missiles.",
			},
		}},
		{"reuters.txt", want{
			text:      "Putin met Kim at the cosmodrome.\n\nPutin pledged last week to “expand bilateral ties in all respects in a planned way by pooling efforts”. REUTERS",
			date:      "2023-09-13",
			publisher: "Reuters",
			sentences: []string{
				"Putin met Kim at the cosmodrome.",
				"Putin pledged last week to “expand bilateral ties in all respects in a planned way by pooling efforts”.",
			},
		}},
		{"told.txt", want{
			text:      "Kim met Putin, Vladimir Tikhonov, professor of Korean studies at the University of Oslo, told AFP.\n\nKozlov's ministry told TASS.",
			publisher: "AFP",
			sentences: []string{
				"Kim met Putin, Vladimir Tikhonov, professor of Korean studies at the University of Oslo, told AFP.",
				"Kozlov's ministry told TASS.",
			},
		}},
		{"punctuation.txt", want{
			text: "Putin welcomed Kim’s limousine — brought from Pyongyang in a special train — at the entrance. " +
				"An arms deal -- one that would defy sanctions -- is possible. “I am glad to see you,” Mr Putin said.",
			sentences: []string{
				"Putin welcomed Kim’s limousine — brought from Pyongyang in a special train — at the entrance.",
				"An arms deal -- one that would defy sanctions -- is possible.",
				"“I am glad to see you,” Mr Putin said.",
			},
		}},
		{"sentences.txt", want{
			text: `Mr Putin met Mr. Kim on Jan. 5 in the U.S. capital. Dr Ahn said: "The spaceport seems optimal." ` +
				`Dr. Ahn added that Russia wants "to develop (their presence in) space," and left. He said “we will talk.” ` +
				`It was the first such launch, all in 2018 and 2019. He also crossed the border twice.`,
			sentences: []string{
				"Mr Putin met Mr. Kim on Jan. 5 in the U.S. capital.",
				`Dr Ahn said: "The spaceport seems optimal."`,
				`Dr. Ahn added that Russia wants "to develop (their presence in) space," and left.`,
				"He said “we will talk.”",
				"It was the first such launch, all in 2018 and 2019.",
				"He also crossed the border twice.",
			},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			a := byFile[tt.file]
			if a == nil {
				t.Fatalf("%s did not load", tt.file)
			}
			got := want{
				text:      a.Text,
				date:      a.Date,
				publisher: a.Publisher,
				links:     a.Links,
				sentences: sentenceTexts(a),
			}
			for _, s := range a.Sections {
				got.sections = append(got.sections, s.Title)
			}
			for _, s := range a.Captions {
				got.captions = append(got.captions, a.Text[s.Start:s.End])
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(want{}), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.file, diff)
			}
		})
	}
}

// TestPublisher covers the publisher detector through Load: a file that is
// not in a manifest gets a publisher only when its text names one.
func TestPublisher(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string
	}{
		{"closing REUTERS", "Putin met Kim. He smiled. REUTERS", "Reuters"},
		{"REUTERS on its own line", "Putin met Kim.\n\nREUTERS\n", "Reuters"},
		{"closing AFP after a quote", "“We will talk,” Putin said.” AFP", "AFP"},
		{"REUTERS inside a sentence", "REUTERS reporters saw Putin meet Kim.", ""},
		{"caption", "Putin met Kim.\n\nThe launch pad. (Source: Associated Press)\n\nKim left.", "Associated Press"},
		{"told AFP", "Russia is eager for shells, An Chan-il told AFP.", "AFP"},
		{"told Reuters", "The official told Reuters on Tuesday.", "Reuters"},
		{"told the Associated Press", "An analyst told the Associated Press.", "Associated Press"},
		{"told TASS is a source", "Kozlov's ministry told TASS.", ""},
		{"agency reported", "Putin met Kim, TASS reported.", ""},
		{"nothing", "Putin met Kim at the cosmodrome.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := loadOne(t, tt.text)
			if a.Publisher != tt.want {
				t.Errorf("Publisher = %q, want %q", a.Publisher, tt.want)
			}
		})
	}
}

func TestSplitWordRepair(t *testing.T) {
	c, err := corpus.Load(corpus.Dir("testdata/split"))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := map[string]string{
		"a.txt": "The rocket reached orbit quickly. A second orbit followed. Officials gave in to pressure.",
		"b.txt": "Pyongyang failed to put a spy satellite into orbit, experts said. It went into the sea.",
		"c.txt": "The train went into the station in the night and then into the tunnel. Nobody said no to that.",
	}
	got := map[string]string{}
	for _, a := range c.Articles {
		got[a.File] = a.Text
		checkSpans(t, a, c.Chunks)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("texts (-want +got):\n%s", diff)
	}

}

// hostileMarkup is markup that a careless or hostile corpus file could
// hold, each a pattern to repeat to any size: unclosed anchors with either
// quote or none, close tags that never close, entities, markdown and
// sentence punctuation. Load must stay linear in the size of each.
var hostileMarkup = []struct{ name, pattern string }{
	{"unclosed anchor", `<a href="`},
	{"unclosed anchor single quote", `<a href='`},
	{"unclosed bare anchor", `<a `},
	{"anchor with open quotes", `<A HREF="x' title='`},
	{"anchor opened not closed", `<a href="x">word `},
	{"unclosed close tag", `</a `},
	{"lone less-than", `<`},
	{"entities", `&amp;&#x41;&#`},
	{"markdown link", `[word](http://x `},
	{"markdown emphasis", `**_word_ `},
	{"full stops", `a. `},
	{"one long word", `a`},
	{"lines", "word\n"},
	{"caption", `(Source: x `},
}

// hostileFile repeats pattern to size bytes.
func hostileFile(pattern string, size int) []byte {
	return []byte(strings.Repeat(pattern, size/len(pattern)))
}

// TestLoadLinearTime loads each of hostileMarkup at 64 KiB and at 512 KiB:
// eight times the input must take about eight times as long, not 64 (the
// unclosed anchors took 58 s for 1 MiB when cleaning was quadratic).
// Comparing two sizes rather than bounding one keeps the test honest on a
// slow machine and under the race detector, and the process's CPU time,
// unlike the wall clock, does not jump when other processes take the
// cores. Linear code measures 8 to 12 (a large input falls out of the
// caches and costs the collector more), hence the bound of 24.
// BenchmarkLoadHostile measures the 1 MiB files.
func TestLoadLinearTime(t *testing.T) {
	if testing.Short() {
		t.Skip("loads half a megabyte of hostile markup per pattern")
	}
	load := func(raw []byte) time.Duration {
		start := cpuTime()
		corpus.Load(fstest.MapFS{"a.txt": {Data: raw}})
		return cpuTime() - start
	}
	for _, h := range hostileMarkup {
		t.Run(h.name, func(t *testing.T) {
			smallRaw := hostileFile(h.pattern, 64<<10)
			small := min(load(smallRaw), load(smallRaw))
			large := load(hostileFile(h.pattern, 512<<10))
			t.Logf("64 KiB: %v, 512 KiB: %v", small, large)
			// 20ms of slack keeps tiny times from making a ratio out of
			// noise.
			if large > 24*small+20*time.Millisecond {
				t.Errorf("512 KiB took %v, 64 KiB %v: loading grows faster than the input", large, small)
			}
		})
	}
}

// BenchmarkLoadHostile loads 1 MiB of each of hostileMarkup. It reports
// the CPU time per load beside the wall time, which on a shared machine
// says more about the wait for a core than about the load.
func BenchmarkLoadHostile(b *testing.B) {
	for _, h := range hostileMarkup {
		raw := hostileFile(h.pattern, 1<<20)
		b.Run(h.name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			start := cpuTime()
			for b.Loop() {
				corpus.Load(fstest.MapFS{"a.txt": {Data: raw}})
			}
			b.ReportMetric(float64((cpuTime()-start).Milliseconds())/float64(b.N), "cpu-ms/op")
		})
	}
}
