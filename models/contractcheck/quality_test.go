package contractcheck

import (
	"reflect"
	"strings"
	"testing"
)

func TestBuildQuery(t *testing.T) {
	orders := Table{Schema: "public", Name: "orders"}
	le0 := func(r Rule) Rule { r.Operator, r.Value = OpMustBeLessOrEqualTo, 0; return r }
	for _, tc := range []struct {
		dialect string
		table   Table
		rule    Rule
		query   string
		args    []any
	}{
		{Postgres, orders, le0(Rule{Metric: MetricRowCount}), `SELECT COUNT(*) FROM "public"."orders"`, nil},
		{MySQL, Table{Schema: "shop", Name: "or`ders"}, le0(Rule{Metric: MetricRowCount}), "SELECT COUNT(*) FROM `shop`.`or``ders`", nil},
		{SQLite, Table{Schema: "main", Name: `we"ird`}, le0(Rule{Metric: MetricRowCount}), `SELECT COUNT(*) FROM "main"."we""ird"`, nil},
		{Postgres, Table{Name: "t"}, le0(Rule{Metric: MetricNullValues, Column: "Email"}),
			`SELECT COALESCE(SUM(CASE WHEN "Email" IS NULL THEN 1 ELSE 0 END), 0), COUNT(*) FROM "t"`, nil},
		{Postgres, orders, le0(Rule{Metric: MetricMissingValues, Column: "c", Arguments: map[string]any{"missingValues": []any{"", nil, "n/a"}}}),
			`SELECT COALESCE(SUM(CASE WHEN "c" IS NULL OR CAST("c" AS text) IN ($1, $2) THEN 1 ELSE 0 END), 0), COUNT(*) FROM "public"."orders"`,
			[]any{"", "n/a"}},
		{MySQL, orders, le0(Rule{Metric: MetricMissingValues, Column: "c", Arguments: map[string]any{"missingValues": []string{"-"}}}),
			"SELECT COALESCE(SUM(CASE WHEN `c` IS NULL OR CAST(`c` AS CHAR) IN (?) THEN 1 ELSE 0 END), 0), COUNT(*) FROM `public`.`orders`",
			[]any{"-"}},
		{Postgres, orders, le0(Rule{Metric: MetricInvalidValues, Column: "s", Arguments: map[string]any{"validValues": []any{"a", 1.5}, "pattern": "^[a-z]+$"}}),
			`SELECT COALESCE(SUM(CASE WHEN "s" IS NOT NULL AND (NOT (CAST("s" AS text) IN ($1, $2)) OR NOT (CAST("s" AS text) ~ $3)) THEN 1 ELSE 0 END), 0), COUNT(*) FROM "public"."orders"`,
			[]any{"a", "1.5", "^[a-z]+$"}},
		{MySQL, orders, le0(Rule{Metric: MetricInvalidValues, Column: "s", Arguments: map[string]any{"pattern": "^x"}}),
			"SELECT COALESCE(SUM(CASE WHEN `s` IS NOT NULL AND (NOT (CAST(`s` AS CHAR) REGEXP ?)) THEN 1 ELSE 0 END), 0), COUNT(*) FROM `public`.`orders`",
			[]any{"^x"}},
		{SQLite, orders, le0(Rule{Metric: MetricInvalidValues, Column: "s", Arguments: map[string]any{"pattern": "^x"}}),
			`SELECT COALESCE(SUM(CASE WHEN "s" IS NOT NULL AND (NOT (CAST("s" AS TEXT) REGEXP ?)) THEN 1 ELSE 0 END), 0), COUNT(*) FROM "public"."orders"`,
			[]any{"^x"}},
		{Postgres, orders, le0(Rule{Metric: MetricDuplicateValues, Column: "id"}),
			`SELECT COALESCE(SUM(g.n - 1), 0), (SELECT COUNT(*) FROM "public"."orders") FROM (SELECT COUNT(*) AS n FROM "public"."orders" WHERE "id" IS NOT NULL GROUP BY "id" HAVING COUNT(*) > 1) g`, nil},
		{MySQL, orders, le0(Rule{Metric: MetricDuplicateValues, Arguments: map[string]any{"properties": []any{"a", "b"}}}),
			"SELECT COALESCE(SUM(g.n - 1), 0), (SELECT COUNT(*) FROM `public`.`orders`) FROM (SELECT COUNT(*) AS n FROM `public`.`orders` WHERE `a` IS NOT NULL AND `b` IS NOT NULL GROUP BY `a`, `b` HAVING COUNT(*) > 1) g", nil},
		{Postgres, orders, le0(Rule{Type: RuleSQL, Column: "amount", Query: "SELECT count(*) FROM ${object} WHERE {property} < 0 OR ${column} > (SELECT 1 FROM {table} LIMIT 1)"}),
			`SELECT count(*) FROM "public"."orders" WHERE "amount" < 0 OR "amount" > (SELECT 1 FROM "public"."orders" LIMIT 1)`, nil},
	} {
		q, args, err := BuildQuery(tc.dialect, tc.table, tc.rule)
		if err != nil {
			t.Errorf("%s %+v: %v", tc.dialect, tc.rule, err)
			continue
		}
		if q != tc.query || !reflect.DeepEqual(args, tc.args) {
			t.Errorf("%s %+v:\n got %s %v\nwant %s %v", tc.dialect, tc.rule, q, args, tc.query, tc.args)
		}
		if err := CheckReadOnlyQuery(tc.dialect, q); err != nil {
			t.Errorf("built query refused: %s: %v", q, err)
		}
	}
}

func TestBuildQueryErrors(t *testing.T) {
	ok := Rule{Metric: MetricNullValues, Column: "c", Operator: OpMustBe}
	for _, tc := range []struct {
		dialect string
		table   Table
		rule    Rule
		want    string
	}{
		{"oracle", Table{Name: "t"}, ok, "unknown dialect"},
		{Postgres, Table{Name: ""}, ok, "empty name"},
		{Postgres, Table{Name: "a\x00b"}, ok, "NUL"},
		{Postgres, Table{Name: "t"}, Rule{Metric: MetricNullValues, Operator: OpMustBe}, "needs a column"},
		{Postgres, Table{Name: "t"}, Rule{Metric: "freshness", Operator: OpMustBe}, "unknown metric"},
		{Postgres, Table{Name: "t"}, Rule{Metric: MetricRowCount, Operator: OpMustBe, Unit: UnitPercent}, "no percent"},
		{Postgres, Table{Name: "t"}, Rule{Metric: MetricRowCount, Operator: "mustBeRoughly"}, "unknown operator"},
		{Postgres, Table{Name: "t"}, Rule{Metric: MetricRowCount}, "no operator"},
		{Postgres, Table{Name: "t"}, Rule{Metric: MetricRowCount, Operator: OpMustBeBetween, Values: [2]float64{5, 1}}, "smallest first"},
		{Postgres, Table{Name: "t"}, Rule{Metric: MetricInvalidValues, Column: "c", Operator: OpMustBe}, "validValues or pattern"},
		{Postgres, Table{Name: "t"}, Rule{Metric: MetricInvalidValues, Column: "c", Operator: OpMustBe, Arguments: map[string]any{"validValues": "a"}}, "should be a list"},
		{Postgres, Table{Name: "t"}, Rule{Metric: MetricMissingValues, Column: "c", Operator: OpMustBe, Arguments: map[string]any{"missingValues": []any{map[string]any{}}}}, "not a string or a number"},
		{SQLite, Table{Name: "t"}, Rule{Metric: MetricInvalidValues, Column: "c", Operator: OpMustBe, Arguments: map[string]any{"pattern": "(?<=x)"}}, "RE2"},
		{Postgres, Table{Name: "t"}, Rule{Metric: MetricDuplicateValues, Operator: OpMustBe}, "needs a column"},
		{Postgres, Table{Name: "t"}, Rule{Type: RuleSQL, Operator: OpMustBe}, "needs a query"},
		{Postgres, Table{Name: "t"}, Rule{Type: RuleSQL, Operator: OpMustBe, Query: "SELECT count(*) FROM t WHERE ${column} IS NULL"}, "on no column"},
		{Postgres, Table{Name: "t"}, Rule{Type: RuleSQL, Operator: OpMustBe, Query: "DELETE FROM ${table}"}, "starts with DELETE"},
		{Postgres, Table{Name: "t"}, Rule{Type: "custom", Operator: OpMustBe}, "not run here"},
	} {
		_, _, err := BuildQuery(tc.dialect, tc.table, tc.rule)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %+v %+v: error %v, want one mentioning %q", tc.dialect, tc.table, tc.rule, err, tc.want)
		}
	}
}

func TestJudge(t *testing.T) {
	for _, tc := range []struct {
		rule      Rule
		measured  float64
		pass      bool
		threshold string
	}{
		{Rule{Metric: MetricNullValues, Operator: OpMustBe, Value: 0}, 0, true, "= 0 rows"},
		{Rule{Metric: MetricNullValues, Operator: OpMustBe, Value: 0}, 1, false, "= 0 rows"},
		{Rule{Metric: MetricNullValues, Operator: OpMustNotBe, Value: 0}, 1, true, "≠ 0 rows"},
		{Rule{Metric: MetricNullValues, Operator: OpMustBeLessOrEqualTo, Value: 0}, 0, true, "≤ 0 rows"},
		{Rule{Metric: MetricNullValues, Operator: OpMustBeLessOrEqualTo, Value: 0}, 2, false, "≤ 0 rows"},
		{Rule{Metric: MetricNullValues, Operator: OpMustBeLessThan, Value: 5, Unit: UnitPercent}, 4.99, true, "< 5 %"},
		{Rule{Metric: MetricNullValues, Operator: OpMustBeLessThan, Value: 5, Unit: UnitPercent}, 5, false, "< 5 %"},
		{Rule{Metric: MetricRowCount, Operator: OpMustBeGreaterThan, Value: 10}, 11, true, "> 10 rows"},
		{Rule{Metric: MetricRowCount, Operator: OpMustBeGreaterOrEqualTo, Value: 10}, 9, false, "≥ 10 rows"},
		{Rule{Metric: MetricRowCount, Operator: OpMustBeBetween, Values: [2]float64{1000, 2000}}, 1000, true, "between 1000 and 2000 rows"},
		{Rule{Metric: MetricRowCount, Operator: OpMustBeBetween, Values: [2]float64{1000, 2000}}, 2001, false, "between 1000 and 2000 rows"},
		{Rule{Metric: MetricRowCount, Operator: OpMustNotBeBetween, Values: [2]float64{1, 2}}, 1.5, false, "not between 1 and 2 rows"},
		{Rule{Metric: MetricRowCount, Operator: OpMustNotBeBetween, Values: [2]float64{1, 2}}, 3, true, "not between 1 and 2 rows"},
		{Rule{Type: RuleSQL, Operator: OpMustBe, Value: 0}, 0, true, "= 0"},
		{Rule{Type: RuleSQL, Operator: OpMustBeLessThan, Value: 2.5, Unit: UnitPercent}, 1, true, "< 2.5 %"},
		{Rule{Metric: MetricRowCount, Operator: "nope"}, 1, false, `unknown operator "nope"`},
	} {
		pass, th := Judge(tc.rule, tc.measured)
		if pass != tc.pass || th != tc.threshold {
			t.Errorf("Judge(%+v, %v) = %v %q, want %v %q", tc.rule, tc.measured, pass, th, tc.pass, tc.threshold)
		}
	}
	if Percent(1, 0) != 0 || Percent(1, 4) != 25 {
		t.Errorf("Percent: %v %v", Percent(1, 0), Percent(1, 4))
	}
}

func FuzzBuildQuery(f *testing.F) {
	f.Add(0, 0, "public", "orders", "id", "^[a-z]+$", "SELECT count(*) FROM ${object}", "a")
	f.Add(1, 3, "", `we"ird`, "`x`", "(", "SELECT 1; DROP TABLE t", "")
	f.Add(2, 5, "main", "t", "", "", "WITH x AS (DELETE FROM t RETURNING *) SELECT count(*) FROM x", "\x00")
	dialects := []string{Postgres, MySQL, SQLite, "other"}
	metrics := []string{MetricNullValues, MetricMissingValues, MetricInvalidValues, MetricDuplicateValues, MetricRowCount, "", "sql"}
	f.Fuzz(func(t *testing.T, d, m int, schema, name, column, pattern, query, value string) {
		dialect := dialects[(d%len(dialects)+len(dialects))%len(dialects)]
		metric := metrics[(m%len(metrics)+len(metrics))%len(metrics)]
		r := Rule{Metric: metric, Column: column, Operator: OpMustBe, Arguments: map[string]any{
			"missingValues": []any{value, nil}, "validValues": []any{value}, "pattern": pattern, "properties": []any{column, value},
		}}
		if metric == "sql" {
			r = Rule{Type: RuleSQL, Query: query, Column: column, Operator: OpMustBe}
		}
		q, _, err := BuildQuery(dialect, Table{Schema: schema, Name: name}, r)
		if err != nil {
			return
		}
		// Whatever the names, what BuildQuery builds is one read-only
		// SELECT, and values travel only as arguments.
		if err := CheckReadOnlyQuery(dialect, q); err != nil {
			t.Fatalf("BuildQuery built %q, refused: %v", q, err)
		}
	})
}
