package models_test

import (
	"testing"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

// findingFixture is a domain with one crawled source and a clock.
type findingFixture struct {
	t     *testing.T
	s     *models.Store
	clock *clock
	src   *models.Source
}

func newFindingFixture(t *testing.T, s *models.Store) *findingFixture {
	c := newClock()
	s = withSources(t, withClock(s, c))
	createDomain(t, s, "Sales", "sales-team")
	src, err := s.CreateSource(ctx, admin, sourceInput("sales", "Sales DB", "postgres://x@127.0.0.1/sales"))
	mustOK(t, err, "source")
	return &findingFixture{t: t, s: s, clock: c, src: src}
}

// table observes schema s, table name with size and cumulative counters;
// reads < 0 means the source keeps no read counts for it.
func table(name string, size, reads, writes int64) models.ObservedAsset {
	o := models.ObservedAsset{Schema: "s", Name: name, Kind: models.AssetTable, SizeBytes: i64(size),
		Inserts: i64(writes), Updates: i64(0), Deletes: i64(0)}
	if reads >= 0 {
		o.SeqScans, o.IdxScans = i64(reads), i64(0)
	}
	return o
}

// crawl records a crawl; RecordCrawl refreshes the products' health and
// evaluates the source's findings itself.
func (f *findingFixture) crawl(obs ...models.ObservedAsset) {
	f.t.Helper()
	crawlOnce(f.t, f.s, f.src, models.CrawlSnapshot{CountersEpoch: "e", UsageKnown: true, Assets: obs})
}

// finding returns the finding of kind about the asset or product.
func (f *findingFixture) finding(kind, title string) *models.Finding {
	f.t.Helper()
	var found []models.Finding
	mustOK(f.t, f.s.DB().Where("kind = ? AND title = ?", kind, title).Find(&found).Error, "finding")
	if len(found) == 0 {
		return nil
	}
	return &found[0]
}

func (f *findingFixture) events(id uint) []string {
	f.t.Helper()
	var events []models.FindingEvent
	mustOK(f.t, f.s.DB().Where("finding_id = ?", id).Order("id").Find(&events).Error, "events")
	var out []string
	for _, e := range events {
		out = append(out, e.Event+": "+e.Note)
	}
	return out
}

func (f *findingFixture) product(name, location, sla string) {
	f.t.Helper()
	in := productInput("sales", name)
	in.FreshnessSLA = sla
	in.Status = models.StatusActive
	in.OutputPorts = []models.PortInput{{Name: "main", Type: "table", Location: location, Source: "sales-db"}}
	_, err := f.s.CreateProduct(ctx, admin, in)
	mustOK(f.t, err, "product "+name)
}

func wantFinding(t *testing.T, got *models.Finding, status string, unowned, unread bool) {
	t.Helper()
	if got == nil {
		t.Fatalf("no finding, want %s (unowned %v, unread %v)", status, unowned, unread)
	}
	if got.Status != status || got.Unowned != unowned || got.Unread != unread {
		t.Fatalf("finding %s: status %s unowned %v unread %v, want %s %v %v", got.Title, got.Status, got.Unowned, got.Unread, status, unowned, unread)
	}
}

func TestDarkDataFindings(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		f := newFindingFixture(t, s)
		f.product("Orders", "s.orders", "")
		f.product("Archive", "s.cold", "")
		view := models.ObservedAsset{Schema: "s", Name: "v", Kind: models.AssetView}
		parent := models.ObservedAsset{Schema: "s", Name: "events", Kind: models.AssetPartitionedTable, SizeBytes: i64(0)}
		partition := table("events_2030", 5000, 0, 0)
		partition.Kind, partition.Parent = models.AssetPartition, "s.events"
		f.product("Events", "s.events", "")
		crawl := func(ordersReads, orphanReads, coldReads, eventsReads int64) {
			p := partition
			p.SeqScans = i64(eventsReads)
			f.crawl(table("orders", 1000, ordersReads, 0), table("orphan", 4e9, orphanReads, 0),
				table("cold", 2e9, coldReads, 0), table("nostats", 3000, -1, 0), view, parent, p)
		}
		crawl(0, 0, 0, 0)
		f.clock.Advance(24 * time.Hour)
		crawl(5, 7, 0, 3)

		// Unowned: the orphan (read, usage known) and nostats (usage
		// unknown); the cold table is owned and unread for a day only; the
		// view stores nothing; the partition belongs to an owned parent.
		wantFinding(t, f.finding(models.FindingDarkData, "s.orphan"), models.FindingOpen, true, false)
		unknown := f.finding(models.FindingDarkData, "s.nostats")
		wantFinding(t, unknown, models.FindingOpen, true, false)
		if unknown.UsageKnown {
			t.Errorf("nostats counted as measured")
		}
		for _, key := range []string{"s.orders", "s.cold", "s.v", "s.events", "s.events_2030"} {
			if got := f.finding(models.FindingDarkData, key); got != nil {
				t.Errorf("%s has a finding: %+v", key, got)
			}
		}
		page, err := f.s.ListFindings(ctx, models.FindingFilter{})
		mustOK(t, err, "list")
		if page.Total != 1 || page.Sum.Bytes != 4e9 || page.Findings[0].Title != "s.orphan" || page.Groups[models.GroupUsageUnknown] != 1 {
			t.Errorf("dark-data page: total %d, bytes %d, groups %v", page.Total, page.Sum.Bytes, page.Groups)
		}
		if got := page.Sum.Cost; got < 0.3999 || got > 0.4001 { // 4 GB at 0.10 per GB-month
			t.Errorf("cost %v, want 0.40", got)
		}

		// 91 days on, the cold table was never read since counting began
		// and the orphan not since day 1: both unread.
		f.clock.Advance(91 * 24 * time.Hour)
		crawl(9, 7, 0, 3)
		wantFinding(t, f.finding(models.FindingDarkData, "s.cold"), models.FindingOpen, false, true)
		orphan := f.finding(models.FindingDarkData, "s.orphan")
		wantFinding(t, orphan, models.FindingOpen, true, true)
		if got := f.events(orphan.ID); len(got) != 2 || got[0] != "opened: unowned" || got[1] != "changed: unowned and unread" {
			t.Errorf("orphan history %q", got)
		}
		// The partition's reads stopped too: owned by its parent's product,
		// but unread.
		wantFinding(t, f.finding(models.FindingDarkData, "s.events_2030"), models.FindingOpen, false, true)
		page, err = f.s.ListFindings(ctx, models.FindingFilter{Reason: models.ReasonBoth})
		mustOK(t, err, "list both")
		if page.Total != 1 || page.Findings[0].Title != "s.orphan" {
			t.Errorf("reason both: %d findings", page.Total)
		}
		page, err = f.s.ListFindings(ctx, models.FindingFilter{MinSize: "3GB"})
		assertErr(t, err, models.EINVALID, "size")
		page, err = f.s.ListFindings(ctx, models.FindingFilter{MinSize: "1GB"})
		mustOK(t, err, "list big")
		if page.Total != 2 || page.Sum.Bytes != 6e9 || len(page.BySource) != 1 || page.BySource[0].Findings != 2 {
			t.Errorf("1 GB and more: %d findings, %d bytes, by source %+v", page.Total, page.Sum.Bytes, page.BySource)
		}

		// Reading the orphan again leaves it unowned; claiming it into a
		// product then closes it, in the product's own transaction.
		crawl(9, 8, 0, 3)
		wantFinding(t, f.finding(models.FindingDarkData, "s.orphan"), models.FindingOpen, true, false)
		before := countRows(t, f.s, "audit_entries")
		f.product("Orphans", "s.orphan", "")
		orphan = f.finding(models.FindingDarkData, "s.orphan")
		wantFinding(t, orphan, models.FindingClosed, true, false)
		if orphan.CloseReason != "owned by Orphans and read" || orphan.ClosedAt == nil {
			t.Errorf("close reason %q", orphan.CloseReason)
		}
		if got := countRows(t, f.s, "audit_entries") - before; got != 2 { // the product and the claim
			t.Errorf("%d audit entries, want 2", got)
		}
		if e := lastAudit(t, f.s); e.Action != "created" {
			t.Errorf("last audit entry %q", e.Action)
		}

		// A dropped table's finding closes; it reopens if the table returns.
		f.clock.Advance(time.Hour)
		f.crawl(table("orders", 1000, 9, 0), table("orphan", 4e9, 8, 0), table("nostats", 3000, -1, 0), view, parent, partition)
		cold := f.finding(models.FindingDarkData, "s.cold")
		if cold.Status != models.FindingClosed || cold.CloseReason != "the asset was dropped" {
			t.Errorf("dropped table: %s %q", cold.Status, cold.CloseReason)
		}
		crawl(9, 8, 0, 3)
		cold = f.finding(models.FindingDarkData, "s.cold")
		wantFinding(t, cold, models.FindingOpen, false, true)
		if got := f.events(cold.ID); len(got) != 3 || got[2] != "reopened: unread" {
			t.Errorf("cold history %q", got)
		}
	})
}

func TestFindingDecisions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		f := newFindingFixture(t, s)
		f.crawl(table("nostats", 3000, -1, 0))
		f.clock.Advance(time.Hour)
		f.crawl(table("nostats", 3000, -1, 0))
		nostats := f.finding(models.FindingDarkData, "s.nostats")
		wantFinding(t, nostats, models.FindingOpen, true, false)

		// Bad decisions change nothing.
		tables := []string{"findings", "finding_events", "audit_entries"}
		before := rowCounts(t, f.s, tables...)
		_, err := f.s.DecideFinding(ctx, admin, nostats.ID, models.FindingDecision{Action: "keep"})
		assertErr(t, err, models.EINVALID, "note")
		assertErr(t, err, models.EINVALID, "until")
		_, err = f.s.DecideFinding(ctx, admin, nostats.ID, models.FindingDecision{Action: "keep", Note: "x", Until: "2030-05-01"})
		assertErr(t, err, models.EINVALID, "until") // the clock says June 2030
		_, err = f.s.DecideFinding(ctx, admin, nostats.ID, models.FindingDecision{Action: "ignore", Note: "x", Until: "tomorrow"})
		assertErr(t, err, models.EINVALID, "until")
		_, err = f.s.DecideFinding(ctx, admin, nostats.ID, models.FindingDecision{Action: "delete", Note: "x"})
		assertErr(t, err, models.EINVALID, "action")
		_, err = f.s.DecideFinding(ctx, admin, nostats.ID, models.FindingDecision{Action: "undo"})
		assertErr(t, err, models.EINVALID, "action")
		_, err = f.s.DecideFinding(ctx, viewer, nostats.ID, models.FindingDecision{Action: "ignore", Note: "mine"})
		assertErr(t, err, models.EFORBIDDEN, "")
		_, err = f.s.DecideFinding(ctx, admin, 999999, models.FindingDecision{Action: "ignore", Note: "x"})
		assertErr(t, err, models.ENOTFOUND, "")
		assertNothingWritten(t, f.s, before)
		if got := f.finding(models.FindingDarkData, "s.nostats"); got.Status != models.FindingOpen || got.Note != "" {
			t.Fatalf("a refused decision changed the finding: %+v", got)
		}

		// Ignored for ten days: crawls leave it ignored; after the expiry
		// it is open again, with the whole story in its history.
		_, err = f.s.DecideFinding(ctx, admin, nostats.ID, models.FindingDecision{Action: "ignore", Note: "scratch table", Until: "2030-06-11"})
		mustOK(t, err, "ignore")
		if e := lastAudit(t, f.s); e.Action != "ignored" || e.EntityType != "finding" {
			t.Errorf("audit %q %q", e.Action, e.EntityType)
		}
		for range 3 {
			f.clock.Advance(72 * time.Hour)
			f.crawl(table("nostats", 3000, -1, 0))
			if got := f.finding(models.FindingDarkData, "s.nostats"); got.Status != models.FindingIgnored {
				t.Fatalf("day %s: ignored finding is %s", f.clock.Now().Format(time.DateOnly), got.Status)
			}
		}
		page, _ := f.s.ListFindings(ctx, models.FindingFilter{Group: models.GroupUsageUnknown})
		if page.Total != 0 || page.Groups[models.GroupUsageUnknown] != 0 {
			t.Errorf("ignored finding listed as open: %d", page.Total)
		}
		f.clock.Advance(48 * time.Hour) // June 11th, 09:00
		f.crawl(table("nostats", 3000, -1, 0))
		nostats = f.finding(models.FindingDarkData, "s.nostats")
		wantFinding(t, nostats, models.FindingOpen, true, false)
		want := []string{"opened: unowned", "ignored: scratch table (until 2030-06-11)",
			"expired: the ignored decision expired; open again: unowned"}
		if got := f.events(nostats.ID); !sameList(got, want) {
			t.Errorf("history %q, want %q", got, want)
		}

		// Kept as an archive, then undone: open again at once.
		_, err = f.s.DecideFinding(ctx, admin, nostats.ID, models.FindingDecision{Action: "keep", Note: "legal hold", Until: "2031-01-01"})
		mustOK(t, err, "keep")
		_, err = f.s.DecideFinding(ctx, admin, nostats.ID, models.FindingDecision{Action: "undo"})
		mustOK(t, err, "undo")
		wantFinding(t, f.finding(models.FindingDarkData, "s.nostats"), models.FindingOpen, true, false)
	})
}

func TestProductFindings(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		f := newFindingFixture(t, s)
		f.product("Orders", "s.orders", "2h")
		f.crawl(table("orders", 1000, 0, 0))
		f.clock.Advance(time.Hour)
		f.crawl(table("orders", 1000, 4, 1)) // written and read

		_, err := s.EvaluateFindings(ctx)
		mustOK(t, err, "evaluate")
		if got := f.finding(models.FindingStaleProduct, "Orders"); got != nil {
			t.Fatalf("fresh product has a stale finding: %+v", got)
		}
		// No change for three hours: stale by time alone, found by the
		// scheduled evaluation.
		f.clock.Advance(3 * time.Hour)
		_, err = f.s.EvaluateFindings(ctx)
		mustOK(t, err, "evaluate")
		stale := f.finding(models.FindingStaleProduct, "Orders")
		if stale == nil || stale.Status != models.FindingOpen || stale.Since == nil || !stale.Since.Equal(f.clock.Now().Add(-time.Hour)) {
			t.Fatalf("stale finding %+v", stale)
		}
		f.crawl(table("orders", 1000, 4, 2)) // written again
		stale = f.finding(models.FindingStaleProduct, "Orders")
		if stale.Status != models.FindingClosed || stale.CloseReason != "fresh again" {
			t.Errorf("after a write: %s %q", stale.Status, stale.CloseReason)
		}

		// Unread at its only port for 90 days: unused. A domain threshold
		// of 30 days reports it earlier, inside the domain's update.
		f.clock.Advance(40 * 24 * time.Hour)
		f.crawl(table("orders", 1000, 4, 3))
		if got := f.finding(models.FindingUnusedProduct, "Orders"); got != nil {
			t.Fatalf("unused after 40 days with the 90-day default: %+v", got)
		}
		d, err := f.s.GetDomain(ctx, "sales")
		mustOK(t, err, "domain")
		in := d.Input()
		in.UnreadDays = "30"
		_, err = f.s.UpdateDomain(ctx, admin, "sales", in)
		mustOK(t, err, "domain threshold")
		unused := f.finding(models.FindingUnusedProduct, "Orders")
		if unused == nil || unused.Status != models.FindingOpen {
			t.Fatalf("unused finding %+v", unused)
		}
		in.UnreadDays = "0"
		_, err = f.s.UpdateDomain(ctx, admin, "sales", in)
		assertErr(t, err, models.EINVALID, "unread_days")

		// Retiring closes the product's findings.
		for _, st := range []string{models.StatusDeprecated, models.StatusRetired} {
			_, err = f.s.SetProductStatus(ctx, admin, "sales", "orders", st)
			mustOK(t, err, st)
		}
		if got := f.finding(models.FindingUnusedProduct, "Orders"); got.Status != models.FindingClosed || got.CloseReason != "the product is deprecated" {
			t.Errorf("retired product's unused finding: %s %q", got.Status, got.CloseReason)
		}
		// ... and its table, owned by nobody now, is dark data.
		wantFinding(t, f.finding(models.FindingDarkData, "s.orders"), models.FindingOpen, true, true)

		mustOK(t, f.s.RecordHealthDay(ctx), "health day")
		trend, err := f.s.HealthTrend(ctx, 0, 90)
		mustOK(t, err, "trend")
		last := trend[len(trend)-1]
		if len(trend) != 2 || trend[0].DarkAssets != 0 || last.Day != f.clock.Now().Format(time.DateOnly) ||
			last.DarkAssets != 1 || last.DarkBytes != 1000 || last.Products != 1 {
			t.Errorf("trend %+v", trend)
		}
	})
}

func TestClaimJobTickOncePerTick(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		tick := time.Date(2030, 1, 1, 7, 0, 12, 0, time.UTC)
		first, err := s.ClaimJobTick(ctx, "findings", tick, "a")
		mustOK(t, err, "claim")
		second, err := s.ClaimJobTick(ctx, "findings", tick.Add(30*time.Second), "b")
		mustOK(t, err, "claim again")
		other, err := s.ClaimJobTick(ctx, "reports", tick, "b")
		mustOK(t, err, "other job")
		next, err := s.ClaimJobTick(ctx, "findings", tick.Add(5*time.Minute), "b")
		mustOK(t, err, "next tick")
		if !first || second || !other || !next {
			t.Errorf("claims %v %v %v %v, want true false true true", first, second, other, next)
		}
	})
}

func TestFindingsFollowSourceChanges(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		f := newFindingFixture(t, s)
		createDomain(t, f.s, "Finance", "finance-team")
		f.crawl(table("orphan", 100, 0, 0))
		page, err := f.s.ListFindings(ctx, models.FindingFilter{})
		mustOK(t, err, "list")
		if page.Total != 1 || page.Findings[0].DomainSlug != "sales" || page.Findings[0].SourceName != "Sales DB" {
			t.Fatalf("before: %+v", page.Findings)
		}
		// Moved to another domain and renamed: the finding follows.
		in := sourceInput("finance", "Ledger DB", "")
		in.Slug = "sales-db"
		_, err = f.s.UpdateSource(ctx, admin, "sales-db", in)
		mustOK(t, err, "move source")
		page, err = f.s.ListFindings(ctx, models.FindingFilter{Domain: "finance"})
		mustOK(t, err, "list finance")
		if page.Total != 1 || page.Findings[0].SourceName != "Ledger DB" {
			t.Errorf("after the move: %+v", page.Findings)
		}
		// Deleted: its findings go with it, at once.
		mustOK(t, f.s.DeleteSource(ctx, admin, "sales-db"), "delete source")
		page, err = f.s.ListFindings(ctx, models.FindingFilter{Status: "all"})
		mustOK(t, err, "list after delete")
		if page.Total != 0 || countRows(t, f.s, "findings") != 0 {
			t.Errorf("findings of a deleted source: %d listed, %d stored", page.Total, countRows(t, f.s, "findings"))
		}
	})
}

// TestRecordCrawlFollowsUp: straight after RecordCrawl, with nothing else
// called, an unowned table is a finding and a product's health shows the
// asset at its port: the crawl's follow-ups are part of the write.
func TestRecordCrawlFollowsUp(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		f := newFindingFixture(t, s)
		f.product("Owned", "s.owned", "24h")
		f.crawl(table("orphan", 5000, 0, 1), table("owned", 7000, 3, 1))
		if d := f.finding(models.FindingDarkData, "s.orphan"); d == nil || d.Status != models.FindingOpen {
			t.Errorf("no open dark-data finding for the unowned table right after the crawl: %+v", d)
		}
		p, err := f.s.GetProduct(ctx, "sales", "owned")
		mustOK(t, err, "product")
		if p.Health.SizeBytes == nil || *p.Health.SizeBytes != 7000 {
			t.Errorf("product health right after the crawl: size %v, want 7000", p.Health.SizeBytes)
		}
	})
}
