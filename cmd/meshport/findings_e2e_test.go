package main

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views"
)

// testClock is a controllable clock for the portal's store.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// formFields collects what a browser would submit from the form holding
// the selector's first match: inputs (checked boxes only), selects and
// text areas.
func (p *page) formFields(selector string) url.Values {
	values := url.Values{}
	form := p.Doc.Find(selector).First()
	form.Find("input[name]").Each(func(_ int, in *goquery.Selection) {
		name, _ := in.Attr("name")
		typ, _ := in.Attr("type")
		if (typ == "checkbox" || typ == "radio") && in.AttrOr("checked", "-") == "-" {
			return
		}
		values.Add(name, in.AttrOr("value", ""))
	})
	form.Find("select[name]").Each(func(_ int, sel *goquery.Selection) {
		name, _ := sel.Attr("name")
		values.Add(name, sel.Find("option[selected]").AttrOr("value", ""))
	})
	form.Find("textarea[name]").Each(func(_ int, ta *goquery.Selection) {
		name, _ := ta.Attr("name")
		values.Add(name, ta.Text())
	})
	return values
}

// TestFindingsOnRealPostgres runs the portal's crawler against a real
// PostgreSQL database while a controllable clock moves the portal through
// three months: tables written and read between crawls turn fresh, stale,
// used and unused exactly as they should; an unowned table becomes a
// finding, is claimed into a product through the prefilled form and the
// finding closes; an ignored finding stays ignored across crawls until its
// expiry; and a statistics reset does not make a used table look unused.
func TestFindingsOnRealPostgres(t *testing.T) {
	t.Parallel()
	clock := &testClock{t: time.Now().UTC().Truncate(time.Second)}
	cfg := testConfig(t.TempDir() + "/meshport.db")
	cfg.tuning.clock = clock.Now
	cfg.tuning.catalogRecheck = -1 // every read compares versions
	app := newTestAppWithConfig(t, cfg)
	db := newSourceDatabase(t,
		"CREATE TABLE public.orders (id serial PRIMARY KEY, total int)",
		"CREATE TABLE public.customers (id int PRIMARY KEY, name text)",
		"INSERT INTO public.customers SELECT g, 'c' || g FROM generate_series(1, 1000) g",
		"CREATE TABLE public.archive (id int, payload text)",
		"INSERT INTO public.archive SELECT g, repeat('x', 500) FROM generate_series(1, 2000) g",
		"CREATE TABLE public.scratch (id int)")
	ctx := context.Background()
	cli := models.Principal{Name: "test", Admin: true, Via: "cli"}
	src, err := app.Store.CreateSource(ctx, cli, models.SourceInput{
		Name: "Shop", Domain: "checkout", Kind: "postgres", DSN: "postgres://postgres@127.0.0.1:5432/" + db + "?sslmode=disable",
		Schedule: "0 2 * * *", TimeZone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	product := func(name, table, sla string) {
		t.Helper()
		_, err := app.Store.CreateProduct(ctx, cli, models.ProductInput{Name: name, Domain: "checkout", Owner: "omar@example.com",
			Status: models.StatusActive, Classification: models.ClassInternal, FreshnessSLA: sla,
			OutputPorts: []models.PortInput{{Name: "main", Type: "table", Location: table, Source: src.Slug}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	product("Shop orders", "public.orders", "2h")
	product("Shop customers", "public.customers", "")
	crawl := func() {
		t.Helper()
		run, err := app.Sources.Start(src, models.TriggerManual, nil, "test")
		if err != nil {
			t.Fatal(err)
		}
		app.Sources.Wait()
		if got, _ := app.Store.GetRun(ctx, run.ID); got.Status != models.RunSucceeded {
			t.Fatalf("crawl %s: %s", got.Status, got.Error)
		}
	}
	work := func(stmts ...string) {
		t.Helper()
		conn := connectSourceDatabase(t, db)
		defer conn.Close(ctx)
		for _, stmt := range append(stmts, "SELECT pg_stat_force_next_flush()") {
			if _, err := conn.Exec(ctx, stmt); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
	}
	readCount := func(table string) int64 {
		var n *int64
		conn := connectSourceDatabase(t, db)
		defer conn.Close(ctx)
		if err := conn.QueryRow(ctx, "SELECT seq_scan + coalesce(idx_scan, 0) FROM pg_stat_user_tables WHERE relname = $1", table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == nil {
			return 0
		}
		return *n
	}
	finding := func(kind, title string) *models.Finding {
		t.Helper()
		var found []models.Finding
		if err := app.Store.DB().Where("kind = ? AND title = ?", kind, title).Find(&found).Error; err != nil {
			t.Fatal(err)
		}
		if len(found) == 0 {
			return nil
		}
		return &found[0]
	}
	freshness := func(slug string) string {
		t.Helper()
		p, err := app.Store.GetProduct(ctx, "checkout", slug)
		if err != nil {
			t.Fatal(err)
		}
		return p.FreshnessAt(clock.Now())
	}

	waitForStats(t, db, `SELECT n_tup_ins >= 2000 FROM pg_stat_user_tables WHERE relname = 'archive'`)
	crawl()
	clock.Advance(time.Hour)
	before := readCount("customers")
	work("INSERT INTO public.orders (total) VALUES (10), (20)", "SELECT count(*) FROM public.customers")
	waitForStats(t, db, `SELECT seq_scan + coalesce(idx_scan, 0) > `+strconv.FormatInt(before, 10)+` FROM pg_stat_user_tables WHERE relname = 'customers'`)
	crawl()

	// Written between the crawls: fresh. Owned and read: no finding. The
	// archive and the scratch table are owned by no product.
	if got := freshness("shop-orders"); got != models.Fresh {
		t.Fatalf("orders after a write: %s", got)
	}
	for _, key := range []string{"public.orders", "public.customers"} {
		if f := finding(models.FindingDarkData, key); f != nil {
			t.Errorf("%s has a finding: %+v", key, f)
		}
	}
	archive := finding(models.FindingDarkData, "public.archive")
	scratch := finding(models.FindingDarkData, "public.scratch")
	if archive == nil || archive.Status != models.FindingOpen || !archive.Unowned || archive.Unread || !archive.UsageKnown {
		t.Fatalf("archive finding %+v", archive)
	}
	if scratch == nil || scratch.Status != models.FindingOpen {
		t.Fatalf("scratch finding %+v", scratch)
	}

	// The owner claims the archive: the form comes prefilled with the
	// table as its port; saving it closes the finding.
	omar := app.signedIn(t, "omar")
	form := omar.get("/products/new?claim=" + strconv.Itoa(int(archive.ID)))
	if form.StatusCode != http.StatusOK {
		t.Fatalf("claim form: %d", form.StatusCode)
	}
	values := form.formFields("form.form")
	if values.Get("domain") != "checkout" || values.Get("port_location") != "public.archive" || values.Get("port_source") != src.Slug || values.Get("name") != "Archive" {
		t.Fatalf("claim form prefilled with %v", values)
	}
	if _, msg := form.flash(); !strings.Contains(msg, "Claiming public.archive from Shop") {
		t.Errorf("claim notice %q", msg)
	}
	values.Set("owner", "omar@example.com")
	values.Set("description", "Orders archived before 2020")
	if res, _ := omar.post("/products", values); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save claimed product: %d %s", res.StatusCode, res.formMessage())
	}
	archive = finding(models.FindingDarkData, "public.archive")
	if archive.Status != models.FindingClosed || archive.CloseReason != "owned by Archive and read" {
		t.Errorf("claimed archive: %s %q", archive.Status, archive.CloseReason)
	}
	var claim models.AuditEntry
	if err := app.Store.DB().Where("entity_type = ? AND action = ?", "finding", "claimed").Take(&claim).Error; err != nil || !strings.Contains(claim.Actor, "omar") {
		t.Errorf("claim audit entry %+v (%v)", claim, err)
	}

	// The scratch table is ignored for ten days.
	until := clock.Now().AddDate(0, 0, 10).Format(time.DateOnly)
	if _, err := app.Store.DecideFinding(ctx, cli, scratch.ID, models.FindingDecision{Action: "ignore", Note: "load test leftovers", Until: until}); err != nil {
		t.Fatal(err)
	}

	// Three hours without a write: the orders break their 2h SLA.
	clock.Advance(3 * time.Hour)
	crawl()
	if got := freshness("shop-orders"); got != models.Stale {
		t.Fatalf("orders after 3h without writes: %s", got)
	}
	if f := finding(models.FindingStaleProduct, "Shop orders"); f == nil || f.Status != models.FindingOpen {
		t.Fatalf("stale finding %+v", f)
	}
	if f := finding(models.FindingDarkData, "public.scratch"); f.Status != models.FindingIgnored {
		t.Errorf("ignored scratch is %s after a crawl", f.Status)
	}

	// A statistics reset, then one read: the used table still looks used
	// (a reset is detected; the reads after it count, none are invented).
	customersBefore, err := app.Store.GetAsset(ctx, src.ID, "public.customers")
	if err != nil {
		t.Fatal(err)
	}
	work("SELECT pg_stat_reset()")
	work("SELECT name FROM public.customers WHERE id = 3")
	waitForStats(t, db, `SELECT seq_scan + coalesce(idx_scan, 0) >= 1 FROM pg_stat_user_tables WHERE relname = 'customers'`)
	clock.Advance(24 * time.Hour)
	crawl()
	customers, err := app.Store.GetAsset(ctx, src.ID, "public.customers")
	if err != nil {
		t.Fatal(err)
	}
	if customers.ReadsPerDay == nil || *customers.ReadsPerDay <= 0 || customers.LastReadAt == nil || !customers.LastReadAt.After(*customersBefore.LastReadAt) {
		t.Errorf("customers after a statistics reset: reads/day %v, last read %v (before %v)", customers.ReadsPerDay, customers.LastReadAt, customersBefore.LastReadAt)
	}
	if f := finding(models.FindingDarkData, "public.customers"); f != nil {
		t.Errorf("a reset made customers a finding: %+v", f)
	}
	if f := finding(models.FindingDarkData, "public.scratch"); f.Status != models.FindingIgnored {
		t.Errorf("ignored scratch is %s a day later", f.Status)
	}

	// Three months on, with a crawl half-way: customers read, orders
	// written but never read.
	clock.Advance(45 * 24 * time.Hour)
	crawl()
	if f := finding(models.FindingUnusedProduct, "Shop orders"); f != nil {
		t.Errorf("orders unread for 46 days reported unused: %+v", f)
	}
	clock.Advance(46 * 24 * time.Hour)
	before = readCount("customers")
	work("SELECT count(*) FROM public.customers", "INSERT INTO public.orders (total) VALUES (30)")
	waitForStats(t, db, `SELECT seq_scan + coalesce(idx_scan, 0) > `+strconv.FormatInt(before, 10)+` FROM pg_stat_user_tables WHERE relname = 'customers'`)
	crawl()
	if got := freshness("shop-orders"); got != models.Fresh {
		t.Errorf("orders written again: %s", got)
	}
	if f := finding(models.FindingStaleProduct, "Shop orders"); f.Status != models.FindingClosed || f.CloseReason != "fresh again" {
		t.Errorf("stale finding after a write: %s %q", f.Status, f.CloseReason)
	}
	if f := finding(models.FindingUnusedProduct, "Shop orders"); f == nil || f.Status != models.FindingOpen {
		t.Errorf("orders unread for 92 days: unused finding %+v", f)
	}
	if f := finding(models.FindingUnusedProduct, "Shop customers"); f != nil {
		t.Errorf("customers read: unused finding %+v", f)
	}
	if f := finding(models.FindingDarkData, "public.orders"); f == nil || f.Unowned || !f.Unread {
		t.Errorf("orders: dark-data finding %+v, want owned but unread", f)
	}
	scratch = finding(models.FindingDarkData, "public.scratch")
	if scratch.Status != models.FindingOpen || !scratch.Unowned || !scratch.Unread {
		t.Errorf("scratch after its ignore expired: %+v", scratch)
	}

	// The pages show it: dark data totals and trend charts on the home
	// page, badges on the product list.
	var darkBytes int64
	if err := app.Store.DB().Model(&models.Finding{}).Where("kind = ? AND status = ? AND usage_known", models.FindingDarkData, models.FindingOpen).
		Select("coalesce(sum(size_bytes), 0)").Scan(&darkBytes).Error; err != nil {
		t.Fatal(err)
	}
	if darkBytes == 0 {
		t.Fatal("no dark data bytes to show")
	}
	omar = app.signedIn(t, "omar") // the session expired in those three months
	home := omar.get("/")
	if got, want := text(home.Doc.Find("#dark-bytes")), views.Bytes(&darkBytes); got != want {
		t.Errorf("home dark data %q, want %q", got, want)
	}
	if got := text(home.Doc.Find("#unused-findings")); got != "1" {
		t.Errorf("home unused products %q, want 1", got)
	}
	// Recorded at each crawl: the first days are out of the 90-day window,
	// the one half-way and today's are in.
	if n := home.Doc.Find("#trend-dark-bytes circle").Length(); n != 2 {
		t.Errorf("dark data trend has %d points, want 2", n)
	}
	if n := home.Doc.Find("#trend-unused polyline").Length(); n != 1 {
		t.Errorf("unused trend has %d lines", n)
	}
	asset := omar.get("/sources/" + src.Slug + "/asset?key=public.scratch")
	if got := text(asset.Doc.Find("#asset-finding")); !strings.Contains(got, "Dark data: unowned and unread.") {
		t.Errorf("asset page finding %q", got)
	}
	list := omar.get("/products?domain=checkout&q=shop")
	if got := text(list.Doc.Find(`tr:contains("Shop orders") .badge-health-fresh`)); got == "" {
		t.Errorf("product list shows no fresh badge for Shop orders: %s", list.Doc.Find(`tr:contains("Shop orders")`).Text())
	}
}
