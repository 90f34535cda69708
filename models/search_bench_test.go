package models_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/seed"
	"github.com/meshport/meshport/models/storetest"
)

// BenchmarkSearchTypeahead is the header's typeahead (8 suggestions with
// the total and the facets) under 20 concurrent users, on a mesh of 50
// domains, 10,000 products and 100,000 crawled assets in 10 sources with
// their columns. It reports the p50 and p99 of the searches it timed.
func BenchmarkSearchTypeahead(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			var s *models.Store
			if dialect == "sqlite" {
				s = storetest.SQLite(b)
			} else {
				s = storetest.Postgres(b)
			}
			s = withSources(b, s)
			if err := seed.Bulk(ctx, s, 50, 10000); err != nil {
				b.Fatal(err)
			}
			if _, err := seed.Assets(ctx, s, 10, 100000); err != nil {
				b.Fatal(err)
			}
			if dialect == "postgres" { // as autovacuum would after the load
				if err := s.DB().Exec("ANALYZE").Error; err != nil {
					b.Fatal(err)
				}
			}
			var entries int64
			s.DB().Model(&models.SearchEntry{}).Count(&entries)
			b.ReportMetric(float64(entries), "entries")
			queries := []string{"ord", "orders", "cust", "customer_id", "created_at", "pay", "ship", "stock lev", "ema", "x9"}
			var mu sync.Mutex
			var took []time.Duration
			b.SetParallelism(10) // x GOMAXPROCS (2): 20 users
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					i++
					start := time.Now()
					if _, err := s.Search(ctx, models.SearchQuery{Q: queries[i%len(queries)], Limit: 8, Suggest: true}); err != nil {
						b.Error(err)
						return
					}
					d := time.Since(start)
					mu.Lock()
					took = append(took, d)
					mu.Unlock()
				}
			})
			slices.Sort(took)
			if len(took) > 0 {
				b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
			}
		})
	}
}
