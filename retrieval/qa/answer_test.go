package qa_test

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/eval"
	"github.com/summitbot/summitbot/retrieval/qa"
	"github.com/summitbot/summitbot/retrieval/retrievaltest"
	"github.com/summitbot/summitbot/retrieval/search"
)

// testIndex returns the index of the embedded corpus, built once per test
// binary; tests only read it.
var testIndex = retrievaltest.Index

// shipped is the shipped pipeline, built once per test binary: its fitted
// judge's meaning model takes milliseconds to build, and FuzzAnswer's seeds
// alone ask for the pipeline some 300 times.
var shipped struct {
	once sync.Once
	p    *qa.Pipeline
	err  error
}

// answerer answers in hybrid mode with the shipped refusal threshold. It
// returns a copy of the shared pipeline, so a test may set its fields.
// indexOf loads the articles of files and indexes them with the offline
// embedder; the index is closed when the test ends.
func indexOf(t *testing.T, files fstest.MapFS) (*search.Index, *corpus.Corpus) {
	t.Helper()
	c, err := corpus.Load(files)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := search.NewIndex(t.Context(), c, search.NewLocalEmbedder(0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix, c
}

func answerer(t testing.TB) *qa.Pipeline {
	t.Helper()
	ix := testIndex(t)
	shipped.once.Do(func() {
		cal, err := eval.DefaultCalibration()
		if err != nil {
			shipped.err = err
			return
		}
		// The fitted judge of the shipped calibration.
		shipped.p = qa.New(ix, qa.Options{Mode: retrieval.Hybrid}, cal.For(retrieval.Hybrid), nil)
	})
	if shipped.err != nil {
		t.Fatal(shipped.err)
	}
	p := *shipped.p
	return &p
}

var markerRE = regexp.MustCompile(`\[(\d+)\]`)

// checkCitations fails t unless every marker in a's text points at a
// citation, every citation is the verbatim passage at its offsets, and
// every sentence quoted is inside its passage.
func checkCitations(t *testing.T, ix *search.Index, a *retrieval.Answer) {
	t.Helper()
	for _, m := range markerRE.FindAllStringSubmatch(a.Answer, -1) {
		n, _ := strconv.Atoi(m[1])
		if n < 1 || n > len(a.Citations) {
			t.Errorf("marker [%d] with %d citations in %q", n, len(a.Citations), a.Answer)
		}
	}
	for i, c := range a.Citations {
		if c.N != i+1 {
			t.Errorf("citation %d numbered %d", i+1, c.N)
		}
		art, ok := ix.Article(c.Source)
		if !ok {
			t.Errorf("[%d] cites unknown article %q", c.N, c.Source)
			continue
		}
		if got := art.Text[c.Start:c.End]; got != c.Text {
			t.Errorf("[%d] text is not %s[%d:%d]:\n got %q\nwant %q", c.N, c.Source, c.Start, c.End, c.Text, got)
		}
		ch, ok := ix.Chunk(c.Chunk)
		if !ok || ch.ArticleID != c.Source || ch.Text != c.Text {
			t.Errorf("[%d] chunk %q does not hold the cited passage of %s", c.N, c.Chunk, c.Source)
		}
		if !strings.Contains(c.Text, c.Quote) || c.Quote == "" {
			t.Errorf("[%d] quote %q is not in its passage", c.N, c.Quote)
		}
		if c.Title != art.Title || c.Publisher != art.Publisher || c.Date != art.Date {
			t.Errorf("[%d] metadata %q/%q/%q differs from article %q/%q/%q", c.N, c.Title, c.Publisher, c.Date, art.Title, art.Publisher, art.Date)
		}
	}
	for _, s := range a.Sentences {
		if len(s.Citations) == 0 {
			t.Errorf("sentence without a citation: %q", s.Text)
		}
		if !strings.Contains(a.Answer, s.Text) {
			t.Errorf("sentence %q is not in the answer text", s.Text)
		}
	}
}

func TestAnswerFacts(t *testing.T) {
	ix := testIndex(t)
	ans := answerer(t)
	tests := []struct {
		question string
		want     string // in the answer's first sentence and in a cited passage
	}{
		{"Where did Putin and Kim meet?", "Vostochny"},
		{"where did the summit happen", "Vostochny"}, // "summit" is "meeting" (aliases), "happen" a frame word
		{"How did Kim get to Russia?", "train"},      // a means of travel, from a passage retrieval ranked low
		{"How long did Putin and Kim's handshake last?", "40 seconds"},
		{"how long did the putin kim tlaks last", "two hours"},                // misspelled
		{"How far is Vostochny from Vladivostok?", "1,000"},                   // distance
		{"how far away is the vostochy spaceport from vladivostock", "1,000"}, // misspelled names
		{"How many missiles did North Korea fire before the summit?", "two"},
		{"Who is Ahn Chan-il?", "defector"},
		{"what did Kim Jong-un say about Russia's sacred fight", "sacred fight"}, // alias spelling
	}
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			a, err := ans.Answer(t.Context(), retrieval.Question{Text: tt.question}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if a.Refused {
				t.Fatalf("refused (evidence %.3f, threshold %.3f)", a.Evidence, a.Threshold)
			}
			// The first sentence is what a reader sees first, and all of
			// what a narrow Discord embed shows before "read more".
			if len(a.Sentences) == 0 || !strings.Contains(a.Sentences[0].Text, tt.want) {
				t.Errorf("answer's first sentence lacks %q:\n%s", tt.want, a.Answer)
			}
			if !slices.ContainsFunc(a.Citations, func(c retrieval.Citation) bool { return strings.Contains(c.Text, tt.want) }) {
				t.Errorf("no cited passage holds %q", tt.want)
			}
			checkCitations(t, ix, a)
		})
	}
}

func TestAnswerRefuses(t *testing.T) {
	ans := answerer(t)
	for _, q := range []string{
		"At what temperature does water boil at sea level?",
		"Who won the 2022 FIFA World Cup?",
		"How much does the Angara rocket weigh?",
		"How fast can the missiles fly?",
	} {
		t.Run(q, func(t *testing.T) {
			a, err := ans.Answer(t.Context(), retrieval.Question{Text: q}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !a.Refused {
				t.Fatalf("answered (evidence %.3f ≥ threshold %.3f): %s", a.Evidence, a.Threshold, a.Answer)
			}
			if a.Answer != retrieval.RefusalText || len(a.Citations) != 0 || len(a.Sentences) != 0 {
				t.Errorf("refusal carries an answer: %+v", a)
			}
		})
	}
}

// TestAnswerCitesEveryAgreeingArticle: the missile sentence is wire copy
// that two articles ran almost word for word; both are cited and the answer
// says so.
func TestAnswerCitesEveryAgreeingArticle(t *testing.T) {
	ix := testIndex(t)
	a, err := answerer(t).Answer(t.Context(), retrieval.Question{Text: "How many missiles did North Korea fire before the summit?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkCitations(t, ix, a)
	var shared *retrieval.Sentence
	for i := range a.Sentences {
		if a.Sentences[i].Sources > 1 {
			shared = &a.Sentences[i]
			break
		}
	}
	if shared == nil {
		t.Fatalf("no sentence is reported by several articles:\n%s", a.Answer)
	}
	articles := make(map[string]bool)
	for _, n := range shared.Citations {
		articles[a.Citations[n-1].Source] = true
	}
	if len(articles) != shared.Sources {
		t.Errorf("sentence says %d sources but cites articles %v", shared.Sources, articles)
	}
	want := strconv.Itoa(shared.Sources) + " of the 5 articles report this"
	if !strings.Contains(a.Answer, want) {
		t.Errorf("answer does not say %q:\n%s", want, a.Answer)
	}
}

func TestAnswerBadQuestions(t *testing.T) {
	ans := answerer(t)
	tests := []struct {
		text string
		want error
	}{
		{"", retrieval.ErrEmptyQuestion},
		{" \t\n ", retrieval.ErrEmptyQuestion},
		{"?!…", retrieval.ErrEmptyQuestion},
		{strings.Repeat("why ", retrieval.MaxQuestionLength), retrieval.ErrQuestionTooLong},
	}
	for _, tt := range tests {
		_, err := ans.Answer(t.Context(), retrieval.Question{Text: tt.text}, nil)
		if !errors.Is(err, tt.want) {
			t.Errorf("Answer(%.20q) error = %v, want %v", tt.text, err, tt.want)
		}
	}
}

// TestAnswerJSONShape pins the fields `summitbot ask --json` promises.
func TestAnswerJSONShape(t *testing.T) {
	for _, q := range []string{"Where did Putin and Kim meet?", "Who won the 2022 FIFA World Cup?"} {
		a, err := answerer(t).Answer(t.Context(), retrieval.Question{Text: q}, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		for key, kind := range map[string]string{"question": "string", "answer": "string", "refused": "bool", "citations": "array", "mode": "string", "retrieval": "string"} {
			if k := jsonKind(got[key]); k != kind {
				t.Errorf("%q: %q is %s, want %s", q, key, k, kind)
			}
		}
		cites := got["citations"].([]any)
		if !a.Refused && len(cites) == 0 {
			t.Errorf("%q: answered without citations", q)
		}
		for _, c := range cites {
			c := c.(map[string]any)
			for key, kind := range map[string]string{"n": "number", "source": "string", "title": "string", "chunk": "string", "text": "string"} {
				if k := jsonKind(c[key]); k != kind {
					t.Errorf("%q: citation %q is %s, want %s", q, key, k, kind)
				}
			}
		}
	}
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case bool:
		return "bool"
	case float64:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case nil:
		return "null"
	}
	return "?"
}

// TestAnswerConcurrent asks every eval question from many goroutines at once
// (run it with -race) and expects the same answers as asked one by one.
func TestAnswerConcurrent(t *testing.T) {
	ans := answerer(t)
	set, err := corpus.DefaultEvalSet()
	if err != nil {
		t.Fatal(err)
	}
	want := make(map[string]string)
	for _, q := range set.Questions {
		a, err := ans.Answer(t.Context(), retrieval.Question{Text: q.Question}, nil)
		if err != nil {
			t.Fatal(err)
		}
		want[q.Question] = a.Answer
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8*len(set.Questions))
	for range 8 {
		wg.Go(func() {
			for _, q := range set.Questions {
				a, err := ans.Answer(context.Background(), retrieval.Question{Text: q.Question}, nil)
				switch {
				case err != nil:
					errs <- err
				case a.Answer != want[q.Question]:
					errs <- errors.New(q.ID + ": answer differs when asked concurrently")
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestEvidenceWantsTheFactInACoveringSentence: a question that asks for a
// date is not answered by a passage that mentions its subject in one
// sentence and some other date in the next.
func TestEvidenceWantsTheFactInACoveringSentence(t *testing.T) {
	text := "The cosmodrome held its first launch in April 2016, officials said. " +
		"A probe called Luna-25 later crashed into the Moon after a failed manoeuvre. " +
		"Engineers praised the remote site for its weather and its rail links."
	ix, _ := indexOf(t, fstest.MapFS{"launches.txt": {Data: []byte(text)}})
	evidence := func(q string) float64 {
		a, err := (&qa.Pipeline{Index: ix, Judge: qa.Threshold{}}).Answer(t.Context(), retrieval.Question{Text: q}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return a.Evidence
	}
	if e := evidence("When did Luna-25 crash into the Moon?"); e != 0 {
		t.Errorf("Luna-25 crash date: evidence %.3f, want 0 (the only date is another launch's)", e)
	}
	if e := evidence("When was the first launch at the cosmodrome?"); e < 0.5 {
		t.Errorf("first launch date: evidence %.3f, want at least 0.5", e)
	}
}

// TestAnswerErrorNamesQuestionOnce: an answer that fails says which
// question once, however many stages the error passed through.
func TestAnswerErrorNamesQuestionOnce(t *testing.T) {
	const q = "How long did the handshake last?"
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := answerer(t).Answer(ctx, retrieval.Question{Text: q}, nil)
	if err == nil {
		t.Fatal("answered with a cancelled context")
	}
	if n := strings.Count(err.Error(), q); n != 1 {
		t.Errorf("error %q names the question %d times, want once", err, n)
	}
}

// TestAnswerNamesWhoSpoke checks that an answer quoting "…," he said
// quotes with it the sentence before, which says who "he" is, and cites it.
func TestAnswerNamesWhoSpoke(t *testing.T) {
	ix := testIndex(t)
	a, err := answerer(t).Answer(t.Context(), retrieval.Question{Text: "why would china be mad abt this"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Refused || len(a.Sentences) == 0 {
		t.Fatalf("refused or empty: %q", a.Answer)
	}
	lead := a.Sentences[0].Text
	if !strings.Contains(lead, "Tikhonov") || !strings.Contains(lead, "he said") {
		t.Errorf("lead %q does not say who said it", lead)
	}
	checkCitations(t, ix, a)
	seen := map[string]bool{}
	for _, s := range a.Sentences {
		if seen[s.Text] {
			t.Errorf("sentence %q quoted twice", s.Text)
		}
		seen[s.Text] = true
	}
}

// TestAnswerNamesWhoSpokeAQuotation checks that an answer quoting a
// quotation paragraph with no attribution of its own quotes with it the
// sentence, a few sentences before, that names who spoke, marks the
// sentences left out between them, and cites both.
func TestAnswerNamesWhoSpokeAQuotation(t *testing.T) {
	ix := testIndex(t)
	a, err := answerer(t).Answer(t.Context(), retrieval.Question{Text: "what will happen to russia's ties with south korea in the long run"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Refused || len(a.Sentences) == 0 {
		t.Fatalf("refused or empty: %q", a.Answer)
	}
	lead := a.Sentences[0].Text
	if !strings.HasPrefix(lead, "Kim also risks upsetting") || !strings.Contains(lead, "Tikhonov") ||
		!strings.Contains(lead, `told AFP. … "Tactically, they both gain`) {
		t.Errorf("lead %q does not say who said it, or does not mark the sentences left out", lead)
	}
	if len(a.Sentences[0].Citations) < 2 {
		t.Errorf("lead cites %v, want the attribution's passage and the quotation's", a.Sentences[0].Citations)
	}
	checkCitations(t, ix, a)
}
