package connectors

import (
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/meshport/meshport/models"
)

// depsOf maps each asset key of snap to its DependsOn ([] for none).
func depsOf(snap *models.CrawlSnapshot) map[string][]string {
	out := map[string][]string{}
	for _, o := range snap.Assets {
		deps := o.DependsOn
		if deps == nil {
			deps = []string{}
		}
		out[o.Key()] = deps
	}
	return out
}

func checkDeps(t *testing.T, snap *models.CrawlSnapshot, want map[string][]string) {
	t.Helper()
	got := depsOf(snap)
	for key, w := range want {
		g, ok := got[key]
		if !ok {
			t.Errorf("%s was not crawled", key)
			continue
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s depends on %q, want %q", key, g, w)
		}
	}
	for key, g := range got {
		if _, ok := want[key]; !ok && len(g) > 0 {
			t.Errorf("%s depends on %q, want nothing", key, g)
		}
	}
}

func TestSQLiteViewDependencies(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "lineage.db")
	makeSQLite(t, path,
		`CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INT, amount REAL)`,
		`CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)`,
		`CREATE TABLE "Order Items" (order_id INT, sku TEXT)`,
		`CREATE TABLE secret_stuff (x)`,
		`CREATE VIEW order_lines AS SELECT o.id, c.name, i.sku
			FROM main.orders AS o
			JOIN Customers c ON c.id = o.customer_id -- SQLite names ignore case
			LEFT JOIN "Order Items" i ON i.order_id = o.id`,
		`CREATE VIEW big_spenders AS
			WITH totals AS (SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id)
			/* a CTE is no table: totals never appears */
			SELECT c.* FROM customers c WHERE c.id IN (SELECT customer_id FROM totals WHERE total > 1000)`,
		`CREATE VIEW [line count] AS SELECT count(*) AS n FROM (SELECT * FROM order_lines) x`,
		`CREATE VIEW constant AS SELECT 1 AS one, 'FROM orders' AS text`,
		`CREATE VIEW with_excluded AS SELECT * FROM orders, secret_stuff`,
		`CREATE VIEW self_named AS SELECT * FROM orders o WHERE NOT EXISTS (SELECT 1 FROM json_each('[1]'))`,
	)
	c, err := Open(models.SourceSettings{Kind: models.KindSQLite, DSN: path, Exclude: []string{"main.secret_*"}},
		models.SourcePolicy{FileRoots: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	snap := pgTestCrawl(t, c)
	checkDeps(t, snap, map[string][]string{
		"main.order_lines":   {"main.Order Items", "main.customers", "main.orders"},
		"main.big_spenders":  {"main.customers", "main.orders"},
		"main.line count":    {"main.order_lines"},
		"main.constant":      {},
		"main.with_excluded": {"main.orders"}, // secret_stuff was not crawled
		"main.self_named":    {"main.orders"},
	})
}

func TestMySQLViewDependencies(t *testing.T) {
	t.Parallel()
	srv := mysqlTestServer(t)
	db := srv.database(t)
	other := srv.database(t)
	srv.exec(t, other, "CREATE TABLE elsewhere (id INT)")
	srv.exec(t, db,
		"CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT, amount DECIMAL(10,2))",
		"CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(100))",
		"CREATE TABLE `odd ``name` (id INT)",
		"CREATE VIEW order_lines AS SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.amount > 10",
		"CREATE VIEW big_lines AS SELECT * FROM order_lines WHERE id > 100",
		"CREATE VIEW `odd view` AS SELECT o.id FROM `odd ``name` o LEFT JOIN (SELECT id FROM customers) x ON x.id = o.id",
		fmt.Sprintf("CREATE VIEW cross_db AS SELECT e.id FROM %s.elsewhere e, orders", quoteMySQLIdent(other)),
		"CREATE VIEW constant AS SELECT 1 AS one, 'from orders' AS s",
		"CREATE VIEW counted AS SELECT COUNT(*) AS n FROM orders WHERE customer_id IN (SELECT id FROM customers WHERE name LIKE 'a%')",
		"CREATE VIEW with_cte AS WITH recent AS (SELECT * FROM orders WHERE id > 5) SELECT r.id FROM recent r JOIN big_lines b ON b.id = r.id",
	)
	snap := mysqlCrawl(t, mysqlOpen(t, models.SourceSettings{DSN: srv.adminURL(db)}))
	k := func(name string) string { return db + "." + name }
	checkDeps(t, snap, map[string][]string{
		k("order_lines"): {k("customers"), k("orders")},
		k("big_lines"):   {k("order_lines")},
		k("odd view"):    {k("customers"), k("odd `name")},
		k("cross_db"):    {k("orders")}, // the other database is not this source's
		k("constant"):    {},
		k("counted"):     {k("customers"), k("orders")},
		k("with_cte"):    {k("big_lines"), k("orders")}, // recent is the CTE
	})

	// Without a database in the address, every database is crawled and
	// the reference to the other one counts.
	all := mysqlCrawl(t, mysqlOpen(t, models.SourceSettings{DSN: srv.adminURL(""),
		Include: []string{db + ".*", other + ".*"}}))
	want := []string{other + ".elsewhere", k("orders")}
	sort.Strings(want)
	if got := depsOf(all)[k("cross_db")]; !reflect.DeepEqual(got, want) {
		t.Errorf("across databases: cross_db depends on %q, want %q", got, want)
	}
}

func TestPostgresViewDependencies(t *testing.T) {
	t.Parallel()
	dsn, conn := pgTestDB(t)
	pgTestExec(t, conn, `
		CREATE SCHEMA sales;
		CREATE SCHEMA "Reporting";
		CREATE TABLE sales.orders (id int PRIMARY KEY, customer_id int, amount numeric);
		CREATE TABLE sales.customers (id int PRIMARY KEY, name text);
		CREATE TABLE public.hidden (id int);
		CREATE SEQUENCE sales.seq;
		CREATE FUNCTION public.answer() RETURNS int LANGUAGE sql AS 'SELECT 42';
		CREATE VIEW sales.order_lines AS
			SELECT o.id, c.name FROM sales.orders o JOIN sales.customers c ON c.id = o.customer_id;
		CREATE VIEW "Reporting"."Big Lines" AS SELECT * FROM sales.order_lines WHERE id > 100;
		CREATE MATERIALIZED VIEW "Reporting".totals AS
			SELECT customer_id, sum(amount) AS total FROM sales.orders GROUP BY customer_id;
		CREATE VIEW "Reporting".only_function AS SELECT public.answer() AS a, nextval('sales.seq') AS n;
		CREATE VIEW "Reporting".catalogs AS SELECT relname FROM pg_class;
		CREATE VIEW "Reporting".with_hidden AS
			SELECT h.id FROM public.hidden h WHERE EXISTS (SELECT 1 FROM sales.customers c WHERE c.id = h.id);
		CREATE VIEW sales.writable AS SELECT * FROM sales.customers;
		CREATE RULE ins AS ON INSERT TO sales.writable DO INSTEAD INSERT INTO sales.orders (id) VALUES (NEW.id);
	`)
	c := pgTestOpen(t, models.SourceSettings{DSN: dsn, Exclude: []string{"public.hidden"}}, models.SourcePolicy{AllowLoopback: true})
	snap := pgTestCrawl(t, c)
	checkDeps(t, snap, map[string][]string{
		"sales.order_lines":       {"sales.customers", "sales.orders"},
		"Reporting.Big Lines":     {"sales.order_lines"},
		"Reporting.totals":        {"sales.orders"},
		"Reporting.only_function": {},
		"Reporting.catalogs":      {},
		"Reporting.with_hidden":   {"sales.customers"},
		"sales.writable":          {"sales.customers"}, // its INSERT rule writes orders, it does not read them
	})
}
