package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for the admin connection

	"github.com/meshport/meshport/models"
)

// PostgresURLEnv names the environment variable holding the admin URL of
// the PostgreSQL server the tests create their databases on.
const PostgresURLEnv = "MESHPORT_TEST_POSTGRES_URL"

// DefaultPostgresURL is used when PostgresURLEnv is unset: the local server
// with trust authentication.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// connectTimeout keeps a dead server from stalling every test.
const connectTimeout = 3 * time.Second

// SQLite returns a migrated store on a new SQLite file in t.TempDir(); it is
// closed when the test ends.
func SQLite(t testing.TB) *models.Store {
	t.Helper()
	return SQLiteWith(t, models.Options{})
}

// SQLiteWith is SQLite with a store made with opts.
func SQLiteWith(t testing.TB, opts models.Options) *models.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "meshport.db")
	if err := copySQLiteTemplate(path); err != nil {
		t.Fatalf("storetest: sqlite template: %v", err)
	}
	s, err := models.Open(path, opts)
	if err != nil {
		t.Fatalf("storetest: open sqlite: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	migrate(t, s) // nothing left to do; as the portal does at every start
	return s
}

// Postgres returns a migrated store on a new database of its own on the
// server at $MESHPORT_TEST_POSTGRES_URL (DefaultPostgresURL when unset); the
// database is dropped when the test ends. An unreachable server fails the
// test rather than skipping it, so PostgreSQL coverage is never lost quietly.
func Postgres(t testing.TB) *models.Store {
	t.Helper()
	return PostgresWith(t, models.Options{})
}

// PostgresWith is Postgres with a store made with opts.
func PostgresWith(t testing.TB, opts models.Options) *models.Store {
	t.Helper()
	adminURL, admin := postgresAdmin(t)

	template, err := postgresTemplate(admin, adminURL)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	name := "meshport_test_" + randomHex(8)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// The names are ours (letters, digits, underscore), so quoting suffices.
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE "`+name+`" TEMPLATE "`+template+`"`); err != nil {
		t.Fatalf("storetest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS "`+name+`" WITH (FORCE)`); err != nil {
			t.Errorf("storetest: drop database %s: %v", name, err)
		}
	})

	dbURL, err := withDatabase(adminURL, name)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	s, err := models.Open(dbURL, opts)
	if err != nil {
		t.Fatalf("storetest: open %s: %v", models.RedactURL(dbURL), err)
	}
	// Registered after the drop, so it runs before it: cleanups run last first.
	t.Cleanup(func() { _ = s.Close() })
	migrate(t, s) // nothing left to do; as the portal does at every start
	return s
}

// postgresAdmin is the admin URL of the test server and its shared
// connection; an unreachable server fails the test, saying how to start it.
func postgresAdmin(t testing.TB) (string, *sql.DB) {
	t.Helper()
	NeedsService(t, "PostgreSQL")
	adminURL := os.Getenv(PostgresURLEnv)
	if adminURL == "" {
		adminURL = DefaultPostgresURL
	}
	admin, err := adminDB(adminURL)
	if err != nil {
		t.Fatalf("storetest: PostgreSQL at %s is not reachable: %v\n"+
			"Start the local server with:\n"+
			"    pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"+
			"or point the tests at another server (a user allowed to create databases) with:\n"+
			"    %s=postgres://user:password@host:5432/postgres?sslmode=disable",
			models.RedactURL(adminURL), err, PostgresURLEnv)
	}
	return adminURL, admin
}

// Each runs fn once per supported database, as subtests "sqlite" and
// "postgres", each with a fresh store: behaviour that differs between the
// databases (collation, LIKE, time types, constraint errors) shows up here.
func Each(t *testing.T, fn func(t *testing.T, s *models.Store)) {
	t.Helper()
	EachWith(t, models.Options{}, fn)
}

// EachWith is Each with stores made with opts.
func EachWith(t *testing.T, opts models.Options, fn func(t *testing.T, s *models.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLiteWith(t, opts)) })
	t.Run("postgres", func(t *testing.T) { fn(t, PostgresWith(t, opts)) })
}

// NeedsService marks a test that needs a service running beside it
// (PostgreSQL, MariaDB, Chromium, an SMTP or OpenID server): `go test -short`
// (make test-short) skips it, so that run needs nothing but Go. A full run
// never skips: a missing service fails the test.
func NeedsService(t testing.TB, service string) {
	t.Helper()
	if testing.Short() {
		t.Skipf("needs %s; -short runs only the tests that need no service", service)
	}
}

// Admin is a signed-in portal admin.
func Admin() models.Principal {
	return models.Principal{UserID: 1, Email: "admin@example.com", EmailVerified: true,
		Name: "Ada Admin", Admin: true, Via: "session"}
}

// Owner is a signed-in user who owns the domains that list
// owner@example.com or one of groups among their owners.
func Owner(groups ...string) models.Principal {
	return models.Principal{UserID: 2, Email: "owner@example.com", EmailVerified: true,
		Name: "Omar Owner", Groups: groups, Via: "session"}
}

// Viewer is a signed-in user who owns nothing: they may read, not write.
func Viewer() models.Principal {
	return models.Principal{UserID: 3, Email: "viewer@example.com", EmailVerified: true,
		Name: "Vera Viewer", Groups: []string{"analysts"}, Via: "session"}
}

func migrate(t testing.TB, s *models.Store) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("storetest: migrate %s: %v", s.Dialect(), err)
	}
}

// The admin connection is shared by all tests of the process; the first
// failure to reach the server is remembered so the following tests fail at
// once instead of each waiting for the connect timeout.
var (
	adminMu    sync.Mutex
	adminConns = map[string]*sql.DB{}
	adminErrs  = map[string]error{}
)

func adminDB(adminURL string) (*sql.DB, error) {
	adminMu.Lock()
	defer adminMu.Unlock()
	if db, ok := adminConns[adminURL]; ok {
		return db, nil
	}
	if err, ok := adminErrs[adminURL]; ok {
		return nil, err
	}
	db, err := sql.Open("pgx", withConnectTimeout(adminURL))
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
		err = db.PingContext(ctx)
		cancel()
		if err != nil {
			_ = db.Close()
		}
	}
	if err != nil {
		adminErrs[adminURL] = err
		return nil, err
	}
	db.SetMaxOpenConns(4)
	adminConns[adminURL] = db
	return db, nil
}

// withConnectTimeout adds connect_timeout to a URL that sets none.
func withConnectTimeout(u string) string {
	parsed, err := url.Parse(u)
	if err != nil {
		return u // let the driver report it
	}
	q := parsed.Query()
	if q.Get("connect_timeout") == "" {
		q.Set("connect_timeout", "3")
		parsed.RawQuery = q.Encode()
	}
	return parsed.String()
}

// withDatabase returns the admin URL pointing at database name instead.
func withDatabase(adminURL, name string) (string, error) {
	parsed, err := url.Parse(withConnectTimeout(adminURL))
	if err != nil {
		return "", err
	}
	parsed.Path = "/" + name
	parsed.RawPath = ""
	return parsed.String(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
