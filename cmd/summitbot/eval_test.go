package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/summitbot/summitbot/retrieval/eval"
)

// TestEvalNewMetrics checks that eval reports the metrics of issue 12 in
// its table, its JSON and its --verbose misses.
func TestEvalNewMetrics(t *testing.T) {
	code, out, errOut := summitbot(t, nil, "", "eval", "--verbose")
	if code != 0 {
		t.Fatalf("eval exited %d: %s", code, errOut)
	}
	for _, want := range []string{
		"questions (answerable/unanswerable/chat)", "lead-sentence accuracy", "speaker accuracy (",
		"refusal accuracy: general (", "refusal accuracy: other-event (", "refusal accuracy: near-miss (",
		"refusal accuracy: manipulation (", "chat handled", "hybrid, answerable questions not answered right:",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("eval --verbose output has no %q:\n%s", want, out)
		}
	}
	code, out, errOut = summitbot(t, nil, "", "eval", "--json")
	if code != 0 {
		t.Fatalf("eval --json exited %d: %s", code, errOut)
	}
	var reps []eval.ModeReport
	if err := json.Unmarshal([]byte(out), &reps); err != nil {
		t.Fatal(err)
	}
	for _, r := range reps {
		if r.Chat == 0 || r.Speakers == 0 || len(r.RefusalByTag) < 4 || r.LeadAccuracy == 0 {
			t.Errorf("%s: JSON lacks the new metrics: chat %d, speakers %d, tags %v, lead %.3f",
				r.Mode, r.Chat, r.Speakers, r.RefusalByTag, r.LeadAccuracy)
		}
	}
}
