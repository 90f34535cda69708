package connectors

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/meshport/meshport/models"
)

// makeSQLite creates a SQLite file at path (writable, for the test's own
// set-up) and runs stmts in it.
func makeSQLite(t *testing.T, path string, stmts ...string) {
	t.Helper()
	esc := strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(path)
	db, err := sql.Open("sqlite", "file:"+esc+"?mode=rwc")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// sqliteShop is the database most SQLite tests read.
var sqliteShop = []string{
	`CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, amount REAL, updated_at TEXT)`,
	`CREATE INDEX orders_customer ON orders(customer)`,
	`CREATE TABLE "Bestellungen Ü" ("Nummer" INTEGER, "geändert am" TEXT, "we""ird" BLOB)`,
	`CREATE TABLE "select" (x)`,
	`CREATE TABLE empty_one (a INT NOT NULL, changed DATETIME)`,
	`CREATE VIEW big_orders AS SELECT * FROM orders WHERE amount > 100`,
	`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
	 INSERT INTO orders SELECT i, 'customer ' || (i % 17), i * 1.5, printf('2024-05-%02d 07:08:09', 1 + i % 6) FROM n`,
	`INSERT INTO "Bestellungen Ü" VALUES (1, '2024-06-01T10:00:00Z', x'00'), (2, '2024-05-31T23:00:00Z', NULL), (3, NULL, NULL)`,
	`INSERT INTO "select" VALUES (1), ('two')`,
}

// fileState is what must not change when a connector reads a file.
type fileState struct {
	sum   [32]byte
	mtime time.Time
	size  int64
	dir   []string
}

func stateOf(t *testing.T, path string) fileState {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return fileState{sum: sha256.Sum256(b), mtime: fi.ModTime(), size: fi.Size(), dir: names}
}

// sqlitePages is the test's own reading of a file's page accounting:
// page size, page count and free pages.
func sqlitePages(t *testing.T, path string) (pageSize, pages, free int64) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for q, dst := range map[string]*int64{"PRAGMA page_size": &pageSize, "PRAGMA page_count": &pages, "PRAGMA freelist_count": &free} {
		if err := db.QueryRow(q).Scan(dst); err != nil {
			t.Fatal(err)
		}
	}
	return pageSize, pages, free
}

// dbstatSize asks dbstat, on a connection of the test's own, for the bytes
// of a table and its indexes; false when this build has no dbstat.
func dbstatSize(t *testing.T, path, table string) (int64, bool) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int64
	err = db.QueryRow(`SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name IN
		(SELECT name FROM sqlite_master WHERE tbl_name = ? AND type IN ('table', 'index'))`, table).Scan(&n)
	if err != nil && strings.Contains(err.Error(), "no such table: dbstat") {
		return 0, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return n, true
}

func TestSQLiteCrawl(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "shop.db")
	makeSQLite(t, path, sqliteShop...)
	mtime := time.Date(2024, 7, 1, 8, 0, 0, 0, time.UTC)
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	before := stateOf(t, path)

	s := models.SourceSettings{Kind: models.KindSQLite, DSN: path, FreshnessColumns: map[string]string{
		"main.orders":         "updated_at",
		"main.Bestellungen Ü": "geändert am",
		"main.empty_one":      "changed",    // no rows: NULL
		"main.select":         "2024-01-01", // not a column: unknown, not the literal '2024-01-01'
	}}
	c, err := Open(s, models.SourcePolicy{FileRoots: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var calls []int
	snap, err := c.Crawl(context.Background(), func(n int) { calls = append(calls, n) })
	if err != nil {
		t.Fatal(err)
	}

	if !strings.HasPrefix(snap.ServerVersion, "SQLite 3.") {
		t.Errorf("ServerVersion %q", snap.ServerVersion)
	}
	if snap.UsageKnown || snap.UsageNote != "SQLite keeps no read statistics" || snap.CountersEpoch != "" {
		t.Errorf("usage known %v, note %q, epoch %q", snap.UsageKnown, snap.UsageNote, snap.CountersEpoch)
	}
	if len(calls) == 0 || calls[len(calls)-1] != 5 {
		t.Errorf("progress calls %v, want the last to be 5", calls)
	}
	got := map[string]models.ObservedAsset{}
	var keys []string
	for _, o := range snap.Assets {
		got[o.Key()] = o
		keys = append(keys, o.Key())
	}
	sort.Strings(keys)
	wantKeys := []string{"main.Bestellungen Ü", "main.big_orders", "main.empty_one", "main.orders", "main.select"}
	if !reflect.DeepEqual(keys, wantKeys) {
		t.Fatalf("assets %q, want %q", keys, wantKeys)
	}
	wantCols := map[string][]models.Column{
		"main.orders": {{Name: "id", Type: "INTEGER", Nullable: notNull}, {Name: "customer", Type: "TEXT", Nullable: isNullable},
			{Name: "amount", Type: "REAL", Nullable: isNullable}, {Name: "updated_at", Type: "TEXT", Nullable: isNullable}},
		"main.Bestellungen Ü": {{Name: "Nummer", Type: "INTEGER", Nullable: isNullable}, {Name: "geändert am", Type: "TEXT", Nullable: isNullable},
			{Name: `we"ird`, Type: "BLOB", Nullable: isNullable}},
		"main.select":    {{Name: "x", Type: "", Nullable: isNullable}},
		"main.empty_one": {{Name: "a", Type: "INT", Nullable: notNull}, {Name: "changed", Type: "DATETIME", Nullable: isNullable}},
		// A view's nullability is unknown.
		"main.big_orders": {{Name: "id", Type: "INTEGER"}, {Name: "customer", Type: "TEXT"}, {Name: "amount", Type: "REAL"}, {Name: "updated_at", Type: "TEXT"}},
	}
	wantRows := map[string]int64{"main.orders": 300, "main.Bestellungen Ü": 3, "main.select": 2, "main.empty_one": 0}
	for key, o := range got {
		if !reflect.DeepEqual(o.Columns, wantCols[key]) {
			t.Errorf("%s columns %s, want %s", key, colsText(o.Columns), colsText(wantCols[key]))
		}
		if key == "main.big_orders" {
			if o.Kind != models.AssetView || o.SizeBytes != nil || o.RowEstimate != nil || o.LastModified != nil {
				t.Errorf("view: kind %q, size %v, rows %v, modified %v", o.Kind, intOrNil(o.SizeBytes), intOrNil(o.RowEstimate), o.LastModified)
			}
			continue
		}
		if o.Kind != models.AssetTable || o.Schema != "main" {
			t.Errorf("%s: kind %q schema %q", key, o.Kind, o.Schema)
		}
		if o.RowEstimate == nil || *o.RowEstimate != wantRows[key] {
			t.Errorf("%s rows %v, want %d", key, intOrNil(o.RowEstimate), wantRows[key])
		}
		if o.SizeBytes == nil || *o.SizeBytes <= 0 {
			t.Errorf("%s size %v, want some bytes", key, intOrNil(o.SizeBytes))
		} else if want, ok := dbstatSize(t, path, o.Name); ok && *o.SizeBytes != want {
			t.Errorf("%s size %d, want %d from dbstat", key, *o.SizeBytes, want)
		}
		if o.LastModified == nil || !o.LastModified.Equal(mtime) {
			t.Errorf("%s last modified %v, want the file's mtime %v", key, o.LastModified, mtime)
		}
		if o.Reads != nil || o.Inserts != nil || o.LastRead != nil {
			t.Errorf("%s has usage counters", key)
		}
	}
	// Every page of the file is in one table's size, but page 1
	// (sqlite_master) and the free pages.
	pageSize, pages, free := sqlitePages(t, path)
	var sum int64
	for _, o := range snap.Assets {
		if o.SizeBytes != nil {
			sum += *o.SizeBytes
		}
	}
	if want := (pages - 1 - free) * pageSize; sum != want {
		t.Errorf("table sizes add up to %d bytes, want %d (%d pages of %d, %d free)", sum, want, pages, pageSize, free)
	}
	// orders holds 300 rows and an index: more pages than the others.
	if *got["main.orders"].SizeBytes <= *got["main.empty_one"].SizeBytes {
		t.Errorf("orders %d bytes, not more than empty_one %d", *got["main.orders"].SizeBytes, *got["main.empty_one"].SizeBytes)
	}
	for key, want := range map[string]*time.Time{
		"main.orders":         ptrTime(time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)),
		"main.Bestellungen Ü": ptrTime(time.Date(2024, 6, 1, 10, 0, 0, 0, time.UTC)),
		"main.empty_one":      nil,
		"main.select":         nil,
		"main.big_orders":     nil,
	} {
		gotT := got[key].FreshnessValue
		if (gotT == nil) != (want == nil) || (want != nil && !gotT.Equal(*want)) {
			t.Errorf("%s freshness %v, want %v", key, gotT, want)
		}
	}
	for key, want := range map[string]string{
		"main.empty_one": `freshness column "changed" has no values yet`,
		"main.select":    `freshness column "2024-01-01" does not exist`,
		"main.orders":    "",
	} {
		if note := got[key].FreshnessNote; note != want {
			t.Errorf("%s freshness note %q, want %q", key, note, want)
		}
	}

	res, err := c.Test(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Assets != 5 || !strings.Contains(res.Summary, ": 5 tables and views visible; usage: SQLite keeps no read statistics.") ||
		!strings.HasPrefix(res.Summary, "Opened "+path+" (SQLite 3.") {
		t.Errorf("Test: %+v", res)
	}

	// Reading changed nothing: same bytes, same mtime, no journal or WAL
	// file left beside it.
	if after := stateOf(t, path); !reflect.DeepEqual(after, before) {
		t.Errorf("the file changed while crawling: before %+v, after %+v", before, after)
	}
}

func ptrTime(t time.Time) *time.Time { return &t }

func TestSQLiteFilters(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "shop.db")
	makeSQLite(t, path, sqliteShop...)
	p := models.SourcePolicy{FileRoots: []string{dir}}
	for _, tc := range []struct {
		include, exclude []string
		want             []string
	}{
		{[]string{"main.o*", "main.B*"}, []string{"main.orders"}, []string{"main.Bestellungen Ü"}},
		{nil, []string{"main.*_*"}, []string{"main.Bestellungen Ü", "main.orders", "main.select"}},
		{[]string{"other.*"}, nil, nil},
	} {
		c, err := Open(models.SourceSettings{Kind: models.KindSQLite, DSN: path, Include: tc.include, Exclude: tc.exclude}, p)
		if err != nil {
			t.Fatal(err)
		}
		snap, err := c.Crawl(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, o := range snap.Assets {
			keys = append(keys, o.Key())
		}
		sort.Strings(keys)
		if !reflect.DeepEqual(keys, tc.want) {
			t.Errorf("include %q exclude %q: %q, want %q", tc.include, tc.exclude, keys, tc.want)
		}
	}
}

func TestSQLiteDSNForms(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "odd name #1?.db")
	makeSQLite(t, path, `CREATE TABLE t (a)`, `INSERT INTO t VALUES (1)`)
	p := models.SourcePolicy{FileRoots: []string{dir}}
	for _, dsn := range []string{path, "file://" + strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(path, " ", "%20"), "#", "%23"), "?", "%3F")} {
		c, err := Open(models.SourceSettings{Kind: models.KindSQLite, DSN: dsn}, p)
		if err != nil {
			t.Fatalf("%s: %v", dsn, err)
		}
		snap, err := c.Crawl(context.Background(), nil)
		if err != nil {
			t.Fatalf("%s: %v", dsn, err)
		}
		if len(snap.Assets) != 1 || snap.Assets[0].RowEstimate == nil || *snap.Assets[0].RowEstimate != 1 {
			t.Errorf("%s: assets %+v", dsn, snap.Assets)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "odd name ")); err == nil {
		t.Error("a file named after the part before # was created")
	}
}

func TestSQLiteRefusesAndFails(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	outside := t.TempDir()
	p := models.SourcePolicy{FileRoots: []string{root}}
	outsideDB := filepath.Join(outside, "x.db")
	makeSQLite(t, outsideDB, `CREATE TABLE t (a)`)

	_, err := Open(models.SourceSettings{Kind: models.KindSQLite, DSN: outsideDB}, p)
	checkReason(t, err, models.FailurePolicy)
	_, err = Open(models.SourceSettings{Kind: models.KindSQLite, DSN: filepath.Join(root, "..", filepath.Base(outside), "x.db")}, p)
	checkReason(t, err, models.FailurePolicy)
	link := filepath.Join(root, "link.db")
	if err := os.Symlink(outsideDB, link); err != nil {
		t.Fatal(err)
	}
	_, err = Open(models.SourceSettings{Kind: models.KindSQLite, DSN: link}, p)
	checkReason(t, err, models.FailurePolicy)
	_, err = Open(models.SourceSettings{Kind: models.KindSQLite, DSN: outsideDB}, models.SourcePolicy{})
	checkReason(t, err, models.FailurePolicy)
	_, err = Open(models.SourceSettings{Kind: models.KindSQLite, DSN: "shop.db"}, p)
	checkReason(t, err, models.FailureInvalid)
	_, err = Open(models.SourceSettings{Kind: models.KindSQLite, DSN: root}, p)
	checkReason(t, err, models.FailureInvalid)

	missing := filepath.Join(root, "missing.db")
	_, err = Open(models.SourceSettings{Kind: models.KindSQLite, DSN: missing}, p)
	checkReason(t, err, models.FailureNoDatabase)
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open created %s: %v", missing, err)
	}
	// Removed after Open: Test and Crawl say so and do not create it.
	gone := filepath.Join(root, "gone.db")
	makeSQLite(t, gone, `CREATE TABLE t (a)`)
	c, err := Open(models.SourceSettings{Kind: models.KindSQLite, DSN: gone}, p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(gone); err != nil {
		t.Fatal(err)
	}
	_, err = c.Crawl(context.Background(), nil)
	checkReason(t, err, models.FailureNoDatabase)
	_, err = c.Test(context.Background())
	checkReason(t, err, models.FailureNoDatabase)
	if _, err := os.Stat(gone); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("crawling created %s: %v", gone, err)
	}

	text := filepath.Join(root, "notes.db")
	if err := os.WriteFile(text, []byte("these are notes, not a database, and long enough to be read as a header"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err = Open(models.SourceSettings{Kind: models.KindSQLite, DSN: text}, p)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Test(context.Background())
	checkReason(t, err, models.FailureInvalid)

	good := filepath.Join(root, "good.db")
	makeSQLite(t, good, `CREATE TABLE t (a)`)
	c, err = Open(models.SourceSettings{Kind: models.KindSQLite, DSN: good}, p)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Crawl(ctx, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Crawl with a done context: %v", err)
	}
}

// The connection the connector reads through refuses writes.
func TestSQLiteSessionIsReadOnly(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "shop.db")
	makeSQLite(t, path, `CREATE TABLE t (a)`)
	c, err := openSQLite(models.SourceSettings{Kind: models.KindSQLite, DSN: path}, models.SourcePolicy{FileRoots: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.(*sqliteConnector).begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer m.close()
	if _, err := m.tx.Exec(`INSERT INTO t VALUES (1)`); err == nil {
		t.Error("an INSERT went through the connector's connection")
	}
	var qo int
	if err := m.tx.QueryRow(`PRAGMA query_only`).Scan(&qo); err != nil || qo != 1 {
		t.Errorf("query_only = %d (%v), want 1", qo, err)
	}
	// Even with query_only switched off, the file is open read-only.
	if _, err := m.tx.Exec(`PRAGMA query_only = 0`); err != nil {
		t.Fatal(err)
	}
	if _, err := m.tx.Exec(`INSERT INTO t VALUES (1)`); err == nil || !strings.Contains(err.Error(), "readonly") {
		t.Errorf("INSERT with query_only off: %v, want a read-only database error", err)
	}
}

func TestSQLiteWALFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "wal.db")
	makeSQLite(t, path, `PRAGMA journal_mode=WAL`, `CREATE TABLE t (a)`, `INSERT INTO t VALUES (1), (2)`)
	before := stateOf(t, path)
	c, err := Open(models.SourceSettings{Kind: models.KindSQLite, DSN: path}, models.SourcePolicy{FileRoots: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := c.Crawl(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Assets) != 1 || intOrNil(snap.Assets[0].RowEstimate) != int64(2) {
		t.Fatalf("assets %+v", snap.Assets)
	}
	after := stateOf(t, path)
	if after.sum != before.sum || !after.mtime.Equal(before.mtime) {
		t.Errorf("the WAL database file changed while crawling")
	}
	if snap.Assets[0].SizeBytes == nil {
		t.Error("no size for a WAL database whose changes are all in the file")
	}
	t.Logf("files beside a WAL database before %q, after %q", before.dir, after.dir)

	// A writer holding changes in the -wal file: the file alone is not
	// the database, so no size; the rows are read through SQLite.
	w, err := sql.Open("sqlite", "file:"+path+"?_pragma=wal_autocheckpoint(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.SetMaxOpenConns(1)
	if _, err := w.Exec(`INSERT INTO t SELECT zeroblob(10000) FROM t`); err != nil {
		t.Fatal(err)
	}
	snap, err = c.Crawl(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if o := snap.Assets[0]; o.SizeBytes != nil || intOrNil(o.RowEstimate) != int64(4) {
		t.Errorf("with frames in the -wal file: size %v, rows %v; want no size and 4 rows", intOrNil(o.SizeBytes), intOrNil(o.RowEstimate))
	}
}

// Sizes from walking the file agree with the file's page accounting, with
// large rows (overflow pages), free pages, indexes and WITHOUT ROWID
// tables, and a table's size does not depend on the tables beside it.
func TestSQLiteSizesByWalkingTheFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	alone := filepath.Join(dir, "alone.db")
	mixed := filepath.Join(dir, "mixed.db")
	blobs := []string{
		`CREATE TABLE blobs (id INTEGER PRIMARY KEY, name TEXT, data BLOB)`,
		`CREATE INDEX blobs_name ON blobs(name)`,
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)
		 INSERT INTO blobs SELECT i, printf('%0500d', i), zeroblob(3000 + i * 700) FROM n`,
	}
	makeSQLite(t, alone, blobs...)
	makeSQLite(t, mixed, append(append([]string{}, blobs...),
		`CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID`,
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
		 INSERT INTO kv SELECT printf('key %05d', i), printf('%0200d', i) FROM n`,
		`CREATE TABLE gone (x)`,
		`INSERT INTO gone SELECT zeroblob(100000)`,
		`DROP TABLE gone`, // leaves free pages
	)...)

	crawl := func(path string) map[string]int64 {
		c, err := Open(models.SourceSettings{Kind: models.KindSQLite, DSN: path}, models.SourcePolicy{FileRoots: []string{dir}})
		if err != nil {
			t.Fatal(err)
		}
		snap, err := c.Crawl(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int64{}
		var sum int64
		for _, o := range snap.Assets {
			if o.SizeBytes == nil {
				t.Fatalf("%s: %s has no size", path, o.Name)
			}
			out[o.Name] = *o.SizeBytes
			sum += *o.SizeBytes
		}
		pageSize, pages, free := sqlitePages(t, path)
		if want := (pages - 1 - free) * pageSize; sum != want {
			t.Errorf("%s: sizes add up to %d, want %d (%d pages of %d, %d free)", path, sum, want, pages, pageSize, free)
		}
		return out
	}
	a, m := crawl(alone), crawl(mixed)
	if a["blobs"] != m["blobs"] || a["blobs"] < 40*3000 {
		t.Errorf("blobs is %d bytes alone and %d beside others; want equal, above the %d bytes of its rows", a["blobs"], m["blobs"], 40*3000)
	}
	if _, _, free := sqlitePages(t, mixed); free == 0 {
		t.Error("the mixed file has no free pages: the test does not test them")
	}

	// A damaged page is an error, not a panic nor a made-up size.
	pageSize, pages, _ := sqlitePages(t, alone)
	b, err := os.ReadFile(alone)
	if err != nil {
		t.Fatal(err)
	}
	b[pageSize] = 0x42 // page 2: the blobs table's root
	broken := filepath.Join(dir, "broken.db")
	if err := os.WriteFile(broken, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := sqliteBtreeBytes(context.Background(), broken, pages, []int64{2}); err == nil {
		t.Error("a page of unknown type was read as a b-tree")
	}
	if _, err := sqliteBtreeBytes(context.Background(), alone, pages, []int64{pages + 1}); err == nil {
		t.Error("a root beyond the file was accepted")
	}
}

func TestSQLiteTimeFromValue(t *testing.T) {
	t.Parallel()
	utc := func(y int, mo time.Month, d, h, mi, s int) time.Time {
		return time.Date(y, mo, d, h, mi, s, 0, time.UTC)
	}
	for _, tc := range []struct {
		in   any
		want time.Time // zero: nil
	}{
		{utc(2024, 1, 2, 3, 4, 5).In(time.FixedZone("x", 3600)), utc(2024, 1, 2, 3, 4, 5)},
		{"2024-01-02 03:04:05", utc(2024, 1, 2, 3, 4, 5)},
		{[]byte("2024-01-02T03:04:05Z"), utc(2024, 1, 2, 3, 4, 5)},
		{"2024-01-02 04:04:05+01:00", utc(2024, 1, 2, 3, 4, 5)},
		{"2024-01-02", utc(2024, 1, 2, 0, 0, 0)},
		{int64(1704164645), utc(2024, 1, 2, 3, 4, 5)},
		{int64(1704164645000), utc(2024, 1, 2, 3, 4, 5)},
		{float64(2460311.5), utc(2024, 1, 2, 0, 0, 0)}, // julianday('2024-01-02')
		{"not a time", time.Time{}},
		{nil, time.Time{}},
		{int64(0), time.Time{}},
	} {
		got := timeFromValue(tc.in)
		if (got == nil) != tc.want.IsZero() || (got != nil && !got.Equal(tc.want)) {
			t.Errorf("timeFromValue(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
