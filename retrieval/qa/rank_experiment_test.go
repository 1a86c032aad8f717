package qa

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/search"
)

var expFold = strings.NewReplacer("’", "'", "‘", "'", "“", `"`, "”", `"`,
	"-", " ", "‐", " ", "‑", " ", "–", " ", "—", " ")

func expMatch(text string, aliases []string) bool {
	t := strings.Join(strings.Fields(expFold.Replace(strings.ToLower(text))), " ")
	for _, a := range aliases {
		if strings.Contains(t, strings.Join(strings.Fields(expFold.Replace(strings.ToLower(a))), " ")) {
			return true
		}
	}
	return false
}

func TestRankExperiment(t *testing.T) {
	if os.Getenv("RANKEXP") == "" {
		t.Skip()
	}
	ctx := context.Background()
	c, err := corpus.Load(corpus.Default())
	if err != nil {
		t.Fatal(err)
	}
	ix, err := search.NewIndex(ctx, c, search.NewLocalEmbedder(0))
	if err != nil {
		t.Fatal(err)
	}
	set, err := corpus.DefaultEvalSet()
	if err != nil {
		t.Fatal(err)
	}
	m := NewMeaning(SentenceTexts(ix))
	rk := newRanking(ix, m)
	type qrow struct {
		x     [][]float64
		y     []bool
		base  []float64
		terms []map[string]bool
	}
	var rows []qrow
	var qs []string
	var texts [][]string
	for _, q := range set.Questions {
		if !q.Answerable() {
			continue
		}
		a, err := Analyse(ix, retrieval.Question{Text: q.Question})
		if err != nil {
			t.Fatal(err)
		}
		r, err := retrieve(ctx, ix, a, Options{Mode: retrieval.Hybrid, Passages: DefaultPassages})
		if err != nil {
			t.Fatal(err)
		}
		cands := score(ix, a, r, rk, nil)
		var qr qrow
		for _, cd := range cands {
			qr.x = append(qr.x, cd.Features)
			qr.y = append(qr.y, expMatch(cd.Text, q.Answers))
			qr.base = append(qr.base, cd.Score)
			qr.terms = append(qr.terms, cd.Terms)
		}
		rows = append(rows, qr)
		qs = append(qs, q.Question+" ["+strings.Join(q.Answers, "|")+"]")
		var tx []string
		for _, cd := range cands {
			tx = append(tx, cd.Text)
		}
		texts = append(texts, tx)
	}
	eval := func(scores func(i int) []float64) (lead, top3 int) {
		for i, qr := range rows {
			s := scores(i)
			idx := make([]int, len(s))
			for j := range idx {
				idx[j] = j
			}
			slices.SortStableFunc(idx, func(a, b int) int {
				switch {
				case s[a] > s[b]:
					return -1
				case s[a] < s[b]:
					return 1
				}
				return 0
			})
			var chosen []int
			for _, j := range idx {
				if len(chosen) == 3 {
					break
				}
				if slices.ContainsFunc(chosen, func(o int) bool { return search.NearDuplicate(qr.terms[o], qr.terms[j]) }) {
					continue
				}
				chosen = append(chosen, j)
			}
			if len(chosen) > 0 && qr.y[chosen[0]] {
				lead++
			}
			if slices.ContainsFunc(chosen, func(j int) bool { return qr.y[j] }) {
				top3++
			}
		}
		return
	}
	l, t3 := eval(func(i int) []float64 { return rows[i].base })
	fmt.Printf("baseline: lead %d top3 %d of %d\n", l, t3, len(rows))

	names := RankFeatureNames
	for _, l2 := range []float64{0.1, 1, 10} {
		fold := make([]int, len(rows))
		for i, p := range rand.New(rand.NewPCG(1, 2)).Perm(len(rows)) {
			fold[p] = i % 10
		}
		models := make([]*Logistic, 10)
		for k := range 10 {
			var xs [][]float64
			var ys []bool
			for i, qr := range rows {
				if fold[i] != k {
					xs = append(xs, qr.x...)
					ys = append(ys, qr.y...)
				}
			}
			models[k] = FitLogistic(names, xs, ys, l2, 1)
		}
		l, t3 := eval(func(i int) []float64 {
			var s []float64
			for _, x := range rows[i].x {
				s = append(s, models[fold[i]].Prob(x))
			}
			return s
		})
		fmt.Printf("ranker l2=%g CV: lead %d top3 %d of %d\n", l2, l, t3, len(rows))
	}
	anyPos := 0
	for _, qr := range rows {
		if slices.Contains(qr.y, true) {
			anyPos++
		}
	}
	fmt.Printf("questions with a positive candidate: %d\n", anyPos)
	pairs := func(qr qrow) (xs [][]float64, ys []bool) {
		for i := range qr.x {
			if !qr.y[i] {
				continue
			}
			for j := range qr.x {
				if qr.y[j] {
					continue
				}
				d := make([]float64, len(qr.x[i]))
				e := make([]float64, len(qr.x[i]))
				for k := range d {
					d[k] = qr.x[i][k] - qr.x[j][k]
					e[k] = -d[k]
				}
				xs = append(xs, d, e)
				ys = append(ys, true, false)
			}
		}
		return
	}
	for _, l2 := range []float64{0.1, 1, 10, 100} {
		fold := make([]int, len(rows))
		for i, p := range rand.New(rand.NewPCG(1, 2)).Perm(len(rows)) {
			fold[p] = i % 10
		}
		models := make([]*Logistic, 10)
		for k := range 10 {
			var xs [][]float64
			var ys []bool
			for i, qr := range rows {
				if fold[i] != k {
					px, py := pairs(qr)
					xs = append(xs, px...)
					ys = append(ys, py...)
				}
			}
			models[k] = FitLogistic(names, xs, ys, l2, 1)
		}
		l, t3 := eval(func(i int) []float64 {
			var s []float64
			for _, x := range rows[i].x {
				m := models[fold[i]]
				z := 0.0
				for j, v := range x {
					z += m.Weights[j] * v / m.Scale[j]
				}
				s = append(s, z)
			}
			return s
		})
		fmt.Printf("pairwise l2=%g CV: lead %d top3 %d of %d\n", l2, l, t3, len(rows))
		if l2 == 1 && os.Getenv("RANKDUMP") != "" {
			for i, qr := range rows {
				m := models[fold[i]]
				best, bi, pi := -1e9, -1, -1
				for j, x := range qr.x {
					z := 0.0
					for k, v := range x {
						z += m.Weights[k] * v / m.Scale[k]
					}
					if z > best {
						best, bi = z, j
					}
					if qr.y[j] && (pi < 0) {
						pi = j
					}
				}
				if qr.y[bi] {
					continue
				}
				fmt.Printf("\nQ %s\n  got: %.100s\n      %.2f\n", qs[i], texts[i][bi], qr.x[bi])
				if pi >= 0 {
					fmt.Printf("  want: %.100s\n      %.2f\n", texts[i][pi], qr.x[pi])
				}
			}
		}
	}
	var xs [][]float64
	var ys []bool
	for _, qr := range rows {
		xs = append(xs, qr.x...)
		ys = append(ys, qr.y...)
	}
	full := FitLogistic(names, xs, ys, 1, 1)
	for j, n := range names {
		fmt.Printf("  %-16s %+.3f\n", n, full.Weights[j])
	}
	_ = math.Abs
}
