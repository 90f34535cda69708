package connectors

import (
	"reflect"
	"strings"
	"testing"
)

func refsText(refs []viewRef) []string {
	out := []string{}
	for _, r := range refs {
		if r.Schema == "" {
			out = append(out, r.Name)
		} else {
			out = append(out, r.Schema+"."+r.Name)
		}
	}
	return out
}

func TestViewReferencesSQLite(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, sql string
		want      []string
	}{
		{"plain", `CREATE VIEW v AS SELECT * FROM orders`, []string{"orders"}},
		{"schema and alias", `CREATE VIEW v AS SELECT o.id FROM main.orders AS o, customers c WHERE o.c = c.id`,
			[]string{"main.orders", "customers"}},
		{"joins", `CREATE VIEW v AS SELECT * FROM a LEFT OUTER JOIN b ON a.id = b.a_id
			NATURAL JOIN c CROSS JOIN d INNER JOIN e USING (id, k), f`, []string{"a", "b", "c", "d", "e", "f"}},
		{"quoted names", "CREATE VIEW \"my view\" AS SELECT * FROM \"Bestellungen Ü\" JOIN [order items] ON 1 JOIN `we``ird` JOIN \"sel\"\"ect\"",
			[]string{"Bestellungen Ü", "order items", "we`ird", `sel"ect`}},
		{"quoted keyword", `CREATE VIEW v AS SELECT "from" FROM "select"`, []string{"select"}},
		{"subqueries", `CREATE VIEW v AS SELECT (SELECT max(x) FROM t1) AS m FROM (SELECT * FROM t2 WHERE y IN (SELECT y FROM t3)) s
			WHERE EXISTS (SELECT 1 FROM t4 WHERE t4.id = s.id)`, []string{"t1", "t2", "t3", "t4"}},
		{"cte is no table", `CREATE VIEW v AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3),
			recent AS MATERIALIZED (SELECT * FROM orders), "Other" AS NOT MATERIALIZED (SELECT 1)
			SELECT * FROM n, recent JOIN other JOIN customers`, []string{"orders", "customers"}},
		{"qualified cte name is a table", `CREATE VIEW v AS WITH orders AS (SELECT 1) SELECT * FROM orders, main.orders`, []string{"main.orders"}},
		{"comments", `CREATE VIEW v AS -- FROM hidden
			SELECT /* FROM hidden2 JOIN x */ a FROM -- comment
			t /* the table */ JOIN u`, []string{"t", "u"}},
		{"strings", `CREATE VIEW v AS SELECT 'FROM x', 'it''s FROM y' FROM t WHERE s = ' JOIN z'`, []string{"t"}},
		{"union", `CREATE VIEW v AS SELECT a FROM t1 UNION ALL SELECT a FROM t2 EXCEPT SELECT a FROM t3`, []string{"t1", "t2", "t3"}},
		{"no table", `CREATE VIEW v AS SELECT 1, random()`, []string{}},
		{"values", `CREATE VIEW v AS SELECT * FROM (VALUES (1, 2), (3, 4))`, []string{}},
		{"table-valued function", `CREATE VIEW v AS SELECT * FROM t, json_each(t.doc) j JOIN pragma_table_info('t')`, []string{"t"}},
		{"distinct from and expressions", `CREATE VIEW v AS SELECT a IS NOT DISTINCT FROM b, substr(x FROM 2), (a, b) FROM t
			WHERE c IS DISTINCT FROM d ORDER BY 1`, []string{"t"}},
		{"parenthesised join", `CREATE VIEW v AS SELECT * FROM ((a JOIN b ON a.x = b.x) JOIN (c) ON 1), d`, []string{"a", "b", "c", "d"}},
		{"where ends the list", `CREATE VIEW v AS SELECT * FROM t WHERE x IN (1, 2) GROUP BY a, b ORDER BY c, d LIMIT 1, 2`, []string{"t"}},
		{"window", `CREATE VIEW v AS SELECT row_number() OVER (PARTITION BY a ORDER BY b) FROM t WINDOW w AS (ORDER BY c)`, []string{"t"}},
		{"once each", `CREATE VIEW v AS SELECT * FROM t JOIN t AS t2 ON 1 JOIN main.t`, []string{"t", "main.t"}},
		{"column list of the view", `CREATE VIEW v(a, b) AS SELECT x, y FROM t`, []string{"t"}},
		{"cte inside a subquery", `CREATE VIEW v AS SELECT * FROM (WITH c AS (SELECT * FROM t1), d AS (SELECT 2) SELECT * FROM c, d, t2)`,
			[]string{"t1", "t2"}},
		{"unterminated", `CREATE VIEW v AS SELECT * FROM t /* never closed`, []string{"t"}},
		{"empty", ``, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := refsText(viewReferences(tc.sql, dialectSQLite)); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("references\n got %q\nwant %q\nin %s", got, tc.want, tc.sql)
			}
		})
	}
}

// The definitions as MariaDB 10.11 and MySQL 8 keep them in
// information_schema.VIEWS.VIEW_DEFINITION.
func TestViewReferencesMySQL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, sql string
		want      []string
	}{
		{"mariadb join", "select `shop`.`o`.`id` AS `id`,`shop`.`c`.`name` AS `name` from (`shop`.`orders` `o` join `shop`.`customers` `c` on(`shop`.`o`.`customer_id` = `shop`.`c`.`id`)) where `shop`.`o`.`amount` > 100",
			[]string{"shop.orders", "shop.customers"}},
		{"left join and another db", "select `a`.`x` AS `x` from ((`shop`.`a` left join `shop`.`b` on(`shop`.`a`.`id` = `shop`.`b`.`id`)) join `other`.`c`)",
			[]string{"shop.a", "shop.b", "other.c"}},
		{"straight join", "select 1 AS `1` from (`s`.`t1` straight_join `s`.`t2`)", []string{"s.t1", "s.t2"}},
		{"subquery and derived table", "select `d`.`n` AS `n` from (select count(0) AS `n` from `s`.`t` where `s`.`t`.`k` in (select `s`.`u`.`k` from `s`.`u`)) `d`",
			[]string{"s.t", "s.u"}},
		{"strings with escapes", "select 'it\\'s from `s`.`x`' AS `a`,\"from `s`.`y`\" AS `b` from `s`.`t`", []string{"s.t"}},
		{"extract and cte", "with `c` as (select extract(year from `s`.`t`.`d`) AS `y` from `s`.`t`) select `c`.`y` AS `y` from `c`",
			[]string{"s.t"}},
		{"comments", "select 1 from -- x\n`s`.`t` # hash comment from `s`.`no`\n join /* from `s`.`no2` */ `s`.`u`", []string{"s.t", "s.u"}},
		{"minus minus without space is no comment", "select 1--1 AS `x` from `s`.`t`", []string{"s.t"}},
		{"dual", "select 1 AS `1` from DUAL", []string{}},
		{"json_table", "select `j`.`v` AS `v` from (`s`.`t` join json_table(`s`.`t`.`doc`, '$[*]' columns (`v` int path '$')) `j`)", []string{"s.t"}},
		{"backquoted odd names", "select 1 from `my db`.`ta``ble` join `s`.`from`", []string{"my db.ta`ble", "s.from"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := refsText(viewReferences(tc.sql, dialectMySQL)); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("references\n got %q\nwant %q\nin %s", got, tc.want, tc.sql)
			}
		})
	}
}

func TestResolveViewRefs(t *testing.T) {
	t.Parallel()
	known := map[string]string{"s.t": "s.t", "s.u": "s.u", "x.y": "x.y", "s.v": "s.v"}
	lookup := func(schema, name string) (string, bool) {
		k, ok := known[schema+"."+name]
		return k, ok
	}
	refs := []viewRef{{"", "u"}, {"s", "t"}, {"x", "y"}, {"other", "t"}, {"s", "v"}, {"", "t"}, {"s", "gone"}}
	got := resolveViewRefs(refs, "s", "s.v", lookup)
	if want := []string{"s.t", "s.u", "x.y"}; !reflect.DeepEqual(got, want) {
		t.Errorf("resolved %q, want %q (own schema for unqualified, self and unknown left out, sorted, once)", got, want)
	}
}

// FuzzViewReferences: the parser never panics or loops, in either dialect,
// and every name it returns is one the text holds.
func FuzzViewReferences(f *testing.F) {
	for _, s := range []string{
		`CREATE VIEW v AS SELECT * FROM a JOIN "b" ON 1, [c] WHERE x IN (SELECT 1 FROM d)`,
		"select `s`.`t`.`a` AS `a` from (`s`.`t` join `s`.`u` on((`s`.`t`.`id` = `s`.`u`.`id`)))",
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n) SELECT * FROM n, t`,
		`SELECT 'x'' FROM y' FROM /* c */ t -- z`,
		`SELECT extract(year FROM d) FROM (((t)))`,
		"FROM", "WITH", "WITH a", "WITH a (", "SELECT FROM (", "FROM a.", "`", "'", "\"", "[", "/*", "--", "#", ")))(((",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		for _, d := range []sqlDialect{dialectSQLite, dialectMySQL} {
			refs := viewReferences(sql, d)
			seen := map[viewRef]bool{}
			for _, r := range refs {
				if r.Name == "" {
					t.Fatalf("empty name in %q", sql)
				}
				if seen[r] {
					t.Fatalf("%v twice in %q", r, sql)
				}
				seen[r] = true
				// A quoted name may hold an escaped quote; compare without them.
				plain := func(s string) string { return strings.NewReplacer(`"`, "", "`", "", "\\", "", "'", "").Replace(s) }
				if !strings.Contains(plain(sql), plain(r.Name)) || !strings.Contains(plain(sql), plain(r.Schema)) {
					t.Fatalf("%v is not in %q", r, sql)
				}
			}
		}
	})
}
