package retrieval

import "fmt"

// Mode selects the retrievers that rank passages.
type Mode string

// The retrieval modes. Hybrid is what the bot uses; the others exist so that
// the evaluation can show what each retriever contributes.
const (
	Keyword Mode = "keyword"
	Vector  Mode = "vector"
	Hybrid  Mode = "hybrid"
)

// Modes lists every mode in the order the evaluation reports them.
var Modes = []Mode{Keyword, Vector, Hybrid}

// ParseMode accepts a mode's name.
func ParseMode(s string) (Mode, error) {
	for _, m := range Modes {
		if string(m) == s {
			return m, nil
		}
	}
	return "", fmt.Errorf("unknown retrieval mode %q (want keyword, vector or hybrid)", s)
}

// Kind is what sort of answer a question asks for. It steers which
// sentences the extractive answer prefers: a "how long" question wants a
// sentence with a duration in it, not merely the one with the most words in
// common.
type Kind string

// The kinds of question the answerer tells apart.
const (
	KindDuration Kind = "duration"    // how long
	KindDistance Kind = "distance"    // how far
	KindTime     Kind = "time"        // when, what year
	KindPerson   Kind = "person"      // who
	KindCount    Kind = "count"       // how many
	KindPlace    Kind = "place"       // where
	KindReason   Kind = "reason"      // why
	KindQuote    Kind = "quote"       // what did X say
	KindClock    Kind = "clock"       // what time of day
	KindSpeed    Kind = "speed"       // how fast
	KindWeight   Kind = "weight"      // how heavy
	KindMoney    Kind = "money"       // how much did it cost
	KindAge      Kind = "age"         // how old
	KindHeight   Kind = "height"      // how tall
	KindDay      Kind = "day"         // what day of the week, what date
	KindYear     Kind = "year"        // what year, which years
	KindMeans    Kind = "means"       // how did he get there, did he fly
	KindTemp     Kind = "temperature" // how hot, at what temperature
	KindOther    Kind = "other"
)
