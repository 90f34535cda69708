package seed_test

import (
	"context"
	"strings"
	"testing"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/secrets"
	"github.com/meshport/meshport/models/seed"
	"github.com/meshport/meshport/models/storetest"
)

var ctx = context.Background()

func testSealer(t *testing.T) *secrets.Sealer {
	t.Helper()
	sealer, err := secrets.NewSealer("test-secret-key-0123456789-abcdefghij")
	must(t, err, "sealer")
	return sealer
}

func must(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// TestAssets checks the load-test seed the models benchmarks and
// scripts/bench-findings rely on: disabled sources with sealed DSNs,
// assets of every kind and usage, ports, findings in every group, 90 days
// of totals, and the same assets from the same seed.
func TestAssets(t *testing.T) {
	t.Parallel()
	var keys []string
	storetest.EachWith(t, models.Options{Sealer: testSealer(t)}, func(t *testing.T, s *models.Store) {
		must(t, seed.Bulk(ctx, s, 3, 300), "seed bulk")
		res, err := seed.Assets(ctx, s, 2, 3000)
		must(t, err, "seed assets")
		if res.Sources != 2 || res.Assets != 3000 || res.Ports < 240 || res.Ports > 300 || res.Findings < 1000 {
			t.Errorf("seeded %+v", res)
		}
		sources, err := s.ListSources(ctx)
		must(t, err, "sources")
		for _, src := range sources {
			settings, err := s.ConnectorSettings(&src)
			must(t, err, "open DSN")
			if src.Enabled || !strings.Contains(settings.DSN, "127.0.0.1:1/") {
				t.Errorf("source %s: enabled %v, DSN %s", src.Slug, src.Enabled, settings.DSN)
			}
		}
		var kinds []string
		must(t, s.DB().Model(&models.Asset{}).Distinct("kind").Order("kind").Pluck("kind", &kinds).Error, "kinds")
		if strings.Join(kinds, ",") != "materialized view,partition,partitioned table,table,view" {
			t.Errorf("kinds %v", kinds)
		}
		page, err := s.ListFindings(ctx, models.FindingFilter{})
		must(t, err, "list")
		for _, g := range models.FindingGroups() {
			if g == models.GroupContracts {
				continue // Assets seeds no contracts; the demo does (TestDemo)
			}
			if page.Groups[g] == 0 {
				t.Errorf("no open findings in %s: %v", g, page.Groups)
			}
		}
		trend, err := s.HealthTrend(ctx, 0, 90)
		must(t, err, "trend")
		if len(trend) != 90 || trend[89].DarkAssets != res.Totals.DarkAssets {
			t.Errorf("%d days of totals", len(trend))
		}
		var got []string
		must(t, s.DB().Model(&models.Asset{}).Order("id").Limit(200).
			Select("key || ':' || kind || ':' || coalesce(size_bytes, -1) || ':' || CASE WHEN usage_known THEN 'read counts' ELSE 'no read counts' END").Pluck("1", &got).Error, "assets")
		if keys == nil {
			keys = got
		} else if strings.Join(got, " ") != strings.Join(keys, " ") {
			t.Errorf("a second seed gave other assets: %v... against %v...", got[:3], keys[:3])
		}
	})
}
