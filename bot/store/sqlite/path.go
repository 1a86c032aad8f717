package sqlite

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

// DefaultPath is where the database lives when store.path is not set: in the
// user's data directory, $XDG_DATA_HOME/summitbot/summitbot.db or else
// ~/.local/share/summitbot/summitbot.db (on macOS ~/Library/Application
// Support/summitbot, on Windows %LocalAppData%\summitbot).
func DefaultPath() (string, error) {
	dir, err := dataDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "summitbot", "summitbot.db"), nil
}

func dataDir() (string, error) {
	switch runtime.GOOS {
	case "windows":
		if d := os.Getenv("LocalAppData"); d != "" {
			return d, nil
		}
		return "", errors.New("data directory: %LocalAppData% is not set")
	case "darwin", "ios":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(home, "Library", "Application Support"), nil
	}
	// The XDG Base Directory spec: a relative $XDG_DATA_HOME is invalid
	// and to be ignored.
	if d := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "share"), nil
}
