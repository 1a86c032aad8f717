package corpus

import (
	"embed"
	"io/fs"
)

// The articles directory is embedded so that the binary answers from a known
// corpus even when it is started far from the source tree.
//
//go:embed articles
var embedded embed.FS

// Default returns the corpus embedded in the binary: the files of the
// articles directory, at the top level of the returned fs.FS.
func Default() fs.FS {
	sub, err := fs.Sub(embedded, "articles")
	if err != nil {
		// fs.Sub fails only for an invalid path, and "articles" is valid.
		panic("corpus: embedded articles: " + err.Error())
	}
	return sub
}
