// Package corpus owns the news articles the bot answers from: what an article
// is, how the files in a corpus directory are read and cleaned, and how an
// article is cut into sentence-aligned chunks whose offsets point back into
// the cleaned text.
//
// # Code overview
//
// A corpus is a directory (or any fs.FS) of plain-text article files, an
// optional manifest.yaml that gives each file a stable id, title, date and
// publisher, and an optional aliases.yaml of names that differ between
// articles. Default returns the copy embedded in the binary; Dir returns a
// directory on disk, out of which no symbolic link can lead; Load reads any
// fs.FS, and only its regular files. A file that cannot be used is reported
// in a *LoadError and skipped; the other articles still load.
//
// Load (load.go) reads and checks the files and applies manifest.yaml and
// aliases.yaml (manifest.go). clean.go strips the date prefix and the HTML
// anchors and sorts paragraphs into headings, photo captions and body text,
// removing with CleanText (text.go) the escape sequences and invisible
// characters that questions are cleaned of too;
// repair.go rejoins words the scraper broke, using the whole corpus as
// evidence; sentences.go finds sentence boundaries; publisher.go names a
// publisher only when the text does; chunk.go cuts sentences into passages.
//
// # Testing
//
// Fixtures for every quirk of the real files live in testdata/; the tests
// also run on the embedded articles, and FuzzLoadArticle checks that no
// input makes Load panic or produce an offset outside the text.
package corpus

// Article is one news article after cleaning.
type Article struct {
	ID        string // stable, readable id from the manifest, or derived from the file name
	Title     string // from the manifest, or derived from the opening words
	Date      string // YYYY-MM-DD, or "" when neither the file nor the manifest gives one
	Publisher string // only when the text itself names it; "" otherwise
	File      string // file name inside the corpus directory
	Hash      string // hex SHA-256 of the raw file bytes, to tell changed articles on reload

	// Text is the cleaned article: markup removed, paragraphs separated by a
	// blank line, section headings on lines of their own. Every offset in
	// this package is a byte offset into Text.
	Text      string
	Links     []Link    // outbound links found in HTML anchors, in order
	Sections  []Section // sub-headings; they are labels, never answer sentences
	Sentences []Span    // answerable sentences in order (headings excluded)
	Captions  []Span    // photo captions; kept in Text, never answer sentences
	Words     int       // words in Text
}

// Link is an outbound link kept from an HTML anchor.
type Link struct {
	Text string
	URL  string
}

// Span is a half-open byte range [Start, End) into Article.Text.
type Span struct {
	Start int
	End   int
}

// Section is a sub-heading; Span covers the heading's own text.
type Section struct {
	Title string
	Span
}

// Chunk is a passage of a few consecutive sentences of one article; chunks
// of the same article overlap by a sentence so that a fact that straddles a
// boundary is whole in at least one chunk.
type Chunk struct {
	ID        string // "<article id>#<ordinal>", stable for unchanged text
	ArticleID string
	Ordinal   int    // 0-based position within the article
	Span             // covers the chunk's sentences in Article.Text
	Text      string // exactly Article.Text[Start:End]
	Section   string // heading the chunk falls under, "" before the first heading
	Sentences []Span // the chunk's sentences, as offsets into Article.Text
}

// Corpus is a loaded set of articles and their chunks.
type Corpus struct {
	Articles []*Article // in file-name order
	Chunks   []Chunk    // all articles' chunks, article by article
	Aliases  [][]string // groups of names that mean the same thing; first is canonical
}
