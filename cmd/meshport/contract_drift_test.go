package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/glebarez/go-sqlite"
	_ "github.com/go-sql-driver/mysql"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

// TestContractDriftOnSQLiteAndMariaDB is drift after real crawls of a
// SQLite file and a MariaDB database (PostgreSQL is in
// TestContractAPIAndDrift): a column the contract promises is missing and
// a required one is nullable, a finding opens; the table is fixed, the
// next crawl closes it; the table is dropped, it opens again.
func TestContractDriftOnSQLiteAndMariaDB(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"sqlite", "mysql"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			cfg := testConfig(filepath.Join(dir, "meshport.db"))
			cfg.SourcesFileRoots = dir
			app := newTestAppWithConfig(t, cfg)
			var db *sql.DB
			var dsn, location string
			if kind == "sqlite" {
				dsn = filepath.Join(dir, "shop.db")
				var err error
				if db, err = sql.Open("sqlite", dsn); err != nil {
					t.Fatal(err)
				}
				location = "main.orders"
			} else {
				storetest.NeedsService(t, "MariaDB")
				name := newMariaDBDatabase(t)
				var err error
				if db, err = sql.Open("mysql", "root@tcp(127.0.0.1:3306)/"+name); err != nil {
					t.Fatal(err)
				}
				dsn, location = "mysql://root@127.0.0.1:3306/"+name, name+".orders"
			}
			t.Cleanup(func() { db.Close() })
			exec := func(q string) {
				t.Helper()
				if _, err := db.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			exec(`CREATE TABLE orders (id INTEGER PRIMARY KEY, email VARCHAR(50), amount DECIMAL(10,2))`)
			exec(`INSERT INTO orders VALUES (1, 'a@example.com', 9.5)`)
			ctx := context.Background()
			src, err := app.Store.CreateSource(ctx, storeAdmin, models.SourceInput{Name: "Shop", Domain: "checkout", Kind: kind, DSN: dsn,
				Schedule: "0 2 * * *", TimeZone: "UTC"})
			if err != nil {
				t.Fatal(err)
			}
			crawl := func() {
				t.Helper()
				if _, err := app.Sources.Start(src, models.TriggerManual, nil, "test"); err != nil {
					t.Fatal(err)
				}
				app.Sources.Wait()
			}
			crawl()
			_, err = app.Store.CreateProduct(ctx, storeAdmin, models.ProductInput{Name: "Shop orders", Domain: "checkout", Owner: "omar@example.com",
				Status: models.StatusDraft, Classification: models.ClassInternal,
				OutputPorts: []models.PortInput{{Name: "orders", Type: "table", Location: location, Source: "shop"}}})
			if err != nil {
				t.Fatal(err)
			}
			doc, err := models.ParseContract([]byte(`apiVersion: v3.1.0
kind: DataContract
id: shop-orders
version: 1.0.0
status: active
schema:
  - name: orders
    properties:
      - {name: id, logicalType: integer, physicalType: integer, required: true}
      - {name: email, logicalType: string, physicalType: varchar(50), required: true}
      - {name: amount, logicalType: number, physicalType: 'decimal(10,2)'}
      - {name: note, logicalType: string}
`))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := app.Store.SaveContract(ctx, storeAdmin, "checkout", "shop-orders", "orders", doc); err != nil {
				t.Fatal(err)
			}
			p, _ := app.Store.GetProduct(ctx, "checkout", "shop-orders")
			openDrift := func() string {
				t.Helper()
				fs, err := app.Store.ProductFindingsOf(ctx, models.FindingContractDrift, p.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(fs) == 0 {
					return ""
				}
				return fs[0].Detail
			}
			if d := openDrift(); !strings.Contains(d, "note") || !strings.Contains(d, "email") {
				t.Fatalf("drift after saving the contract: %q", d)
			}
			// Fixed: the column added, email made NOT NULL (SQLite: the
			// table rebuilt).
			if kind == "sqlite" {
				exec(`CREATE TABLE orders2 (id INTEGER PRIMARY KEY, email VARCHAR(50) NOT NULL, amount DECIMAL(10,2), note TEXT)`)
				exec(`INSERT INTO orders2 SELECT id, email, amount, NULL FROM orders`)
				exec(`DROP TABLE orders`)
				exec(`ALTER TABLE orders2 RENAME TO orders`)
			} else {
				exec(`ALTER TABLE orders ADD COLUMN note TEXT, MODIFY email VARCHAR(50) NOT NULL`)
			}
			crawl()
			if d := openDrift(); d != "" {
				t.Fatalf("drift after the fix: %q", d)
			}
			exec(`DROP TABLE orders`)
			crawl()
			if d := openDrift(); !strings.Contains(d, "gone") {
				t.Fatalf("drift after the table was dropped: %q", d)
			}
		})
	}
}

// newMariaDBDatabase creates a database on the local MariaDB, dropped at
// the end of the test.
func newMariaDBDatabase(t *testing.T) string {
	t.Helper()
	admin, err := sql.Open("mysql", "root@tcp(127.0.0.1:3306)/")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	if err := admin.Ping(); err != nil {
		t.Fatalf("MariaDB is needed: %v (start it: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd)", err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "meshport_src_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = admin.Exec("DROP DATABASE IF EXISTS " + name) })
	return name
}
