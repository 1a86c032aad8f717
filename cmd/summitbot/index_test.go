package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestProgressBarsSayWhatTheyCount: on a terminal each embedding call gets
// its own bar, named after what it counts.
func TestProgressBarsSayWhatTheyCount(t *testing.T) {
	var b bytes.Buffer
	p := &progress{w: &b, tty: true}
	p.update("passages", 32, 63)
	p.update("passages", 63, 63)
	p.update("sentences", 126, 126)
	p.finish()
	out := b.String()
	for _, want := range []string{"passages", "(63/63", "sentences", "(126/126"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in the bars: %q", want, out)
		}
	}
	if strings.Contains(out, "embedding") {
		t.Errorf("a bar still says only \"embedding\": %q", out)
	}
}
