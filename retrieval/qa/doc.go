// Package qa turns a question into an answer as a pipeline of stages, one
// file each: analyse.go (clean once, correct spelling, classify the kind,
// expand aliases, weigh the focus terms), retrieve.go, score.go (sentence
// scoring), judge.go (answer or refuse), extract.go (the extractive
// writer), generate.go and verify.go (a model's answer and its check
// against the passages), and pipeline.go, which wires them.
//
// A new judge or writer is one new file implementing Judge or Writer and
// one line in New.
package qa
