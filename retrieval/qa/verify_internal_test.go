package qa

import (
	"slices"
	"testing"
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
