package connectors

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math"
	"math/big"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

// The tests run against a real PostgreSQL server: the one at
// $MESHPORT_TEST_POSTGRES_URL, or the local one with trust authentication.
// Each test gets a database of its own, meshport_conn_<hex>, dropped when it
// ends. An unreachable server fails the tests rather than skipping them.
const (
	pgTestURLEnv     = "MESHPORT_TEST_POSTGRES_URL"
	pgTestDefaultURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	pgTestSecret     = "S3cretPW"
)

func pgTestAdminURL() string {
	if u := os.Getenv(pgTestURLEnv); u != "" {
		return u
	}
	return pgTestDefaultURL
}

func pgTestHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// pgTestURL returns the admin URL with another database and, when user is
// not empty, another user and password.
func pgTestURL(t testing.TB, database, user, password string) string {
	t.Helper()
	storetest.NeedsService(t, "PostgreSQL")
	u, err := url.Parse(pgTestAdminURL())
	if err != nil {
		t.Fatalf("parse %s: %v", pgTestURLEnv, err)
	}
	u.Path = "/" + database
	u.RawPath = ""
	if user != "" {
		if password != "" {
			u.User = url.UserPassword(user, password)
		} else {
			u.User = url.User(user)
		}
	}
	return u.String()
}

// pgTestConnect opens a plain pgx connection for setting up and checking,
// closed when the test ends.
func pgTestConnect(t testing.TB, dsn string) *pgx.Conn {
	t.Helper()
	storetest.NeedsService(t, "PostgreSQL")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("PostgreSQL is not reachable: %v\nStart the local server with:\n"+
			"    pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"+
			"or point the tests at another server (a user allowed to create databases and roles) with:\n"+
			"    %s=postgres://user:password@host:5432/postgres?sslmode=disable", err, pgTestURLEnv)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// pgTestDB creates an empty database, dropped when the test ends, and
// returns its URL (as the admin user) and a connection to it.
func pgTestDB(t testing.TB) (string, *pgx.Conn) {
	t.Helper()
	admin := pgTestConnect(t, pgTestAdminURL())
	name := "meshport_conn_" + pgTestHex(8)
	pgTestExec(t, admin, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.Exec(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{name}.Sanitize()+` WITH (FORCE)`); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	dsn := pgTestURL(t, name, "", "")
	return dsn, pgTestConnect(t, dsn)
}

func pgTestExec(t testing.TB, conn *pgx.Conn, sql string, args ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func pgTestOpen(t testing.TB, s models.SourceSettings, p models.SourcePolicy) Connector {
	t.Helper()
	s.Kind = models.KindPostgres
	c, err := Open(s, p)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func pgTestCrawl(t testing.TB, c Connector) *models.CrawlSnapshot {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	snap, err := c.Crawl(ctx, nil)
	if err != nil {
		t.Fatalf("crawl: %v (%#v)", err, err)
	}
	return snap
}

func pgTestAssets(snap *models.CrawlSnapshot) map[string]models.ObservedAsset {
	m := map[string]models.ObservedAsset{}
	for _, o := range snap.Assets {
		m[o.Key()] = o
	}
	return m
}

func pgTestKeys(snap *models.CrawlSnapshot) []string {
	var keys []string
	for _, o := range snap.Assets {
		keys = append(keys, o.Key())
	}
	sort.Strings(keys)
	return keys
}

func pgTestVersionNum(t testing.TB, conn *pgx.Conn) int {
	t.Helper()
	var n int
	if err := conn.QueryRow(context.Background(), `SELECT current_setting('server_version_num')::int`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func pgTestVersion(t testing.TB, conn *pgx.Conn) string {
	t.Helper()
	var v string
	if err := conn.QueryRow(context.Background(), `SHOW server_version`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return "PostgreSQL " + strings.Fields(v)[0]
}

func pgTestLoadPagila(t testing.TB, dsn string) {
	t.Helper()
	dir := filepath.Join("testdata", "pagila")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", dsn,
		"-f", filepath.Join(dir, "pagila-schema.sql"), "-f", filepath.Join(dir, "pagila-data.sql"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("load pagila with psql: %v\n%s", err, out)
	}
}

func pgI64(p *int64) string {
	if p == nil {
		return "nil"
	}
	return strconv.FormatInt(*p, 10)
}

func pgTime(p *time.Time) string {
	if p == nil {
		return "nil"
	}
	return p.UTC().Format(time.RFC3339Nano)
}

func TestPostgresPagila(t *testing.T) {
	t.Parallel()
	dsn, conn := pgTestDB(t)
	pgTestLoadPagila(t, dsn)
	// VACUUM writes the visibility and free space maps, so that autovacuum
	// does not change the sizes between the crawl and the check.
	pgTestExec(t, conn, `VACUUM ANALYZE`)
	pgTestSettleStats(t, conn)
	ctx := context.Background()

	c := pgTestOpen(t, models.SourceSettings{DSN: dsn}, models.SourcePolicy{AllowLoopback: true})
	var calls []int
	snap, err := c.Crawl(ctx, func(n int) { calls = append(calls, n) })
	if err != nil {
		t.Fatalf("crawl: %v", err)
	}

	// What PostgreSQL says, read independently of the connector.
	type rel struct {
		kind               string
		partition          bool
		parent             string
		size               int64
		reltuples          float64
		ins, upd, del, seq *int64
		idx                *int64
		hasStats           bool
	}
	want := map[string]*rel{}
	rows, err := conn.Query(ctx, `SELECT c.relname::text, c.relkind::text, c.relispartition,
			coalesce((SELECT p.relname::text FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE i.inhrelid = c.oid), ''),
			pg_total_relation_size(c.oid), c.reltuples::float8
		FROM pg_class c
		WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		r := &rel{}
		if err := rows.Scan(&name, &r.kind, &r.partition, &r.parent, &r.size, &r.reltuples); err != nil {
			t.Fatal(err)
		}
		want["public."+name] = r
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows, err = conn.Query(ctx, `SELECT relname::text, n_tup_ins, n_tup_upd, n_tup_del, seq_scan, idx_scan
		FROM pg_stat_user_tables WHERE schemaname = 'public'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		var ins, upd, del, seq int64
		var idx *int64
		if err := rows.Scan(&name, &ins, &upd, &del, &seq, &idx); err != nil {
			t.Fatal(err)
		}
		r := want["public."+name]
		if r == nil {
			t.Fatalf("pg_stat_user_tables has %s, pg_class not", name)
		}
		r.ins, r.upd, r.del, r.seq, r.idx, r.hasStats = &ins, &upd, &del, &seq, idx, true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}

	// The same relations, no more, no fewer.
	var wantKeys []string
	for k := range want {
		wantKeys = append(wantKeys, k)
	}
	sort.Strings(wantKeys)
	if got := pgTestKeys(snap); !reflect.DeepEqual(got, wantKeys) {
		t.Fatalf("assets:\n got %v\nwant %v", got, wantKeys)
	}

	// The known shape of Pagila.
	counts := map[models.AssetKind]int{}
	for _, o := range snap.Assets {
		counts[o.Kind]++
	}
	wantCounts := map[models.AssetKind]int{models.AssetTable: 14, models.AssetPartition: 7, models.AssetPartitionedTable: 1, models.AssetView: 7, models.AssetMaterializedView: 1}
	if !reflect.DeepEqual(counts, wantCounts) {
		t.Errorf("kinds: got %v, want %v", counts, wantCounts)
	}
	if len(snap.Assets) != 30 {
		t.Errorf("got %d assets, want 30", len(snap.Assets))
	}

	kindOf := map[string]models.AssetKind{"r": models.AssetTable, "p": models.AssetPartitionedTable, "v": models.AssetView, "m": models.AssetMaterializedView, "f": models.AssetForeignTable}
	for _, o := range snap.Assets {
		w := want[o.Key()]
		if o.Schema != "public" {
			t.Errorf("%s: schema %q", o.Key(), o.Schema)
		}
		wantKind := kindOf[w.kind]
		if w.partition {
			wantKind = models.AssetPartition
		}
		if o.Kind != wantKind {
			t.Errorf("%s: kind %q, want %q", o.Key(), o.Kind, wantKind)
		}
		if o.Parent != w.parent {
			t.Errorf("%s: parent %q, want %q", o.Key(), o.Parent, w.parent)
		}
		if len(o.Columns) == 0 {
			t.Errorf("%s: no columns", o.Key())
		}
		if o.FreshnessValue != nil || o.LastModified != nil || o.FileCount != nil || o.Reads != nil {
			t.Errorf("%s: fields PostgreSQL does not give are set: %+v", o.Key(), o)
		}
		if w.kind == "v" {
			if o.SizeBytes != nil || o.RowEstimate != nil || o.Inserts != nil || o.Updates != nil ||
				o.Deletes != nil || o.SeqScans != nil || o.IdxScans != nil || o.LastRead != nil {
				t.Errorf("%s: a view has size, rows or counters: %+v", o.Key(), o)
			}
			continue
		}
		if o.SizeBytes == nil || *o.SizeBytes != w.size {
			t.Errorf("%s: size %s, pg_total_relation_size %d", o.Key(), pgI64(o.SizeBytes), w.size)
		}
		if w.reltuples < 0 {
			if o.RowEstimate != nil {
				t.Errorf("%s: row estimate %d for a relation never analyzed", o.Key(), *o.RowEstimate)
			}
		} else if o.RowEstimate == nil || *o.RowEstimate != int64(math.Round(w.reltuples)) {
			t.Errorf("%s: row estimate %s, reltuples %v", o.Key(), pgI64(o.RowEstimate), w.reltuples)
		}
		if !w.hasStats {
			t.Errorf("%s: not in pg_stat_user_tables", o.Key())
			continue
		}
		wantIdx := int64(0)
		if w.idx != nil {
			wantIdx = *w.idx
		}
		if pgI64(o.Inserts) != pgI64(w.ins) || pgI64(o.Updates) != pgI64(w.upd) || pgI64(o.Deletes) != pgI64(w.del) ||
			pgI64(o.SeqScans) != pgI64(w.seq) || pgI64(o.IdxScans) != pgI64(&wantIdx) {
			t.Errorf("%s: counters ins/upd/del/seq/idx %s/%s/%s/%s/%s, pg_stat_user_tables %s/%s/%s/%s/%d", o.Key(),
				pgI64(o.Inserts), pgI64(o.Updates), pgI64(o.Deletes), pgI64(o.SeqScans), pgI64(o.IdxScans),
				pgI64(w.ins), pgI64(w.upd), pgI64(w.del), pgI64(w.seq), wantIdx)
		}
	}

	a := pgTestAssets(snap)
	for i := 1; i <= 7; i++ {
		key := fmt.Sprintf("public.payment_p2022_%02d", i)
		if o, ok := a[key]; !ok || o.Kind != models.AssetPartition || o.Parent != "payment" {
			t.Errorf("%s: %+v, want a partition of payment", key, o)
		}
	}
	if o := a["public.payment"]; o.Kind != models.AssetPartitionedTable || o.Parent != "" {
		t.Errorf("payment: %+v, want a partitioned table", o)
	}
	if o := a["public.rental_by_category"]; o.Kind != models.AssetMaterializedView || o.SizeBytes == nil || *o.SizeBytes == 0 {
		t.Errorf("rental_by_category: %+v, want a materialized view with a size", o)
	}
	for _, v := range []string{"actor_info", "customer_list", "film_list", "nicer_but_slower_film_list",
		"sales_by_film_category", "sales_by_store", "staff_list"} {
		if a["public."+v].Kind != models.AssetView {
			t.Errorf("%s: kind %q, want view", v, a["public."+v].Kind)
		}
	}
	if o := a["public.actor"]; o.Inserts == nil || *o.Inserts != 200 || o.RowEstimate == nil || *o.RowEstimate != 200 {
		t.Errorf("actor: inserts %s, rows %s; want 200 and 200", pgI64(o.Inserts), pgI64(o.RowEstimate))
	}
	wantCols := []models.Column{{Name: "actor_id", Type: "integer", Nullable: notNull}, {Name: "first_name", Type: "text", Nullable: notNull},
		{Name: "last_name", Type: "text", Nullable: notNull}, {Name: "last_update", Type: "timestamp with time zone", Nullable: notNull}}
	if got := a["public.actor"].Columns; !reflect.DeepEqual(got, wantCols) {
		t.Errorf("actor columns: %v, want %v", got, wantCols)
	}
	wantCols = []models.Column{{Name: "payment_id", Type: "integer", Nullable: notNull}, {Name: "customer_id", Type: "integer", Nullable: notNull},
		{Name: "staff_id", Type: "integer", Nullable: notNull}, {Name: "rental_id", Type: "integer", Nullable: notNull},
		{Name: "amount", Type: "numeric(5,2)", Nullable: notNull}, {Name: "payment_date", Type: "timestamp with time zone", Nullable: notNull}}
	if got := a["public.payment_p2022_03"].Columns; !reflect.DeepEqual(got, wantCols) {
		t.Errorf("payment_p2022_03 columns: %v, want %v", got, wantCols)
	}
	wantCols = []models.Column{{Name: "fid", Type: "integer"}, {Name: "title", Type: "text"}, {Name: "description", Type: "text"}, {Name: "category", Type: "text"},
		{Name: "price", Type: "numeric(4,2)"}, {Name: "length", Type: "smallint"}, {Name: "rating", Type: "mpaa_rating"}, {Name: "actors", Type: "text"}}
	if got := a["public.film_list"].Columns; !reflect.DeepEqual(got, wantCols) {
		t.Errorf("film_list columns: %v, want %v", got, wantCols)
	}

	// LastRead exists from PostgreSQL 16 on.
	if pgTestVersionNum(t, conn) < 160000 {
		for _, o := range snap.Assets {
			if o.LastRead != nil {
				t.Errorf("%s: LastRead %v before PostgreSQL 16", o.Key(), o.LastRead)
			}
		}
	} else if o := a["public.actor"]; o.LastRead == nil {
		t.Errorf("actor: no LastRead on PostgreSQL 16+")
	}

	if want := pgTestVersion(t, conn); snap.ServerVersion != want {
		t.Errorf("server version %q, want %q", snap.ServerVersion, want)
	}
	if !snap.UsageKnown || snap.UsageNote != "" {
		t.Errorf("usage known %v (%q), want true", snap.UsageKnown, snap.UsageNote)
	}
	if !strings.Contains(snap.CountersEpoch, "/") || len(snap.CountersEpoch) < 5 {
		t.Errorf("counters epoch %q", snap.CountersEpoch)
	}
	if len(calls) < 2 || calls[len(calls)-1] != len(snap.Assets) {
		t.Errorf("progress calls %v, want at least two ending at %d", calls, len(snap.Assets))
	}

	res, err := c.Test(ctx)
	if err != nil {
		t.Fatalf("test: %v", err)
	}
	var db string
	if err := conn.QueryRow(ctx, `SELECT current_database()`).Scan(&db); err != nil {
		t.Fatal(err)
	}
	wantSummary := fmt.Sprintf("Connected as postgres to %s on %s: 1 schema, 30 tables and views visible; statistics readable.",
		db, pgTestVersion(t, conn))
	if res.Summary != wantSummary || res.Assets != 30 || res.ServerVersion != snap.ServerVersion {
		t.Errorf("test result %+v, want summary %q and 30 assets", res, wantSummary)
	}
}

// pgTestWaitStats polls until cond holds on the statistics views; a
// backend's counters reach them some time after its transactions end.
func pgTestWaitStats(t testing.TB, conn *pgx.Conn, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("statistics did not show %s within 20s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// pgTestSettleStats waits until the counters of conn's session and of
// sessions that ended have reached the statistics views: the views stay
// the same for a second.
func pgTestSettleStats(t testing.TB, conn *pgx.Conn) {
	t.Helper()
	ctx := context.Background()
	if pgTestVersionNum(t, conn) >= 150000 {
		pgTestExec(t, conn, `SELECT pg_stat_force_next_flush()`)
	}
	last, stable := "", 0
	deadline := time.Now().Add(20 * time.Second)
	for stable < 4 {
		if time.Now().After(deadline) {
			t.Fatalf("statistics did not settle within 20s")
		}
		time.Sleep(250 * time.Millisecond)
		var now string
		if err := conn.QueryRow(ctx, `SELECT count(*)::text || '/' || coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del +
				seq_scan + coalesce(idx_scan, 0)), 0)::text FROM pg_stat_user_tables`).Scan(&now); err != nil {
			t.Fatal(err)
		}
		if now == last {
			stable++
		} else {
			last, stable = now, 0
		}
	}
}

func pgTestCounter(t testing.TB, conn *pgx.Conn, table, column string) int64 {
	t.Helper()
	var n *int64
	err := conn.QueryRow(context.Background(),
		`SELECT `+pgx.Identifier{column}.Sanitize()+` FROM pg_stat_user_tables WHERE relid = $1::regclass`, table).Scan(&n)
	if err != nil {
		t.Fatalf("%s of %s: %v", column, table, err)
	}
	if n == nil {
		return 0
	}
	return *n
}

// pgTestSalesDB builds a database with names that need quoting, a
// partitioned table, a view and a materialized view.
func pgTestSalesDB(t testing.TB) (string, *pgx.Conn) {
	dsn, conn := pgTestDB(t)
	pgTestExec(t, conn, `
		CREATE SCHEMA "Sales Data";
		CREATE TABLE "Sales Data"."Bestellungen Ü" (
			id serial PRIMARY KEY,
			created_at timestamptz NOT NULL,
			amount numeric(10,2));
		INSERT INTO "Sales Data"."Bestellungen Ü" (created_at, amount) VALUES
			('2024-01-02 03:04:05.123456+00', 10), ('2024-02-03 04:05:06+00', 250);
		CREATE VIEW "Sales Data"."Große Bestellungen" AS
			SELECT * FROM "Sales Data"."Bestellungen Ü" WHERE amount > 100;
		CREATE TABLE public.events (id bigint, at date NOT NULL, note text) PARTITION BY RANGE (at);
		CREATE TABLE public.events_2023 PARTITION OF public.events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
		CREATE TABLE public.events_2024 PARTITION OF public.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
		INSERT INTO public.events VALUES (1, '2023-05-06', 'a'), (2, '2023-07-08', 'b'), (3, '2024-03-05', 'c');
		CREATE MATERIALIZED VIEW public.daily AS SELECT at, count(*) AS n FROM public.events GROUP BY at;
		CREATE TABLE public.customers (id int PRIMARY KEY, name text);
		INSERT INTO public.customers SELECT i, 'customer ' || i FROM generate_series(1, 100) i;
		CREATE TABLE public.notes (id int, body text, written timestamp);
		INSERT INTO public.notes VALUES (1, 'a', '2023-01-01 10:00'), (2, 'b', '2023-06-01 12:30:45');
		CREATE TABLE public.untouched (id int);
		CREATE TABLE public.scratch_tmp (id int);
		ANALYZE;`)
	pgTestSettleStats(t, conn)
	return dsn, conn
}

func TestPostgresCountersAndFreshness(t *testing.T) {
	t.Parallel()
	dsn, conn := pgTestSalesDB(t)
	ctx := context.Background()
	settings := models.SourceSettings{
		DSN:     dsn,
		Exclude: []string{"public.scratch_*"},
		FreshnessColumns: map[string]string{
			"Sales Data.Bestellungen Ü": "created_at", // timestamptz
			"public.events":             "at",         // date, over partitions
			"public.notes":              "written",    // timestamp without time zone
			"public.customers":          "name",       // text: left nil
			"public.untouched":          "missing",    // no such column: left nil
		},
	}
	c := pgTestOpen(t, settings, models.SourcePolicy{AllowLoopback: true})
	first := pgTestCrawl(t, c)

	wantKeys := []string{"Sales Data.Bestellungen Ü", "Sales Data.Große Bestellungen", "public.customers", "public.daily",
		"public.events", "public.events_2023", "public.events_2024", "public.notes", "public.untouched"}
	if got := pgTestKeys(first); !reflect.DeepEqual(got, wantKeys) {
		t.Fatalf("assets %q, want %q", got, wantKeys)
	}
	a := pgTestAssets(first)
	b := a["Sales Data.Bestellungen Ü"]
	if b.Schema != "Sales Data" || b.Name != "Bestellungen Ü" || b.Kind != models.AssetTable {
		t.Errorf("Bestellungen Ü: %+v", b)
	}
	wantCols := []models.Column{{Name: "id", Type: "integer", Nullable: notNull}, {Name: "created_at", Type: "timestamp with time zone", Nullable: notNull},
		{Name: "amount", Type: "numeric(10,2)", Nullable: isNullable}}
	if !reflect.DeepEqual(b.Columns, wantCols) {
		t.Errorf("Bestellungen Ü columns %s, want %s", colsText(b.Columns), colsText(wantCols))
	}
	// A view's and a materialized view's columns: nullability unknown
	// (PostgreSQL keeps no NOT NULL for them).
	for _, key := range []string{"Sales Data.Große Bestellungen", "public.daily"} {
		for _, col := range a[key].Columns {
			if col.Nullable != nil {
				t.Errorf("%s.%s nullable %v, want unknown", key, col.Name, *col.Nullable)
			}
		}
	}
	// Partitions and the partitioned table: as declared (at NOT NULL).
	for _, key := range []string{"public.events", "public.events_2023"} {
		want := []models.Column{{Name: "id", Type: "bigint", Nullable: isNullable}, {Name: "at", Type: "date", Nullable: notNull}, {Name: "note", Type: "text", Nullable: isNullable}}
		if got := a[key].Columns; !reflect.DeepEqual(got, want) {
			t.Errorf("%s columns %s, want %s", key, colsText(got), colsText(want))
		}
	}
	if b.RowEstimate == nil || *b.RowEstimate != 2 || b.SizeBytes == nil || *b.SizeBytes == 0 {
		t.Errorf("Bestellungen Ü: rows %s, size %s", pgI64(b.RowEstimate), pgI64(b.SizeBytes))
	}
	if v := a["Sales Data.Große Bestellungen"]; v.Kind != models.AssetView || v.SizeBytes != nil || v.SeqScans != nil || len(v.Columns) != 3 {
		t.Errorf("Große Bestellungen: %+v", v)
	}
	if e := a["public.events"]; e.Kind != models.AssetPartitionedTable || e.Parent != "" {
		t.Errorf("events: %+v", e)
	}
	for _, p := range []string{"public.events_2023", "public.events_2024"} {
		if e := a[p]; e.Kind != models.AssetPartition || e.Parent != "events" {
			t.Errorf("%s: kind %q parent %q", p, e.Kind, e.Parent)
		}
	}
	if m := a["public.daily"]; m.Kind != models.AssetMaterializedView || m.SizeBytes == nil || m.RowEstimate == nil || *m.RowEstimate != 3 {
		t.Errorf("daily: %+v", m)
	}

	date := func(y int, m time.Month, d, h, min, s, ns int) time.Time {
		return time.Date(y, m, d, h, min, s, ns, time.UTC)
	}
	checkFreshness := func(snap *models.CrawlSnapshot, key string, want *time.Time) {
		t.Helper()
		got := pgTestAssets(snap)[key].FreshnessValue
		if (got == nil) != (want == nil) || (got != nil && !got.Equal(*want)) {
			t.Errorf("%s: freshness %s, want %s", key, pgTime(got), pgTime(want))
		}
	}
	t1 := date(2024, 2, 3, 4, 5, 6, 0)
	checkFreshness(first, "Sales Data.Bestellungen Ü", &t1)
	t2 := date(2024, 3, 5, 0, 0, 0, 0)
	checkFreshness(first, "public.events", &t2)
	t3 := date(2023, 6, 1, 12, 30, 45, 0)
	checkFreshness(first, "public.notes", &t3)
	checkFreshness(first, "public.customers", nil)
	checkFreshness(first, "public.untouched", nil)
	checkFreshness(first, "public.events_2023", nil)
	// Why a configured column gave no time is said, for the run's warnings.
	for key, want := range map[string]string{
		"public.customers":          `freshness column "name" is not a date or timestamp`,
		"public.untouched":          `freshness column "missing" does not exist`,
		"public.notes":              "",
		"Sales Data.Bestellungen Ü": "",
		"public.events_2023":        "", // none configured
	} {
		if got := pgTestAssets(first)[key].FreshnessNote; got != want {
			t.Errorf("%s: freshness note %q, want %q", key, got, want)
		}
	}

	// Write to some tables and read others, in one session whose
	// statistics are then flushed.
	work := pgTestConnect(t, dsn)
	pgTestExec(t, work, `INSERT INTO "Sales Data"."Bestellungen Ü" (created_at, amount) VALUES
		('2024-04-05 06:07:08.5+02', 1), ('2024-04-01 00:00:00+00', 2), ('2023-12-31 23:59:59+00', 3)`)
	pgTestExec(t, work, `SET enable_seqscan = off`)
	pgTestExec(t, work, `SELECT name FROM public.customers WHERE id = 42`)
	pgTestExec(t, work, `RESET enable_seqscan`)
	pgTestExec(t, work, `SELECT count(*) FROM public.events_2023`)
	pgTestExec(t, work, `UPDATE public.notes SET body = body || '!'`)
	pgTestExec(t, work, `DELETE FROM public.notes WHERE body = 'b!'`)
	if pgTestVersionNum(t, work) >= 150000 {
		pgTestExec(t, work, `SELECT pg_stat_force_next_flush()`)
	}
	_ = work.Close(ctx)

	n := func(p *int64) int64 {
		if p == nil {
			t.Fatalf("a counter is nil")
		}
		return *p
	}
	before := func(key string) models.ObservedAsset { return a[key] }
	pgTestWaitStats(t, conn, "the work", func() bool {
		return pgTestCounter(t, conn, `"Sales Data"."Bestellungen Ü"`, "n_tup_ins") >= n(before("Sales Data.Bestellungen Ü").Inserts)+3 &&
			pgTestCounter(t, conn, "public.customers", "idx_scan") >= n(before("public.customers").IdxScans)+1 &&
			pgTestCounter(t, conn, "public.events_2023", "seq_scan") >= n(before("public.events_2023").SeqScans)+1 &&
			pgTestCounter(t, conn, "public.notes", "n_tup_del") >= n(before("public.notes").Deletes)+1
	})

	second := pgTestCrawl(t, c)
	if got := pgTestKeys(second); !reflect.DeepEqual(got, wantKeys) {
		t.Fatalf("second crawl: assets %q, want %q", got, wantKeys)
	}
	type delta struct{ ins, upd, del, seq, idx int64 }
	want := map[string]delta{
		"Sales Data.Bestellungen Ü": {ins: 3},
		"public.customers":          {idx: 1},
		"public.events_2023":        {seq: 1},
		"public.notes":              {upd: 2, del: 1, seq: 2},
	}
	for _, o := range second.Assets {
		p := a[o.Key()]
		if o.Kind == models.AssetView {
			if o.Inserts != nil || o.SeqScans != nil || o.IdxScans != nil {
				t.Errorf("%s: a view has counters", o.Key())
			}
			continue
		}
		got := delta{n(o.Inserts) - n(p.Inserts), n(o.Updates) - n(p.Updates), n(o.Deletes) - n(p.Deletes),
			n(o.SeqScans) - n(p.SeqScans), n(o.IdxScans) - n(p.IdxScans)}
		if got != want[o.Key()] {
			t.Errorf("%s: counters moved by %+v, want %+v", o.Key(), got, want[o.Key()])
		}
	}
	t4 := date(2024, 4, 5, 4, 7, 8, 500000000)
	checkFreshness(second, "Sales Data.Bestellungen Ü", &t4)
	var independent time.Time
	if err := conn.QueryRow(ctx, `SELECT max(created_at) FROM "Sales Data"."Bestellungen Ü"`).Scan(&independent); err != nil {
		t.Fatal(err)
	}
	checkFreshness(second, "Sales Data.Bestellungen Ü", &independent)
	t5 := date(2023, 1, 1, 10, 0, 0, 0) // the later note was deleted
	checkFreshness(second, "public.notes", &t5)
	if second.CountersEpoch != first.CountersEpoch {
		t.Errorf("counters epoch changed without a reset: %q then %q", first.CountersEpoch, second.CountersEpoch)
	}

	// Include and Exclude on "schema.name".
	for _, tc := range []struct {
		include, exclude []string
		want             []string
	}{
		{[]string{"Sales Data.*"}, nil, []string{"Sales Data.Bestellungen Ü", "Sales Data.Große Bestellungen"}},
		{[]string{"public.events*"}, []string{"public.events_2024"}, []string{"public.events", "public.events_2023"}},
		{[]string{"*.*Ü", "public.untouched"}, nil, []string{"Sales Data.Bestellungen Ü", "public.untouched"}},
		{nil, []string{"public.*"}, []string{"Sales Data.Bestellungen Ü", "Sales Data.Große Bestellungen"}},
		{[]string{"public.untouched"}, []string{"public.untouched"}, nil},
	} {
		fc := pgTestOpen(t, models.SourceSettings{DSN: dsn, Include: tc.include, Exclude: tc.exclude}, models.SourcePolicy{AllowLoopback: true})
		if got := pgTestKeys(pgTestCrawl(t, fc)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("include %q exclude %q: %q, want %q", tc.include, tc.exclude, got, tc.want)
		}
		res, err := fc.Test(ctx)
		if err != nil || res.Assets != len(tc.want) {
			t.Errorf("include %q exclude %q: test %+v, %v; want %d assets", tc.include, tc.exclude, res, err, len(tc.want))
		}
	}
}

func TestPostgresStatsReset(t *testing.T) {
	t.Parallel()
	dsn, conn := pgTestDB(t)
	pgTestExec(t, conn, `CREATE TABLE t (id int); INSERT INTO t VALUES (1)`)
	pgTestSettleStats(t, conn)
	c := pgTestOpen(t, models.SourceSettings{DSN: dsn}, models.SourcePolicy{AllowLoopback: true})
	first := pgTestCrawl(t, c)
	second := pgTestCrawl(t, c)
	if first.CountersEpoch == "" || first.CountersEpoch != second.CountersEpoch {
		t.Fatalf("epochs %q and %q, want the same without a reset", first.CountersEpoch, second.CountersEpoch)
	}
	pgTestExec(t, conn, `SELECT pg_stat_reset()`)
	third := pgTestCrawl(t, c)
	if third.CountersEpoch == second.CountersEpoch {
		t.Errorf("epoch %q did not change after pg_stat_reset()", third.CountersEpoch)
	}
	if o := pgTestAssets(third)["public.t"]; o.Inserts == nil || *o.Inserts != 0 {
		t.Errorf("inserts after the reset: %s, want 0", pgI64(o.Inserts))
	}
}

func TestPostgresDroppedTable(t *testing.T) {
	t.Parallel()
	dsn, conn := pgTestDB(t)
	pgTestExec(t, conn, `CREATE TABLE keep (id int); CREATE TABLE gone (id int)`)
	c := pgTestOpen(t, models.SourceSettings{DSN: dsn}, models.SourcePolicy{AllowLoopback: true})
	first := pgTestCrawl(t, c)
	if got := pgTestKeys(first); !reflect.DeepEqual(got, []string{"public.gone", "public.keep"}) {
		t.Fatalf("first crawl %q", got)
	}
	// Never analyzed: PostgreSQL 14+ keeps reltuples = -1, which is no
	// estimate rather than zero rows.
	if o := pgTestAssets(first)["public.keep"]; pgTestVersionNum(t, conn) >= 140000 && o.RowEstimate != nil {
		t.Errorf("row estimate %d for a table never analyzed", *o.RowEstimate)
	}
	pgTestExec(t, conn, `DROP TABLE gone`)
	if got := pgTestKeys(pgTestCrawl(t, c)); !reflect.DeepEqual(got, []string{"public.keep"}) {
		t.Errorf("second crawl %q, want only public.keep", got)
	}
}

// A role that may connect but read no table still crawls: the catalogs and
// the statistics views show it what exists; the freshness max() it may not
// run is left out.
func TestPostgresUnprivilegedRole(t *testing.T) {
	t.Parallel()
	admin := pgTestConnect(t, pgTestAdminURL())
	role := "meshport_ro_" + pgTestHex(6)
	pgTestExec(t, admin, `CREATE ROLE `+role+` LOGIN`)
	t.Cleanup(func() {
		if _, err := admin.Exec(context.Background(), `DROP ROLE IF EXISTS `+role); err != nil {
			t.Errorf("drop role: %v", err)
		}
	})
	dsn, conn := pgTestDB(t) // dropped before the role: cleanups run last first
	pgTestExec(t, conn, `CREATE TABLE secret (id int, at timestamptz); INSERT INTO secret VALUES (1, now());
		CREATE VIEW secret_view AS SELECT * FROM secret; ANALYZE`)
	pgTestSettleStats(t, conn)
	u, _ := url.Parse(dsn)
	u.User = url.User(role)
	c := pgTestOpen(t, models.SourceSettings{DSN: u.String(), FreshnessColumns: map[string]string{"public.secret": "at"}},
		models.SourcePolicy{AllowLoopback: true})
	snap := pgTestCrawl(t, c)
	if got := pgTestKeys(snap); !reflect.DeepEqual(got, []string{"public.secret", "public.secret_view"}) {
		t.Fatalf("assets %q", got)
	}
	o := pgTestAssets(snap)["public.secret"]
	if o.SizeBytes == nil || o.RowEstimate == nil || *o.RowEstimate != 1 || o.Inserts == nil || *o.Inserts != 1 {
		t.Errorf("secret: size %s rows %s inserts %s", pgI64(o.SizeBytes), pgI64(o.RowEstimate), pgI64(o.Inserts))
	}
	if o.FreshnessValue != nil {
		t.Errorf("freshness %v read without SELECT privilege", o.FreshnessValue)
	}
	if want := `freshness column "at" could not be read: permission denied for table secret`; o.FreshnessNote != want {
		t.Errorf("freshness note %q, want %q", o.FreshnessNote, want)
	}
	res, err := c.Test(context.Background())
	if err != nil || !strings.HasPrefix(res.Summary, "Connected as "+role+" to ") || res.Assets != 2 {
		t.Errorf("test: %+v, %v", res, err)
	}
}

// A table locked by another session makes the crawl fail with a timeout
// within the statement or lock timeout, or the caller's deadline.
//
// Not parallel: it changes pgMaxLockTimeout, which every crawl reads.
func TestPostgresLockedTable(t *testing.T) {
	dsn, conn := pgTestDB(t)
	pgTestExec(t, conn, `CREATE TABLE busy (id int)`)
	locker := pgTestConnect(t, dsn)
	pgTestExec(t, locker, `BEGIN; LOCK TABLE busy IN ACCESS EXCLUSIVE MODE`)

	defer func(d time.Duration) { pgMaxLockTimeout = d }(pgMaxLockTimeout)
	for _, tc := range []struct {
		name      string
		statement time.Duration
		lock      time.Duration
		deadline  time.Duration
	}{
		{"statement timeout", 500 * time.Millisecond, time.Minute, time.Minute},
		{"lock timeout", time.Minute, 500 * time.Millisecond, time.Minute},
		{"caller deadline", time.Minute, time.Minute, time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pgMaxLockTimeout = tc.lock
			c := pgTestOpen(t, models.SourceSettings{DSN: dsn, StatementTimeout: tc.statement}, models.SourcePolicy{AllowLoopback: true})
			ctx, cancel := context.WithTimeout(context.Background(), tc.deadline)
			defer cancel()
			start := time.Now()
			_, err := c.Crawl(ctx, nil)
			took := time.Since(start)
			var e *models.SourceError
			if !errors.As(err, &e) || e.Reason != models.FailureTimeout {
				t.Fatalf("crawl of a locked table: %v (%#v), want a timeout", err, err)
			}
			t.Logf("%s after %s", e.Message, took.Round(time.Millisecond))
			if took > 3*time.Second {
				t.Errorf("took %s", took)
			}
		})
	}
	pgMaxLockTimeout = time.Minute
	pgTestExec(t, locker, `ROLLBACK`)
	c := pgTestOpen(t, models.SourceSettings{DSN: dsn, StatementTimeout: 500 * time.Millisecond}, models.SourcePolicy{AllowLoopback: true})
	if got := pgTestKeys(pgTestCrawl(t, c)); !reflect.DeepEqual(got, []string{"public.busy"}) {
		t.Errorf("after the lock: %q", got)
	}
}

// pgTestNoSecret fails when the DSN's password shows anywhere in err.
func pgTestNoSecret(t *testing.T, err error) {
	t.Helper()
	for e := err; e != nil; e = errors.Unwrap(e) {
		for _, s := range []string{e.Error(), fmt.Sprintf("%v", e), fmt.Sprintf("%+v", e)} {
			if strings.Contains(s, pgTestSecret) {
				t.Errorf("the password shows in the error: %q", s)
			}
		}
	}
}

func pgTestFail(t *testing.T, dsn string, p models.SourcePolicy, timeout time.Duration, reason string, mentions ...string) {
	t.Helper()
	c, err := openPostgres(models.SourceSettings{Kind: models.KindPostgres, DSN: dsn}, p)
	if err == nil {
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		start := time.Now()
		_, err = c.Test(ctx)
		if took := time.Since(start); took > timeout+500*time.Millisecond {
			t.Errorf("took %s, longer than the caller's %s", took, timeout)
		}
		if err == nil {
			t.Fatalf("%s: connected, want %s", dsn, reason)
		}
		_, crawlErr := c.Crawl(ctx, nil)
		var ce *models.SourceError
		if !errors.As(crawlErr, &ce) || (ce.Reason != reason && !(reason == models.FailureUnreachable && ce.Reason == models.FailureTimeout)) {
			t.Errorf("crawl: %v, want %s", crawlErr, reason)
		}
		pgTestNoSecret(t, crawlErr)
	}
	var e *models.SourceError
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *models.SourceError", err, err)
	}
	t.Logf("%s: %s", e.Reason, e.Message)
	if e.Reason != reason {
		t.Errorf("reason %q (%q), want %q", e.Reason, e.Message, reason)
	}
	if e.Error() != e.Message || e.Message == "" {
		t.Errorf("message %q", e.Message)
	}
	for _, m := range mentions {
		if !strings.Contains(e.Message, m) {
			t.Errorf("message %q does not mention %q", e.Message, m)
		}
	}
	pgTestNoSecret(t, err)
}

func TestPostgresFaults(t *testing.T) {
	_ = pgTestConnect(t, pgTestAdminURL()) // the server is up
	loop := models.SourcePolicy{AllowLoopback: true}
	secretURL := func(host, db string) string {
		u, _ := url.Parse(pgTestAdminURL())
		u.User = url.UserPassword("postgres", pgTestSecret)
		if host != "" {
			u.Host = host
		}
		if db != "" {
			u.Path = "/" + db
		}
		return u.String()
	}

	t.Run("unknown role", func(t *testing.T) {
		u, _ := url.Parse(secretURL("", ""))
		u.User = url.UserPassword("nosuchrole_"+pgTestHex(4), pgTestSecret)
		pgTestFail(t, u.String(), loop, 5*time.Second, models.FailureAuth, "The server refused the user name or password.")
	})
	t.Run("no database", func(t *testing.T) {
		db := "meshport_conn_missing_" + pgTestHex(4)
		pgTestFail(t, secretURL("", db), loop, 5*time.Second, models.FailureNoDatabase, db)
	})
	t.Run("closed port", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
		_ = l.Close()
		pgTestFail(t, secretURL("127.0.0.1:"+port, ""), loop, 3*time.Second, models.FailureUnreachable,
			"The host 127.0.0.1 did not answer on port "+port, "refused")
	})
	t.Run("unroutable host", func(t *testing.T) {
		// Where the network drops the packets, the caller's deadline
		// ends the wait; where something else answers (a proxy), it is
		// told apart from a PostgreSQL server. Either way it is quick.
		pgTestFail(t, secretURL("10.255.255.1:5432", ""), loop, 3*time.Second, models.FailureUnreachable,
			"The host 10.255.255.1 ", "on port 5432")
	})
	t.Run("silent host", func(t *testing.T) {
		// A host that accepts the connection and never answers.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		var (
			mu   sync.Mutex
			held []net.Conn
		)
		defer func() {
			mu.Lock()
			defer mu.Unlock()
			for _, c := range held {
				_ = c.Close()
			}
		}()
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				mu.Lock()
				held = append(held, c)
				mu.Unlock()
			}
		}()
		port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
		start := time.Now()
		pgTestFail(t, secretURL("127.0.0.1:"+port, ""), loop, 2*time.Second, models.FailureUnreachable,
			"The host 127.0.0.1 did not answer on port "+port+" within")
		if took := time.Since(start); took < 2*time.Second {
			t.Errorf("gave up after %s, before the caller's 2s", took)
		}

		// Connecting never takes longer than pgMaxConnectTimeout, whatever
		// the caller allows.
		defer func(d time.Duration) { pgMaxConnectTimeout = d }(pgMaxConnectTimeout)
		pgMaxConnectTimeout = 500 * time.Millisecond
		c, err := openPostgres(models.SourceSettings{DSN: secretURL("127.0.0.1:"+port, "")}, loop)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		start = time.Now()
		_, err = c.Test(ctx)
		var e *models.SourceError
		if took := time.Since(start); !errors.As(err, &e) || e.Reason != models.FailureUnreachable || took > 2*time.Second {
			t.Errorf("with a 30s deadline: %v after %s, want unreachable after the connect timeout", err, took)
		}
	})
	t.Run("not a PostgreSQL server", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				_, _ = c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"))
				_ = c.Close()
			}
		}()
		port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
		pgTestFail(t, secretURL("127.0.0.1:"+port, ""), loop, 3*time.Second, models.FailureUnreachable,
			"The host 127.0.0.1 answered on port "+port+", but not as a PostgreSQL server.")
	})
	t.Run("loopback refused", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		var accepted atomic.Int32
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				accepted.Add(1)
				_ = c.Close()
			}
		}()
		port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
		pgTestFail(t, secretURL("127.0.0.1:"+port, ""), models.SourcePolicy{}, 3*time.Second, models.FailurePolicy, "127.0.0.1", "loopback")
		pgTestFail(t, secretURL("localhost:"+port, ""), models.SourcePolicy{}, 3*time.Second, models.FailurePolicy, "localhost")
		time.Sleep(100 * time.Millisecond)
		if n := accepted.Load(); n != 0 {
			t.Errorf("%d connections reached the refused address", n)
		}
		// The same address is reached when loopback is allowed, so the
		// listener does see connection attempts.
		c, _ := openPostgres(models.SourceSettings{DSN: secretURL("127.0.0.1:"+port, "")}, loop)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, _ = c.Test(ctx)
		time.Sleep(100 * time.Millisecond)
		if accepted.Load() == 0 {
			t.Errorf("the listener saw no connection with loopback allowed")
		}
	})
	t.Run("metadata service refused", func(t *testing.T) {
		pgTestFail(t, secretURL("169.254.169.254:5432", ""), loop, 3*time.Second, models.FailurePolicy, "169.254.169.254")
		pgTestFail(t, secretURL("[fd00:ec2::254]:5432", ""), loop, 3*time.Second, models.FailurePolicy, "fd00:ec2::254")
	})
	t.Run("refused at dial time", func(t *testing.T) {
		// A name allowed when checked that resolves to a refused address
		// when dialled (DNS rebinding) is refused by the dialer.
		c, err := openPostgres(models.SourceSettings{DSN: secretURL("192.0.2.10:5432", "")}, models.SourcePolicy{})
		if err != nil {
			t.Fatal(err)
		}
		pc := c.(*pgConnector)
		pc.cfg.LookupFunc = func(context.Context, string) ([]string, error) { return []string{"127.0.0.1"}, nil }
		_, err = c.Test(context.Background())
		var e *models.SourceError
		if !errors.As(err, &e) || e.Reason != models.FailurePolicy || !strings.Contains(e.Message, "loopback") {
			t.Errorf("got %v (%#v), want the policy's refusal", err, err)
		}
		pgTestNoSecret(t, err)
	})
	t.Run("invalid addresses", func(t *testing.T) {
		for _, tc := range []struct{ dsn, reason string }{
			{"mysql://postgres:" + pgTestSecret + "@127.0.0.1/test", models.FailureInvalid},
			{"postgres://postgres:" + pgTestSecret + "@127.0.0.1:notaport/test", models.FailureInvalid},
			{"postgres://postgres:" + pgTestSecret + "@127.0.0.1:99999/test", models.FailureInvalid},
			{"postgres://postgres:" + pgTestSecret + "@127.0.0.1/test?servicefile=/etc/passwd&service=x", models.FailureInvalid},
			{"postgres://postgres:" + pgTestSecret + "@127.0.0.1/test?passfile=/root/.pgpass", models.FailureInvalid},
			{"postgres://postgres:" + pgTestSecret + "@127.0.0.1/test?sslkey=/etc/ssl/private/key.pem", models.FailureInvalid},
			{"postgres://postgres:" + pgTestSecret + "@/test?host=/var/run/postgresql", models.FailurePolicy},
		} {
			_, err := openPostgres(models.SourceSettings{DSN: tc.dsn}, loop)
			var e *models.SourceError
			if !errors.As(err, &e) || e.Reason != tc.reason {
				t.Errorf("%s: %v, want %s", tc.dsn, err, tc.reason)
			}
			pgTestNoSecret(t, err)
		}
	})
	t.Run("no password from the environment", func(t *testing.T) {
		t.Setenv("PGPASSWORD", "EnvPassword")
		c, err := openPostgres(models.SourceSettings{DSN: "postgres://someone@db.example.com/sales"}, models.SourcePolicy{})
		if err != nil {
			t.Fatal(err)
		}
		if pw := c.(*pgConnector).cfg.Password; pw != "" {
			t.Errorf("password %q taken from the environment", pw)
		}
		c, err = openPostgres(models.SourceSettings{DSN: "postgres://someone:" + pgTestSecret + "@db.example.com/sales"}, models.SourcePolicy{})
		if err != nil {
			t.Fatal(err)
		}
		if pw := c.(*pgConnector).cfg.Password; pw != pgTestSecret {
			t.Errorf("password %q, want the URL's", pw)
		}
	})
}

func TestPostgresScrub(t *testing.T) {
	t.Parallel()
	pw := pgTestSecret + "/&"
	for _, s := range []string{
		"cannot parse postgres://postgres:" + pgTestSecret + "@db:5432/x",
		"cannot parse postgresql://u:p%40ss@db/x",
		"password " + pw + " and " + url.QueryEscape(pw) + " and " + url.PathEscape(pw),
	} {
		got := pgScrub(s, pw)
		if strings.Contains(got, pgTestSecret) || strings.Contains(got, "p%40ss") {
			t.Errorf("pgScrub(%q) = %q", s, got)
		}
	}
	err := pgScrubbed(fmt.Errorf("wrapped: %w", context.DeadlineExceeded), "")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("the scrubbed error lost its cause")
	}
}

func TestPostgresClosed(t *testing.T) {
	t.Parallel()
	dsn, _ := pgTestDB(t)
	c := pgTestOpen(t, models.SourceSettings{DSN: dsn}, models.SourcePolicy{AllowLoopback: true})
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Crawl(context.Background(), nil); err == nil {
		t.Errorf("crawl after Close succeeded")
	}
}

// BenchmarkPostgresCrawl10kTables compares a crawl of 10,000 small tables
// with the bare size query it cannot be faster than:
//
//	go test ./jobs/connectors/ -run '^$' -bench PostgresCrawl10kTables -benchtime 5x
func BenchmarkPostgresCrawl10kTables(b *testing.B) {
	dsn, conn := pgTestDB(b)
	start := time.Now()
	for batch := 0; batch < 20; batch++ {
		pgTestExec(b, conn, fmt.Sprintf(`DO $$
			BEGIN
				FOR i IN %d..%d LOOP
					EXECUTE format('CREATE TABLE t_%%s (id int PRIMARY KEY, v text, at timestamptz DEFAULT now())', i);
					EXECUTE format('INSERT INTO t_%%s (id, v) VALUES (1, ''x'')', i);
				END LOOP;
			END $$`, batch*500+1, batch*500+500))
	}
	b.Logf("created 10,000 tables in %s", time.Since(start).Round(time.Millisecond))
	ctx := context.Background()

	b.Run("crawl", func(b *testing.B) {
		c := pgTestOpen(b, models.SourceSettings{DSN: dsn}, models.SourcePolicy{AllowLoopback: true})
		for b.Loop() {
			snap, err := c.Crawl(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			if len(snap.Assets) != 10000 {
				b.Fatalf("%d assets", len(snap.Assets))
			}
		}
	})
	b.Run("bare-query", func(b *testing.B) {
		for b.Loop() {
			bare, err := pgx.Connect(ctx, dsn)
			if err != nil {
				b.Fatal(err)
			}
			rows, err := bare.Query(ctx, `SELECT c.oid, pg_total_relation_size(c.oid)
				FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
				WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'`)
			if err != nil {
				b.Fatal(err)
			}
			count := 0
			for rows.Next() {
				var oid uint32
				var size int64
				if err := rows.Scan(&oid, &size); err != nil {
					b.Fatal(err)
				}
				count++
			}
			if rows.Err() != nil || count != 10000 {
				b.Fatalf("%d rows, %v", count, rows.Err())
			}
			_ = bare.Close(ctx)
		}
	})
}

// TestPostgresNeverUsesThePortalsIdentity: a registered host gets neither
// the portal's client certificate nor its default user.
func TestPostgresNeverUsesThePortalsIdentity(t *testing.T) {
	dir := t.TempDir()
	cert, key := writeTestClientCert(t, dir)
	t.Setenv("PGSSLCERT", cert)
	t.Setenv("PGSSLKEY", key)
	t.Setenv("PGUSER", "portal_owner")
	if _, _, err := pgParseDSN("postgres://db.example.com:5432/sales"); err == nil || !strings.Contains(err.Error(), "names no user") {
		t.Errorf("a DSN without user: %v", err)
	}
	cfg, _, err := pgParseDSN("postgres://reader@db.example.com:5432/sales")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.User != "reader" {
		t.Errorf("user %q", cfg.User)
	}
	for _, tc := range append([]*tls.Config{cfg.TLSConfig}, fallbackTLS(cfg)...) {
		if tc != nil && (len(tc.Certificates) > 0 || tc.GetClientCertificate != nil) {
			t.Fatal("the portal's client certificate would be sent to the source host")
		}
	}
}

func writeTestClientCert(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "portal_owner"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "client.crt"), filepath.Join(dir, "client.key")
	_ = os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	_ = os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
	return certFile, keyFile
}

// TestPostgresOneConnectionRole: a crawler role limited to one connection
// still crawls, sizes included (measured in its only connection).
func TestPostgresOneConnectionRole(t *testing.T) {
	t.Parallel()
	admin := pgTestConnect(t, pgTestAdminURL())
	role := "meshport_one_" + pgTestHex(6)
	pgTestExec(t, admin, `CREATE ROLE `+role+` LOGIN CONNECTION LIMIT 1`)
	t.Cleanup(func() {
		if _, err := admin.Exec(context.Background(), `DROP ROLE IF EXISTS `+role); err != nil {
			t.Errorf("drop role: %v", err)
		}
	})
	dsn, conn := pgTestDB(t)
	pgTestExec(t, conn, `CREATE TABLE t1 (id int); INSERT INTO t1 SELECT generate_series(1, 1000); CREATE TABLE t2 (id int)`)
	u, _ := url.Parse(dsn)
	u.User = url.User(role)
	snap := pgTestCrawl(t, pgTestOpen(t, models.SourceSettings{DSN: u.String()}, models.SourcePolicy{AllowLoopback: true}))
	assets := pgTestAssets(snap)
	for _, key := range []string{"public.t1", "public.t2"} {
		var want int64
		if err := conn.QueryRow(context.Background(), `SELECT pg_total_relation_size($1::regclass)`, key).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if a := assets[key]; a.SizeBytes == nil || *a.SizeBytes != want {
			t.Errorf("%s: size %s, want %d", key, pgI64(a.SizeBytes), want)
		}
	}
}
