// Package pgtest runs a throwaway PostgreSQL server for tests: initdb in a
// temporary directory, pg_ctl start on a free loopback port with its unix
// socket in that directory, and stop and remove on cleanup. Debian's
// postgresql package provides the binaries (/usr/lib/postgresql/*/bin).
//
// Without them tests skip, saying how to install them, unless
// SUMMITBOT_REQUIRE_POSTGRES=1 (as .ci/run sets), when they fail. PostgreSQL
// refuses to run as root; under root the server runs as the "postgres"
// system user the package creates.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// RequireEnv, set to 1, turns a missing PostgreSQL from a skip into a
// failure.
const RequireEnv = "SUMMITBOT_REQUIRE_POSTGRES"

// BinEnv names the directory holding initdb and pg_ctl, when they are
// neither in $PATH nor where Debian puts them.
const BinEnv = "SUMMITBOT_PG_BIN"

// Server is a running PostgreSQL server owned by one test.
type Server struct {
	dir  string // holds data/, the socket and the log
	bin  string
	port int
	run  runAs
}

// Start starts a server for t and stops it when t ends. settings are extra
// "name=value" server settings, after the defaults (which favour speed over
// durability: fsync=off, synchronous_commit=off).
func Start(t testing.TB, settings ...string) *Server {
	t.Helper()
	bin, err := findBin()
	if err != nil {
		unavailable(t, err)
	}
	run, err := currentOrPostgres()
	if err != nil {
		unavailable(t, err)
	}
	// Under /tmp rather than $TMPDIR: the socket's path must stay under
	// ~100 bytes, and the postgres user must be able to reach it.
	parent := "/tmp"
	if fi, err := os.Stat(parent); err != nil || !fi.IsDir() {
		parent = ""
	}
	dir, err := os.MkdirTemp(parent, "summitbot-pg-")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{dir: dir, bin: bin, run: run}
	t.Cleanup(func() {
		s.stop(t)
		os.RemoveAll(dir)
	})
	if err := run.chown(dir); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	start := time.Now()
	if out, err := s.cmd("initdb", "-D", s.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8",
		"--locale=C", "--no-sync", "--no-instructions").CombinedOutput(); err != nil {
		t.Fatalf("pgtest: initdb: %v\n%s", err, out)
	}
	// A free port can be taken between our probe and the server's bind:
	// try a few.
	for attempt := 0; ; attempt++ {
		s.port, err = freePort()
		if err != nil {
			t.Fatalf("pgtest: %v", err)
		}
		opts := []string{"-c listen_addresses=127.0.0.1", "-p " + strconv.Itoa(s.port),
			"-c unix_socket_directories=" + dir, "-c fsync=off", "-c synchronous_commit=off",
			"-c full_page_writes=off", "-c max_connections=200"}
		for _, kv := range settings {
			opts = append(opts, "-c "+kv)
		}
		out, err := s.cmd("pg_ctl", "-D", s.data(), "-l", filepath.Join(dir, "log"), "-w", "-t", "60",
			"-o", strings.Join(opts, " "), "start").CombinedOutput()
		if err == nil {
			break
		}
		if attempt == 2 {
			log, _ := os.ReadFile(filepath.Join(dir, "log"))
			t.Fatalf("pgtest: pg_ctl start: %v\n%s\n%s", err, out, log)
		}
	}
	t.Logf("pgtest: PostgreSQL (%s) on 127.0.0.1:%d, started in %v", bin, s.port, time.Since(start).Round(time.Millisecond))
	return s
}

func unavailable(t testing.TB, err error) {
	t.Helper()
	msg := fmt.Sprintf("pgtest: PostgreSQL not available (%v); install it with: apt-get install postgresql", err)
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("%s (%s=1)", msg, RequireEnv)
	}
	t.Skip(msg)
}

func (s *Server) data() string { return filepath.Join(s.dir, "data") }

func (s *Server) cmd(name string, args ...string) *exec.Cmd {
	c := exec.Command(filepath.Join(s.bin, name), args...)
	c.Dir = s.dir
	c.Env = []string{"PATH=" + s.bin + ":/usr/bin:/bin", "LC_ALL=C", "TZ=UTC"}
	s.run.apply(c)
	return c
}

func (s *Server) stop(t testing.TB) {
	if s.port == 0 {
		return
	}
	if out, err := s.cmd("pg_ctl", "-D", s.data(), "-m", "immediate", "-w", "stop").CombinedOutput(); err != nil {
		t.Errorf("pgtest: pg_ctl stop: %v\n%s", err, out)
	}
}

// URL is the address of database db as the superuser "postgres".
func (s *Server) URL(db string) string {
	u := url.URL{Scheme: "postgres", User: url.User("postgres"), Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)),
		Path: "/" + db, RawQuery: "sslmode=disable"}
	return u.String()
}

var databases atomic.Int64

// NewDatabase creates an empty database and returns its URL.
func (s *Server) NewDatabase(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("test_%d", databases.Add(1))
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	return s.URL(name)
}

// findBin finds the directory holding initdb and pg_ctl: $SUMMITBOT_PG_BIN,
// else $PATH, then
// Debian's /usr/lib/postgresql/<version>/bin, newest version first.
func findBin() (string, error) {
	if dir := os.Getenv(BinEnv); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err != nil {
			return "", fmt.Errorf("%s=%s: %w", BinEnv, dir, err)
		}
		return dir, nil
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real // /usr/local/bin/pg_ctl → /usr/lib/postgresql/15/bin/pg_ctl
		}
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir, nil
		}
	}
	return "", errors.New("no initdb and pg_ctl in $PATH or /usr/lib/postgresql/*/bin")
}

func version(bin string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(bin)))
	return v
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// currentOrPostgres is who runs the server: this process's user, or the
// "postgres" system user when that is root.
func currentOrPostgres() (runAs, error) {
	if os.Geteuid() != 0 {
		return runAs{}, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return runAs{}, fmt.Errorf("running as root and no postgres user to run the server as: %w", err)
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err := errors.Join(err1, err2); err != nil {
		return runAs{}, fmt.Errorf("postgres user: %w", err)
	}
	return runAs{uid: uid, gid: gid, other: true}, nil
}
