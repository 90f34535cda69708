package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meshport/meshport/models"
)

// Migrating a new database costs a few hundred milliseconds, and half a
// second under the race detector; hundreds of tests would spend most of
// their time on it. So each test process migrates one template per database
// and every store starts as a copy of it: for SQLite a copy of the file, for
// PostgreSQL CREATE DATABASE ... TEMPLATE. The migrations still run (once
// per process, through the same Store.Migrate), and TestMigrations checks
// what they leave.

var templates struct {
	sync.Mutex
	dir      string            // SQLite templates and nothing else
	sqlite   string            // the migrated SQLite file
	postgres map[string]string // template database by admin URL
}

// Main runs a package's tests and then drops the templates they made; a
// package that uses storetest calls it from its TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }
//
// Templates left by a process that died are dropped two hours later by the
// next one that makes a template.
func Main(m *testing.M) int {
	code := m.Run()
	templates.Lock()
	defer templates.Unlock()
	for adminURL, name := range templates.postgres {
		if admin, err := adminDB(adminURL); err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			_, _ = admin.ExecContext(ctx, `DROP DATABASE IF EXISTS "`+name+`" WITH (FORCE)`)
			cancel()
		}
	}
	if templates.dir != "" {
		_ = os.RemoveAll(templates.dir)
	}
	return code
}

// sqliteTemplate returns the migrated SQLite template, making it first.
func sqliteTemplate() (string, error) {
	templates.Lock()
	defer templates.Unlock()
	if templates.sqlite != "" {
		return templates.sqlite, nil
	}
	if templates.dir == "" {
		dir, err := os.MkdirTemp("", "meshport-storetest-")
		if err != nil {
			return "", err
		}
		templates.dir = dir
	}
	path := filepath.Join(templates.dir, "migrated.db")
	if err := migrateAt(path); err != nil {
		return "", err
	}
	templates.sqlite = path
	return path, nil
}

// copySQLiteTemplate writes a copy of the template at path.
func copySQLiteTemplate(path string) error {
	tpl, err := sqliteTemplate()
	if err != nil {
		return err
	}
	data, err := os.ReadFile(tpl)
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o600)
}

// postgresTemplate returns the name of the migrated template database on
// the server at adminURL, making it first.
func postgresTemplate(admin *sql.DB, adminURL string) (string, error) {
	templates.Lock()
	defer templates.Unlock()
	if name, ok := templates.postgres[adminURL]; ok {
		return name, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dropStaleTemplates(ctx, admin)
	name := fmt.Sprintf("meshport_tpl_%d_%s", time.Now().Unix(), randomHex(4))
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE "`+name+`"`); err != nil {
		return "", fmt.Errorf("create template database: %w", err)
	}
	dbURL, err := withDatabase(adminURL, name)
	if err == nil {
		// Closed before use: PostgreSQL copies a template only while
		// nobody is connected to it.
		err = migrateAt(dbURL)
	}
	if err != nil {
		_, _ = admin.ExecContext(ctx, `DROP DATABASE IF EXISTS "`+name+`" WITH (FORCE)`)
		return "", err
	}
	if templates.postgres == nil {
		templates.postgres = map[string]string{}
	}
	templates.postgres[adminURL] = name
	return name, nil
}

// dropStaleTemplates drops template databases over two hours old: those of
// test processes that were killed before Main could drop them.
func dropStaleTemplates(ctx context.Context, admin *sql.DB) {
	rows, err := admin.QueryContext(ctx, `SELECT datname FROM pg_database WHERE datname LIKE 'meshport\_tpl\_%'`)
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) != nil {
			continue
		}
		parts := strings.Split(name, "_") // meshport tpl <unix> <hex>
		if len(parts) != 4 {
			continue
		}
		if made, err := strconv.ParseInt(parts[2], 10, 64); err == nil && time.Since(time.Unix(made, 0)) > 2*time.Hour {
			stale = append(stale, name)
		}
	}
	rows.Close()
	for _, name := range stale {
		_, _ = admin.ExecContext(ctx, `DROP DATABASE IF EXISTS "`+name+`" WITH (FORCE)`)
	}
}

// migrateAt migrates the database at url (a SQLite path or a postgres://
// URL) and closes it.
func migrateAt(url string) error {
	s, err := models.Open(url, models.Options{})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err = s.Migrate(ctx)
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("migrate template %s: %w", models.RedactURL(url), err)
	}
	return nil
}
