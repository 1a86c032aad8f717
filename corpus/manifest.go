package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

const (
	manifestFile = "manifest.yaml"
	aliasesFile  = "aliases.yaml"
)

// manifest is manifest.yaml: what we know about each article file that the
// file itself does not say, or says badly.
type manifest struct {
	Articles []manifestEntry `yaml:"articles"`
}

type manifestEntry struct {
	File      string `yaml:"file"`
	ID        string `yaml:"id"`
	Title     string `yaml:"title"`
	Date      string `yaml:"date"`
	Publisher string `yaml:"publisher"`
}

// readManifest returns the manifest entries by file name, and the file
// names in manifest order. A missing manifest is an empty one.
func readManifest(fsys fs.FS) (map[string]manifestEntry, []string, error) {
	var m manifest
	found, err := decodeYAML(fsys, manifestFile, &m)
	if err != nil || !found {
		return nil, nil, err
	}
	byFile := make(map[string]manifestEntry, len(m.Articles))
	order := make([]string, 0, len(m.Articles))
	for i, e := range m.Articles {
		if strings.TrimSpace(e.File) == "" {
			return nil, nil, fmt.Errorf("corpus: %s: article %d has no file", manifestFile, i+1)
		}
		if _, dup := byFile[e.File]; dup {
			return nil, nil, fmt.Errorf("corpus: %s: %s is listed twice", manifestFile, e.File)
		}
		byFile[e.File] = e
		order = append(order, e.File)
	}
	return byFile, order, nil
}

// readAliases returns the groups of aliases.yaml, or nil when there is no
// such file.
func readAliases(fsys fs.FS) ([][]string, error) {
	var a struct {
		Aliases [][]string `yaml:"aliases"`
	}
	found, err := decodeYAML(fsys, aliasesFile, &a)
	if err != nil || !found {
		return nil, err
	}
	for i, group := range a.Aliases {
		if len(group) == 0 {
			return nil, fmt.Errorf("corpus: %s: group %d is empty", aliasesFile, i+1)
		}
		for _, name := range group {
			if strings.TrimSpace(name) == "" {
				return nil, fmt.Errorf("corpus: %s: group %d has a blank name", aliasesFile, i+1)
			}
		}
	}
	if a.Aliases == nil {
		// The file is there, so the answer is "no aliases", not "unknown".
		a.Aliases = [][]string{}
	}
	return a.Aliases, nil
}

// decodeYAML decodes the file name of fsys into v, rejecting keys that v
// does not have so that a typo ("titel:") is an error rather than a silently
// missing value. It reports false when the file does not exist; a file that
// is there but not a regular file inside the corpus is an error wrapping
// its *FileError, as an article's would be.
func decodeYAML(fsys fs.FS, name string, v any) (bool, error) {
	if _, err := fs.Lstat(fsys, name); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	b, ferr := readRegular(fsys, name)
	if ferr != nil {
		return false, ferr
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return false, fmt.Errorf("corpus: %s: %w", name, err)
	}
	// A second document would be ignored without a word; an empty one
	// (a trailing "---") changes nothing.
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return true, nil
		}
		if err != nil {
			return false, fmt.Errorf("corpus: %s: %w", name, err)
		}
		for _, n := range doc.Content {
			if n.Kind != yaml.ScalarNode || n.Tag != "!!null" {
				return false, fmt.Errorf("corpus: %s: a second YAML document starts at line %d; only the first is read", name, doc.Line)
			}
		}
	}
}

// validDate reports whether s is a real calendar date written YYYY-MM-DD.
func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil && len(s) == len(time.DateOnly)
}
