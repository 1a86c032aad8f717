package corpus

import (
	"math/rand/v2"
	"testing"
)

// scanTagEnd is the scan that tagEnds replaces, kept as its specification:
// from k, the first ">" outside quotes.
func scanTagEnd(s string, k int) int {
	var quote byte
	for i := k; i < len(s); i++ {
		switch c := s[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i
		}
	}
	return -1
}

// TestTagEnds checks tagEnds against the scan from every offset of random
// strings made of the characters that matter.
func TestTagEnds(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = `<a>"'x `
	for range 2000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		s := string(b)
		ends := tagEnds(s)
		for k := 0; k <= len(s); k++ {
			if want := scanTagEnd(s, k); ends[k] != want {
				t.Fatalf("tagEnds(%q)[%d] = %d, want %d", s, k, ends[k], want)
			}
		}
	}
}
