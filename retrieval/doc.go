// Package retrieval is the answering domain's front door: the nouns of a
// question and its answer (Question, Answer, Citation, Passage), the small
// interfaces consumers need (Answerer, Library) and that backends implement
// (Embedder, Generator), and Engine, the hot-reload holder that serves one
// built snapshot at a time.
//
// Code overview: the search indexes live in retrieval/search, the answer
// pipeline (analyse, retrieve, score, judge, write) in retrieval/qa, the
// evaluation and refusal calibration in retrieval/eval, and the
// OpenAI-compatible backends in retrieval/openai. This package imports none
// of them; cmd/summitbot wires them together through a BuildFunc.
package retrieval
