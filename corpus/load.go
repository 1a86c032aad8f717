package corpus

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxFileSize bounds an article file; the real ones are a few kilobytes, so
// anything this large is a mistake, and reading it would waste memory.
const maxFileSize = 1 << 20

// maxControlShare is the share of control characters (other than tabs and
// line breaks) above which a valid UTF-8 file is taken for binary data.
const maxControlShare = 0.05

// Load reads the articles of a corpus: the *.txt files at the top level of
// fsys, in file-name order, with manifest.yaml and aliases.yaml if present.
// Other files, and hidden files such as editor backups, are ignored. A
// manifest entry gives its file's id, title, date and publisher; where it
// leaves one empty, or a file has no entry, Load derives the id from the
// file name, the title from the first words, and takes the date and the
// publisher only from what the text itself says.
//
// Load rejects a file that cannot be used (not a regular file, a symbolic
// link that leads out of fsys or nowhere, empty, not UTF-8, binary, over
// 1 MiB, an id already taken, a bad manifest date) and a manifest entry
// whose file is missing, and keeps going. It then returns the corpus of the
// good files together with a *LoadError that names each bad file and why.
// It returns a nil corpus and an error when fsys cannot be read, when
// manifest.yaml or aliases.yaml is malformed or not a regular file (the
// error then wraps a *FileError), or when no article loads at all. A caller that reloads a running corpus should keep its old one
// whenever the error is not nil, and show the error to whoever asked for
// the reload.
func Load(fsys fs.FS) (*Corpus, error) {
	if _, err := sentenceTokenizer(); err != nil {
		return nil, fmt.Errorf("corpus: sentence tokenizer: %w", err)
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("corpus: read directory: %w", err)
	}
	byFile, manifestOrder, err := readManifest(fsys)
	if err != nil {
		return nil, err
	}
	aliases, err := readAliases(fsys)
	if err != nil {
		return nil, err
	}

	var (
		failed  []FileError
		drafts  []draft
		present = map[string]bool{}
		idOwner = map[string]string{} // id → file that has it
	)
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || path.Ext(name) != ".txt" || strings.HasPrefix(name, ".") {
			continue
		}
		present[name] = true
		raw, ferr := readArticle(fsys, name)
		if ferr != nil {
			failed = append(failed, *ferr)
			continue
		}
		d := draft{file: name, raw: raw, cleaned: clean(string(raw)), id: slug(name)}
		if len(d.paras) == 0 {
			failed = append(failed, FileError{File: name, Reason: "no text after removing markup"})
			continue
		}
		if m, ok := byFile[name]; ok {
			d.meta = m
			if m.ID != "" {
				d.id = m.ID
			}
			if m.Date != "" && !validDate(m.Date) {
				failed = append(failed, FileError{File: name, Reason: fmt.Sprintf("%s gives date %q, want YYYY-MM-DD", manifestFile, m.Date)})
				continue
			}
		}
		if owner, taken := idOwner[d.id]; taken {
			failed = append(failed, FileError{File: name, Reason: fmt.Sprintf("duplicate id %q (already used by %s)", d.id, owner)})
			continue
		}
		idOwner[d.id] = name
		drafts = append(drafts, d)
	}
	for _, name := range manifestOrder {
		if !present[name] {
			failed = append(failed, FileError{File: name, Reason: "listed in " + manifestFile + " but no such .txt file"})
		}
	}

	c := &Corpus{Aliases: aliases}
	docs := make([]cleaned, len(drafts))
	for i, d := range drafts {
		docs[i] = d.cleaned
	}
	vocab := newVocabulary(docs)
	for _, d := range drafts {
		a := d.article(vocab)
		c.Articles = append(c.Articles, a)
		c.Chunks = append(c.Chunks, ChunkArticle(a, DefaultChunkSentences, DefaultChunkOverlap)...)
	}

	var loadErr error
	if len(failed) > 0 {
		loadErr = &LoadError{Files: failed}
	}
	if len(c.Articles) == 0 {
		if loadErr != nil {
			return nil, fmt.Errorf("corpus: no article loaded: %w", loadErr)
		}
		return nil, errors.New("corpus: no article loaded: no .txt files")
	}
	return c, loadErr
}

// draft is an accepted article file on its way to becoming an Article.
type draft struct {
	file string
	raw  []byte
	cleaned
	id   string
	meta manifestEntry // zero when the file is not in the manifest
}

// article finishes the draft once the whole corpus is known to vocab.
func (d draft) article(vocab *vocabulary) *Article {
	paras := make([]string, len(d.paras))
	for i, p := range d.paras {
		paras[i], _ = vocab.repair(p)
	}
	l := layOut(paras)
	sum := sha256.Sum256(d.raw)
	a := &Article{
		ID:        d.id,
		Title:     d.meta.Title,
		Date:      d.date,
		Publisher: d.meta.Publisher,
		File:      d.file,
		Hash:      hex.EncodeToString(sum[:]),
		Text:      l.text,
		Links:     d.links,
		Sections:  l.sections,
		Sentences: l.sentences,
		Captions:  l.captions,
		Words:     countWords(l.text),
	}
	if d.meta.Date != "" {
		a.Date = d.meta.Date
	}
	if a.Publisher == "" {
		a.Publisher = detectPublisher(l)
	}
	if a.Title == "" {
		a.Title = deriveTitle(l)
	}
	return a
}

// readArticle reads one article file and checks that it is text worth
// loading.
func readArticle(fsys fs.FS, name string) ([]byte, *FileError) {
	raw, ferr := readRegular(fsys, name)
	if ferr != nil {
		return nil, ferr
	}
	if reason := unusable(raw); reason != "" {
		return nil, &FileError{File: name, Reason: reason}
	}
	return raw, nil
}

// readRegular reads name if it is a regular file of at most maxFileSize
// inside fsys. Articles, manifest.yaml and aliases.yaml all go through it,
// so the same rule keeps each of them from being a way to read something
// else: a symbolic link is followed only as far as fsys follows it (Dir
// never out of its directory), and a named pipe, device or socket is
// refused before it is opened, since opening a pipe would block.
func readRegular(fsys fs.FS, name string) ([]byte, *FileError) {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, statError(fsys, name, err)
	}
	if reason := irregular(info.Mode()); reason != "" {
		return nil, &FileError{File: name, Reason: reason}
	}
	if info.Size() > maxFileSize {
		return nil, &FileError{File: name, Reason: "over 1 MiB"}
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, &FileError{File: name, Reason: "cannot open", Err: err}
	}
	defer f.Close()
	// Check again what was opened, in case the name was replaced since
	// Stat.
	if info, err := f.Stat(); err == nil {
		if reason := irregular(info.Mode()); reason != "" {
			return nil, &FileError{File: name, Reason: reason}
		}
	}
	// The limit guards against a file that grew since Stat.
	raw, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, &FileError{File: name, Reason: "cannot read", Err: err}
	}
	if len(raw) > maxFileSize {
		return nil, &FileError{File: name, Reason: "over 1 MiB"}
	}
	return raw, nil
}

// statError says why name could not be looked at: for a symbolic link,
// that it leads nowhere or out of the corpus directory.
func statError(fsys fs.FS, name string, err error) *FileError {
	if link, lerr := fs.Lstat(fsys, name); lerr == nil && link.Mode()&fs.ModeSymlink != 0 {
		if errors.Is(err, fs.ErrNotExist) {
			return &FileError{File: name, Reason: "symbolic link to a missing file", Err: err}
		}
		return &FileError{File: name, Reason: "symbolic link to a file outside the corpus directory", Err: err}
	}
	return &FileError{File: name, Reason: "cannot stat", Err: err}
}

// irregular says why a file of this mode is not read, or returns "".
func irregular(mode fs.FileMode) string {
	switch {
	case mode.IsRegular():
		return ""
	case mode&fs.ModeNamedPipe != 0:
		return "not a regular file (a named pipe)"
	case mode&fs.ModeSocket != 0:
		return "not a regular file (a socket)"
	case mode&fs.ModeDevice != 0:
		return "not a regular file (a device)"
	case mode.IsDir():
		return "not a regular file (a directory)"
	default:
		return "not a regular file"
	}
}

// unusable says why raw is not article text, or returns "".
func unusable(raw []byte) string {
	switch {
	case len(raw) == 0:
		return "empty"
	case bytes.IndexByte(raw, 0) >= 0:
		return "binary (contains NUL bytes)"
	case !utf8.Valid(raw):
		return "not valid UTF-8"
	case len(bytes.TrimSpace(raw)) == 0:
		return "only whitespace"
	}
	var runes, controls int
	for _, r := range string(raw) {
		runes++
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			controls++
		}
	}
	if float64(controls) > maxControlShare*float64(runes) {
		return "binary (too many control characters)"
	}
	return ""
}

var notSlug = regexp.MustCompile(`[^a-z0-9]+`)

// slug derives an id from a file name: "000_068a6df39667945e.txt" becomes
// "000-068a6df39667945e".
func slug(file string) string {
	s := strings.Trim(notSlug.ReplaceAllString(strings.ToLower(strings.TrimSuffix(file, path.Ext(file))), "-"), "-")
	if s == "" {
		return "article"
	}
	return s
}

// titleWords is how many words of the first sentence make a derived title.
const titleWords = 10

// deriveTitle makes a title from the opening words of the first sentence,
// or of the text when it has no sentence.
func deriveTitle(l layout) string {
	first := l.text
	if len(l.sentences) > 0 {
		first = l.text[l.sentences[0].Start:l.sentences[0].End]
	}
	words := strings.Fields(first)
	if len(words) <= titleWords {
		return strings.Join(words, " ")
	}
	return strings.TrimRight(strings.Join(words[:titleWords], " "), ",;:—-") + "…"
}
