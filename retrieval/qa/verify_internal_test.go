package qa

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/summitbot/summitbot/retrieval"
)

func TestSplitGenerated(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Putin met Kim [1]. Mr. Kim arrived by train [2].", []string{"Putin met Kim [1].", "Mr. Kim arrived by train [2]."}},
		{"They met at Vostochny. [1] It lasted 2.5 hours. [2][3]", []string{"They met at Vostochny. [1]", "It lasted 2.5 hours. [2][3]"}},
		{`He said "we will always be with Russia." [4] Then he left`, []string{`He said "we will always be with Russia." [4]`, "Then he left"}},
		{"The U.S. warned Pyongyang [1].", []string{"The U.S. warned Pyongyang [1]."}},
	}
	for _, tt := range tests {
		if got := splitGenerated(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("splitGenerated(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStripMarkers(t *testing.T) {
	tests := []struct {
		in    string
		text  string
		cited []int
	}{
		{"They met at Vostochny [1].", "They met at Vostochny.", []int{1}},
		{"They met [2, 3] at Vostochny. [1-2]", "They met at Vostochny.", []int{2, 3, 1}},
		{"No marker.", "No marker.", nil},
	}
	for _, tt := range tests {
		text, cited := stripMarkers(tt.in)
		if text != tt.text || !slices.Equal(cited, tt.cited) {
			t.Errorf("stripMarkers(%q) = %q, %v; want %q, %v", tt.in, text, cited, tt.text, tt.cited)
		}
	}
}

func TestBridged(t *testing.T) {
	tests := []struct {
		w, k string
		want bool
	}{
		{"armored", "armoured", true},   // spelling variant, cosine 0.92
		{"greeted", "welcomed", true},   // WordNet: "greeted" is broader
		{"traveled", "travelled", true}, // inflections of one base form
		{"meet", "met", true},
		{"sell", "buying", false},       // antonym, though cosine rates them alike
		{"moon", "earth", false},        // vector neighbours, no bridge
		{"warheads", "missiles", false}, // co-hyponyms
		{"three", "two", false},         // numbers are never bridged
	}
	for _, tt := range tests {
		if got := bridged(tt.w, tt.k); got != tt.want {
			t.Errorf("bridged(%q, %q) = %v, want %v", tt.w, tt.k, got, tt.want)
		}
	}
}

// TestVerifyMeaning checks single sentences against the passages retrieved
// for a question: what is kept, and why the rest is dropped.
func TestVerifyMeaning(t *testing.T) {
	ix := sharedFuzzIndex(t)
	tests := []struct {
		question, sentence, cite string // cite: a phrase of the passage the sentence cites
		reason                   string // "" when the sentence is kept
	}{
		{"What did Peskov say about weapons?", "Peskov said the two countries cooperate in sensitive areas", "sensitive", ""},
		{"What did Peskov say about weapons?", "Peskov said the cooperation would not be made public", "sensitive", ""},
		{"What did Peskov say about weapons?", "Peskov said the two countries do not cooperate in sensitive areas", "sensitive", "negation differs from ["},
		{"Where did Putin and Kim meet?", "Putin and Kim never met at the Vostochny Cosmodrome", "Vostochny", "negation differs from ["},
		{"Why is Russia interested in North Korean ammunition?", "Russia is interested in selling North Korean ammunition", "buying", "words not in the passages: selling"},
		{"Why is Russia interested in North Korean ammunition?", "Russia is interested in buying North Korean ammunition", "buying", ""},
		{"How long did the handshake last?", "The handshake lasted around 40 seconds in an armored limousine", "40 seconds", ""},
		{"How long did the handshake last?", "The handshake lasted around 40 seconds on the Moon", "40 seconds", "words not in the passages: moon"},
		// Gap sentences cite nothing (cite "").
		{"How long did the handshake last?", "The passages do not say exactly how long the handshake lasted", "", ""},
		{"How long did the handshake last?", "The passages do not say who let go first", "", "gap sentence naming words not in the question (let), so a claim: it has no [n] marker"},
		{"How long did the handshake last?", "The passages do not say whether Kim sold Putin warheads", "", "so a claim: words not in the passages: sold, warheads"},
		{"How long did the handshake last?", "The passages do not say more, so please ask the Kremlin", "", "gap sentence with an imperative (please)"},
	}
	for _, tt := range tests {
		t.Run(tt.sentence, func(t *testing.T) {
			passages, err := ix.Search(t.Context(), tt.question, 6, retrieval.Hybrid)
			if err != nil {
				t.Fatal(err)
			}
			reply := tt.sentence + "."
			if tt.cite != "" {
				n := slices.IndexFunc(passages, func(p retrieval.Passage) bool { return strings.Contains(p.Chunk.Text, tt.cite) })
				if n < 0 {
					t.Fatalf("no passage retrieved for %q holds %q", tt.question, tt.cite)
				}
				reply = fmt.Sprintf("%s [%d].", tt.sentence, n+1)
			}
			v := verify(ix, tt.question, reply, passages)
			switch {
			case tt.reason == "" && len(v.kept) != 1:
				t.Errorf("dropped: %+v", v.dropped)
			case tt.reason != "" && (len(v.kept) != 0 || !slices.ContainsFunc(v.dropped, func(d retrieval.Dropped) bool {
				return d.Kind == "sentence" && strings.Contains(d.Reason, tt.reason)
			})):
				t.Errorf("kept %d, dropped %+v; want it dropped because %q", len(v.kept), v.dropped, tt.reason)
			}
		})
	}
}
