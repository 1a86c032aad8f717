// Package search finds passages: the BM25 keyword index (bleve), the vector
// store (chromem-go), their fusion, the embedders (the offline hashed one
// and the cache in front of a model's) and Index, which builds them all for
// one corpus.
//
// Index also exports the text analysis the answer stages read (Terms,
// Analyze, IDF, Vocabulary, Sentence, ChunkTerms, Aliases), computed once
// when the index is built. Nothing here knows how an answer is written.
package search
