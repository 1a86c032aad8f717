// Package qa turns a question into an answer as a pipeline of stages, one
// file each: analyse.go (clean once, correct spelling, classify the kind
// from the main clause, expand aliases, weigh the focus terms, find the
// speaker asked about), chat.go (small talk and attempts to instruct the
// bot, answered before any search), retrieve.go, score.go (sentence
// scoring by hand weights, or by the fitted ranker of rank.go over the
// features score.go computes; speaker.go tells whose words a sentence
// gives), judge.go
// (answer or refuse: features.go reads the question and the best sentences
// with word meaning, logistic.go weighs them), extract.go (the extractive
// writer), generate.go and verify.go (a model's answer, sanitised by
// sanitize.go and checked against the passages by meaning.go), and
// pipeline.go, which wires them.
//
// A new judge or writer is one new file implementing Judge or Writer and
// one line in New.
package qa
