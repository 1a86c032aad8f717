package qa

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/meaning"
	"github.com/summitbot/summitbot/retrieval/search"
)

// RankFeatureNames name what the ranker reads of a candidate sentence, in
// the order Candidate.Features holds them. The first eight are what the
// hand weights (scoreWeights, kindBonus) add up; the rest are read with
// word meaning.
var RankFeatureNames = []string{
	"sent_cov",  // the question's rarity-weighted terms the sentence holds
	"chunk_cov", // the same for its passage
	"hash_sim",  // cosine of the question's and the sentence's index vectors
	"rank",      // 1/rank of the sentence's passage in retrieval
	"kind",      // 1 when the sentence holds the kind of fact asked for
	"place",     // 1 when that kind is a place, named beside what the question asks about (placeAttached)
	"speaker",   // for a question about what someone said: 1 when the sentence gives their words (see attribution)
	"other",     // and 1 when it gives only someone else's
	"mfocus",    // the question's SIF-weighted words it covers, directly or by a meaning bridge (Meaning.focus)
	"sif_sim",   // SIF cosine of the question and the sentence
	"len",       // log(1 + its words)
	"position",  // 1 in an article's first 400 bytes: the lead of a news story
	"dups",      // how many other articles ran the same sentence
	"novel",     // the share of its content words the question does not hold: what it adds
	"central",   // SIF cosine of the sentence and the mean of all the corpus's sentences: how much it is about everything
	"loose",     // 1 when "kind" is 1 for a kind whose form does not say what it is (not typedKinds; see below)
	"near",      // when "kind" is 1: the share of the question's needs within kindReach words of the evidence (kindNear)
	"adds",      // mfocus times novel: it covers the question and says more (see below)
}

// "loose" lets the fit weigh the kind evidence that any sentence may hold
// (a number, a name, an office, "because", a quotation mark) below the
// evidence whose form says what it is (a weekday, "40 seconds", a train):
// one weight for both let "…use the talks to seek artillery shells…"
// lead "why" questions on its "to seek". Its weight comes out negative,
// a third of kind's; summitbot eval's cross-validated lead accuracy rose
// from 0.609 to 0.618 (343 answerable questions).
//
// "near" tells a sentence that holds the fact beside what the question
// asks about from one that holds a fact of that kind anywhere: for "did
// kim fly there or what", "…Kim's limousine — brought from Pyongyang in
// the North Korean leader's special armoured train…" now leads "It was
// the first such launch by the North while Mr Kim was abroad, …who has
// travelled outside the country only seven times…". It raised the cross-validated lead accuracy from 0.618 to 0.630
// (kindReach 4; 2 and 6 gave 0.627 and 0.624, 8 gave 0.615).
//
// "adds" is high only for a sentence that both covers the question and
// says more than it, which is what an answer does; mfocus and novel each
// rate one and the linear score adds them, so a sentence that restates
// the question scored as well as one that answers with a new word or
// two: for "did kim appreciate putin making time for him", "Kim's
// translator thanked Putin for the warm welcome, "despite being busy.""
// now leads "Putin said he was "very glad to see" Kim.". With it the
// fit moves most of their weights onto the product (mfocus +1.34 ->
// +0.26, novel +0.49 -> +0.09, adds +0.94), and the cross-validated lead
// accuracy rose from 0.630 to 0.638; sent_cov times novel instead gave
// the same lead and two answers fewer.

// Ranker orders the candidate sentences of a question: a linear score
// over RankFeatureNames, fitted on the eval set by `summitbot eval
// --write-calibration` (see retrieval/eval) so that a sentence holding the
// gold answer scores above the question's sentences that do not (a
// pairwise logistic fit: the weights are those of the difference of two
// sentences' standardised features). A pipeline without one orders by the
// hand weights of scoreWeights.
type Ranker struct {
	Features []string  `json:"features"`
	Scale    []float64 `json:"scale"` // each feature's standard deviation in the fitting pairs
	Weights  []float64 `json:"weights"`
	// Gap is how far below the best sentence's score another may score
	// and still join the answer: the ranker's keepRelative. It is fitted
	// so that answers quote as many sentences as the hand weights did.
	Gap float64 `json:"gap"`
}

// Score returns the ranker's score for the features x of a sentence, in
// the order of r.Features: higher is better. Only differences of scores
// between sentences of one question mean anything.
//
// A sentence that names a place beside what a "where" question asks about
// (the "place" feature) scores above every sentence that names none: an
// answer to "where" must say where, and a sentence that only shares the
// question's words ("…by meeting Putin, Vladimir Tikhonov… told AFP")
// must not lead it. It is a rule, not a fit: summitbot eval's
// cross-validation scores it one question below the fitted weights alone
// (ranker answer 0.746 against 0.749, lead 0.589 both, on 343 answerable
// questions), which let such a sentence lead "Where did Putin and Kim
// meet?", "where was the summit" and "where did putin n kim meet".
func (r *Ranker) Score(x []float64) float64 {
	var z float64
	for i, v := range x {
		z += r.Weights[i] * v / r.Scale[i]
	}
	return z + placeFirst*x[placeFeature]
}

// placeFeature is the index of "place" in RankFeatureNames, and placeFirst
// what it adds to a score: more than any other difference of scores.
var placeFeature = slices.Index(RankFeatureNames, "place")

const placeFirst = 100

// Check reports a ranker that this pipeline cannot use: one fitted on other
// features than RankFeatureNames (a calibration written by another
// version), or whose arrays disagree with its feature list.
func (r *Ranker) Check() error {
	if !slices.Equal(r.Features, RankFeatureNames) {
		return fmt.Errorf("sentence ranker: fitted on features %v, the ranker reads %v", r.Features, RankFeatureNames)
	}
	if n := len(r.Features); len(r.Scale) != n || len(r.Weights) != n {
		return fmt.Errorf("sentence ranker: %d features but %d scales, %d weights", n, len(r.Scale), len(r.Weights))
	}
	if slices.Contains(r.Scale, 0) {
		return errors.New("sentence ranker: a feature scale is 0")
	}
	if r.Gap < 0 || math.IsNaN(r.Gap) {
		return fmt.Errorf("sentence ranker: gap %v", r.Gap)
	}
	return nil
}

// keeps reports whether a sentence scoring s joins an answer whose best
// sentence scores best.
func (r *Ranker) keeps(best, s float64) bool {
	if r == nil {
		return s >= keepRelative*best
	}
	return s >= best-r.Gap
}

// Rescore scores cands with r, so that eval can try a ranker on the
// candidates a pipeline scored otherwise. Candidates without features keep
// their score.
func (r *Ranker) Rescore(cands []Candidate) {
	for i := range cands {
		if cands[i].Features != nil {
			cands[i].Score = r.Score(cands[i].Features)
		}
	}
}

// Choose returns the sentences an extractive answer quotes from cands,
// scored by r (by the hand weights when r is nil), best first: at most n,
// none a near duplicate of one before it, each scoring close enough to the
// best (within Gap; for the hand weights, keepRelative of it). It reorders
// cands.
func (r *Ranker) Choose(cands []Candidate, n int) []Candidate {
	slices.SortStableFunc(cands, byScore)
	var chosen []Candidate
	for _, c := range cands {
		if len(chosen) == n || !r.keeps(cands[0].Score, c.Score) {
			break
		}
		if slices.ContainsFunc(chosen, func(o Candidate) bool { return search.NearDuplicate(o.Terms, c.Terms) }) {
			continue
		}
		chosen = append(chosen, c)
	}
	return chosen
}

// RankQuestion is one question's candidate sentences for fitting a
// ranker: their features (RankFeatureNames) and whether each holds the
// answer.
type RankQuestion struct {
	X [][]float64
	Y []bool
}

// FitRanker fits a ranker on questions pairwise: for every sentence that
// holds its question's answer and every one of the same question that
// does not, the difference of their features is a positive example and
// its negation a negative one, fitted by FitLogistic with penalty l2.
// Questions with no answering sentence, or no other, teach nothing. The
// Gap is left 0 (one sentence) for the caller to fit.
func FitRanker(questions []RankQuestion, l2 float64) *Ranker {
	var xs [][]float64
	var ys []bool
	for _, q := range questions {
		for i, xi := range q.X {
			if !q.Y[i] {
				continue
			}
			for j, xj := range q.X {
				if q.Y[j] {
					continue
				}
				d, e := make([]float64, len(xi)), make([]float64, len(xi))
				for k := range d {
					d[k] = xi[k] - xj[k]
					e[k] = -d[k]
				}
				xs = append(xs, d, e)
				ys = append(ys, true, false)
			}
		}
	}
	r := &Ranker{Features: RankFeatureNames, Scale: make([]float64, len(RankFeatureNames)), Weights: make([]float64, len(RankFeatureNames))}
	for i := range r.Scale {
		r.Scale[i] = 1
	}
	if len(xs) == 0 {
		return r
	}
	// The pairs come in both signs, so their mean is 0 and the fit's bias
	// too: what is left is a scale and a weight per feature.
	m := FitLogistic(RankFeatureNames, xs, ys, nil, l2, 1)
	copy(r.Scale, m.Scale)
	copy(r.Weights, m.Weights)
	return r
}

// sentenceView is what the ranker reads of a sentence of the index that
// does not depend on the question, computed once when the pipeline is
// built: its words as the meaning table spells them, their table ids (-1:
// none), whether each is too common to bridge (Meaning.common), and its
// SIF vector.
type sentenceView struct {
	tokens  []string
	ids     []int
	common  []bool
	sif     []float32
	central float64 // see RankFeatureNames' "central"; 0 for a sentence outside the corpus
}

func newSentenceView(m *Meaning, text string) sentenceView {
	v := sentenceView{tokens: m.table.Tokens(text)}
	for _, w := range v.tokens {
		v.ids = append(v.ids, m.id(w))
		v.common = append(v.common, m.common(w))
	}
	e, _ := m.sif.Embed(context.Background(), []string{text})
	v.sif = e[0]
	return v
}

// ranking is what a pipeline reads candidate sentences with: word meaning
// (shared with the fitted judge), every sentence's view, and which
// sentences hold each kind of fact.
type ranking struct {
	ix      *search.Index
	meaning *Meaning
	views   map[int]sentenceView // by sentence index
	// kinds[k]() is the set of sentences that hold a fact of kind k
	// (hasKindEvidence), found the first time a question asks for k: the
	// same regular expressions on the same sentences for every question.
	kinds map[retrieval.Kind]func() map[int]bool
	// near[k]() is, by sentence, the terms within kindReach words of its
	// evidence of kind k (kindNear), found as kinds are.
	near map[retrieval.Kind]func() map[int]map[string]bool
}

// newRanking reads every sentence of ix once.
func newRanking(ix *search.Index, m *Meaning) *ranking {
	rk := &ranking{ix: ix, meaning: m, views: map[int]sentenceView{}, kinds: map[retrieval.Kind]func() map[int]bool{},
		near: map[retrieval.Kind]func() map[int]map[string]bool{}}
	for _, a := range ix.Corpus().Articles {
		for _, s := range a.Sentences {
			if i, ok := ix.SentenceAt(a.ID, s.Start); ok {
				rk.views[i] = newSentenceView(m, ix.Sentence(i).Text)
			}
		}
	}
	rk.centre()
	for k := range kindEvidence {
		rk.kinds[k] = sync.OnceValue(func() map[int]bool {
			has := map[int]bool{}
			for i := range rk.views {
				if hasKindEvidence(ix, k, ix.Sentence(i).Text) {
					has[i] = true
				}
			}
			return has
		})
		rk.near[k] = sync.OnceValue(func() map[int]map[string]bool {
			near := map[int]map[string]bool{}
			for i := range rk.views {
				if ts := kindNear(ix, k, ix.Sentence(i).Text); len(ts) > 0 {
					near[i] = ts
				}
			}
			return near
		})
	}
	return rk
}

// centre sets each view's central: the cosine of its SIF vector and the
// normalised mean of all of them. A sentence that speaks of everything the
// corpus is about ("It was the first such launch by the North while Mr Kim
// was abroad, analysts said, who has travelled outside the country only
// seven times…") shares words with most questions without answering them.
func (rk *ranking) centre() {
	var mean []float64
	for _, v := range rk.views {
		if mean == nil {
			mean = make([]float64, len(v.sif))
		}
		for j, x := range v.sif {
			mean[j] += float64(x)
		}
	}
	var norm float64
	for _, x := range mean {
		norm += x * x
	}
	if norm == 0 {
		return
	}
	norm = math.Sqrt(norm)
	for i, v := range rk.views {
		var c float64
		for j, x := range v.sif {
			c += float64(x) * mean[j] / norm
		}
		v.central = c
		rk.views[i] = v
	}
}

// typed returns the sentences that hold a fact of kind k, by index, and
// whether k is a kind whose facts are recognised at all; none for a nil
// ranking.
func (rk *ranking) typed(k retrieval.Kind) (map[int]bool, bool) {
	if rk == nil || !typedKinds[k] {
		return nil, false
	}
	f, ok := rk.kinds[k]
	if !ok {
		return nil, false
	}
	return f(), true
}

// typedKinds are the kinds of fact whose form says what they are: a
// weekday, a year, a train, a sum of money. A name, a number or a place
// is in nearly every passage, and passages found for holding one
// answered questions the articles do not (measured with summitbot eval:
// "who translated" found the passages naming anyone).
var typedKinds = map[retrieval.Kind]bool{
	retrieval.KindDay: true, retrieval.KindYear: true, retrieval.KindMeans: true,
	retrieval.KindDuration: true, retrieval.KindDistance: true, retrieval.KindClock: true,
	retrieval.KindSpeed: true, retrieval.KindWeight: true, retrieval.KindMoney: true,
	retrieval.KindAge: true, retrieval.KindHeight: true, retrieval.KindTemp: true,
}

// hasKind is hasKindEvidence for sentence i of ix.
func (rk *ranking) hasKind(ix *search.Index, k retrieval.Kind, i int) bool {
	if f, ok := rk.kinds[k]; ok {
		if _, seen := rk.views[i]; seen {
			return f()[i]
		}
	}
	return hasKindEvidence(ix, k, ix.Sentence(i).Text)
}

// rankQuestion is what the ranker reads of the question, once per
// question, and how well each sentence word it met covers each question
// word (Meaning.cover), remembered: the candidates share many words.
type rankQuestion struct {
	m      *Meaning
	kind   retrieval.Kind
	focus  Focus
	q      sentenceView
	weight []float64 // each word's SIF weight
	total  float64
	covers map[string][]float64
}

func (rk *ranking) question(a Analysis) *rankQuestion {
	m := rk.meaning
	q := &rankQuestion{m: m, kind: a.Kind, focus: a.Focus, q: newSentenceView(m, a.Searched), covers: map[string][]float64{}}
	for _, w := range q.q.tokens {
		wt := m.table.SIFWeight(w, meaning.DefaultA)
		q.weight = append(q.weight, wt)
		q.total += wt
	}
	return q
}

// coverOf returns how well sentence word i of v covers each word of the
// question: Meaning.cover, by ids.
func (q *rankQuestion) coverOf(v sentenceView, i int) []float64 {
	s := v.tokens[i]
	if c, ok := q.covers[s]; ok {
		return c
	}
	c := make([]float64, len(q.q.tokens))
	for j, w := range q.q.tokens {
		switch {
		case w == s || sameStem(w, s):
			c[j] = 1
		case q.q.common[j] || v.common[i]:
		default:
			c[j] = q.m.coverIDs(q.q.ids[j], v.ids[i])
		}
	}
	q.covers[s] = c
	return c
}

// features writes the meaning features of sentence i (RankFeatureNames
// from mfocus on) into x.
func (rk *ranking) features(q *rankQuestion, i int, s *search.Sentence, x []float64) {
	v, ok := rk.views[i]
	if !ok {
		v = newSentenceView(rk.meaning, s.Text)
	}
	// mfocus: Meaning.focus of the question's words by the sentence's.
	best := make([]float64, len(q.q.tokens))
	var novel, content float64
	for k := range v.tokens {
		c := q.coverOf(v, k)
		covered := false
		for j, x := range c {
			best[j] = max(best[j], x)
			covered = covered || x > 0
		}
		// novel: the share of its content words no question word covers.
		if !v.common[k] {
			content++
			if !covered {
				novel++
			}
		}
	}
	var focus float64
	if q.total > 0 {
		for j, b := range best {
			focus += q.weight[j] * b
		}
		focus /= q.total
	}
	if content > 0 {
		novel /= content
	}
	pos := 0.0
	if s.Span.Start < 400 {
		pos = 1
	}
	x[8] = focus
	x[9] = dot32(q.q.sif, v.sif)
	x[10] = math.Log(float64(len(v.tokens) + 1))
	x[11] = pos
	x[12] = float64(len(s.Dups))
	x[13] = novel
	x[14] = v.central
	x[17] = focus * novel
	if x[4] == 1 {
		x[16] = q.focus.coverage(rk.nearTerms(q.kind, i, s.Text))
	}
}

// nearTerms is kindNear for sentence i, remembered for the index's
// sentences.
func (rk *ranking) nearTerms(k retrieval.Kind, i int, text string) map[string]bool {
	if f, ok := rk.near[k]; ok {
		if _, seen := rk.views[i]; seen {
			return f()[i]
		}
	}
	return kindNear(rk.ix, k, text)
}

// handFeatures are the features that the hand weights add up, in the
// order of RankFeatureNames; the rest stay 0.
func handFeatures(sentCov, chunkCov, sim, rankInv float64, fits bool, kind retrieval.Kind, speaker float64) []float64 {
	x := make([]float64, len(RankFeatureNames))
	x[0], x[1], x[2], x[3] = sentCov, chunkCov, sim, rankInv
	if fits && kind != retrieval.KindOther {
		x[4] = 1
	}
	if fits && kind != retrieval.KindOther && !typedKinds[kind] {
		x[15] = 1
	}
	if fits && kind == retrieval.KindPlace {
		x[5] = 1
	}
	x[6], x[7] = max(speaker, 0), max(-speaker, 0)
	return x
}
