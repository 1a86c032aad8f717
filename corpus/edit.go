package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"go.yaml.in/yaml/v3"
)

// MaxFileSize is the largest article file Load reads: 1 MiB.
const MaxFileSize = maxFileSize

// Entry is an article's line in manifest.yaml.
type Entry struct {
	File      string `yaml:"file"`
	ID        string `yaml:"id"`
	Title     string `yaml:"title,omitempty"`
	Date      string `yaml:"date,omitempty"`
	Publisher string `yaml:"publisher,omitempty"`
}

// CheckFile says why Load would reject raw as the article file name, with
// the same checks and reasons (a *FileError), or returns nil. It also
// checks the entry's date, as Load does.
func CheckFile(e Entry, raw []byte) error {
	if len(raw) > maxFileSize {
		return &FileError{File: e.File, Reason: "over 1 MiB"}
	}
	if reason := unusable(raw); reason != "" {
		return &FileError{File: e.File, Reason: reason}
	}
	if len(clean(string(raw)).paras) == 0 {
		return &FileError{File: e.File, Reason: "no text after removing markup"}
	}
	if e.Date != "" && !validDate(e.Date) {
		return &FileError{File: e.File, Reason: fmt.Sprintf("date %q, want YYYY-MM-DD", e.Date)}
	}
	return nil
}

// idPattern is what an id added from Discord may be: what slug makes.
var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidID reports whether id is a slug: lower-case letters and digits in
// words joined by single hyphens, at most 64 characters.
func ValidID(id string) bool { return len(id) <= 64 && idPattern.MatchString(id) }

// Slug derives an id from a file name as Load does.
func Slug(file string) string { return slug(file) }

// ErrExists: an article with that id or file name is in the directory.
var ErrExists = errors.New("already in the corpus")

// AddArticle writes raw into dir as e.File and adds e to dir's
// manifest.yaml, each atomically (a hidden temporary file renamed into
// place), so that a reload sees the article whole or not at all. It checks
// the file first (CheckFile); when anything fails nothing in dir changes.
// A file of that name, or a manifest entry with that file or id, is
// ErrExists.
func AddArticle(dir string, e Entry, raw []byte) error {
	if err := CheckFile(e, raw); err != nil {
		return err
	}
	if e.File != filepath.Base(e.File) || filepath.Ext(e.File) != ".txt" || e.File[0] == '.' {
		return fmt.Errorf("add article: %q is not a .txt file name", e.File)
	}
	doc, entries, err := readManifestNode(dir)
	if err != nil {
		return fmt.Errorf("add article %s: %w", e.ID, err)
	}
	for _, old := range entries {
		if old.File == e.File || old.ID == e.ID {
			return fmt.Errorf("add article %s: %w", e.ID, ErrExists)
		}
	}
	target := filepath.Join(dir, e.File)
	if _, err := os.Lstat(target); err == nil {
		return fmt.Errorf("add article %s: %s: %w", e.ID, e.File, ErrExists)
	}
	var n yaml.Node
	if err := n.Encode(e); err != nil {
		return fmt.Errorf("add article %s: %w", e.ID, err)
	}
	seq := articlesSeq(doc)
	seq.Content = append(seq.Content, &n)
	manifest, err := encodeYAML(doc)
	if err != nil {
		return fmt.Errorf("add article %s: %w", e.ID, err)
	}
	if err := writeAtomic(target, raw, true); err != nil {
		return fmt.Errorf("add article %s: %w", e.ID, err)
	}
	if err := writeAtomic(filepath.Join(dir, manifestFile), manifest, false); err != nil {
		os.Remove(target)
		return fmt.Errorf("add article %s: %w", e.ID, err)
	}
	return nil
}

// RemoveArticle moves the article with id out of dir into
// dir/.removed/<now>/, with its manifest entry in a manifest.yaml there:
// nothing is deleted. An article without a manifest entry is found by the
// id Load derives from its file name. It returns the file moved, or an
// error wrapping fs.ErrNotExist when dir has no such article.
func RemoveArticle(dir, id string, now time.Time) (string, error) {
	doc, entries, err := readManifestNode(dir)
	if err != nil {
		return "", fmt.Errorf("remove article %s: %w", id, err)
	}
	file, at := "", -1
	for i, e := range entries {
		if e.ID == id || e.ID == "" && slug(e.File) == id {
			file, at = e.File, i
			break
		}
	}
	if file == "" {
		ents, err := os.ReadDir(dir)
		if err != nil {
			return "", fmt.Errorf("remove article %s: %w", id, err)
		}
		for _, de := range ents {
			if name := de.Name(); !de.IsDir() && filepath.Ext(name) == ".txt" && name[0] != '.' && slug(name) == id {
				file = name
				break
			}
		}
	}
	if file == "" {
		return "", fmt.Errorf("remove article %s: %w", id, fs.ErrNotExist)
	}
	bin := filepath.Join(dir, ".removed", now.UTC().Format("20060102T150405.000000000Z"))
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return "", fmt.Errorf("remove article %s: %w", id, err)
	}
	if at >= 0 {
		seq := articlesSeq(doc)
		removed := seq.Content[at]
		seq.Content = append(seq.Content[:at:at], seq.Content[at+1:]...)
		kept, err := encodeYAML(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{
			Kind: yaml.MappingNode, Content: []*yaml.Node{
				{Kind: yaml.ScalarNode, Value: "articles"},
				{Kind: yaml.SequenceNode, Content: []*yaml.Node{removed}},
			}}}})
		if err != nil {
			return "", fmt.Errorf("remove article %s: %w", id, err)
		}
		if err := writeAtomic(filepath.Join(bin, manifestFile), kept, false); err != nil {
			return "", fmt.Errorf("remove article %s: %w", id, err)
		}
		manifest, err := encodeYAML(doc)
		if err != nil {
			return "", fmt.Errorf("remove article %s: %w", id, err)
		}
		// The file first: a manifest entry without its file is an error
		// for Load, a file without its entry is not.
		if err := os.Rename(filepath.Join(dir, file), filepath.Join(bin, file)); err != nil {
			return "", fmt.Errorf("remove article %s: %w", id, err)
		}
		if err := writeAtomic(filepath.Join(dir, manifestFile), manifest, false); err != nil {
			os.Rename(filepath.Join(bin, file), filepath.Join(dir, file))
			return "", fmt.Errorf("remove article %s: %w", id, err)
		}
		return file, nil
	}
	if err := os.Rename(filepath.Join(dir, file), filepath.Join(bin, file)); err != nil {
		return "", fmt.Errorf("remove article %s: %w", id, err)
	}
	return file, nil
}

// readManifestNode reads dir's manifest.yaml as a node, to edit it with
// its comments kept, and its entries; an empty document when there is none.
func readManifestNode(dir string) (*yaml.Node, []manifestEntry, error) {
	raw, err := os.ReadFile(filepath.Join(dir, manifestFile))
	if errors.Is(err, fs.ErrNotExist) {
		return &yaml.Node{Kind: yaml.DocumentNode}, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", manifestFile, err)
	}
	if doc.Kind == 0 {
		doc.Kind = yaml.DocumentNode
	}
	var m manifest
	if err := doc.Decode(&m); err != nil && len(doc.Content) > 0 {
		return nil, nil, fmt.Errorf("%s: %w", manifestFile, err)
	}
	return &doc, m.Articles, nil
}

// articlesSeq returns the sequence under "articles:" in doc, making the
// mapping and the sequence when they are missing.
func articlesSeq(doc *yaml.Node) *yaml.Node {
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		doc.Content = []*yaml.Node{{Kind: yaml.MappingNode}}
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "articles" {
			if m.Content[i+1].Kind != yaml.SequenceNode {
				m.Content[i+1] = &yaml.Node{Kind: yaml.SequenceNode}
			}
			return m.Content[i+1]
		}
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "articles"}, seq)
	return seq
}

func encodeYAML(doc *yaml.Node) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// writeAtomic writes data to a hidden temporary file beside path (Load
// skips hidden files), syncs it and renames it over path; with exclusive,
// an existing path is ErrExists.
func writeAtomic(path string, data []byte, exclusive bool) error {
	dir, base := filepath.Split(path)
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a successful rename, nothing is there
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if exclusive {
		// A hard link fails when path exists, where a rename would
		// replace it.
		if err := os.Link(tmp, path); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("%s: %w", filepath.Base(path), ErrExists)
			}
			return err
		}
		return nil
	}
	return os.Rename(tmp, path)
}
