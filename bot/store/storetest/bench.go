package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/summitbot/summitbot/bot/store"
)

// Bench runs the write benchmarks every persistent store reports (see
// docs/store.md); open returns a new, empty store, which the benchmark
// closes.
//
//   - SaveAnswer: answers written per second, one at a time, each in its
//     own transaction (the Async writer's pattern).
//   - SaveAnswerAsync: the same through store.Async, from the first write
//     queued until Close has written the last.
func Bench(b *testing.B, open func(b *testing.B) store.Store) {
	b.Run("SaveAnswer", func(b *testing.B) { benchSaveAnswer(b, open(b)) })
	b.Run("SaveAnswerAsync", func(b *testing.B) { benchSaveAnswerAsync(b, open(b)) })
}

func benchSaveAnswer(b *testing.B, db store.Store) {
	defer db.Close()
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := db.SaveAnswer(ctx, benchAnswer(i)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "answers/s")
}

func benchSaveAnswerAsync(b *testing.B, db store.Store) {
	a := store.NewAsync(db, store.AsyncOptions{Queue: b.N + 1})
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := a.SaveAnswer(ctx, benchAnswer(i)); err != nil {
			b.Fatal(err)
		}
	}
	if err := a.Close(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "answers/s")
}

// benchAnswer is the size of a typical answer: three cited passages.
func benchAnswer(i int) *store.Answer {
	a := &store.Answer{
		ID:        fmt.Sprintf("interaction-%d", i),
		Question:  "Where did Putin and Kim meet in September 2023?",
		Text:      "They met at the Vostochny cosmodrome in Russia's Far East [1][2].",
		Mode:      "extractive",
		Guild:     "123456789012345678",
		Channel:   "223456789012345678",
		MessageID: fmt.Sprintf("message-%d", i),
		Created:   time.Now(),
	}
	for n := 1; n <= 3; n++ {
		a.Citations = append(a.Citations, store.Citation{
			N: n, Source: "reuters-2023-09-13", Title: "Putin and Kim meet at Russian spaceport",
			Publisher: "Reuters", Date: "2023-09-13", Chunk: fmt.Sprintf("reuters-2023-09-13#%d", n),
			Text:  "Russian President Vladimir Putin and North Korean leader Kim Jong Un met at the Vostochny cosmodrome on Wednesday, the Kremlin said, in a summit that the United States warned could lead to an arms deal.",
			Start: 100 * n, End: 100*n + 210, Quote: "Putin and Kim Jong Un met at the Vostochny cosmodrome.",
		})
	}
	return a
}
