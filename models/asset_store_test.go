package models_test

import (
	"testing"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

func TestListAssetsFiltersAndSorts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		c := newClock()
		s = withSources(t, withClock(s, c))
		createDomain(t, s, "Sales", "sales-team")
		src, err := s.CreateSource(ctx, admin, sourceInput("sales", "Sales DB", "postgres://x@127.0.0.1/sales"))
		mustOK(t, err, "source")
		table := func(name string, size, reads, writes int64) models.ObservedAsset {
			return models.ObservedAsset{Schema: "s", Name: name, Kind: models.AssetTable, SizeBytes: i64(size),
				SeqScans: i64(reads), IdxScans: i64(0), Inserts: i64(writes), Updates: i64(0), Deletes: i64(0)}
		}
		snap := func(obs ...models.ObservedAsset) models.CrawlSnapshot {
			return models.CrawlSnapshot{CountersEpoch: "e", UsageKnown: true, Assets: obs}
		}
		view := models.ObservedAsset{Schema: "s", Name: "v_100%_done", Kind: models.AssetView}
		crawlOnce(t, s, src, snap(table("big", 3000, 0, 0), table("mid", 2000, 0, 0), table("small", 1000, 0, 0), view))
		c.Advance(24 * time.Hour)
		crawlOnce(t, s, src, snap(table("big", 3000, 5, 1), table("mid", 2000, 0, 0), table("small", 1000, 0, 1), view))
		c.Advance(10 * 24 * time.Hour)
		crawlOnce(t, s, src, snap(table("big", 3000, 9, 2), table("mid", 2000, 0, 0), table("small", 1000, 0, 1), view))

		keys := func(f models.AssetFilter) []string {
			t.Helper()
			page, err := s.ListAssets(ctx, src.ID, f)
			mustOK(t, err, "list assets")
			var out []string
			for _, a := range page.Items {
				out = append(out, a.Name)
			}
			return out
		}
		for name, tc := range map[string]struct {
			f    models.AssetFilter
			want []string
		}{
			"default: largest first, unknown size last": {models.AssetFilter{}, []string{"big", "mid", "small", "v_100%_done"}},
			"smallest first, unknown still last":        {models.AssetFilter{Sort: "size", Order: "asc"}, []string{"small", "mid", "big", "v_100%_done"}},
			"by name":                                   {models.AssetFilter{Sort: "name"}, []string{"big", "mid", "small", "v_100%_done"}},
			"most read first":                           {models.AssetFilter{Sort: "reads"}, []string{"big", "mid", "small", "v_100%_done"}},
			"read":                                      {models.AssetFilter{Usage: "read"}, []string{"big"}},
			"no reads seen":                             {models.AssetFilter{Usage: "unread", Sort: "name"}, []string{"mid", "small"}},
			"reads unknown":                             {models.AssetFilter{Usage: "unknown"}, []string{"v_100%_done"}},
			"unchanged for 7 days":                      {models.AssetFilter{UnchangedDays: 7}, []string{"small"}},
			"search escapes LIKE characters":            {models.AssetFilter{Q: "100%"}, []string{"v_100%_done"}},
			"search is not a pattern":                   {models.AssetFilter{Q: "_"}, []string{"v_100%_done"}},
			"kind":                                      {models.AssetFilter{Kind: "view"}, []string{"v_100%_done"}},
		} {
			if got := keys(tc.f); !sameList(got, tc.want) {
				t.Errorf("%s: %v, want %v", name, got, tc.want)
			}
		}
		for _, bad := range []models.AssetFilter{{Sort: "size; DROP TABLE assets"}, {Order: "sideways"}, {Usage: "often"}, {UnchangedDays: -1}} {
			_, err := s.ListAssets(ctx, src.ID, bad)
			assertErr(t, err, models.EINVALID, "")
		}
	})
}

func sameList(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
