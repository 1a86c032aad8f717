package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
)

// testData is where the tests' stores live: XDG_DATA_HOME points into it,
// so that no test (nor a serve process a test starts) writes to the data
// directory of whoever runs them.
var (
	testData   string
	testStores atomic.Int64
)

func TestMain(m *testing.M) {
	// A serve process a test starts runs this binary again: it uses its
	// parent's directory, which the parent removes.
	if dir := os.Getenv("SUMMITBOT_TEST_DATA"); dir != "" {
		testData = dir
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "summitbot-cmd-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	testData = dir
	os.Setenv("SUMMITBOT_TEST_DATA", dir)
	os.Setenv("XDG_DATA_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// newStorePath returns a fresh SQLite path for one serve.
func newStorePath() string {
	return filepath.Join(testData, fmt.Sprintf("store-%d", testStores.Add(1)), "summitbot.db")
}
