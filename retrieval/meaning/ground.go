package meaning

// Vocabulary is the set of distinct words of some texts (the articles), for
// measuring how well a question's words are grounded in them.
type Vocabulary struct {
	// A is the SIF constant of the word weights in Grounding; NewVocabulary
	// sets DefaultA.
	A     float64
	t     *Table
	words map[string]bool
	ids   []int // the words that have vectors
}

// NewVocabulary collects the words of texts, tokenized with t.Tokens.
func NewVocabulary(t *Table, texts []string) *Vocabulary {
	v := &Vocabulary{A: DefaultA, t: t, words: map[string]bool{}}
	for _, text := range texts {
		for _, w := range t.Tokens(text) {
			if v.words[w] {
				continue
			}
			v.words[w] = true
			if id, ok := t.ID(w); ok {
				v.ids = append(v.ids, id)
			}
		}
	}
	return v
}

// Len returns the number of distinct words.
func (v *Vocabulary) Len() int { return len(v.words) }

// Nearest returns the vocabulary word nearest to word and their cosine:
// word itself and 1 for a word of the vocabulary; "" and 0 for a word the
// table lacks that is not in it, or one no vocabulary word is positively
// similar to.
func (v *Vocabulary) Nearest(word string) (string, float64) {
	if v.words[word] {
		return word, 1
	}
	id, ok := v.t.ID(word)
	if !ok {
		return "", 0
	}
	best, bestID := 0.0, -1
	for _, j := range v.ids {
		if c := v.t.cosine(id, j); c > best {
			best, bestID = c, j
		}
	}
	if bestID < 0 {
		return "", 0
	}
	return v.t.Word(bestID), best
}

// Grounding returns the SIF-weighted mean, over the words of question, of
// each word's Nearest cosine to the vocabulary, weights SIFWeight(w, v.A):
// frequent words ("the", "what", "did") count little, specific ones fully. A
// word the table lacks counts fully and grounds only if it is itself in the
// vocabulary, so a name or number the articles never mention pulls the
// score down. It is in [0, 1]; 0 for a question with no words.
func (v *Vocabulary) Grounding(question string) float64 {
	var sum, weights float64
	for _, w := range v.t.Tokens(question) {
		wt := v.t.SIFWeight(w, v.A)
		_, c := v.Nearest(w)
		sum += wt * c
		weights += wt
	}
	if weights == 0 {
		return 0
	}
	return sum / weights
}

// Grounding is NewVocabulary(Default(), vocab).Grounding(question), for one-off
// use; build a Vocabulary once to score many questions.
func Grounding(question string, vocab []string) float64 {
	return NewVocabulary(Default(), vocab).Grounding(question)
}
