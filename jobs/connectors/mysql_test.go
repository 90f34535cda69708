package connectors

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

// MySQLURLEnv names the admin URL of the MySQL/MariaDB server the tests
// create their databases on (a user that may create databases and users).
const MySQLURLEnv = "MESHPORT_TEST_MYSQL_URL"

const mysqlDefaultURL = "mysql://root@127.0.0.1:3306/"

const mysqlStartHint = "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd"

// mysqlServer is the server the tests use: an admin connection and the
// address and credentials to build connector DSNs from.
type mysqlServer struct {
	admin      *sql.DB
	addr       string
	user, pass string
}

func mysqlRandomHex(t *testing.T) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

func mysqlTestServer(t *testing.T) *mysqlServer {
	t.Helper()
	storetest.NeedsService(t, "MariaDB")
	adminURL := os.Getenv(MySQLURLEnv)
	if adminURL == "" {
		adminURL = mysqlDefaultURL
	}
	cfg, err := parseMySQLDSN(adminURL)
	if err != nil {
		t.Fatalf("%s: %v", MySQLURLEnv, err)
	}
	cfg.DBName = ""
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.Params = map[string]string{"time_zone": "'+00:00'"}
	cfg.Timeout = 3 * time.Second
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	admin := sql.OpenDB(connector)
	t.Cleanup(func() { admin.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		t.Fatalf("MySQL/MariaDB at %s is not reachable: %v\nStart the local MariaDB with:\n    %s\n"+
			"or point the tests at another server with %s=mysql://user:password@host:3306/",
			cfg.Addr, err, mysqlStartHint, MySQLURLEnv)
	}
	return &mysqlServer{admin: admin, addr: cfg.Addr, user: cfg.User, pass: cfg.Passwd}
}

// exec runs statements on the admin connection, in database db when set.
func (s *mysqlServer) exec(t *testing.T, db string, stmts ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := s.admin.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if db != "" {
		if _, err := conn.ExecContext(ctx, "USE "+quoteMySQLIdent(db)); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range stmts {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// database creates a database of the test's own, dropped when it ends.
func (s *mysqlServer) database(t *testing.T) string {
	t.Helper()
	name := "meshport_conn_" + mysqlRandomHex(t)
	s.exec(t, "", "CREATE DATABASE "+quoteMySQLIdent(name)+" CHARACTER SET utf8mb4")
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := s.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+quoteMySQLIdent(name)); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return name
}

// url is a connector DSN for the server as user with password to db.
func (s *mysqlServer) url(user, pass, db string) string {
	u := url.URL{Scheme: "mysql", Host: s.addr, Path: "/" + db}
	if pass != "" {
		u.User = url.UserPassword(user, pass)
	} else {
		u.User = url.User(user)
	}
	return u.String()
}

func (s *mysqlServer) adminURL(db string) string { return s.url(s.user, s.pass, db) }

var mysqlLoopback = models.SourcePolicy{AllowLoopback: true}

func mysqlOpen(t *testing.T, s models.SourceSettings) Connector {
	t.Helper()
	s.Kind = models.KindMySQL
	c, err := Open(s, mysqlLoopback)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func mysqlCrawl(t *testing.T, c Connector) *models.CrawlSnapshot {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	snap, err := c.Crawl(ctx, nil)
	if err != nil {
		t.Fatalf("Crawl: %v", err)
	}
	return snap
}

// mysqlInfo is what information_schema says of one table, read on the
// admin connection.
type mysqlInfo struct {
	size, rows sql.NullInt64
	updated    sql.NullInt64 // UNIX_TIMESTAMP(UPDATE_TIME)
}

func (s *mysqlServer) info(t *testing.T, db string) map[string]mysqlInfo {
	t.Helper()
	rows, err := s.admin.Query(`SELECT TABLE_NAME, DATA_LENGTH + INDEX_LENGTH, TABLE_ROWS, UNIX_TIMESTAMP(UPDATE_TIME)
		FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?`, db)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]mysqlInfo{}
	for rows.Next() {
		var name string
		var i mysqlInfo
		var updated sql.NullFloat64
		if err := rows.Scan(&name, &i.size, &i.rows, &updated); err != nil {
			t.Fatal(err)
		}
		i.updated = sql.NullInt64{Int64: int64(updated.Float64), Valid: updated.Valid}
		out[name] = i
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func (s *mysqlServer) columns(t *testing.T, db, table string) []models.Column {
	t.Helper()
	rows, err := s.admin.Query(`SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE = 'YES' FROM information_schema.COLUMNS
		WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`, db, table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []models.Column
	for rows.Next() {
		var c models.Column
		var null bool
		if err := rows.Scan(&c.Name, &c.Type, &null); err != nil {
			t.Fatal(err)
		}
		c.Nullable = &null
		out = append(out, c)
	}
	return out
}

func (s *mysqlServer) serverStart(t *testing.T) string {
	t.Helper()
	var start int64
	if err := s.admin.QueryRow(`SELECT UNIX_TIMESTAMP() - CAST(VARIABLE_VALUE AS SIGNED)
		FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'UPTIME'`).Scan(&start); err != nil {
		t.Fatal(err)
	}
	return "started " + time.Unix(start, 0).UTC().Round(time.Minute).Format(time.RFC3339)
}

var mysqlShop = []string{
	"CREATE TABLE orders (id INT PRIMARY KEY, customer VARCHAR(40), amount DECIMAL(10,2), updated_at DATETIME(3), KEY by_customer (customer)) ENGINE=InnoDB",
	"CREATE TABLE `Bestellungen Ü` (`Nummer` INT, `geändert am` TIMESTAMP NULL, `we``ird` TEXT) ENGINE=InnoDB",
	"CREATE TABLE `we``ird` (x INT) ENGINE=InnoDB",
	"CREATE TABLE parts (id INT) ENGINE=InnoDB PARTITION BY HASH(id) PARTITIONS 2",
	"CREATE TABLE to_drop (x INT) ENGINE=InnoDB",
	"CREATE VIEW big_orders AS SELECT * FROM orders WHERE amount > 100",
	"INSERT INTO orders WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) " +
		"SELECT i, CONCAT('customer ', i % 17), i * 1.5, TIMESTAMP('2024-05-06 07:08:09.123') - INTERVAL i MINUTE FROM n",
	"INSERT INTO `Bestellungen Ü` VALUES (1, '2024-06-01 10:00:00', 'a'), (2, '2024-05-31 23:00:00', NULL), (3, NULL, NULL)",
	"INSERT INTO parts VALUES (1), (2), (3)",
	"ANALYZE TABLE orders, `Bestellungen Ü`, `we``ird`, parts, to_drop",
}

func mysqlKeys(snap *models.CrawlSnapshot) []string {
	var keys []string
	for _, o := range snap.Assets {
		keys = append(keys, o.Key())
	}
	sort.Strings(keys)
	return keys
}

func TestMySQLCrawl(t *testing.T) {
	t.Parallel()
	srv := mysqlTestServer(t)
	db := srv.database(t)
	srv.exec(t, db, mysqlShop...)

	dsn := srv.adminURL(db) + "?charset=utf8mb4&timeout=5s"
	c := mysqlOpen(t, models.SourceSettings{DSN: dsn, FreshnessColumns: map[string]string{
		db + ".orders":         "updated_at",
		db + ".Bestellungen Ü": "geändert am",
		db + ".we`ird":         "no such column",
	}})
	var calls []int
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	first, err := c.Crawl(ctx, func(n int) { calls = append(calls, n) })
	if err != nil {
		t.Fatal(err)
	}
	wantKeys := []string{db + ".Bestellungen Ü", db + ".big_orders", db + ".orders", db + ".parts", db + ".to_drop", db + ".we`ird"}
	if got := mysqlKeys(first); !reflect.DeepEqual(got, wantKeys) {
		t.Fatalf("assets %q, want %q", got, wantKeys)
	}
	if len(calls) == 0 || calls[len(calls)-1] != 6 {
		t.Errorf("progress calls %v, want the last to be 6", calls)
	}
	var version string
	if err := srv.admin.QueryRow("SELECT VERSION()").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(version, "MariaDB") || !strings.HasPrefix(first.ServerVersion, "MariaDB "+strings.SplitN(version, "-", 2)[0]) {
		t.Errorf("ServerVersion %q for VERSION() %q", first.ServerVersion, version)
	}
	var ps int
	if err := srv.admin.QueryRow("SELECT @@performance_schema").Scan(&ps); err != nil {
		t.Fatal(err)
	}
	if ps == 0 && (first.UsageKnown || first.UsageNote != "performance_schema is off on this server, so reads cannot be counted") {
		t.Errorf("performance_schema off: UsageKnown %v, note %q", first.UsageKnown, first.UsageNote)
	}
	if want := srv.serverStart(t); first.CountersEpoch != want {
		t.Errorf("CountersEpoch %q, want %q", first.CountersEpoch, want)
	}

	info := srv.info(t, db)
	kinds := map[string]models.AssetKind{"Bestellungen Ü": models.AssetTable, "big_orders": models.AssetView, "orders": models.AssetTable, "parts": models.AssetPartitionedTable, "to_drop": models.AssetTable, "we`ird": models.AssetTable}
	for _, o := range first.Assets {
		if o.Schema != db || o.Kind != kinds[o.Name] {
			t.Errorf("%s: schema %q kind %q, want %q", o.Key(), o.Schema, o.Kind, kinds[o.Name])
		}
		if want := srv.columns(t, db, o.Name); len(want) == 0 || !reflect.DeepEqual(o.Columns, want) {
			t.Errorf("%s columns %v, want %v", o.Key(), o.Columns, want)
		}
		if ps == 0 && (o.Reads != nil || o.Inserts != nil || o.Updates != nil || o.Deletes != nil) {
			t.Errorf("%s has counters with performance_schema off", o.Key())
		}
		if o.Kind == models.AssetView {
			if o.SizeBytes != nil || o.RowEstimate != nil || o.LastModified != nil {
				t.Errorf("view %s: size %v rows %v modified %v", o.Key(), intOrNil(o.SizeBytes), intOrNil(o.RowEstimate), o.LastModified)
			}
			continue
		}
		i := info[o.Name]
		if o.SizeBytes == nil || *o.SizeBytes != i.size.Int64 || *o.SizeBytes <= 0 {
			t.Errorf("%s size %v, information_schema says %d", o.Key(), intOrNil(o.SizeBytes), i.size.Int64)
		}
		if o.RowEstimate == nil || *o.RowEstimate != i.rows.Int64 {
			t.Errorf("%s rows %v, information_schema says %d", o.Key(), intOrNil(o.RowEstimate), i.rows.Int64)
		}
		switch {
		case !i.updated.Valid && o.LastModified != nil:
			t.Errorf("%s last modified %v, information_schema has no UPDATE_TIME", o.Key(), *o.LastModified)
		case i.updated.Valid && (o.LastModified == nil || o.LastModified.Unix() != i.updated.Int64):
			t.Errorf("%s last modified %v, information_schema says %v", o.Key(), o.LastModified, time.Unix(i.updated.Int64, 0).UTC())
		}
	}
	byName := map[string]models.ObservedAsset{}
	for _, o := range first.Assets {
		byName[o.Name] = o
	}
	if o := byName["orders"]; o.RowEstimate == nil || *o.RowEstimate < 100 || o.LastModified == nil {
		t.Errorf("orders: rows %v (200 inserted), last modified %v (written just now)", intOrNil(o.RowEstimate), o.LastModified)
	}
	if names := byName["orders"].Columns; len(names) != 4 || names[0].Name != "id" || names[3].Name != "updated_at" || names[2].Type != "decimal(10,2)" {
		t.Errorf("orders columns %v", names)
	}
	// The primary key is NOT NULL, the rest nullable; the view's columns
	// follow the table's.
	for _, name := range []string{"orders", "big_orders"} {
		want := []models.Column{{Name: "id", Type: "int(11)", Nullable: notNull}, {Name: "customer", Type: "varchar(40)", Nullable: isNullable},
			{Name: "amount", Type: "decimal(10,2)", Nullable: isNullable}, {Name: "updated_at", Type: "datetime(3)", Nullable: isNullable}}
		got := byName[name].Columns
		if len(got) > 0 && got[0].Type == "int" { // MySQL 8.0.19+ drops the display width
			want[0].Type = "int"
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s columns %s, want %s", name, colsText(got), colsText(want))
		}
	}
	for name, want := range map[string]*time.Time{
		"orders":         ptrTime(time.Date(2024, 5, 6, 7, 7, 9, 123e6, time.UTC)), // the latest is i = 1
		"Bestellungen Ü": ptrTime(time.Date(2024, 6, 1, 10, 0, 0, 0, time.UTC)),
		"we`ird":         nil, // no such column: unknown, the crawl goes on
		"parts":          nil, // none configured
	} {
		got := byName[name].FreshnessValue
		if (got == nil) != (want == nil) || (want != nil && !got.Equal(*want)) {
			t.Errorf("%s freshness %v, want %v", name, got, want)
		}
	}
	for name, want := range map[string]string{"we`ird": `freshness column "no such column" does not exist`, "orders": "", "parts": ""} {
		if got := byName[name].FreshnessNote; got != want {
			t.Errorf("%s freshness note %q, want %q", name, got, want)
		}
	}

	// Change the database: a write after a second, a table dropped.
	time.Sleep(1100 * time.Millisecond)
	srv.exec(t, db, "INSERT INTO orders VALUES (1000, 'late', 1, '2025-01-01 00:00:00')", "DROP TABLE to_drop")
	second := mysqlCrawl(t, c)
	if got := mysqlKeys(second); !reflect.DeepEqual(got, []string{db + ".Bestellungen Ü", db + ".big_orders", db + ".orders", db + ".parts", db + ".we`ird"}) {
		t.Errorf("after the drop: %q", got)
	}
	for _, o := range second.Assets {
		if o.Name != "orders" {
			continue
		}
		before := byName["orders"].LastModified
		if o.LastModified == nil || before == nil || !o.LastModified.After(*before) {
			t.Errorf("orders last modified %v after a write, was %v", o.LastModified, before)
		}
		if o.FreshnessValue == nil || !o.FreshnessValue.Equal(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("orders freshness after the write %v", o.FreshnessValue)
		}
	}
	if second.CountersEpoch != first.CountersEpoch {
		t.Errorf("CountersEpoch moved between crawls: %q then %q", first.CountersEpoch, second.CountersEpoch)
	}

	// Test says what it sees, in one sentence.
	res, err := c.Test(ctx)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.SplitN(strings.SplitN(version, "-", 2)[0], ".", 3)
	usage := "usage statistics readable"
	if ps == 0 {
		usage = "usage: performance_schema is off, reads cannot be counted"
	}
	want := fmt.Sprintf("Connected as %s to %s on MariaDB %s.%s: 5 tables and views visible; %s.", srv.user, db, parts[0], parts[1], usage)
	if res.Summary != want || res.Assets != 5 || res.ServerVersion != second.ServerVersion {
		t.Errorf("Test: %+v\nwant summary %q", res, want)
	}
}

func TestMySQLFilters(t *testing.T) {
	t.Parallel()
	srv := mysqlTestServer(t)
	db := srv.database(t)
	srv.exec(t, db, mysqlShop[:6]...)
	for _, tc := range []struct {
		include, exclude []string
		want             []string
	}{
		{[]string{db + ".*"}, []string{db + ".big_*", db + ".to_drop"}, []string{db + ".Bestellungen Ü", db + ".orders", db + ".parts", db + ".we`ird"}},
		{[]string{db + ".orders"}, nil, []string{db + ".orders"}},
		{[]string{db + ".B*"}, nil, []string{db + ".Bestellungen Ü"}},
		{[]string{"other.*"}, nil, nil},
	} {
		c := mysqlOpen(t, models.SourceSettings{DSN: srv.adminURL(db), Include: tc.include, Exclude: tc.exclude})
		if got := mysqlKeys(mysqlCrawl(t, c)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("include %q exclude %q: %q, want %q", tc.include, tc.exclude, got, tc.want)
		}
	}

	// No database in the DSN: every database but the server's own.
	c := mysqlOpen(t, models.SourceSettings{DSN: srv.adminURL("")})
	snap := mysqlCrawl(t, c)
	found := 0
	for _, o := range snap.Assets {
		switch o.Schema {
		case "mysql", "information_schema", "performance_schema", "sys":
			t.Errorf("system table %s crawled", o.Key())
		case db:
			found++
		}
	}
	if found != 6 {
		t.Errorf("without a database in the DSN, %d of the 6 assets of %s found", found, db)
	}
	c = mysqlOpen(t, models.SourceSettings{DSN: srv.adminURL(""), Include: []string{db + ".*"}, Exclude: []string{"*.big_orders"}})
	if got := mysqlKeys(mysqlCrawl(t, c)); len(got) != 5 || got[0] != db+".Bestellungen Ü" {
		t.Errorf("include by database, no database in the DSN: %q", got)
	}
	res, err := c.Test(context.Background())
	if err != nil || !strings.Contains(res.Summary, " to the server at "+srv.addr+" on ") || res.Assets != 5 {
		t.Errorf("Test without a database: %+v, %v", res, err)
	}
}

// Each query is bounded by the statement timeout: a freshness query on a
// slow view gives up after it and the crawl goes on.
func TestMySQLStatementTimeout(t *testing.T) {
	t.Parallel()
	srv := mysqlTestServer(t)
	db := srv.database(t)
	srv.exec(t, db, "CREATE VIEW slow AS SELECT SLEEP(5) AS s, NOW() AS ts")
	c := mysqlOpen(t, models.SourceSettings{DSN: srv.adminURL(db), StatementTimeout: time.Second,
		FreshnessColumns: map[string]string{db + ".slow": "ts"}})
	start := time.Now()
	snap := mysqlCrawl(t, c)
	if took := time.Since(start); took > 4*time.Second {
		t.Errorf("crawl took %v with a 1 s statement timeout over a 5 s query", took)
	}
	if len(snap.Assets) != 1 || snap.Assets[0].FreshnessValue != nil || snap.Assets[0].FreshnessNote != `freshness column "ts" could not be read in time` {
		t.Errorf("assets %+v", snap.Assets)
	}
}

// The session the connector reads in is a read-only transaction with the
// statement timeout and UTC.
func TestMySQLSessionIsReadOnly(t *testing.T) {
	t.Parallel()
	srv := mysqlTestServer(t)
	db := srv.database(t)
	srv.exec(t, db, "CREATE TABLE t (x INT)")
	c := mysqlOpen(t, models.SourceSettings{DSN: srv.adminURL(db), StatementTimeout: 7 * time.Second})
	ctx := context.Background()
	m, err := c.(*mysqlConnector).begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer m.tx.Rollback()
	_, err = m.tx.ExecContext(ctx, "INSERT INTO t VALUES (1)")
	var me *mysql.MySQLError
	if !errors.As(err, &me) || me.Number != 1792 {
		t.Errorf("INSERT in the connector's transaction: %v, want error 1792 (read-only transaction)", err)
	}
	var limit float64
	var tz string
	if err := m.tx.QueryRowContext(ctx, "SELECT @@session.max_statement_time, @@session.time_zone").Scan(&limit, &tz); err != nil {
		t.Fatal(err)
	}
	if limit != 7 || tz != "+00:00" {
		t.Errorf("max_statement_time %v, time_zone %q; want 7 and +00:00", limit, tz)
	}
}

func TestMySQLWrongPasswordAndPermissions(t *testing.T) {
	t.Parallel()
	srv := mysqlTestServer(t)
	db := srv.database(t)
	srv.exec(t, db, "CREATE TABLE t (x INT)")
	user := "meshport_t_" + mysqlRandomHex(t)
	// Characters that need escaping in a URL, to check they are read back.
	pass := "Rïght p@ss:w/rd?#%-" + mysqlRandomHex(t)
	wrong := "Wrong-Secret-" + mysqlRandomHex(t)
	lit := "'" + strings.ReplaceAll(pass, "'", "''") + "'"
	srv.exec(t, "",
		"CREATE USER '"+user+"'@'%' IDENTIFIED BY "+lit,
		"CREATE USER '"+user+"'@'localhost' IDENTIFIED BY "+lit)
	t.Cleanup(func() {
		for _, host := range []string{"%", "localhost"} {
			if _, err := srv.admin.Exec("DROP USER IF EXISTS '" + user + "'@'" + host + "'"); err != nil {
				t.Errorf("drop user: %v", err)
			}
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	noSecret := func(err error) {
		t.Helper()
		for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%v", errors.Unwrap(err))} {
			for _, secret := range []string{pass, wrong, url.QueryEscape(pass), url.PathEscape(pass)} {
				if strings.Contains(text, secret) {
					t.Errorf("error %q contains the password", text)
				}
			}
		}
	}

	c := mysqlOpen(t, models.SourceSettings{DSN: srv.url(user, wrong, db)})
	_, err := c.Test(ctx)
	e := checkReason(t, err, models.FailureAuth)
	noSecret(err)
	if !strings.Contains(e.Message, user) {
		t.Errorf("message %q does not name the user", e.Message)
	}
	_, err = c.Crawl(ctx, nil)
	checkReason(t, err, models.FailureAuth)
	noSecret(err)

	// The right password, but no grant on the database.
	c = mysqlOpen(t, models.SourceSettings{DSN: srv.url(user, pass, db)})
	_, err = c.Test(ctx)
	e = checkReason(t, err, models.FailurePermission)
	noSecret(err)
	if !strings.Contains(e.Message, "PROCESS") || !strings.Contains(e.Message, "performance_schema") {
		t.Errorf("permission message %q does not name PROCESS and performance_schema", e.Message)
	}

	// Granted SELECT: it connects and sees the table.
	srv.exec(t, "", "GRANT SELECT, SHOW VIEW ON "+quoteMySQLIdent(db)+".* TO '"+user+"'@'%', '"+user+"'@'localhost'")
	c = mysqlOpen(t, models.SourceSettings{DSN: srv.url(user, pass, db)})
	res, err := c.Test(ctx)
	if err != nil {
		t.Fatalf("with SELECT granted: %v", err)
	}
	if !strings.HasPrefix(res.Summary, "Connected as "+user+" to "+db+" on MariaDB ") || res.Assets != 1 || strings.Contains(res.Summary, pass) {
		t.Errorf("summary %q", res.Summary)
	}
	// The native form of the DSN works too.
	native := user + ":" + pass + "@tcp(" + srv.addr + ")/" + db
	c = mysqlOpen(t, models.SourceSettings{DSN: native})
	if res, err := c.Test(ctx); err != nil || res.Assets != 1 {
		t.Errorf("native DSN: %+v, %v", res, err)
	}
}

func TestMySQLUnknownDatabase(t *testing.T) {
	t.Parallel()
	srv := mysqlTestServer(t)
	missing := "meshport_conn_missing_" + mysqlRandomHex(t)
	c := mysqlOpen(t, models.SourceSettings{DSN: srv.adminURL(missing)})
	_, err := c.Test(context.Background())
	e := checkReason(t, err, models.FailureNoDatabase)
	if !strings.Contains(e.Message, missing) {
		t.Errorf("message %q does not name the database", e.Message)
	}
}

func TestMySQLUnreachable(t *testing.T) {
	t.Parallel()
	// A closed port on this machine: refused at once.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c := mysqlOpen(t, models.SourceSettings{DSN: "mysql://root:topsecret@" + addr + "/shop"})
	start := time.Now()
	_, err = c.Test(context.Background())
	e := checkReason(t, err, models.FailureUnreachable)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("a closed port took %v", took)
	}
	if strings.Contains(e.Error(), "topsecret") || strings.Contains(fmt.Sprint(e.Err), "topsecret") {
		t.Errorf("error %q contains the password", e.Error())
	}

	// A host that does not answer: fails within the caller's deadline.
	c = mysqlOpen(t, models.SourceSettings{DSN: "mysql://root:topsecret@10.255.255.1:3306/shop"})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	start = time.Now()
	_, err = c.Crawl(ctx, nil)
	checkReason(t, err, models.FailureUnreachable)
	if took := time.Since(start); took > 3500*time.Millisecond {
		t.Errorf("an unreachable host took %v with a 3 s deadline", took)
	}
}

func TestMySQLPolicy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, dsn := range []string{
		"mysql://root@127.0.0.1:3306/shop",
		"mysql://root@localhost:3306/shop",
		"mysql://root@[::1]:3306/shop",
		"mysql://root@169.254.169.254:3306/shop", // cloud metadata
		"root@tcp(127.0.0.1:3306)/shop",
	} {
		c, err := Open(models.SourceSettings{Kind: models.KindMySQL, DSN: dsn}, models.SourcePolicy{})
		if err != nil {
			t.Fatalf("%s: Open: %v", dsn, err)
		}
		_, err = c.Test(ctx)
		e := checkReason(t, err, models.FailurePolicy)
		// Told before dialling, naming the host as registered.
		host := strings.TrimSuffix(strings.TrimPrefix(strings.SplitN(strings.SplitN(dsn, "@", 2)[1], "/", 2)[0], "tcp("), ")")
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if !strings.Contains(e.Message, `"`+host+`"`) {
			t.Errorf("%s: message %q does not name the host %q", dsn, e.Message, host)
		}
		_, err = c.Crawl(ctx, nil)
		checkReason(t, err, models.FailurePolicy)
	}
	// A Unix socket would pass by the dialer's checks: refused.
	_, err := Open(models.SourceSettings{Kind: models.KindMySQL, DSN: "root@unix(/run/mysqld/mysqld.sock)/shop"}, mysqlLoopback)
	checkReason(t, err, models.FailurePolicy)
}

func TestParseMySQLDSN(t *testing.T) {
	t.Parallel()
	cfg, err := parseMySQLDSN("mysql://app:s%40cret@db.example.com/shop?tls=skip-verify&charset=utf8mb4")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.User != "app" || cfg.Passwd != "s@cret" || cfg.Addr != "db.example.com:3306" || cfg.Net != "tcp" ||
		cfg.DBName != "shop" || cfg.TLSConfig != "skip-verify" {
		t.Errorf("parsed %+v", cfg)
	}
	cfg, err = parseMySQLDSN("mariadb://app@[2001:db8::1]:3307")
	if err != nil || cfg.Addr != "[2001:db8::1]:3307" || cfg.DBName != "" || cfg.Passwd != "" {
		t.Errorf("mariadb:// with IPv6: %+v, %v", cfg, err)
	}
	cfg, err = parseMySQLDSN("app:pw@tcp(db:3310)/shop?parseTime=false")
	if err != nil || cfg.Addr != "db:3310" || cfg.DBName != "shop" || cfg.Passwd != "pw" {
		t.Errorf("native: %+v, %v", cfg, err)
	}
	// Opening overrides what would weaken the connector.
	c, err := openMySQL(models.SourceSettings{DSN: "app:pw@tcp(db:3306)/shop?allowAllFiles=true&multiStatements=true&parseTime=false"}, models.SourcePolicy{})
	if err != nil {
		t.Fatal(err)
	}
	if mc := c.(*mysqlConnector).cfg; mc.AllowAllFiles || mc.MultiStatements || !mc.ParseTime || mc.DialFunc == nil {
		t.Errorf("allowAllFiles %v, multiStatements %v, parseTime %v, dial func set %v", mc.AllowAllFiles, mc.MultiStatements, mc.ParseTime, mc.DialFunc != nil)
	}
	// The dial goes through the policy's dialer, which checks the address
	// actually dialled (a name that resolves to loopback later included).
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	conn, err := c.(*mysqlConnector).cfg.DialFunc(context.Background(), "tcp", l.Addr().String())
	if conn != nil {
		conn.Close()
	}
	checkReason(t, err, models.FailurePolicy)
	for _, tc := range []struct{ dsn, secret string }{
		{"mysql://app:p%zzsecret@db/shop", "p%zzsecret"},
		{"mysql://app:hunter2@/shop", "hunter2"},
		{"mysql://app:hunter2@db:99999/shop", "hunter2"},
		{"mysql://app:hunter2@db/shop/more", "hunter2"},
		{"mysql://app:hunter2@db/shop?tls=nonsense", "hunter2"},
		{"app:hunter2@tcp(db:3306", "hunter2"},
		{"postgres://app:hunter2@db/shop", "hunter2"},
	} {
		_, err := openMySQL(models.SourceSettings{DSN: tc.dsn}, models.SourcePolicy{})
		e := checkReason(t, err, models.FailureInvalid)
		if strings.Contains(e.Error(), tc.secret) || (e.Err != nil && strings.Contains(e.Err.Error(), tc.secret)) {
			t.Errorf("%s: error %q / %v shows the password", tc.dsn, e.Error(), e.Err)
		}
	}
	_, err = openMySQL(models.SourceSettings{DSN: "mysql://db/shop", Include: []string{"[x"}}, models.SourcePolicy{})
	checkReason(t, err, models.FailureInvalid)
	// Server variables in the DSN would be sent unescaped as SET ...: refused.
	for _, dsn := range []string{
		"mysql://app@db/shop?time_zone=%27%2B05%3A00%27",
		"mysql://app@db/shop?GLOBAL%20max_connections=1",
		"app@tcp(db:3306)/shop?password=%27x%27",
	} {
		_, err = openMySQL(models.SourceSettings{DSN: dsn}, models.SourcePolicy{})
		checkReason(t, err, models.FailureInvalid)
	}
}

func TestMySQLKind(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		typ, options string
		kind         models.AssetKind
		ok           bool
	}{
		{"BASE TABLE", "", models.AssetTable, true},
		{"BASE TABLE", "row_format=DYNAMIC partitioned", models.AssetPartitionedTable, true},
		{"SYSTEM VERSIONED", "", models.AssetTable, true},
		{"VIEW", "", models.AssetView, true},
		{"SEQUENCE", "", "", false},
		{"SYSTEM VIEW", "", "", false},
		{"TEMPORARY", "", "", false},
	} {
		kind, ok := mysqlKind(tc.typ, tc.options)
		if kind != tc.kind || ok != tc.ok {
			t.Errorf("mysqlKind(%q, %q) = %q, %v; want %q, %v", tc.typ, tc.options, kind, ok, tc.kind, tc.ok)
		}
	}
}

func TestApplyMySQLIOCounters(t *testing.T) {
	t.Parallel()
	assets := []models.ObservedAsset{
		{Schema: "shop", Name: "orders", Kind: models.AssetTable},
		{Schema: "shop", Name: "Orders", Kind: models.AssetTable},
		{Schema: "shop", Name: "untouched", Kind: models.AssetTable},
		{Schema: "shop", Name: "fetch_only", Kind: models.AssetTable},
		{Schema: "shop", Name: "v", Kind: models.AssetView},
	}
	applyMySQLIOCounters(assets, []mysqlIORow{
		{Schema: "shop", Name: "orders", Reads: 10, Fetches: 10, Inserts: 3, Updates: 2, Dels: 1},
		{Schema: "shop", Name: "Orders", Reads: 5, Fetches: 5, Inserts: 0, Updates: 0, Dels: 0},
		{Schema: "shop", Name: "fetch_only", Reads: 0, Fetches: 7},
		{Schema: "other", Name: "orders", Reads: 99, Fetches: 99, Inserts: 99, Updates: 99, Dels: 99},
		{Schema: "shop", Name: "v", Reads: 42, Fetches: 42},
	})
	want := map[string][4]any{ // reads, inserts, updates, deletes
		"orders":     {int64(10), int64(3), int64(2), int64(1)},
		"Orders":     {int64(5), int64(0), int64(0), int64(0)},
		"untouched":  {int64(0), int64(0), int64(0), int64(0)},
		"fetch_only": {int64(7), int64(0), int64(0), int64(0)},
		"v":          {nil, nil, nil, nil},
	}
	for _, o := range assets {
		got := [4]any{intOrNil(o.Reads), intOrNil(o.Inserts), intOrNil(o.Updates), intOrNil(o.Deletes)}
		if got != want[o.Name] {
			t.Errorf("%s: reads, inserts, updates, deletes = %v, want %v", o.Name, got, want[o.Name])
		}
		if o.SeqScans != nil || o.IdxScans != nil {
			t.Errorf("%s: PostgreSQL scan counters set", o.Name)
		}
	}
}

func TestMySQLEpochString(t *testing.T) {
	t.Parallel()
	base := time.Date(2024, 5, 6, 7, 8, 0, 0, time.UTC).Unix()
	if got := mysqlEpochString(base + 29); got != "started 2024-05-06T07:08:00Z" {
		t.Errorf("29 s past the minute: %q", got)
	}
	if got := mysqlEpochString(base + 31); got != "started 2024-05-06T07:09:00Z" {
		t.Errorf("31 s past the minute: %q", got)
	}
}

func TestQuoteMySQLIdent(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"orders": "`orders`", "we`ird": "`we``ird`", "a``b": "`a````b`", "Bestellungen Ü": "`Bestellungen Ü`"} {
		if got := quoteMySQLIdent(in); got != want {
			t.Errorf("quoteMySQLIdent(%q) = %q, want %q", in, got, want)
		}
	}
}
