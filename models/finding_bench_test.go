package models_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/seed"
	"github.com/meshport/meshport/models/storetest"
)

// BenchmarkEvaluateAfterCrawl10k is what the crawler does for findings
// after a crawl of a source with 10,000 tables (the issue allows 2 s):
// EvaluateSourceFindings, with the day's health totals it records. The
// portal holds 10,000 products; 5,000 of them have a port on a table of
// the source. The second crawl, 100 days after the first, finds 60 % of
// the tables read since, 30 % unread and 10 % without read counts, so
// there are unowned, unread and usage-unknown findings (about 6,300).
//
//   - open: no findings yet, every one is opened with its event;
//   - resized: a crawl just changed every table's size, so every finding's
//     figures are rewritten (no events);
//   - unchanged: nothing to write.
func BenchmarkEvaluateAfterCrawl10k(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			s, c, src := crawledSource10k(b, dialect)
			evaluate := func(b *testing.B) int {
				n, err := s.EvaluateSourceFindings(ctx, src.ID)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(n), "findings/op")
				return n
			}
			b.Run("open", func(b *testing.B) {
				for b.Loop() {
					b.StopTimer()
					clearFindings(b, s)
					b.StartTimer()
					if n := evaluate(b); n < 5000 {
						b.Fatalf("%d findings opened, want over 5,000", n)
					}
				}
			})
			b.Run("resized", func(b *testing.B) {
				grow := int64(0)
				for b.Loop() {
					b.StopTimer()
					grow++
					c.Advance(time.Hour)
					crawlSized(b, s, src, 100, grow)
					b.StartTimer()
					if n := evaluate(b); n < 5000 {
						b.Fatalf("%d findings rewritten, want over 5,000", n)
					}
				}
			})
			b.Run("unchanged", func(b *testing.B) {
				for b.Loop() {
					if n := evaluate(b); n != 0 {
						b.Fatalf("%d findings changed, want none", n)
					}
				}
			})
		})
	}
}

// crawledSource10k is a portal with 10,000 products and a source with
// 10,000 tables crawled twice, 100 days apart, with half the products' ports
// on its tables.
func crawledSource10k(b *testing.B, dialect string) (*models.Store, *clock, *models.Source) {
	b.Helper()
	var s *models.Store
	if dialect == "sqlite" {
		s = storetest.SQLite(b)
	} else {
		s = storetest.Postgres(b)
	}
	c := newClock()
	s = withSources(b, withClock(s, c))
	if err := seed.Bulk(ctx, s, 50, 10000); err != nil {
		b.Fatal(err)
	}
	src, err := s.CreateSource(ctx, storetest.Admin(), sourceInput("domain-1", "Bench", "postgres://x@127.0.0.1/db"))
	if err != nil {
		b.Fatal(err)
	}
	crawlSized(b, s, src, 0, 0)
	var products []uint
	if err := s.DB().Table("products").Order("id").Limit(5000).Pluck("id", &products).Error; err != nil {
		b.Fatal(err)
	}
	ports := make([]models.OutputPort, len(products))
	for i, id := range products {
		ports[i] = models.OutputPort{ProductID: id, Name: "main", Type: "table", Location: fmt.Sprintf("bench.t%d", 2*i), SourceID: &src.ID}
	}
	if err := s.DB().Omit("Source").CreateInBatches(ports, 500).Error; err != nil {
		b.Fatal(err)
	}
	c.Advance(100 * 24 * time.Hour)
	crawlSized(b, s, src, 100, 0)
	return s, c, src
}

// crawlSized records a crawl of the 10,000 tables on day (0: the first
// crawl) with every size grown by grow bytes, and refreshes the products'
// health, but leaves the evaluation RecordCrawl would run to the benchmark.
func crawlSized(b *testing.B, s *models.Store, src *models.Source, day, grow int64) {
	b.Helper()
	snap := models.CrawlSnapshot{CountersEpoch: "e", UsageKnown: true}
	for i := range int64(10000) {
		o := models.ObservedAsset{Schema: "bench", Name: fmt.Sprintf("t%d", i), Kind: models.AssetTable,
			SizeBytes: i64(8192 + i*i*997 + grow), RowEstimate: i64(i), Inserts: i64(i + day), Updates: i64(0), Deletes: i64(0),
			Columns: []models.Column{{Name: "id", Type: "integer"}, {Name: "v", Type: "text"}}}
		switch i % 10 {
		case 0: // no read counts
		case 1, 2, 3: // never read again after the first crawl
			o.SeqScans, o.IdxScans = i64(i), i64(0)
		default:
			o.SeqScans, o.IdxScans = i64(i+day), i64(0)
		}
		snap.Assets = append(snap.Assets, o)
	}
	run, err := s.ClaimRun(ctx, src.ID, models.TriggerManual, nil, "bench", "bench")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.RecordCrawlOnly(ctx, run, src, &snap, nil); err != nil {
		b.Fatal(err)
	}
	if err := s.RefreshSourceHealth(ctx, src.ID); err != nil {
		b.Fatal(err)
	}
}

func clearFindings(b *testing.B, s *models.Store) {
	b.Helper()
	for _, table := range []string{"finding_events", "findings"} {
		if err := s.DB().Exec("DELETE FROM " + table).Error; err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvaluateFindings100k is the scheduled evaluation of every
// finding of a portal seeded like the load tests: 50 domains, 10,000
// products, 10 sources with 100,000 assets in all (about 87,000 findings).
func BenchmarkEvaluateFindings100k(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			s := seeded100k(b, dialect)
			b.Run("open", func(b *testing.B) {
				for b.Loop() {
					b.StopTimer()
					clearFindings(b, s)
					b.StartTimer()
					if _, err := s.EvaluateFindings(ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("unchanged", func(b *testing.B) {
				for b.Loop() {
					if _, err := s.EvaluateFindings(ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// BenchmarkListFindings100k is the store's part of the findings page and
// the dashboard totals over the same 87,000 findings, snapshot loaded.
func BenchmarkListFindings100k(b *testing.B) {
	s := seeded100k(b, "sqlite")
	for _, f := range []models.FindingFilter{
		{},
		{Group: models.GroupDarkData, MinSize: "1GB", Sort: "cost"},
		{Group: models.GroupUsageUnknown, Domain: "domain-3", Sort: "name", Page: 3},
		{Reason: models.ReasonBoth, Sort: "age", Page: 40},
	} {
		name := fmt.Sprintf("group=%s,domain=%s,size=%s,reason=%s,sort=%s,page=%d", f.Group, f.Domain, f.MinSize, f.Reason, f.Sort, f.Page)
		b.Run(name, func(b *testing.B) {
			if _, err := s.ListFindings(ctx, f); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.ListFindings(ctx, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("totals", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.FindingTotalsOf(ctx, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func seeded100k(b *testing.B, dialect string) *models.Store {
	b.Helper()
	var s *models.Store
	if dialect == "sqlite" {
		s = storetest.SQLite(b)
	} else {
		s = storetest.Postgres(b)
	}
	s = models.NewStore(s.DB(), models.Options{Sealer: testSealer(b)})
	if err := seed.Bulk(ctx, s, 50, 10000); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	res, err := seed.Assets(ctx, s, 10, 100000)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d assets, %d findings in %s", res.Assets, res.Findings, time.Since(start).Round(time.Millisecond))
	return s
}
