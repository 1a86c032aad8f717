package corpus

import (
	"io/fs"
	"os"
)

// Dir returns the corpus in the directory at path, for a moderator who wants
// to reload articles edited on disk without rebuilding the binary.
//
// Nothing outside the directory can be read through it: a symbolic link is
// followed only while it stays inside the directory (as the relative links
// of a Kubernetes ConfigMap volume do), so that a link to /etc/passwd or to
// a token file fails to open instead of publishing the file as an article.
// Files are opened without blocking, so a named pipe cannot stall a reader.
// The directory is looked up afresh on every call, like os.DirFS, so a
// corpus directory replaced under its name is seen at the next load.
func Dir(path string) fs.FS {
	return dirFS(path)
}

// dirFS confines every access to the directory it names with os.Root,
// which resolves each path component itself and refuses one that leads out.
type dirFS string

var (
	_ fs.StatFS     = dirFS("")
	_ fs.ReadDirFS  = dirFS("")
	_ fs.ReadLinkFS = dirFS("")
)

// with runs f on the directory opened as a root.
func with[T any](d dirFS, f func(*os.Root) (T, error)) (T, error) {
	r, err := os.OpenRoot(string(d))
	if err != nil {
		var zero T
		return zero, err
	}
	defer r.Close()
	return f(r)
}

// Open opens name for reading; the file stays usable after the root that
// found it is closed.
func (d dirFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	return with(d, func(r *os.Root) (fs.File, error) {
		f, err := r.OpenFile(name, os.O_RDONLY|openNonBlocking, 0)
		if err != nil {
			return nil, err // a nil *os.File must not become a non-nil fs.File
		}
		return f, nil
	})
}

func (d dirFS) ReadDir(name string) ([]fs.DirEntry, error) {
	return with(d, func(r *os.Root) ([]fs.DirEntry, error) { return fs.ReadDir(r.FS(), name) })
}

func (d dirFS) Stat(name string) (fs.FileInfo, error) {
	return with(d, func(r *os.Root) (fs.FileInfo, error) { return fs.Stat(r.FS(), name) })
}

func (d dirFS) Lstat(name string) (fs.FileInfo, error) {
	return with(d, func(r *os.Root) (fs.FileInfo, error) { return fs.Lstat(r.FS(), name) })
}

func (d dirFS) ReadLink(name string) (string, error) {
	return with(d, func(r *os.Root) (string, error) { return fs.ReadLink(r.FS(), name) })
}
