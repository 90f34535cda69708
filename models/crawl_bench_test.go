package models_test

import (
	"fmt"
	"testing"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

// BenchmarkRecordCrawl10k is the portal's side of a repeated crawl of
// 10,000 tables: fold the observations into the assets and store them.
func BenchmarkRecordCrawl10k(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			var s *models.Store
			if dialect == "sqlite" {
				s = storetest.SQLite(b)
			} else {
				s = storetest.Postgres(b)
			}
			s = withSources(b, s)
			admin := storetest.Admin()
			if _, err := s.CreateDomain(ctx, admin, models.DomainInput{Name: "Sales", Owners: []string{"x"}}); err != nil {
				b.Fatal(err)
			}
			src, err := s.CreateSource(ctx, admin, sourceInput("sales", "Bench", "postgres://x@127.0.0.1/db"))
			if err != nil {
				b.Fatal(err)
			}
			snap := models.CrawlSnapshot{CountersEpoch: "e", UsageKnown: true}
			for i := range 10000 {
				snap.Assets = append(snap.Assets, models.ObservedAsset{Schema: "bench", Name: fmt.Sprintf("t%d", i), Kind: models.AssetTable,
					SizeBytes: i64(16384), RowEstimate: i64(1), Inserts: i64(1), Updates: i64(0), Deletes: i64(0), SeqScans: i64(int64(i)), IdxScans: i64(0),
					Columns: []models.Column{{Name: "id", Type: "integer"}, {Name: "v", Type: "text"}}})
			}
			crawl := func() {
				run, err := s.ClaimRun(ctx, src.ID, models.TriggerManual, nil, "bench", "bench")
				if err != nil {
					b.Fatal(err)
				}
				if _, err := s.RecordCrawlOnly(ctx, run, src, &snap, nil); err != nil {
					b.Fatal(err)
				}
			}
			crawl() // the first crawl inserts; the benchmark is every later one
			for b.Loop() {
				crawl()
			}
		})
	}
}
