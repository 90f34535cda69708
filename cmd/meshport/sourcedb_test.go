package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/meshport/meshport/models/storetest"
)

// adminPostgresURL is the local PostgreSQL the tests create databases in.
func adminPostgresURL() string {
	if u := os.Getenv("MESHPORT_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// newSourceDatabase creates a PostgreSQL database for a crawled source, runs
// the setup statements in it, and drops it when the test ends.
func newSourceDatabase(t testing.TB, setup ...string) string {
	t.Helper()
	storetest.NeedsService(t, "PostgreSQL")
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, adminPostgresURL())
	if err != nil {
		t.Fatalf("PostgreSQL is needed: %v (start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start)", err)
	}
	defer admin.Close(ctx)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "meshport_src_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), adminPostgresURL())
		if err == nil {
			_, _ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(context.Background())
		}
	})
	conn := connectSourceDatabase(t, name)
	defer conn.Close(ctx)
	for _, stmt := range setup {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	return name
}

// connectSourceDatabase connects to one of the test's databases; the caller
// closes the connection.
func connectSourceDatabase(t testing.TB, database string) *pgx.Conn {
	t.Helper()
	cfg, err := pgx.ParseConfig(adminPostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	cfg.Database = database
	conn, err := pgx.ConnectConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return conn
}
