package search

import (
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/summitbot/summitbot/retrieval/meaning"
)

// analyzerName is the keyword index's analyser: bleve's English one (drop
// possessives, lower-case, drop stop words, Porter-stem) with one step
// more before the stop words: an inflected word becomes its WordNet base
// form (baseFormFilter). Porter's suffix rules leave irregular forms
// apart, "met" from "meet", "flew" from "fly", "took" from "take", so "where
// did they meet" missed "the two leaders met on Wednesday".
const analyzerName = "summitbot-en"

func init() {
	if err := registry.RegisterAnalyzer(analyzerName, newAnalyzer); err != nil {
		panic(err)
	}
}

func newAnalyzer(_ map[string]any, cache *registry.Cache) (analysis.Analyzer, error) {
	tokenizer, err := cache.TokenizerNamed(unicode.Name)
	if err != nil {
		return nil, err
	}
	var filters []analysis.TokenFilter
	for _, name := range []string{en.PossessiveName, lowercase.Name, "", en.StopName, porter.Name} {
		if name == "" {
			filters = append(filters, baseFormFilter{meaning.DefaultRelations()})
			continue
		}
		f, err := cache.TokenFilterNamed(name)
		if err != nil {
			return nil, err
		}
		filters = append(filters, f)
	}
	return &analysis.DefaultAnalyzer{Tokenizer: tokenizer, TokenFilters: filters}, nil
}

// baseFormFilter replaces each lower-cased token that inflects exactly one
// other WordNet base form with that form (meaning.Relations.BaseForm):
// "met" → "meet", "said" → "say", "missiles" → "missile".
type baseFormFilter struct{ rel *meaning.Relations }

func (f baseFormFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		if base, ok := f.rel.BaseForm(string(t.Term)); ok {
			t.Term = []byte(base)
		}
	}
	return in
}
