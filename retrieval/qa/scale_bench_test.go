package qa_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/summitbot/summitbot/corpus"
	"github.com/summitbot/summitbot/corpus/synth"
	"github.com/summitbot/summitbot/retrieval"
	"github.com/summitbot/summitbot/retrieval/qa"
	"github.com/summitbot/summitbot/retrieval/search"
)

// chunksPerSyntheticArticle is what synth's articles chunk into, on
// average (measured: 291 chunks from 20 articles).
const chunksPerSyntheticArticle = 14.5

// scaleSizes are the corpus sizes, in chunks, of BenchmarkScale. 100,000
// takes minutes to build and a few GB; it runs when SUMMITBOT_BENCH_100K=1.
func scaleSizes() []int {
	sizes := []int{1_000, 10_000}
	if os.Getenv("SUMMITBOT_BENCH_100K") == "1" {
		sizes = append(sizes, 100_000)
	}
	return sizes
}

// scaleDims is the local embedder's dimension for BenchmarkScale:
// SUMMITBOT_BENCH_DIMS, or the default.
func scaleDims() int {
	d, _ := strconv.Atoi(os.Getenv("SUMMITBOT_BENCH_DIMS"))
	return d // 0 means DefaultLocalDims
}

var scaleQuestions = []string{
	"How long did the talks between Putin and Kim last?",
	"What did North Korea want from Russia in return for artillery shells?",
	"How far is the cosmodrome from Vladivostok?",
	"Who said the summit could change the war in Ukraine?",
}

// BenchmarkScale builds the index of synthetic corpora of growing size and
// answers questions on it. Each size reports, besides ns/op:
//   - build: chunks/s, and heap-B/chunk held by the built index;
//   - answer: scan-ns, the time of a plain dot-product scan over as many
//     vectors of the same dimension (the floor any vector search pays),
//     and x-scan, the whole answer's time as a multiple of it.
//
// Run: go test ./retrieval -run '^$' -bench Scale -benchtime 20x
// (SUMMITBOT_BENCH_100K=1 adds 100,000 chunks; SUMMITBOT_BENCH_DIMS sets
// the embedder's dimension).
func BenchmarkScale(b *testing.B) {
	for _, size := range scaleSizes() {
		articles := int(float64(size)/chunksPerSyntheticArticle + 0.5)
		fsys, err := synth.Articles(articles, 1)
		if err != nil {
			b.Fatal(err)
		}
		c, err := corpus.Load(fsys)
		if err != nil {
			b.Fatal(err)
		}
		emb := search.NewLocalEmbedder(scaleDims())
		name := fmt.Sprintf("chunks=%d", size)

		var ix *search.Index
		b.Run(name+"/build", func(b *testing.B) {
			var held uint64
			for b.Loop() {
				if ix != nil {
					ix.Close()
					ix = nil
				}
				before := heapInUse()
				ix, err = search.NewIndex(context.Background(), c, emb)
				if err != nil {
					b.Fatal(err)
				}
				held = heapInUse() - min(before, heapInUse())
			}
			b.ReportMetric(float64(len(c.Chunks))*float64(b.N)/b.Elapsed().Seconds(), "chunks/s")
			b.ReportMetric(float64(held)/float64(len(c.Chunks)), "heap-B/chunk")
		})
		if ix == nil { // the build benchmark was filtered out
			if ix, err = search.NewIndex(context.Background(), c, emb); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(name+"/answer", func(b *testing.B) {
			scan := scanFloor(len(c.Chunks), emb.Dims())
			ans := &qa.Pipeline{Index: ix, Options: qa.Options{Mode: retrieval.Hybrid}, Judge: qa.Threshold{}}
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				q := retrieval.Question{Text: scaleQuestions[i%len(scaleQuestions)]}
				i++
				if _, err := ans.Answer(context.Background(), q, nil); err != nil {
					b.Fatal(err)
				}
			}
			perOp := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(scan.Nanoseconds()), "scan-ns")
			b.ReportMetric(perOp/scan.Seconds(), "x-scan")
		})
		ix.Close()
	}
}

// scanFloor times a plain scan: the dot product of one query with n unit
// vectors of dim dimensions, one after the other, keeping the best ten. It
// returns the median of 15 scans. The vectors are random: a dot product
// costs the same whatever the values.
func scanFloor(n, dim int) time.Duration {
	r := rand.New(rand.NewPCG(1, 1))
	flat := make([]float32, n*dim)
	for i := range flat {
		flat[i] = float32(r.NormFloat64())
	}
	q := flat[:dim]
	var times []time.Duration
	for range 15 {
		start := time.Now()
		var best [10]float32
		for v := range n {
			row := flat[v*dim : (v+1)*dim]
			var dot float32
			for j, x := range row {
				dot += x * q[j]
			}
			if dot > best[9] {
				best[9] = dot
				slices.SortFunc(best[:], func(a, b float32) int {
					switch {
					case a > b:
						return -1
					case a < b:
						return 1
					}
					return 0
				})
			}
		}
		scanSink += best[0]
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	return times[len(times)/2]
}

// scanSink keeps the compiler from dropping the scan.
var scanSink float32

// heapInUse returns the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}
