package connectors

import (
	"context"
	"net/url"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/contractcheck"
)

// checkOrders is the table every quality test reads, in SQL the three
// databases all take. What the rules below measure on it:
// rows 10; email NULL 2 (20 %); status missing ("" or "n/a") 2; status
// not new or done 3; code not matching ^[A-Z][0-9]$ 2 (A10, B-2);
// duplicate emails 1 (a@x.org); duplicate (code, status) 1 (A2, done).
var checkOrders = []string{
	`CREATE TABLE orders (id INT PRIMARY KEY, email VARCHAR(100), status VARCHAR(20), code VARCHAR(20))`,
	`INSERT INTO orders VALUES (1, 'a@x.org', 'new', 'A1'), (2, 'b@x.org', 'done', 'A2'), (3, NULL, 'new', 'A3'),
		(4, 'd@x.org', 'n/a', 'B1'), (5, 'e@x.org', '', 'B-2'), (6, 'a@x.org', 'done', 'A2'), (7, NULL, 'lost', 'A7'),
		(8, 'h@x.org', 'new', 'A8'), (9, 'i@x.org', 'done', 'A9'), (10, 'j@x.org', 'new', 'A10')`,
}

type wantResult struct {
	status   string
	measured float64
}

func checkRules() ([]contractcheck.Rule, map[string]wantResult) {
	lib := func(id, metric, col string, op string, v float64, args map[string]any) contractcheck.Rule {
		return contractcheck.Rule{ID: id, Type: contractcheck.RuleLibrary, Metric: metric, Column: col, Operator: op, Value: v, Arguments: args}
	}
	pct := func(r contractcheck.Rule) contractcheck.Rule { r.Unit = contractcheck.UnitPercent; return r }
	between := func(r contractcheck.Rule, lo, hi float64) contractcheck.Rule { r.Values = [2]float64{lo, hi}; return r }
	missing := map[string]any{"missingValues": []any{"", "n/a", nil}}
	valid := map[string]any{"validValues": []any{"new", "done"}}
	pattern := map[string]any{"pattern": "^[A-Z][0-9]$"}
	const lost = "SELECT COUNT(*) FROM ${object} WHERE status = 'lost'"
	rules := []contractcheck.Rule{
		between(lib("rows-pass", "rowCount", "", "mustBeBetween", 0, nil), 5, 20),
		lib("rows-fail", "rowCount", "", "mustBeGreaterThan", 100, nil),
		between(lib("rows-notbetween", "rowCount", "", "mustNotBeBetween", 0, nil), 1, 5),
		lib("null-pass", "nullValues", "email", "mustBeLessOrEqualTo", 2, nil),
		lib("null-fail", "nullValues", "email", "mustBe", 0, nil),
		pct(lib("null-pct-pass", "nullValues", "email", "mustBeLessThan", 25, nil)),
		pct(lib("null-pct-fail", "nullValues", "email", "mustBeLessThan", 10, nil)),
		lib("missing-pass", "missingValues", "status", "mustBe", 2, missing),
		lib("missing-fail", "missingValues", "status", "mustBeLessThan", 1, missing),
		lib("invalid-pass", "invalidValues", "status", "mustBeLessOrEqualTo", 3, valid),
		pct(between(lib("invalid-pct-fail", "invalidValues", "status", "mustBeBetween", 0, valid), 0, 10)),
		lib("pattern-pass", "invalidValues", "code", "mustBe", 2, pattern),
		lib("pattern-fail", "invalidValues", "code", "mustBeLessThan", 2, pattern),
		lib("dup-pass", "duplicateValues", "", "mustBe", 0, map[string]any{"properties": []any{"email", "status"}}),
		lib("dup-fail", "duplicateValues", "email", "mustBe", 0, nil),
		lib("dup-pair-fail", "duplicateValues", "", "mustBe", 0, map[string]any{"properties": []string{"code", "status"}}),
		{ID: "sql-pass", Type: "sql", Query: lost, Operator: "mustBe", Value: 1},
		{ID: "sql-fail", Type: "sql", Query: lost, Operator: "mustBe", Value: 0},
		{ID: "sql-column", Type: "sql", Column: "email", Query: "SELECT COUNT(*) FROM {table} WHERE ${property} IS NULL", Operator: "mustBe", Value: 2},
		{ID: "write-delete", Type: "sql", Query: "DELETE FROM ${object}", Operator: "mustBe"},
		{ID: "write-two", Type: "sql", Query: "SELECT 1; DROP TABLE ${table}", Operator: "mustBe"},
		{ID: "write-cte", Type: "sql", Query: "WITH x AS (DELETE FROM ${object} RETURNING *) SELECT count(*) FROM x", Operator: "mustBe"},
		{ID: "write-into", Type: "sql", Query: "SELECT * INTO stolen FROM ${object}", Operator: "mustBe"},
		{ID: "bad-rule", Type: "library", Metric: "nullValues", Operator: "mustBe"}, // no column
	}
	want := map[string]wantResult{
		"rows-pass": {"passed", 10}, "rows-fail": {"failed", 10}, "rows-notbetween": {"passed", 10},
		"null-pass": {"passed", 2}, "null-fail": {"failed", 2}, "null-pct-pass": {"passed", 20}, "null-pct-fail": {"failed", 20},
		"missing-pass": {"passed", 2}, "missing-fail": {"failed", 2},
		"invalid-pass": {"passed", 3}, "invalid-pct-fail": {"failed", 30},
		"pattern-pass": {"passed", 2}, "pattern-fail": {"failed", 2},
		"dup-pass": {"passed", 0}, "dup-fail": {"failed", 1}, "dup-pair-fail": {"failed", 1},
		"sql-pass": {"passed", 1}, "sql-fail": {"failed", 1}, "sql-column": {"passed", 2},
		"write-delete": {"error", -1}, "write-two": {"error", -1}, "write-cte": {"error", -1}, "write-into": {"error", -1},
		"bad-rule": {"error", -1},
	}
	return rules, want
}

func runChecks(t *testing.T, s models.SourceSettings, p models.SourcePolicy, table contractcheck.Table, rules []contractcheck.Rule) []contractcheck.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := RunChecks(ctx, s, p, table, rules)
	if err != nil {
		t.Fatalf("RunChecks: %v", err)
	}
	if len(res) != len(rules) {
		t.Fatalf("%d results for %d rules", len(res), len(rules))
	}
	return res
}

func assertResults(t *testing.T, res []contractcheck.Result, want map[string]wantResult) {
	t.Helper()
	for _, r := range res {
		w, ok := want[r.RuleID]
		if !ok {
			continue
		}
		if r.Status != w.status {
			t.Errorf("%s: %s (%s), want %s", r.RuleID, r.Status, r.Message, w.status)
			continue
		}
		switch {
		case w.measured < 0 && r.Measured != nil:
			t.Errorf("%s: measured %v, want nothing measured", r.RuleID, *r.Measured)
		case w.measured >= 0 && (r.Measured == nil || *r.Measured != w.measured):
			t.Errorf("%s: measured %v (%s), want %v", r.RuleID, r.Measured, r.Message, w.measured)
		}
		if w.measured >= 0 && (r.Threshold == "" || !strings.Contains(r.Message, r.Threshold)) {
			t.Errorf("%s: threshold %q, message %q", r.RuleID, r.Threshold, r.Message)
		}
		if strings.HasPrefix(r.RuleID, "write-") && !strings.Contains(r.Message, "refused") {
			t.Errorf("%s: message %q does not say it was refused", r.RuleID, r.Message)
		}
	}
	byID := map[string]contractcheck.Result{}
	for _, r := range res {
		byID[r.RuleID] = r
	}
	if m := byID["null-pct-fail"].Message; m != "measured 20 % (2 of 10 rows), want < 10 %" {
		t.Errorf("percent message %q", m)
	}
	if m := byID["rows-pass"].Message; m != "measured 10 rows, want between 5 and 20 rows" {
		t.Errorf("between message %q", m)
	}
}

func TestRunChecksPostgres(t *testing.T) {
	t.Parallel()
	dsn, conn := pgTestDB(t)
	for _, q := range checkOrders {
		pgTestExec(t, conn, q)
	}
	s := models.SourceSettings{Kind: models.KindPostgres, DSN: dsn}
	p := models.SourcePolicy{AllowLoopback: true}
	table := contractcheck.Table{Schema: "public", Name: "orders"}
	rules, want := checkRules()
	assertResults(t, runChecks(t, s, p, table, rules), want)
	var n int
	var stolen *string
	if err := conn.QueryRow(context.Background(), `SELECT count(*), to_regclass('public.stolen')::text FROM orders`).Scan(&n, &stolen); err != nil || n != 10 || stolen != nil {
		t.Errorf("after the refused writes: %d rows, stolen %v, %v", n, stolen, err)
	}

	// The read-only transaction stops what the check lets through: a
	// function that writes.
	pgTestExec(t, conn, `CREATE FUNCTION sneaky() RETURNS int LANGUAGE sql AS 'DELETE FROM orders RETURNING 1'`)
	res := runChecks(t, s, p, table, []contractcheck.Rule{{ID: "sneaky", Type: "sql", Query: "SELECT sneaky()", Operator: "mustBe"}})
	if res[0].Status != "error" || !strings.Contains(res[0].Message, "read-only transaction") {
		t.Errorf("sneaky: %+v", res[0])
	}
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM orders`).Scan(&n); err != nil || n != 10 {
		t.Errorf("after sneaky(): %d rows, %v", n, err)
	}

	// A statement timeout.
	s.StatementTimeout = time.Second
	start := time.Now()
	res = runChecks(t, s, p, table, []contractcheck.Rule{{ID: "slow", Type: "sql", Query: "SELECT pg_sleep(5)", Operator: "mustBe"}})
	if res[0].Status != "error" || !strings.Contains(res[0].Message, "statement timeout of 1s") || time.Since(start) > 4*time.Second {
		t.Errorf("slow: %+v after %s", res[0], time.Since(start))
	}

	// A role that may connect but not read the table.
	admin := pgTestConnect(t, pgTestAdminURL())
	role := "meshport_chk_" + pgTestHex(6)
	pgTestExec(t, admin, `CREATE ROLE `+role+` LOGIN`)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = conn.Exec(ctx, `DROP OWNED BY `+role)
		if _, err := admin.Exec(ctx, `DROP ROLE IF EXISTS `+role); err != nil {
			t.Logf("drop role: %v", err)
		}
	})
	u, _ := url.Parse(dsn)
	u.User = url.User(role)
	res = runChecks(t, models.SourceSettings{Kind: models.KindPostgres, DSN: u.String()}, p, table, rules[:4])
	for _, r := range res {
		if r.Status != "not run" || !strings.HasPrefix(r.Message, "not run: needs SELECT on public.orders") || r.Measured != nil {
			t.Errorf("without SELECT: %+v", r)
		}
	}

	// Unreachable: the error return.
	if _, err := RunChecks(context.Background(), models.SourceSettings{Kind: models.KindPostgres, DSN: "postgres://u@127.0.0.1:1/x"}, p, table, rules); err == nil {
		t.Error("no error for a closed port")
	}
	if _, err := RunChecks(context.Background(), s, models.SourcePolicy{}, table, rules); err == nil {
		t.Error("no error for a host the policy forbids")
	}
}

func TestRunChecksMariaDB(t *testing.T) {
	t.Parallel()
	srv := mysqlTestServer(t)
	db := srv.database(t)
	srv.exec(t, db, checkOrders...)
	srv.exec(t, db, "CREATE TABLE other (x INT)")
	s := models.SourceSettings{Kind: models.KindMySQL, DSN: srv.adminURL(db)}
	table := contractcheck.Table{Schema: db, Name: "orders"}
	rules, want := checkRules()
	assertResults(t, runChecks(t, s, mysqlLoopback, table, rules), want)
	var n int
	if err := srv.admin.QueryRow("SELECT COUNT(*) FROM " + quoteMySQLIdent(db) + ".orders").Scan(&n); err != nil || n != 10 {
		t.Errorf("after the refused writes: %d rows, %v", n, err)
	}

	// A statement timeout (MariaDB's max_statement_time).
	s.StatementTimeout = time.Second
	start := time.Now()
	slow := "SELECT COUNT(*) FROM information_schema.COLUMNS a, information_schema.COLUMNS b, information_schema.COLUMNS c"
	res := runChecks(t, s, mysqlLoopback, table, []contractcheck.Rule{{ID: "slow", Type: "sql", Query: slow, Operator: "mustBe"}})
	if res[0].Status != "error" || !strings.Contains(res[0].Message, "statement timeout of 1s") || time.Since(start) > 5*time.Second {
		t.Errorf("slow: %+v after %s", res[0], time.Since(start))
	}

	// A user who may read another table of the database, not this one.
	user := "meshport_chk_" + mysqlRandomHex(t)
	srv.exec(t, "", "CREATE USER '"+user+"'@'%' IDENTIFIED BY 'pw'", "CREATE USER '"+user+"'@'localhost' IDENTIFIED BY 'pw'",
		"GRANT SELECT ON "+quoteMySQLIdent(db)+".other TO '"+user+"'@'%', '"+user+"'@'localhost'")
	t.Cleanup(func() {
		for _, host := range []string{"%", "localhost"} {
			_, _ = srv.admin.Exec("DROP USER IF EXISTS '" + user + "'@'" + host + "'")
		}
	})
	res = runChecks(t, models.SourceSettings{Kind: models.KindMySQL, DSN: srv.url(user, "pw", db)}, mysqlLoopback, table, rules[:4])
	for _, r := range res {
		if r.Status != "not run" || !strings.HasPrefix(r.Message, "not run: needs SELECT on "+db+".orders") || r.Measured != nil {
			t.Errorf("without SELECT: %+v", r)
		}
	}
}

func TestRunChecksSQLite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "shop.db")
	makeSQLite(t, path, checkOrders...)
	before := stateOf(t, path)
	s := models.SourceSettings{Kind: models.KindSQLite, DSN: path}
	p := models.SourcePolicy{FileRoots: []string{dir}}
	table := contractcheck.Table{Schema: "main", Name: "orders"}
	rules, want := checkRules()
	assertResults(t, runChecks(t, s, p, table, rules), want)

	// Past the check, query_only refuses writes (here a trigger-free
	// write cannot be written as one SELECT; REGEXP on the file's data
	// and a timeout can).
	s.StatementTimeout = time.Second
	start := time.Now()
	slow := "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT COUNT(*) FROM n"
	res := runChecks(t, s, p, table, []contractcheck.Rule{{ID: "slow", Type: "sql", Query: slow, Operator: "mustBe"}})
	if res[0].Status != "error" || !strings.Contains(res[0].Message, "statement timeout of 1s") || time.Since(start) > 5*time.Second {
		t.Errorf("slow: %+v after %s", res[0], time.Since(start))
	}
	if after := stateOf(t, path); !reflect.DeepEqual(after, before) {
		t.Errorf("the file changed: before %+v, after %+v", before, after)
	}
	if _, err := RunChecks(context.Background(), models.SourceSettings{Kind: models.KindSQLite, DSN: filepath.Join(dir, "none.db")}, p, table, rules); err == nil {
		t.Error("no error for a missing file")
	}
}

// asActual is a crawled asset's columns as contractcheck reads them.
func asActual(cols []models.Column) []contractcheck.Actual {
	out := make([]contractcheck.Actual, 0, len(cols))
	for _, c := range cols {
		out = append(out, c) // the same shape: assignable
	}
	return out
}

func TestDriftPostgres(t *testing.T) {
	t.Parallel()
	dsn, conn := pgTestDB(t)
	pgTestExec(t, conn, `CREATE TYPE mood AS ENUM ('happy', 'sad');
		CREATE TABLE customers (id serial PRIMARY KEY, "CustomerID" int, name varchar(50) NOT NULL, email text,
			created timestamptz, amount numeric(10,2), tags text[], feeling mood, active boolean NOT NULL)`)
	snap := pgTestCrawl(t, pgTestOpen(t, models.SourceSettings{DSN: dsn}, models.SourcePolicy{AllowLoopback: true}))
	o := pgTestAssets(snap)["public.customers"]
	d := contractcheck.Compare(contractcheck.Postgres, []contractcheck.Expected{
		{Name: "id", PhysicalType: "int4", Required: true},
		{Name: "customerid", LogicalType: "integer"},
		{Name: "name", PhysicalType: "character varying(50)", Required: true},
		{Name: "email", LogicalType: "string", Required: true},
		{Name: "created", PhysicalType: "timestamp"},
		{Name: "amount", LogicalType: "number"},
		{Name: "tags", PhysicalType: "_text"},
		{Name: "feeling", PhysicalType: "mood", LogicalType: "string"},
		{Name: "active", LogicalType: "boolean", Required: true},
		{Name: "phone", LogicalType: "string"},
	}, asActual(o.Columns))
	if !reflect.DeepEqual(d.Missing, []string{"customerid", "phone"}) || !reflect.DeepEqual(d.NotInContract, []string{"CustomerID"}) ||
		!reflect.DeepEqual(d.CaseOnly, []contractcheck.NamePair{{Contract: "customerid", Table: "CustomerID"}}) {
		t.Errorf("names: %+v", d)
	}
	if len(d.TypeMismatch) != 1 || d.TypeMismatch[0].Name != "created" || d.TypeMismatch[0].Actual != "timestamp with time zone" {
		t.Errorf("types: %+v", d.TypeMismatch)
	}
	if !reflect.DeepEqual(d.NullableButRequired, []string{"email"}) {
		t.Errorf("nullable: %v", d.NullableButRequired)
	}
	if s := d.Summary(); !strings.Contains(s, "differs only in case") {
		t.Errorf("summary %q", s)
	}
	// LogicalType of every crawled column, for generating a contract.
	got := map[string]string{}
	for _, c := range o.Columns {
		got[c.Name] = contractcheck.LogicalType(contractcheck.Postgres, c.Type)
	}
	wantL := map[string]string{"id": "integer", "CustomerID": "integer", "name": "string", "email": "string", "created": "timestamp",
		"amount": "number", "tags": "array", "feeling": "string", "active": "boolean"}
	if !reflect.DeepEqual(got, wantL) {
		t.Errorf("logical types %v, want %v", got, wantL)
	}
}

func TestDriftMariaDB(t *testing.T) {
	t.Parallel()
	srv := mysqlTestServer(t)
	db := srv.database(t)
	srv.exec(t, db, "CREATE TABLE customers (id INT PRIMARY KEY, CustomerID INT, name VARCHAR(50) NOT NULL, "+
		"status ENUM('new','done'), flag TINYINT(1), amount DECIMAL(10,2), email TEXT, doc JSON)")
	snap := mysqlCrawl(t, mysqlOpen(t, models.SourceSettings{DSN: srv.adminURL(db)}))
	var cols []models.Column
	for _, o := range snap.Assets {
		if o.Name == "customers" {
			cols = o.Columns
		}
	}
	d := contractcheck.Compare(contractcheck.MySQL, []contractcheck.Expected{
		{Name: "id", PhysicalType: "int", Required: true}, // int(11) on MariaDB
		{Name: "customerid", LogicalType: "integer"},      // case-insensitive
		{Name: "name", PhysicalType: "VARCHAR(50)", Required: true},
		{Name: "status", PhysicalType: "enum('new', 'done')"},
		{Name: "flag", LogicalType: "boolean"},
		{Name: "amount", PhysicalType: "decimal(12,2)"},
		{Name: "email", LogicalType: "string", Required: true},
		{Name: "doc", LogicalType: "object"}, // MariaDB: longtext
		{Name: "phone", LogicalType: "string"},
	}, asActual(cols))
	if !reflect.DeepEqual(d.Missing, []string{"phone"}) || len(d.NotInContract) != 0 {
		t.Errorf("names: %s", d.Summary())
	}
	if len(d.TypeMismatch) != 1 || d.TypeMismatch[0].Name != "amount" {
		t.Errorf("types: %s (columns %s)", d.Summary(), colsText(cols))
	}
	if !reflect.DeepEqual(d.NullableButRequired, []string{"email"}) {
		t.Errorf("nullable: %s", d.Summary())
	}
}

func TestDriftSQLite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "c.db")
	makeSQLite(t, path, `CREATE TABLE customers (id INTEGER PRIMARY KEY, code VARCHAR(20) NOT NULL, price REAL, at DATETIME, email TEXT)`)
	c, err := Open(models.SourceSettings{Kind: models.KindSQLite, DSN: path}, models.SourcePolicy{FileRoots: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := c.Crawl(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	d := contractcheck.Compare(contractcheck.SQLite, []contractcheck.Expected{
		{Name: "id", PhysicalType: "BIGINT", Required: true},
		{Name: "CODE", PhysicalType: "TEXT", Required: true}, // names and types by SQLite's rules
		{Name: "price", PhysicalType: "TEXT"},
		{Name: "at", LogicalType: "timestamp"},
		{Name: "email", LogicalType: "string", Required: true},
	}, asActual(snap.Assets[0].Columns))
	if len(d.Missing) != 0 || len(d.NotInContract) != 0 {
		t.Errorf("names: %s", d.Summary())
	}
	if len(d.TypeMismatch) != 1 || d.TypeMismatch[0].Name != "price" || !strings.Contains(d.TypeMismatch[0].Why, "REAL affinity") {
		t.Errorf("types: %+v", d.TypeMismatch)
	}
	if !reflect.DeepEqual(d.NullableButRequired, []string{"email"}) {
		t.Errorf("nullable: %s", d.Summary())
	}
}
