package pgtest_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/summitbot/summitbot/bot/store/postgres/pgtest"
)

func TestStart(t *testing.T) {
	s := pgtest.Start(t)
	ctx := context.Background()
	for range 2 {
		url := s.NewDatabase(t)
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		var one int
		if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
			t.Errorf("SELECT 1 = %d, %v", one, err)
		}
		conn.Close(ctx)
	}
}

// Without PostgreSQL a test skips, saying how to install it, unless
// SUMMITBOT_REQUIRE_POSTGRES=1. The cases run this test binary again with
// the binaries pointed elsewhere.
func TestUnavailable(t *testing.T) {
	if os.Getenv("PGTEST_CHILD") == "1" {
		pgtest.Start(t)
		t.Fatal("Start returned without PostgreSQL")
	}
	for _, tt := range []struct {
		require string
		want    string
		fails   bool
	}{
		{"", "--- SKIP", false},
		{"1", "--- FAIL", true},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestUnavailable$", "-test.v")
		cmd.Env = append(os.Environ(), "PGTEST_CHILD=1", pgtest.BinEnv+"="+t.TempDir(), pgtest.RequireEnv+"="+tt.require)
		out, err := cmd.CombinedOutput()
		if (err != nil) != tt.fails || !strings.Contains(string(out), tt.want) ||
			!strings.Contains(string(out), "apt-get install postgresql") {
			t.Errorf("%s=%q: err %v, output:\n%s\nwant %s and how to install", pgtest.RequireEnv, tt.require, err, out, tt.want)
		}
	}
}
