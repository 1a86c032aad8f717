package search

// CheckEmbedder runs the retrieval.Embedder conformance suite; it is exported to the
// external tests, which may import the embedders of other packages.
var CheckEmbedder = testEmbedder
