package search

import (
	"context"
	"errors"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Doc is a passage to index: its id and its already normalized text.
type Doc struct {
	ID   string
	Text string
}

// Hit is a document found by a search, with the score it was ranked by.
type Hit struct {
	ID    string
	Score float64
}

// bm25Field is the one field the keyword index holds.
const bm25Field = "text"

// BM25 is an in-memory keyword index over a fixed set of documents, ranked
// with bleve's BM25 (k1 1.2, b 0.75) over English analysis: possessives
// dropped, lower case, stop words removed, Porter stems.
//
// Bleve's BM25 differs from the textbook formula in three ways, all covered by
// TestBM25MatchesHandComputedScores:
//   - the average document length is ceil(distinct terms in the field /
//     documents), not the mean number of tokens, so with passages of similar
//     length every passage looks longer than average by about the same factor;
//   - a query of several terms multiplies each term's score by
//     idf/sqrt(Σ idf²) (Lucene's query norm);
//   - and the sum by the fraction of query terms the document holds
//     (coordination), which favours passages that match more of the question.
//
// It is safe for concurrent use; Close releases the goroutines bleve starts.
type BM25 struct {
	idx      bleve.Index
	analyzer analysis.Analyzer
	docFreq  map[string]int
	docCount int
}

// NewBM25 indexes docs in a single batch. IDs must be unique and non-empty.
func NewBM25(docs []Doc) (*BM25, error) {
	if err := checkDocIDs(docs); err != nil {
		return nil, fmt.Errorf("bm25: %w", err)
	}
	m := bleve.NewIndexMapping()
	// Upsidedown, bleve's NewMemOnly index, ignores the scoring model: only
	// scorch keeps the field statistics BM25 needs. Path "" keeps scorch in
	// memory.
	m.ScoringModel = index.BM25Scoring
	m.DefaultAnalyzer = analyzerName
	field := mapping.NewTextFieldMapping()
	field.Analyzer = analyzerName
	field.Store = false
	field.IncludeTermVectors = false
	field.IncludeInAll = false
	field.DocValues = false
	dm := mapping.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(bm25Field, field)
	m.DefaultMapping = dm
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false

	idx, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("bm25: open index: %w", err)
	}
	b := &BM25{idx: idx, docCount: len(docs)}
	if err := b.build(m, docs); err != nil {
		idx.Close()
		return nil, fmt.Errorf("bm25: %w", err)
	}
	return b, nil
}

func (b *BM25) build(m *mapping.IndexMappingImpl, docs []Doc) error {
	var err error
	if b.analyzer = m.AnalyzerNamed(analyzerName); b.analyzer == nil {
		return fmt.Errorf("no analyzer %q", analyzerName)
	}
	batch := b.idx.NewBatch()
	for _, d := range docs {
		if err := batch.Index(d.ID, map[string]any{bm25Field: d.Text}); err != nil {
			return fmt.Errorf("index %s: %w", d.ID, err)
		}
	}
	if err := b.idx.Batch(batch); err != nil {
		return fmt.Errorf("index %d documents: %w", len(docs), err)
	}
	// The index never changes after this, so the term dictionary is read
	// once: DocFreq is then a map lookup, not a reader per call.
	if b.docFreq, err = b.readDocFreq(); err != nil {
		return err
	}
	return nil
}

func (b *BM25) readDocFreq() (_ map[string]int, err error) {
	adv, err := b.idx.Advanced()
	if err != nil {
		return nil, fmt.Errorf("term dictionary: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("term dictionary: %w", err)
	}
	defer func() { err = errors.Join(err, r.Close()) }()
	dict, err := r.FieldDict(bm25Field)
	if err != nil {
		return nil, fmt.Errorf("term dictionary: %w", err)
	}
	defer func() { err = errors.Join(err, dict.Close()) }()
	df := make(map[string]int)
	for {
		e, err := dict.Next()
		if err != nil {
			return nil, fmt.Errorf("term dictionary: %w", err)
		}
		if e == nil {
			return df, nil
		}
		df[e.Term] = int(e.Count)
	}
}

// Search returns up to n documents that hold any of query's terms, best first,
// equal scores in order of ID. It returns nil for n <= 0 or a query without
// terms (empty, or only stop words).
func (b *BM25) Search(ctx context.Context, text string, n int) ([]Hit, error) {
	n = min(n, b.docCount)
	if n <= 0 || text == "" {
		return nil, nil
	}
	// Bleve ranks by score alone, and which of several documents tied at
	// the n-th place survive the cut is up to it: topN makes the cut exact.
	// (Asking bleve to sort on the ID too did the same, but read every
	// matching document's ID: a quarter of a search at 100,000 passages.)
	return topN(n, b.docCount, func(k int) ([]Hit, error) {
		res, err := b.search(ctx, text, k, false)
		if err != nil {
			return nil, err
		}
		hits := make([]Hit, len(res.Hits))
		for i, h := range res.Hits {
			hits[i] = Hit{ID: h.ID, Score: h.Score}
		}
		return hits, nil
	})
}

func (b *BM25) search(ctx context.Context, text string, n int, explain bool) (*bleve.SearchResult, error) {
	q := bleve.NewMatchQuery(text)
	q.SetField(bm25Field)
	q.SetOperator(query.MatchQueryOperatorOr) // any term matches
	req := bleve.NewSearchRequestOptions(q, n, 0, explain)
	res, err := b.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("bm25 search: %w", err)
	}
	return res, nil
}

// Terms returns the terms the index makes of text, in order: the analysed
// (lower-cased, stemmed) words that are not stop words. Repeats are kept.
func (b *BM25) Terms(text string) []string {
	tokens := b.analyzer.Analyze([]byte(text))
	terms := make([]string, len(tokens))
	for i, t := range tokens {
		terms[i] = string(t.Term)
	}
	return terms
}

// DocFreq returns how many documents hold term, which must be analysed
// already (one of the strings Terms returns).
func (b *BM25) DocFreq(term string) int { return b.docFreq[term] }

// DocCount returns the number of documents indexed.
func (b *BM25) DocCount() int { return b.docCount }

// Close stops the index's goroutines and frees it.
func (b *BM25) Close() error {
	if err := b.idx.Close(); err != nil {
		return fmt.Errorf("bm25: close: %w", err)
	}
	return nil
}

// checkDocIDs rejects empty and repeated IDs, which both indexes would
// otherwise accept by silently keeping one of the documents.
func checkDocIDs(docs []Doc) error {
	seen := make(map[string]struct{}, len(docs))
	for i, d := range docs {
		if d.ID == "" {
			return fmt.Errorf("document %d has an empty id", i)
		}
		if _, ok := seen[d.ID]; ok {
			return fmt.Errorf("document id %q is repeated", d.ID)
		}
		seen[d.ID] = struct{}{}
	}
	return nil
}
