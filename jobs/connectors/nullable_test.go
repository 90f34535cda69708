package connectors

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/meshport/meshport/models"
)

// Column.Nullable as the tests expect it.
var (
	notNull    = func() *bool { b := false; return &b }()
	isNullable = func() *bool { b := true; return &b }()
)

// colsText shows columns with their nullability ("id integer NOT NULL").
func colsText(cols []models.Column) string {
	var parts []string
	for _, c := range cols {
		s := c.Name + " " + c.Type
		switch {
		case c.Nullable == nil:
			s += " (nullability unknown)"
		case *c.Nullable:
			s += " NULL"
		default:
			s += " NOT NULL"
		}
		parts = append(parts, s)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// SQLite's primary keys: only the rowid (INTEGER PRIMARY KEY) and WITHOUT
// ROWID keys are never NULL; other keys of rowid tables may hold NULL.
func TestSQLitePrimaryKeyNullability(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "keys.db")
	makeSQLite(t, path,
		`CREATE TABLE rowid_alias (id integer PRIMARY KEY, v TEXT)`,
		`CREATE TABLE text_key (code TEXT PRIMARY KEY, v TEXT NOT NULL)`,
		`CREATE TABLE pair_key (a INTEGER, b INTEGER, PRIMARY KEY (a, b))`,
		`CREATE TABLE wr (code TEXT PRIMARY KEY, v INT) WITHOUT ROWID`,
		`CREATE TABLE wr_strict (code TEXT, n INTEGER, PRIMARY KEY (code, n)) STRICT, WITHOUT ROWID`,
		`INSERT INTO text_key VALUES (NULL, 'SQLite lets a rowid table key hold NULL')`,
	)
	c, err := Open(models.SourceSettings{Kind: models.KindSQLite, DSN: path}, models.SourcePolicy{FileRoots: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := c.Crawl(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]models.Column{
		"rowid_alias": {{Name: "id", Type: "INTEGER", Nullable: notNull}, {Name: "v", Type: "TEXT", Nullable: isNullable}},
		"text_key":    {{Name: "code", Type: "TEXT", Nullable: isNullable}, {Name: "v", Type: "TEXT", Nullable: notNull}},
		"pair_key":    {{Name: "a", Type: "INTEGER", Nullable: isNullable}, {Name: "b", Type: "INTEGER", Nullable: isNullable}},
		"wr":          {{Name: "code", Type: "TEXT", Nullable: notNull}, {Name: "v", Type: "INT", Nullable: isNullable}},
		"wr_strict":   {{Name: "code", Type: "TEXT", Nullable: notNull}, {Name: "n", Type: "INTEGER", Nullable: notNull}},
	}
	if len(snap.Assets) != len(want) {
		t.Fatalf("%d assets, want %d", len(snap.Assets), len(want))
	}
	for _, o := range snap.Assets {
		if !reflect.DeepEqual(o.Columns, want[o.Name]) {
			t.Errorf("%s columns %s, want %s", o.Name, colsText(o.Columns), colsText(want[o.Name]))
		}
	}
}
