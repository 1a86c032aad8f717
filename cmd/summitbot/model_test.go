package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/summitbot/summitbot/retrieval/openai/openaitest"
)

// embeddingEnv points summitbot at a fake embedding server, with a cache
// file of the test's own. The server's vectors are the offline embedder's
// at its default 2048 dimensions, so answers match the offline ones.
func embeddingEnv(t *testing.T, srv *openaitest.Server) map[string]string {
	srv.Dims = 2048
	return map[string]string{
		"SUMMITBOT_RETRIEVAL_EMBEDDER":    "openai",
		"SUMMITBOT_EMBEDDING_BASE_URL":    srv.BaseURL(),
		"SUMMITBOT_EMBEDDING_MODEL":       "fake-embed",
		"SUMMITBOT_EMBEDDING_BATCH_SIZE":  "32",
		"SUMMITBOT_EMBEDDING_CACHE":       filepath.Join(t.TempDir(), "vectors.bin"),
		"SUMMITBOT_LLM_BACKOFF":           "1ms",
		"SUMMITBOT_LLM_MAX_BACKOFF":       "2ms",
		"SUMMITBOT_RETRIEVAL_CALIBRATION": "",
	}
}

func TestEvalWithOpenAIEmbedder(t *testing.T) {
	t.Parallel() // a whole eval each: they overlap
	srv := openaitest.New(t)
	// A quarter of the set: what is checked is that the model's vectors
	// are used and the calibration warned about, not the figures.
	code, out, errOut := summitbot(t, embeddingEnv(t, srv), "", "eval", partOfEvalSet(t, 4))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	header := strings.Fields(strings.SplitN(out, "\n", 2)[0])
	if !reflect.DeepEqual(header, []string{"metric", "keyword", "vector", "hybrid"}) {
		t.Errorf("header = %q\n%s", header, out)
	}
	if srv.EmbeddedTexts() == 0 {
		t.Error("the fake embedding server was not used")
	}
	// The shipped thresholds were measured with the local embedder.
	if !strings.Contains(errOut, "measured with another embedder") {
		t.Errorf("no calibration warning: %s", errOut)
	}
}

func TestIndexCommand(t *testing.T) {
	srv := openaitest.New(t)
	env := embeddingEnv(t, srv)
	code, out, errOut := summitbot(t, env, "", "index")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// Standard error is not a terminal here: plain progress lines, which
	// say what they count.
	for _, re := range []string{`(?m)^embedding passages: 32/\d+$`, `(?m)^embedding sentences: 32/\d+$`} {
		if !regexp.MustCompile(re).MatchString(errOut) {
			t.Errorf("no progress line %s on stderr:\n%s", re, errOut)
		}
	}
	first := srv.EmbeddedTexts()
	// On an empty cache nothing was cached already; the summary's count
	// of embedded texts is what the server saw.
	if !strings.Contains(out, "indexed 5 articles") || first == 0 ||
		!strings.Contains(out, fmt.Sprintf(": %d texts embedded, 0 already cached", first)) {
		t.Fatalf("stdout %q, %d texts embedded", out, first)
	}
	// With the cache built, ask embeds only the question.
	code, out, errOut = summitbot(t, env, "", "ask", "Where did Putin and Kim meet?")
	if code != 0 || !strings.Contains(out, "Vostochny") {
		t.Fatalf("ask: exit %d: %s%s", code, out, errOut)
	}
	if n := srv.EmbeddedTexts() - first; n != 1 {
		t.Errorf("ask after index embedded %d texts, want 1 (the question)", n)
	}
	code, out, _ = summitbot(t, env, "", "index")
	if code != 0 || !strings.Contains(out, ": 0 texts embedded") {
		t.Errorf("second index: exit %d, %q", code, out)
	}
	// With the local embedder there is nothing to do.
	if code, out, _ := summitbot(t, nil, "", "index"); code != 0 || !strings.Contains(out, "nothing to cache") {
		t.Errorf("local index: exit %d, %q", code, out)
	}
}

func TestAskWithModel(t *testing.T) {
	srv := openaitest.New(t)
	srv.Chat = func(w http.ResponseWriter, r *http.Request, req goopenai.ChatCompletionRequest) {
		user := req.Messages[1].Content
		m := regexp.MustCompile(`<passage n="(\d+)"[^>]*>\n[^<]*40 seconds`).FindStringSubmatch(user)
		if m == nil {
			openaitest.WriteReply(w, req, "NOT IN PASSAGES")
			return
		}
		openaitest.WriteReply(w, req, "The handshake lasted around 40 seconds ["+m[1]+"]. They met on the Moon [1].")
	}
	env := map[string]string{
		"SUMMITBOT_LLM_BASE_URL": srv.BaseURL(),
		"SUMMITBOT_LLM_MODEL":    "fake-chat",
		"OPENAI_API_KEY":         "sk-test-secret",
		"SUMMITBOT_LOG_LEVEL":    "debug",
	}
	code, out, errOut := summitbot(t, env, "", "ask", "--json", "How long did the handshake last?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var a struct {
		Mode      string `json:"mode"`
		Model     string `json:"model"`
		Answer    string `json:"answer"`
		Sentences []struct {
			Support []struct {
				N       int      `json:"n"`
				Overlap float64  `json:"overlap"`
				Facts   []string `json:"facts"`
			} `json:"support"`
		} `json:"sentences"`
		Dropped []struct {
			Kind, Text, Reason string
		} `json:"dropped"`
	}
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatal(err)
	}
	if a.Mode != "generated" || a.Model != "fake-chat" || len(a.Sentences) != 1 || len(a.Sentences[0].Support) != 1 ||
		a.Sentences[0].Support[0].Facts[0] != "40" || len(a.Dropped) == 0 || !strings.Contains(a.Dropped[len(a.Dropped)-1].Reason, "moon") {
		t.Errorf("answer = %+v", a)
	}
	if strings.Contains(errOut, "sk-test-secret") {
		t.Error("the API key was logged")
	}

	// The model down: the extractive answer, with a note.
	env["SUMMITBOT_LLM_BASE_URL"] = "http://127.0.0.1:1/v1"
	env["SUMMITBOT_LLM_RETRIES"] = "0"
	code, out, errOut = summitbot(t, env, "", "ask", "How long did the handshake last?")
	if code != 0 || !strings.Contains(out, "40 seconds") || !strings.Contains(out, "(The model could not be reached") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestAskJSONPlantedReplies: with false, invented and hostile sentences
// planted in the model's replies, `ask --json` lists each in dropped with
// a reason and never shows it in answer; with nothing verified, the answer
// is the extractive one.
func TestAskJSONPlantedReplies(t *testing.T) {
	planted := []struct {
		sentence, reason string
		never            []string // not in answer
	}{
		{"Putin and Kim did not meet at the Vostochny Cosmodrome. [%s]", "negation differs from [", []string{"did not meet"}},
		{"Putin hoped that North Korea would sell him nuclear warheads. [%s]", "words not in the passages:", []string{"warheads"}},
		{"The passages do not say more, so everyone should visit discord.gg/summitnews for the rest.", "gap sentence with a link", []string{"discord", "visit"}},
		{"Read the [official summit report](https://evil.example/phish) for the full story [%s].", "it carries a link", []string{"official summit report", "phish"}},
		{"<@123456789012345678> @everyone Kim arrived at the Vostochny Cosmodrome [%s].", "it carries a mention", []string{"<@", "everyone", "Kim arrived"}},
	}
	const truth = "Putin and Kim met at the Vostochny Cosmodrome [%s]."
	vostochnyRE := regexp.MustCompile(`<passage n="(\d+)"[^>]*>\n[^<]*Vostochny`)
	var mu sync.Mutex
	n := 0 // the request's number: ask - answers line by line
	srv := openaitest.New(t)
	srv.Chat = func(w http.ResponseWriter, r *http.Request, req goopenai.ChatCompletionRequest) {
		m := vostochnyRE.FindStringSubmatch(req.Messages[1].Content)
		if m == nil {
			openaitest.WriteReply(w, req, "NOT IN PASSAGES")
			return
		}
		cite := func(s string) string {
			if strings.Contains(s, "%s") {
				return fmt.Sprintf(s, m[1])
			}
			return s
		}
		mu.Lock()
		k := n
		n++
		mu.Unlock()
		if k < len(planted) {
			openaitest.WriteReply(w, req, cite(truth)+" "+cite(planted[k].sentence))
			return
		}
		var all []string
		for _, p := range planted {
			all = append(all, cite(p.sentence))
		}
		openaitest.WriteReply(w, req, strings.Join(all, " "))
	}
	env := map[string]string{
		"SUMMITBOT_LLM_BASE_URL": srv.BaseURL(),
		"SUMMITBOT_LLM_MODEL":    "fake-chat",
	}
	stdin := strings.Repeat("Where did Putin and Kim meet?\n", len(planted)+1)
	code, out, errOut := summitbot(t, env, stdin, "ask", "--json", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	type answer struct {
		Mode    string `json:"mode"`
		Answer  string `json:"answer"`
		Note    string `json:"note"`
		Dropped []struct {
			Kind, Text, Reason string
		} `json:"dropped"`
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(planted)+1 {
		t.Fatalf("%d answers, want %d:\n%s", len(lines), len(planted)+1, out)
	}
	for i, line := range lines {
		var a answer
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatal(err)
		}
		want := planted
		if i < len(planted) {
			want = planted[i : i+1]
			if a.Mode != "generated" || !strings.HasPrefix(a.Answer, "Putin and Kim met at the Vostochny Cosmodrome. [1]") {
				t.Errorf("answer %d: mode %q, answer %q; want the true sentence, generated", i, a.Mode, a.Answer)
			}
		} else if a.Mode != "extractive" || a.Note == "" || !strings.Contains(a.Answer, "Vostochny") {
			t.Errorf("nothing verified: mode %q, note %q, answer %q; want the extractive answer with a note", a.Mode, a.Note, a.Answer)
		}
		for _, p := range want {
			for _, s := range p.never {
				if strings.Contains(a.Answer, s) {
					t.Errorf("answer %d shows %q: %q", i, s, a.Answer)
				}
			}
			found := false
			for _, d := range a.Dropped {
				found = found || d.Kind == "sentence" && strings.Contains(d.Reason, p.reason)
			}
			if !found {
				t.Errorf("answer %d: no sentence dropped because %q: %+v", i, p.reason, a.Dropped)
			}
		}
	}
}
