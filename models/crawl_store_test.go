package models_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

func i64(v int64) *int64 { return &v }

func deref(v *int64) any {
	if v == nil {
		return nil
	}
	return *v
}

// crawlOnce claims a run and records snap as its result.
func crawlOnce(t *testing.T, s *models.Store, src *models.Source, snap models.CrawlSnapshot) *models.CrawlRun {
	t.Helper()
	run, err := s.ClaimRun(ctx, src.ID, models.TriggerManual, nil, "test", "test-instance")
	mustOK(t, err, "claim run")
	run, err = s.RecordCrawl(ctx, run, src, &snap, nil)
	mustOK(t, err, "record crawl")
	return run
}

func assetByKey(t *testing.T, s *models.Store, sourceID uint, key string) models.Asset {
	t.Helper()
	var a models.Asset
	mustOK(t, s.DB().Where("source_id = ? AND key = ?", sourceID, key).Take(&a).Error, "asset "+key)
	return a
}

func TestRecordCrawlDerivesFreshnessAndUsage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		c := newClock()
		s = withSources(t, withClock(s, c))
		createDomain(t, s, "Sales", "sales-team")
		src, err := s.CreateSource(ctx, admin, sourceInput("sales", "Sales DB", "postgres://x@127.0.0.1/sales"))
		mustOK(t, err, "source")

		orders := func(ins, seq, idx, size int64) models.ObservedAsset {
			return models.ObservedAsset{Schema: "public", Name: "orders", Kind: models.AssetTable,
				SizeBytes: i64(size), RowEstimate: i64(ins), Inserts: i64(ins), Updates: i64(0), Deletes: i64(0),
				SeqScans: i64(seq), IdxScans: i64(idx), Columns: []models.Column{{Name: "id", Type: "integer"}}}
		}
		view := models.ObservedAsset{Schema: "public", Name: "order_totals", Kind: models.AssetView}
		snap := func(epoch string, obs ...models.ObservedAsset) models.CrawlSnapshot {
			return models.CrawlSnapshot{ServerVersion: "PostgreSQL 15", CountersEpoch: epoch, UsageKnown: true, Assets: obs}
		}

		// First crawl: everything is new; no change is known without a baseline.
		run := crawlOnce(t, s, src, snap("e1", orders(10, 5, 0, 8192), view))
		if run.AssetsSeen != 2 || run.AssetsNew != 2 || run.Status != models.RunSucceeded {
			t.Fatalf("first run %+v", run)
		}
		a := assetByKey(t, s, src.ID, "public.orders")
		if a.LastChangeAt != nil || !a.UsageKnown || a.LastReadAt != nil {
			t.Errorf("after one crawl: change %v usage %v read %v", a.LastChangeAt, a.UsageKnown, a.LastReadAt)
		}
		if v := assetByKey(t, s, src.ID, "public.order_totals"); v.UsageKnown {
			t.Error("a view without counters counts as usage known")
		}

		// Writes between crawls: changed, measured by the write counters.
		c.Advance(time.Hour)
		second := c.Now()
		run = crawlOnce(t, s, src, snap("e1", orders(15, 5, 0, 8192), view))
		a = assetByKey(t, s, src.ID, "public.orders")
		if a.LastChangeAt == nil || !a.LastChangeAt.Equal(second) || a.LastChangeHow != models.MeasuredCounters {
			t.Errorf("after writes: change %v by %q", a.LastChangeAt, a.LastChangeHow)
		}
		if run.AssetsChanged != 1 || run.AssetsNew != 0 {
			t.Errorf("second run counts %+v", run)
		}
		if a.LastReadAt != nil {
			t.Error("no reads happened but a read was recorded")
		}

		// Statistics reset between crawls: counters fell; what they show now
		// happened after the previous crawl, never a negative delta.
		c.Advance(time.Hour)
		third := c.Now()
		crawlOnce(t, s, src, snap("e2", orders(2, 3, 1, 8192), view))
		a = assetByKey(t, s, src.ID, "public.orders")
		var obs models.AssetObservation
		mustOK(t, s.DB().Where("asset_id = ?", a.ID).Order("at DESC").Take(&obs).Error, "observation")
		if obs.ReadsDelta == nil || *obs.ReadsDelta != 4 || obs.WritesDelta == nil || *obs.WritesDelta != 2 {
			t.Errorf("deltas after a reset: reads %v writes %v, want 4 and 2", deref(obs.ReadsDelta), deref(obs.WritesDelta))
		}
		if a.LastReadAt == nil || !a.LastReadAt.Equal(third) || a.LastReadHow != models.MeasuredReadCounters {
			t.Errorf("last read %v by %q", a.LastReadAt, a.LastReadHow)
		}
		if a.ReadsPerDay == nil || *a.ReadsPerDay != 4 {
			t.Errorf("reads per day %v, want 4 (4 reads, window shorter than a day)", a.ReadsPerDay)
		}

		// A counter that goes down without a known reset is treated the same.
		c.Advance(24 * time.Hour)
		crawlOnce(t, s, src, snap("e2", orders(2, 1, 0, 8192), view))
		obs = models.AssetObservation{}
		mustOK(t, s.DB().Where("asset_id = ?", a.ID).Order("at DESC").Take(&obs).Error, "observation")
		if obs.ReadsDelta == nil || *obs.ReadsDelta != 1 {
			t.Errorf("reads delta after counters fell: %v, want 1", deref(obs.ReadsDelta))
		}

		// Size moved without counters (e.g. VACUUM FULL elsewhere): changed by size.
		c.Advance(time.Hour)
		fifth := c.Now()
		crawlOnce(t, s, src, snap("e2", orders(2, 1, 0, 16384), view))
		a = assetByKey(t, s, src.ID, "public.orders")
		if !a.LastChangeAt.Equal(fifth) || a.LastChangeHow != models.MeasuredSize {
			t.Errorf("size change: %v by %q", a.LastChangeAt, a.LastChangeHow)
		}

		// The view disappears: gone; it comes back: new again.
		c.Advance(time.Hour)
		run = crawlOnce(t, s, src, snap("e2", orders(2, 1, 0, 16384)))
		if run.AssetsGone != 1 {
			t.Errorf("gone count %d", run.AssetsGone)
		}
		if v := assetByKey(t, s, src.ID, "public.order_totals"); v.GoneAt == nil || !v.GoneAt.Equal(c.Now()) {
			t.Errorf("view gone at %v", v.GoneAt)
		}
		c.Advance(time.Hour)
		run = crawlOnce(t, s, src, snap("e2", orders(2, 1, 0, 16384), view))
		if v := assetByKey(t, s, src.ID, "public.order_totals"); v.GoneAt != nil || run.AssetsNew != 1 || run.AssetsGone != 0 {
			t.Errorf("view back: gone %v, run %+v", v.GoneAt, run)
		}
	})
}

func TestRecordCrawlTimesFromTheSource(t *testing.T) {
	t.Parallel()
	s := withSources(t, storetest.SQLite(t), t.TempDir())
	createDomain(t, s, "Sales", "sales-team")
	src, err := s.CreateSource(ctx, admin, sourceInput("sales", "Sales DB", "postgres://x@127.0.0.1/sales"))
	mustOK(t, err, "source")
	updated := time.Date(2030, 5, 30, 8, 0, 0, 0, time.UTC)
	freshness := time.Date(2030, 5, 31, 23, 0, 0, 0, time.UTC)
	crawlOnce(t, s, src, models.CrawlSnapshot{Assets: []models.ObservedAsset{
		{Schema: "shop", Name: "orders", Kind: models.AssetTable, LastModified: &updated},
		{Schema: "shop", Name: "events", Kind: models.AssetTable, LastModified: &updated, FreshnessValue: &freshness},
	}})
	if a := assetByKey(t, s, src.ID, "shop.orders"); !a.LastChangeAt.Equal(updated) || a.LastChangeHow != models.MeasuredUpdateTime || a.UsageKnown {
		t.Errorf("update time: %v by %q, usage known %v", a.LastChangeAt, a.LastChangeHow, a.UsageKnown)
	}
	if a := assetByKey(t, s, src.ID, "shop.events"); !a.LastChangeAt.Equal(freshness) || a.LastChangeHow != models.MeasuredFreshnessColumn {
		t.Errorf("freshness column: %v by %q", a.LastChangeAt, a.LastChangeHow)
	}
}

func TestClaimRunOncePerSourceAndTick(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		c := newClock()
		s = withSources(t, withClock(s, c))
		createDomain(t, s, "Sales", "sales-team")
		src, err := s.CreateSource(ctx, admin, sourceInput("sales", "Sales DB", "postgres://x@127.0.0.1/sales"))
		mustOK(t, err, "source")
		tick := c.Now().Truncate(time.Minute)

		first, err := s.ClaimRun(ctx, src.ID, models.TriggerSchedule, &tick, "", "replica-a")
		mustOK(t, err, "first claim")
		if _, err := s.ClaimRun(ctx, src.ID, models.TriggerSchedule, &tick, "", "replica-b"); !errors.Is(err, models.ErrRunClaimed) {
			t.Errorf("second claim of the same tick: %v", err)
		}
		if _, err := s.ClaimRun(ctx, src.ID, models.TriggerManual, nil, "someone", "replica-b"); !errors.Is(err, models.ErrRunClaimed) {
			t.Errorf("manual run while one is running: %v", err)
		}
		mustOK(t, s.FailRun(ctx, first.ID, models.RunFailed, models.FailureAuth, "The server refused the user name or password."), "fail")
		if _, err := s.ClaimRun(ctx, src.ID, models.TriggerSchedule, &tick, "", "replica-b"); !errors.Is(err, models.ErrRunClaimed) {
			t.Errorf("the same tick claimed again after the run ended: %v", err)
		}
		next := tick.Add(24 * time.Hour)
		second, err := s.ClaimRun(ctx, src.ID, models.TriggerSchedule, &next, "", "replica-b")
		mustOK(t, err, "next tick")

		// A process that stops beating: its run is interrupted, once stale.
		c.Advance(time.Minute)
		if n, err := s.InterruptStaleRuns(ctx, 2*time.Minute); err != nil || n != 0 {
			t.Errorf("a fresh run was interrupted: %d %v", n, err)
		}
		c.Advance(2 * time.Minute)
		if n, err := s.InterruptStaleRuns(ctx, 2*time.Minute); err != nil || n != 1 {
			t.Errorf("stale runs interrupted: %d %v", n, err)
		}
		got, err := s.GetRun(ctx, second.ID)
		mustOK(t, err, "get run")
		if got.Status != models.RunInterrupted || got.FinishedAt == nil {
			t.Errorf("run after interruption %+v", got)
		}
		if _, err := s.ClaimRun(ctx, src.ID, models.TriggerManual, nil, "someone", "replica-b"); err != nil {
			t.Errorf("an interrupted run still blocks new ones: %v", err)
		}
	})
}

func TestPruneObservations(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		c := newClock()
		s = withSources(t, withClock(s, c))
		createDomain(t, s, "Sales", "sales-team")
		src, err := s.CreateSource(ctx, admin, sourceInput("sales", "Sales DB", "postgres://x@127.0.0.1/sales"))
		mustOK(t, err, "source")
		snap := models.CrawlSnapshot{Assets: []models.ObservedAsset{{Schema: "s", Name: "t", Kind: models.AssetTable, SizeBytes: i64(1)}}}
		crawlOnce(t, s, src, snap)
		c.Advance(300 * 24 * time.Hour)
		crawlOnce(t, s, src, snap)
		c.Advance(200 * 24 * time.Hour)
		crawlOnce(t, s, src, snap)
		n, err := s.PruneObservations(ctx, 400*24*time.Hour)
		mustOK(t, err, "prune")
		if n != 1 || countRows(t, s, "asset_observations") != 2 {
			t.Errorf("pruned %d, %d left; want 1 pruned and 2 left", n, countRows(t, s, "asset_observations"))
		}
		if countRows(t, s, "assets") != 1 {
			t.Error("pruning touched the assets")
		}
	})
}

// A crawl's warnings are kept with its run, at most 50, the last saying how
// many more there were.
func TestCrawlRunKeepsWarnings(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		s = withSources(t, s)
		createDomain(t, s, "Sales", "sales-team")
		src, err := s.CreateSource(ctx, admin, sourceInput("sales", "Sales DB", "postgres://x@127.0.0.1/sales"))
		mustOK(t, err, "source")
		one := crawlOnce(t, s, src, models.CrawlSnapshot{Warnings: []string{`public.notes: freshness column "body" is not a date or timestamp`}})
		var stored models.CrawlRun
		mustOK(t, s.DB().Take(&stored, one.ID).Error, "read run")
		if len(stored.Warnings) != 1 || stored.Warnings[0] != `public.notes: freshness column "body" is not a date or timestamp` {
			t.Errorf("warnings %q", stored.Warnings)
		}

		many := make([]string, 60)
		for i := range many {
			many[i] = fmt.Sprintf("t%02d: freshness column \"x\" does not exist", i)
		}
		run := crawlOnce(t, s, src, models.CrawlSnapshot{Warnings: many})
		stored = models.CrawlRun{}
		mustOK(t, s.DB().Take(&stored, run.ID).Error, "read run")
		if n := len(stored.Warnings); n != 50 || stored.Warnings[48] != many[48] || stored.Warnings[49] != "and 11 more" {
			t.Errorf("%d warnings, the last %q", n, stored.Warnings[n-1])
		}
		clean := crawlOnce(t, s, src, models.CrawlSnapshot{})
		stored = models.CrawlRun{}
		mustOK(t, s.DB().Take(&stored, clean.ID).Error, "read run")
		if len(stored.Warnings) != 0 {
			t.Errorf("a clean crawl has warnings %q", stored.Warnings)
		}
	})
}
