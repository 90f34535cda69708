package connectors

import (
	"context"
	"testing"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/contractcheck"
)

// BenchmarkRunChecksPostgres is a contract's four library checks on a
// 200,000-row PostgreSQL table: "checks" is RunChecks as a crawl runs it
// (connect, one read-only transaction with its timeout per rule); "queries"
// is the same SELECTs on an open connection, as psql with \timing would
// run them. The difference is what the checks add to their own queries.
func BenchmarkRunChecksPostgres(b *testing.B) {
	dsn, conn := pgTestDB(b)
	pgTestExec(b, conn, `CREATE TABLE orders AS SELECT g AS id, CASE WHEN g % 100 = 0 THEN NULL ELSE 'c' || (g % 5000) END AS customer,
		(g % 7)::text AS state FROM generate_series(1, 200000) g`)
	pgTestExec(b, conn, `ANALYZE orders`)
	table := contractcheck.Table{Schema: "public", Name: "orders"}
	rules := []contractcheck.Rule{
		{ID: "nulls", Metric: "nullValues", Column: "customer", Operator: "mustBeLessThan", Value: 2, Unit: "percent"},
		{ID: "dups", Metric: "duplicateValues", Column: "id", Operator: "mustBe", Value: 0},
		{ID: "valid", Metric: "invalidValues", Column: "state", Arguments: map[string]any{"validValues": []any{"0", "1", "2", "3", "4", "5", "6"}}, Operator: "mustBe", Value: 0},
		{ID: "rows", Metric: "rowCount", Operator: "mustBeGreaterThan", Value: 1000},
	}
	s := models.SourceSettings{Kind: models.KindPostgres, DSN: dsn}
	p := models.SourcePolicy{AllowLoopback: true}
	b.Run("checks", func(b *testing.B) {
		for b.Loop() {
			res, err := RunChecks(context.Background(), s, p, table, rules)
			if err != nil || len(res) != 4 {
				b.Fatal(res, err)
			}
			for _, r := range res {
				if r.Status != contractcheck.StatusPassed {
					b.Fatalf("%+v", r)
				}
			}
		}
	})
	b.Run("queries", func(b *testing.B) {
		for b.Loop() {
			for _, r := range rules {
				q, args, err := contractcheck.BuildQuery(contractcheck.Postgres, table, r)
				if err != nil {
					b.Fatal(err)
				}
				rows, err := conn.Query(context.Background(), q, args...)
				if err != nil {
					b.Fatal(err)
				}
				for rows.Next() {
				}
				rows.Close()
				if rows.Err() != nil {
					b.Fatal(rows.Err())
				}
			}
		}
	})
}
