package qa

import (
	"regexp"
	"slices"
	"strings"

	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/meaning"
	"github.com/summitbot/summitbot/retrieval/search"
)

// Candidate is a sentence of a retrieved passage that might answer the
// question, scored.
type Candidate struct {
	*search.Sentence
	Score float64 // how good an answer it is; the writer takes the best
	// Evidence is how well the sentence, read in its passage, covers the
	// question, 0..1.
	Evidence float64
	// Fits says whether the sentence holds the kind of fact asked for (a
	// date for "when"; any sentence for a question of no particular kind).
	Fits bool
	// Counts says whether Evidence is evidence that the articles answer
	// the question at all: the sentence holds the kind of fact asked for
	// and, for a measurable kind, shares something with the question.
	Counts bool
	// Features are what the ranker reads of the sentence, in the order of
	// RankFeatureNames; nil for a pipeline built without word meaning.
	Features []float64
	// handScore is the score by the hand weights (Score, when there is
	// no ranker), which the judge reads the best sentences by.
	handScore float64
}

// score reads every sentence of the retrieved passages, once each, and
// scores it as an answer to a: by ranker when it is not nil, else by the
// hand weights. rk, when not nil, computes every candidate's Features
// (which ranker needs).
func score(ix *search.Index, a Analysis, r Retrieved, rk *ranking, ranker *Ranker) []Candidate {
	focus := a.Focus
	var q *rankQuestion
	if rk != nil {
		q = rk.question(a)
	}
	var cands []Candidate
	seen := make(map[int]bool) // overlapping passages share sentences
	for rank, p := range r.Passages {
		chunkCov := focus.coverage(ix.ChunkTerms(p.Chunk.ID))
		for _, sp := range p.Chunk.Sentences {
			i, _ := ix.SentenceAt(p.Article.ID, sp.Start)
			if seen[i] {
				continue
			}
			seen[i] = true
			s := ix.Sentence(i)
			c := Candidate{Sentence: s}
			sentCov := focus.coverage(s.Terms)
			sim := search.DotProduct(r.QVec, s.Vec)
			w := scoreWeights
			c.Score = w.sentence*sentCov + w.passage*chunkCov +
				w.similarity*sim + w.rank/float64(rank+1)
			var fits bool
			switch a.Kind {
			case retrieval.KindOther:
				fits = true
			case retrieval.KindPlace:
				fits = placeAttached(ix, focus, s.Text)
			default:
				if rk != nil {
					fits = rk.hasKind(ix, a.Kind, i)
				} else {
					fits = hasKindEvidence(ix, a.Kind, s.Text)
				}
			}
			if fits && (a.Kind == retrieval.KindCount || a.Kind == retrieval.KindDuration) && a.Counted != "" {
				// "how many missiles", "how many days": a number of those.
				fits = countAttached(rk, a.Counted, s.Text)
			}
			if fits && a.Kind != retrieval.KindOther {
				c.Score += w.kind * kindBonus[a.Kind]
			}
			var spk float64
			if a.Speaker != "" {
				spk = attribution(ix, i, a.Speaker)
				c.Score += w.speaker * spk
			}
			c.handScore = c.Score
			if rk != nil {
				c.Features = handFeatures(sentCov, chunkCov, sim, 1/float64(rank+1), fits, a.Kind, spk)
				rk.features(q, i, s, c.Features)
				if ranker != nil {
					c.Score = ranker.Score(c.Features)
				}
			}
			// The evidence that the articles answer the question at all is the
			// best covering sentence, read in its passage, that holds the
			// kind of fact asked for. For a measurable kind that sentence must
			// itself share something with the question: a date in the passage
			// about Luna-25 that belongs to another launch does not say when
			// Luna-25 crashed.
			c.Fits = fits
			c.Evidence = (sentCov + chunkCov) / 2
			c.Counts = (fits && sentCov > 0) || !measurable[a.Kind]
			cands = append(cands, c)
		}
	}
	return cands
}

// scoreWeights weigh what makes a sentence a good answer: how much of the
// question it covers itself, how much its passage covers, how alike it and
// the question are as vectors (which forgives spelling and inflection), how
// high its passage ranked, and whether it holds the kind of fact asked for.
var scoreWeights = struct {
	sentence, passage, similarity, rank, kind, speaker float64
}{1, 0.4, 0.5, 0, 2, 0.6}

// attribution says whose words sentence i of the index gives, for a
// question about what speaker said: 1 when they are the speaker's, -1 when
// they are only someone else's, 0 when the sentence quotes nobody. A
// pronoun ("…," he said) and a quotation with no attribution of its own
// are the speaker the article quoted last (see spokenBy).
func attribution(ix *search.Index, i int, speaker string) float64 {
	who, _ := spokenBy(ix, i)
	if len(who) == 0 {
		return 0
	}
	for _, w := range who {
		if !isPronoun(w) && (nameMatches(w, speaker) || sameEntity(ix, w, speaker)) {
			return 1
		}
	}
	return -1
}

// sameEntity reports whether two names are forms of one alias group
// ("peskov" and "kremlin spokesman").
func sameEntity(ix *search.Index, a, b string) bool {
	ca, _ := ix.Aliases().Mentions(a)
	cb, _ := ix.Aliases().Mentions(b)
	return slices.ContainsFunc(ca, func(c string) bool { return slices.Contains(cb, c) })
}

// kindBonus is how much a sentence gains for holding the kind of fact the
// question asks for. Durations, distances, counts and dates are precise
// cues; a capitalised name is weaker evidence of a person. A place counts
// only beside what the question asks about (placeAttached), and then about
// as much as a date.
var kindBonus = map[retrieval.Kind]float64{
	retrieval.KindDuration: 0.5,
	retrieval.KindDistance: 0.5,
	retrieval.KindCount:    0.3,
	retrieval.KindTime:     0.4,
	retrieval.KindPerson:   0.15,
	retrieval.KindPlace:    0.2,
	retrieval.KindReason:   0.1,
	retrieval.KindQuote:    0.2,
	retrieval.KindClock:    0.5,
	retrieval.KindSpeed:    0.5,
	retrieval.KindWeight:   0.5,
	retrieval.KindMoney:    0.5,
	retrieval.KindAge:      0.5,
	retrieval.KindHeight:   0.5,
	retrieval.KindDay:      0.5,
	retrieval.KindYear:     0.5,
	retrieval.KindMeans:    0.5,
	retrieval.KindTemp:     0.5,
}

// kindEvidence recognises, in a sentence, the kind of fact a question asks
// for.
var kindEvidence = map[retrieval.Kind]*regexp.Regexp{
	retrieval.KindDuration: regexp.MustCompile(`(?i)\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|few)[\s-]+(seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b`),
	retrieval.KindDistance: regexp.MustCompile(`(?i)\b\d[\d,.]*\s*(km|kilomet(er|re)s?|miles?|m)\b|\bnot\s+far\s+from\b`),
	retrieval.KindTime:     regexp.MustCompile(`\b(1[89]|20)\d\d\b|\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December)\b|(?i)\b(last|next)\s+(week|month|year)\b|\bhours\s+(ahead|after|before)\b|\bearlier\b`),
	retrieval.KindPerson:   regexp.MustCompile(`(?i)\b(minister|spokes(man|woman|person)|professor|researcher|marshal|director|secretary|analyst|official|chief)\b`),
	retrieval.KindCount:    regexp.MustCompile(`(?i)\b\d[\d,.]*\b|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twice|dozens?|hundreds|thousands|millions|tens)\b`),
	// A place: a name after a preposition ("at the Vostochny Cosmodrome"),
	// or a common noun of place ("into the sea off its east coast", "near
	// the border", "among the forests").
	retrieval.KindPlace:  regexp.MustCompile(`\b(at|in|into|from|near|to|off|outside|inside|across|along|toward|towards|among)\s+(?:(?:the|its|his|her|their|a|an)\s+)?(?:[A-Z][a-z]+|(?:[a-z]+\s+)?(?:coast|sea|ocean|waters|border|region|province|city|town|village|capital|island|peninsula|territory|zone|area|forests?|desert|mountains?|east|west|north|south)\b)`),
	retrieval.KindQuote:  regexp.MustCompile(`["“”]`),
	retrieval.KindClock:  regexp.MustCompile(`(?i)\b\d{1,2}([:.]\d\d)?\s*(a\.?m\.?|p\.?m\.?)|\b\d{1,2}:\d\d\b|\bo'clock\b|\b(noon|midnight|morning|afternoon|evening)\b`),
	retrieval.KindSpeed:  regexp.MustCompile(`(?i)\b\d[\d,.]*\s*(km/h|mph|kph|knots|mach|kilomet(er|re)s\s+(an|per)\s+hour|miles\s+(an|per)\s+hour)\b`),
	retrieval.KindWeight: regexp.MustCompile(`(?i)\b\d[\d,.]*\s*(tonnes?|tons?|kg|kilograms?|pounds|lbs?)\b`),
	retrieval.KindMoney:  regexp.MustCompile(`(?i)[$€£¥₽]\s?\d|\b\d[\d,.]*\s*(bn|m|billion|million|trillion|thousand)?\s*(dollars?|euros?|roubles?|rubles?|yuan|won|pounds|usd)\b`),
	// An age: of a person ("aged 39", "born in"), or of a thing since it
	// began ("75 years since the establishment of North Korea in 1948",
	// "built in 2012").
	retrieval.KindAge:    regexp.MustCompile(`(?i)\b\d+-year-old\b|\b\d+\s+years?\s+(old|since|after|ago)\b|\baged\s+\d+|\bborn\s+(in|on)\b|\b(founded|established|establishment|built|opened|created|inaugurated)\b[^.]{0,40}?\b(1[89]|20)\d\d\b`),
	retrieval.KindHeight: regexp.MustCompile(`(?i)\b\d[\d,.]*\s*(m|metres?|meters?|feet|ft|foot)\b(\s+(tall|high))?|\b\d[\d,.]*-(metre|meter|foot)\b`),
	retrieval.KindDay:    regexp.MustCompile(`\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|\b\d{1,2}(st|nd|rd|th)?\s+(January|February|March|April|May|June|July|August|September|October|November|December)\b|\b(January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{1,2}\b|(?i)\b(yesterday|today|tomorrow)\b`),
	retrieval.KindYear:   regexp.MustCompile(`\b(1[89]|20)\d\d\b`),
	retrieval.KindMeans:  regexp.MustCompile(`(?i)\b(trains?|planes?|aircraft|jets?|flights?|flew|flown|car|cars|limousines?|motorcade|convoy|overland|by\s+(air|road|rail|sea|land)|drove|driven|ships?|boats?|helicopters?|railways?|aboard|travel(l)?ed|travel(l)?ing)\b`),
	retrieval.KindTemp:   regexp.MustCompile(`(?i)-?\d[\d,.]*\s*(°|º|degrees?|deg\b)\s*(c|f|celsius|fahrenheit|centigrade)?|\b\d[\d,.]*\s*(celsius|fahrenheit|kelvin)\b`),
	retrieval.KindReason: regexp.MustCompile(`(?i)\b(because|so\s+that|in\s+order|to\s+reduce|to\s+seek|why|chosen|reason|as\s+\w+\s+plans)\b`),
}

// measurable kinds ask for a fact of a recognisable form. A passage that
// covers the question's words but holds no fact of that form does not
// answer it: "When did Luna-25 crash?" is not answered by the sentence
// saying that it crashed. A day and a year are not among them, though
// their forms are as plain: made measurable, they refused more answerable
// questions than unanswerable ones (summitbot eval, cross-validated).
var measurable = map[retrieval.Kind]bool{
	retrieval.KindDuration: true, retrieval.KindDistance: true, retrieval.KindCount: true, retrieval.KindTime: true,
	retrieval.KindClock: true, retrieval.KindSpeed: true, retrieval.KindWeight: true, retrieval.KindPerson: true,
	retrieval.KindMoney: true, retrieval.KindAge: true, retrieval.KindHeight: true, retrieval.KindTemp: true,
}

// nameRE finds capitalised names of two or more words ("Dmitry Peskov",
// "Lim Soo-suk").
var nameRE = regexp.MustCompile(`\b\p{Lu}\p{Ll}+(?:-\p{Ll}+)?(?:\s+\p{Lu}\p{Ll}+(?:-\p{Ll}+)?)+`)

// hasKindEvidence reports whether sentence holds the kind of fact k asks for.
// A person is a name other than the people every article is about (whose
// names are the subject, not an answer) or an office.
func hasKindEvidence(ix *search.Index, k retrieval.Kind, sentence string) bool {
	if k == retrieval.KindPerson {
		for _, n := range nameRE.FindAllString(sentence, -1) {
			for _, w := range wordRE.FindAllString(n, -1) {
				if !ix.Everywhere(strings.ToLower(w)) && !honorifics[w] {
					return true
				}
			}
		}
	}
	re, ok := kindEvidence[k]
	return ok && re.MatchString(sentence)
}

// kindReach is how many words either side of the evidence of a kind
// (kindEvidence) kindNear reads as what it is said of.
const kindReach = 4

// kindNear returns the terms of sentence within kindReach words of its
// evidence of kind k: of "Kim's translator thanked Putin for the warm
// welcome", for a person, those about "translator". A sentence that
// answers holds its fact beside what the question asks about; one that
// only restates the question may hold a fact of that kind anywhere.
func kindNear(ix *search.Index, k retrieval.Kind, sentence string) map[string]bool {
	var spans [][]int
	if k == retrieval.KindPerson {
		for _, m := range nameRE.FindAllStringIndex(sentence, -1) {
			if hasKindEvidence(ix, k, sentence[m[0]:m[1]]) {
				spans = append(spans, m)
			}
		}
	}
	if re, ok := kindEvidence[k]; ok {
		spans = append(spans, re.FindAllStringIndex(sentence, -1)...)
	}
	terms := map[string]bool{}
	for _, m := range spans {
		before := wordRE.FindAllString(sentence[:m[0]], -1)
		before = before[max(0, len(before)-kindReach):]
		after := wordRE.FindAllString(sentence[m[1]:], kindReach)
		for _, t := range ix.Analyze(strings.Join(before, " ") + " " + sentence[m[0]:m[1]] + " " + strings.Join(after, " ")) {
			terms[t] = true
		}
	}
	return terms
}

// countReach is how many words after a number may name what it counts:
// "two short-range ballistic missiles".
const countReach = 4

// countAttached reports whether sentence holds a number of the thing a
// "how many" question counts: a number with, within countReach words after
// it, that word, a word of its stem, or (with word meaning) a WordNet
// synonym, broader or narrower word ("two ballistic missiles" counts
// missiles; "40 seconds" does not count people).
func countAttached(rk *ranking, thing, sentence string) bool {
	for _, m := range kindEvidence[retrieval.KindCount].FindAllStringIndex(sentence, -1) {
		for _, w := range wordRE.FindAllString(sentence[m[1]:], countReach) {
			w = strings.ToLower(w)
			if w == thing || sameStem(w, thing) {
				return true
			}
			if rk != nil {
				switch rk.meaning.rel.Related(thing, w) {
				case meaning.Same, meaning.Synonym, meaning.Hypernym, meaning.Hyponym:
					return true
				}
			}
		}
	}
	return false
}

// honorifics are capitalised words that are not names.
var honorifics = map[string]bool{"Mr": true, "Mrs": true, "Ms": true, "Dr": true, "President": true, "The": true}

// placeReach is how many words before a place may say what happened there,
// and how many after its first word may still be its name ("near the
// Chinese border").
const placeReach = 2

// placeAttached reports whether sentence names a place right after
// something the question asks about. "The two leaders are meeting at the
// Vostochny Cosmodrome" answers "Where did Putin and Kim meet?"; "...by
// meeting Putin, Vladimir Tikhonov, professor of Korean studies at the
// University of Oslo" names a place too, but of the professor, words away
// from "meeting". A place whose own words are the question's ("near the
// Chinese border" for "Which border is it near?") is attached too.
func placeAttached(ix *search.Index, n Focus, sentence string) bool {
	for _, m := range kindEvidence[retrieval.KindPlace].FindAllStringIndex(sentence, -1) {
		before := wordRE.FindAllString(sentence[:m[0]], -1)
		before = before[max(0, len(before)-placeReach):]
		after := wordRE.FindAllString(sentence[m[1]:], placeReach)
		around := strings.Join(before, " ") + " " + sentence[m[0]:m[1]] + " " + strings.Join(after, " ")
		if slices.ContainsFunc(ix.Analyze(around), n.has) {
			return true
		}
	}
	return false
}
