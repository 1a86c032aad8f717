package store

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migration is one schema change, kept by an implementation as an embedded
// SQL file whose name starts with its version (0001_init.sql is 1).
type Migration struct {
	Version int    // from the file name
	Name    string // the file name
	SQL     string
}

// ReadMigrations returns the *.sql files in dir of fsys (an implementation's
// embedded migrations) in version order, refusing a name without a positive
// version or two files with the same one.
func ReadMigrations(fsys fs.FS, dir string) ([]Migration, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number and _", base)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: base, SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("migrations %s and %s share a version", out[i-1].Name, out[i].Name)
		}
	}
	return out, nil
}

// Migrate reads the migrations in dir of fsys and hands each, in order, to
// apply, which runs it in the implementation's dialect unless it is already
// recorded, and records it. How the steps share transactions and locks is
// apply's business: PostgreSQL runs them all in one, SQLite one each.
func Migrate(ctx context.Context, fsys fs.FS, dir string, apply func(context.Context, Migration) error) error {
	ms, err := ReadMigrations(fsys, dir)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := apply(ctx, m); err != nil {
			return fmt.Errorf("migrate %s: %w", m.Name, err)
		}
	}
	return nil
}
