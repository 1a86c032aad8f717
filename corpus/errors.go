package corpus

import (
	"fmt"
	"strings"
)

// FileError says why one file of a corpus was not loaded. The other files
// are not affected by it.
type FileError struct {
	File   string // file name inside the corpus directory
	Reason string // short and readable, e.g. "not valid UTF-8"
	Err    error  // underlying error, if any
}

func (e *FileError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("corpus: %s: %s: %v", e.File, e.Reason, e.Err)
	}
	return fmt.Sprintf("corpus: %s: %s", e.File, e.Reason)
}

func (e *FileError) Unwrap() error { return e.Err }

// LoadError collects the files that Load rejected while it loaded the
// others.
type LoadError struct {
	Files []FileError
}

func (e *LoadError) Error() string {
	msgs := make([]string, len(e.Files))
	for i := range e.Files {
		msgs[i] = e.Files[i].Error()
	}
	if len(msgs) == 1 {
		return msgs[0]
	}
	return fmt.Sprintf("corpus: %d files rejected: %s", len(msgs), strings.Join(msgs, "; "))
}

// Unwrap lets errors.As find the *FileError of each rejected file.
func (e *LoadError) Unwrap() []error {
	errs := make([]error, len(e.Files))
	for i := range e.Files {
		errs[i] = &e.Files[i]
	}
	return errs
}
