package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/meshport/meshport/models"
)

// findingSeed is what seedFindings made: the times it crawled with.
type findingSeed struct {
	lastRead  time.Time // of the unread assets, 200 days ago
	lastWrite time.Time // of analytics.orders, 10 days ago
}

// seedFindings registers two sources, records one synthetic crawl of each
// and evaluates findings, as the crawler does after a crawl. Prices are the
// default 0.10 USD per GB-month, the unread threshold 90 days.
//
// shop (postgres, Checkout, reads counted):
//
//	public.orders_2019  3 GB    unowned, last read 200 days ago → unowned and unread
//	analytics.orders    2 GB    the Orders product's port, last read 200 days ago → unread
//	public.tmp_export   500 MB  unowned, no read seen yet → unowned
//	public.order_view   a view stores nothing → no finding
//
// crm (mysql, Customer, no read statistics):
//
//	crm.old_contacts    7 GB    unowned, usage unknown
//
// Orders' port last changed 10 days ago against a 1-day SLA: it is stale.
func seedFindings(t *testing.T, app *testApp) findingSeed {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	seed := findingSeed{lastRead: now.Add(-200 * 24 * time.Hour), lastWrite: now.Add(-10 * 24 * time.Hour)}
	shop := app.addSource(t, "Shop", "checkout", "postgres", "postgres://reader@127.0.0.1:5432/shop")
	crm := app.addSource(t, "CRM", "customer", "mysql", "mysql://reader@127.0.0.1:3306/crm")
	if _, err := app.Store.PatchProduct(ctx, admin, "checkout", "orders", func(in *models.ProductInput) error {
		in.OutputPorts[0].Source = "shop" // analytics.orders
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	table := func(schema, name string, size int64, lastRead *time.Time) models.ObservedAsset {
		zero := int64(0)
		return models.ObservedAsset{Schema: schema, Name: name, Kind: models.AssetTable, SizeBytes: &size,
			Inserts: &zero, Updates: &zero, Deletes: &zero, SeqScans: &zero, IdxScans: &zero, LastRead: lastRead}
	}
	orders := table("analytics", "orders", 2e9, &seed.lastRead)
	orders.LastModified = &seed.lastWrite
	app.crawlSnapshot(t, shop, models.CrawlSnapshot{ServerVersion: "PostgreSQL 17", CountersEpoch: "e1", UsageKnown: true,
		Assets: []models.ObservedAsset{
			table("public", "orders_2019", 3e9, &seed.lastRead), orders, table("public", "tmp_export", 5e8, nil),
			{Schema: "public", Name: "order_view", Kind: models.AssetView},
		}})
	contacts := models.ObservedAsset{Schema: "crm", Name: "old_contacts", Kind: models.AssetTable, SizeBytes: ptr(int64(7e9))}
	app.crawlSnapshot(t, crm, models.CrawlSnapshot{ServerVersion: "MySQL 8.4", UsageNote: "performance_schema is off",
		Assets: []models.ObservedAsset{contacts}})
	if _, err := app.Store.EvaluateFindings(ctx); err != nil {
		t.Fatal(err)
	}
	return seed
}

func ptr[T any](v T) *T { return &v }

// onEachDatabase runs fn against a portal on SQLite and one on PostgreSQL:
// decisions lock and write differently on each.
func onEachDatabase(t *testing.T, fn func(t *testing.T, app *testApp)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, newTestApp(t)) })
	t.Run("postgres", func(t *testing.T) {
		db := newSourceDatabase(t) // an empty database for the portal itself
		fn(t, newTestAppWithDB(t, "postgres://postgres@127.0.0.1:5432/"+db+"?sslmode=disable"))
	})
}

// addSource registers a source through the store.
func (a *testApp) addSource(t testing.TB, name, domain, kind, dsn string) *models.Source {
	t.Helper()
	src, err := a.Store.CreateSource(context.Background(), admin, models.SourceInput{
		Name: name, Domain: domain, Kind: kind, DSN: dsn, Schedule: "0 2 * * *", TimeZone: "UTC"})
	if err != nil {
		t.Fatalf("add source %s: %v", name, err)
	}
	return src
}

// crawlSnapshot records snap as a finished crawl of src; RecordCrawl then
// refreshes the health of the products with ports there and evaluates the
// source's findings, as after every crawl.
func (a *testApp) crawlSnapshot(t testing.TB, src *models.Source, snap models.CrawlSnapshot) {
	t.Helper()
	ctx := context.Background()
	run, err := a.Store.ClaimRun(ctx, src.ID, models.TriggerManual, nil, "test", "test-instance")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Store.RecordCrawl(ctx, run, src, &snap, nil); err != nil {
		t.Fatal(err)
	}
}

// findingIDOf is the id of the finding about the asset or product titled
// title.
func (a *testApp) findingIDOf(t testing.TB, title string) uint {
	t.Helper()
	var f models.Finding
	if err := a.Store.DB().Where("title = ?", title).Take(&f).Error; err != nil {
		t.Fatalf("finding %s: %v", title, err)
	}
	return f.ID
}

func (a *testApp) findingStatus(t testing.TB, id uint) string {
	t.Helper()
	var f models.Finding
	if err := a.Store.DB().Take(&f, id).Error; err != nil {
		t.Fatal(err)
	}
	return f.Status
}

// findingCounts are the rows a decision writes, and the finding's status.
type findingCounts struct {
	events, audits int64
	status         string
}

func (a *testApp) findingCounts(t testing.TB, id uint) findingCounts {
	t.Helper()
	return findingCounts{a.count(t, "finding_events"), a.count(t, "audit_entries"), a.findingStatus(t, id)}
}

// findingRows are the list's rows as (title, the rest of the row's text).
func (p *page) findingTitles() []string {
	return p.texts("#finding-table tbody tr td:first-child")
}

func TestFindingListTotalsTabsAndFilters(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	seed := seedFindings(t, app)
	vera := app.signedIn(t, "vera")

	res := vera.get("/findings")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("findings page: %d", res.StatusCode)
	}
	if cur := text(res.Doc.Find(`nav.nav a[aria-current="page"]`)); cur != "Findings" {
		t.Errorf("current nav item %q", cur)
	}
	tabs := res.texts("#finding-tabs a")
	if !sameStrings(tabs, []string{"Dark data 3", "Usage unknown 1", "Stale products 1", "Unused products 0", "Contracts 0"}) {
		t.Errorf("tabs %q", tabs)
	}
	if cur := text(res.Doc.Find(`#finding-tabs a[aria-current="page"]`)); cur != "Dark data 3" {
		t.Errorf("current tab %q", cur)
	}
	if got := text(res.Doc.Find("#finding-totals")); got != "3 assets, 5.5 GB, an estimated 0.55 USD per month" {
		t.Errorf("totals %q", got)
	}
	if rows := res.texts("#by-domain tbody tr"); !sameStrings(rows, []string{"Checkout 3 5.5 GB 0.55 USD"}) {
		t.Errorf("by domain %q", rows)
	}
	if rows := res.texts("#by-source tbody tr"); !sameStrings(rows, []string{"Shop 3 5.5 GB 0.55 USD"}) {
		t.Errorf("by source %q", rows)
	}
	if href, _ := res.Doc.Find("#by-domain a").Attr("href"); href != "/findings?domain=checkout" {
		t.Errorf("by-domain link %q", href)
	}
	if href, _ := res.Doc.Find("#by-source a").Attr("href"); href != "/findings?source=shop" {
		t.Errorf("by-source link %q", href)
	}
	// Largest first, each row with its figures; views store nothing.
	if titles := res.findingTitles(); !sameStrings(titles, []string{"public.orders_2019", "analytics.orders", "public.tmp_export"}) {
		t.Fatalf("rows %q", titles)
	}
	first := res.Doc.Find("#finding-table tbody tr").First()
	unread := "unread since " + seed.lastRead.Format(time.DateOnly) + " 200 days ago"
	if got := text(first); got != "public.orders_2019 Shop Checkout unowned unread 3.0 GB 0.30 USD "+unread+" open Details of public.orders_2019" {
		t.Errorf("first row %q", got)
	}
	if href, _ := first.Find("a.subject").Attr("href"); href != "/sources/shop/asset?key=public.orders_2019" {
		t.Errorf("the title links to %q", href)
	}
	id := app.findingIDOf(t, "public.orders_2019")
	if href, _ := first.Find("a.details").Attr("href"); href != "/findings/"+itoa(id) {
		t.Errorf("details link %q, want /findings/%d", href, id)
	}
	third := text(res.Doc.Find("#finding-table tbody tr").Eq(2))
	if !strings.Contains(third, "unowned 500.0 MB 0.05 USD unowned since "+time.Now().UTC().Format(time.DateOnly)) || strings.Contains(third, "unread") {
		t.Errorf("third row %q", third)
	}

	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"reason=unread", []string{"public.orders_2019", "analytics.orders"}},
		{"reason=unowned", []string{"public.orders_2019", "public.tmp_export"}},
		{"reason=both", []string{"public.orders_2019"}},
		{"size=1GB", []string{"public.orders_2019", "analytics.orders"}},
		{"size=10GB", nil},
		{"domain=checkout&sort=name", []string{"analytics.orders", "public.orders_2019", "public.tmp_export"}},
		{"domain=customer", nil},
		{"source=shop&size=100MB&sort=cost", []string{"public.orders_2019", "analytics.orders", "public.tmp_export"}},
		{"source=crm", nil},
		{"group=usage-unknown", []string{"crm.old_contacts"}},
		{"group=usage-unknown&domain=checkout", nil},
		{"group=stale", []string{"Orders"}},
		{"group=unused", nil},
		{"status=kept", nil},
	} {
		p := vera.get("/findings?" + tc.query)
		if got := p.findingTitles(); p.StatusCode != http.StatusOK || !sameStrings(got, tc.want) {
			t.Errorf("%s: %d %q, want %q", tc.query, p.StatusCode, got, tc.want)
		}
		if len(tc.want) == 0 && text(p.Doc.Find("#findings-empty")) == "" {
			t.Errorf("%s: no empty-state text", tc.query)
		}
	}
	// The tabs count under the domain and source filters.
	if tabs := vera.get("/findings?source=shop").texts("#finding-tabs a"); !sameStrings(tabs, []string{"Dark data 3", "Usage unknown 0", "Stale products 0", "Unused products 0", "Contracts 0"}) {
		t.Errorf("tabs for source=shop %q", tabs)
	}
	if tabs := vera.get("/findings?domain=customer").texts("#finding-tabs a"); !sameStrings(tabs, []string{"Dark data 0", "Usage unknown 1", "Stale products 0", "Unused products 0", "Contracts 0"}) {
		t.Errorf("tabs for domain=customer %q", tabs)
	}
	// A tab keeps the domain filter, and drops the reason on products.
	tabLinks := vera.get("/findings?domain=checkout&reason=unread").Doc.Find("#finding-tabs a")
	if href, _ := tabLinks.Eq(1).Attr("href"); href != "/findings?domain=checkout&group=usage-unknown&reason=unread" {
		t.Errorf("usage-unknown tab %q", href)
	}
	if href, _ := tabLinks.Eq(2).Attr("href"); href != "/findings?domain=checkout&group=stale" {
		t.Errorf("stale tab %q", href)
	}

	unknown := vera.get("/findings?group=usage-unknown")
	if help := text(unknown.Doc.Find("#group-help")); !strings.Contains(help, "owned by no product") || !strings.Contains(help, "keeps no read statistics") || !strings.Contains(help, "not counted as unused") {
		t.Errorf("usage-unknown explanation %q", help)
	}
	if got := text(unknown.Doc.Find("#finding-totals")); got != "1 asset, 7.0 GB, an estimated 0.70 USD per month" {
		t.Errorf("usage-unknown totals %q", got)
	}
	if row := text(unknown.Doc.Find("#finding-table tbody tr")); !strings.Contains(row, "CRM Customer unowned usage unknown 7.0 GB") {
		t.Errorf("usage-unknown row %q", row)
	}
	if unknown.Doc.Find("#f-reason").Length() != 1 || vera.get("/findings?group=stale").Doc.Find("#f-reason").Length() != 0 {
		t.Error("the reason filter is for assets only")
	}
	stale := vera.get("/findings?group=stale")
	if href, _ := stale.Doc.Find("#finding-table a.subject").Attr("href"); href != "/products/checkout/orders" {
		t.Errorf("a product finding links to %q", href)
	}
	if row := text(stale.Doc.Find("#finding-table tbody tr")); !strings.Contains(row, "Orders Checkout stale 2.0 GB 0.20 USD stale since "+seed.lastWrite.Add(24*time.Hour).Format(time.DateOnly)) {
		t.Errorf("stale row %q", row)
	}

	// htmx gets the results alone, with the tabs.
	frag := vera.htmx("/findings?reason=unread", "results")
	if frag.StatusCode != http.StatusOK || frag.Doc.Find("h1").Length() != 0 || frag.Doc.Find("#results").Length() != 1 {
		t.Errorf("htmx answer: %d, h1 %d, results %d", frag.StatusCode, frag.Doc.Find("h1").Length(), frag.Doc.Find("#results").Length())
	}
	if got := frag.findingTitles(); !sameStrings(got, []string{"public.orders_2019", "analytics.orders"}) {
		t.Errorf("htmx rows %q", got)
	}
	// Paging keeps the filters.
	paged := vera.get("/findings?reason=unowned&per_page=1&page=2")
	if got := paged.findingTitles(); !sameStrings(got, []string{"public.tmp_export"}) {
		t.Errorf("page 2 of 1 per page %q", got)
	}
	if href, _ := paged.Doc.Find(`.pagination a[rel="prev"]`).Attr("href"); href != "/findings?per_page=1&reason=unowned" {
		t.Errorf("previous page %q", href)
	}
}

func TestFindingListBadFilters(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	seedFindings(t, app)
	vera := app.signedIn(t, "vera")
	for _, tc := range []struct {
		query, id, want string
	}{
		{"size=5MB", "f-size", "Choose a minimum size of 1MB, 100MB, 1GB, 10GB, 100GB."},
		{"domain=nope", "f-domain", `There is no domain "nope".`},
		{"status=done", "f-status", "Choose one of: open, kept, ignored, closed, all."},
		{"sort=popularity", "f-sort", "Sort by one of: size, cost, age, name."},
		{"reason=lonely", "f-reason", "Choose unowned, unread or both."},
		{"group=weird", "f-group", "Choose one of: dark-data, usage-unknown, stale, unused, contracts."},
		{"per_page=5000", "f-per-page", "Show between 1 and 500 findings per page."},
	} {
		p := vera.get("/findings?" + tc.query)
		if p.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", tc.query, p.StatusCode)
		}
		if got := p.fieldError(tc.id); got != tc.want {
			t.Errorf("%s: message next to %s %q, want %q", tc.query, tc.id, got, tc.want)
		}
		if p.Doc.Find("#finding-table").Length() != 0 {
			t.Errorf("%s: a list is shown under a refused filter", tc.query)
		}
	}
	if p := vera.get("/findings?size=5MB"); !p.invalid("f-size") || p.invalid("f-domain") {
		t.Error("only the refused filter is marked invalid")
	}
	// A hand-edited page number is read as the first page.
	if p := vera.get("/findings?page=two"); p.StatusCode != http.StatusOK || len(p.findingTitles()) != 3 {
		t.Errorf("page=two: %d %q", p.StatusCode, p.findingTitles())
	}
}

func TestFindingPageAndDecisions(t *testing.T) {
	t.Parallel()
	onEachDatabase(t, testFindingPageAndDecisions)
}

func testFindingPageAndDecisions(t *testing.T, app *testApp) {
	seed := seedFindings(t, app)
	id := app.findingIDOf(t, "public.orders_2019")
	path := "/findings/" + itoa(id)

	omar := app.signedIn(t, "omar")
	p := omar.get(path)
	if p.StatusCode != http.StatusOK || p.heading() != "public.orders_2019" {
		t.Fatalf("finding page: %d %q", p.StatusCode, p.heading())
	}
	if got := text(p.Doc.Find("#finding-size")); got != "3.0 GB" {
		t.Errorf("size %q", got)
	}
	if got := text(p.Doc.Find("#finding-cost")); got != "about 0.30 USD per month at 0.100 USD per GB-month" {
		t.Errorf("cost %q", got)
	}
	reasons := p.texts("#finding-reasons li")
	if len(reasons) != 2 || !strings.HasPrefix(reasons[0], "Unowned: no data product's output port") ||
		reasons[1] != "Unread: nobody has read it for 90 days or more, the unread threshold of Checkout; no read seen since "+seed.lastRead.Format(time.DateOnly)+"." {
		t.Errorf("reasons %q", reasons)
	}
	if hist := p.texts("#history-table tbody tr"); len(hist) != 1 || !strings.HasSuffix(hist[0], "opened meshport unowned and unread") {
		t.Errorf("history %q", hist)
	}
	if href, _ := p.Doc.Find("#claim").Attr("href"); href != "/products/new?claim="+itoa(id) {
		t.Errorf("claim link %q", href)
	}
	if p.Doc.Find("#keep-form").Length() != 1 || p.Doc.Find("#ignore-form").Length() != 1 || p.Doc.Find("#undo-form").Length() != 0 {
		t.Error("an owner of an open finding sees keep and ignore, not undo")
	}

	// Viewers see no forms; a forged decision is refused and writes nothing.
	vera := app.signedIn(t, "vera")
	vp := vera.get(path)
	if vp.Doc.Find("main form").Length() != 0 || vp.Doc.Find("#claim").Length() != 0 {
		t.Error("a viewer sees decision forms")
	}
	until := time.Now().UTC().AddDate(1, 0, 0).Format(time.DateOnly)
	before := app.findingCounts(t, id)
	if res, _ := vera.post(path+"/decide", url.Values{"action": {"keep"}, "note": {"mine now"}, "until": {until}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("viewer decision: %d, want 403", res.StatusCode)
	}
	if after := app.findingCounts(t, id); after != before {
		t.Errorf("a viewer's decision wrote: %+v → %+v", before, after)
	}

	// Refused keeps: messages next to the fields, what was typed kept,
	// nothing written.
	for _, tc := range []struct {
		name, note, until string
		noteMsg, untilMsg string
	}{
		{"empty", "", "", "Say why, so the next person knows.", "Say until when the archive is kept; it is reviewed again then."},
		{"no date", "Needed for the 2019 tax audit", "", "", "Say until when the archive is kept; it is reviewed again then."},
		{"bad date", "", "31.12.2027", "Say why, so the next person knows.", "Give a date as YYYY-MM-DD."},
		{"past date", "Needed for the 2019 tax audit", "2020-01-01", "", "Give a date after today."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			omar.get(path)
			res, _ := omar.post(path+"/decide", url.Values{"action": {"keep"}, "note": {tc.note}, "until": {tc.until}})
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", res.StatusCode)
			}
			if got := res.fieldError("keep-note"); got != tc.noteMsg {
				t.Errorf("note message %q, want %q", got, tc.noteMsg)
			}
			if got := res.fieldError("keep-until"); got != tc.untilMsg {
				t.Errorf("until message %q, want %q", got, tc.untilMsg)
			}
			if res.value("keep-note") != tc.note || res.value("keep-until") != tc.until {
				t.Errorf("typed values not kept: %q %q", res.value("keep-note"), res.value("keep-until"))
			}
			if res.fieldError("ignore-note") != "" || res.value("ignore-note") != "" {
				t.Error("the ignore form shows the keep form's input")
			}
			if res.formMessage() != "Please correct the highlighted fields." {
				t.Errorf("form message %q", res.formMessage())
			}
			if after := app.findingCounts(t, id); after != before {
				t.Errorf("a refused decision wrote: %+v → %+v", before, after)
			}
		})
	}

	// Keep: status, decision, one event and one audit entry.
	omar.get(path)
	res, _ := omar.post(path+"/decide", url.Values{"action": {"keep"}, "note": {"Needed for the 2019 tax audit"}, "until": {until}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path {
		t.Fatalf("keep: %d %s: %s", res.StatusCode, res.Header.Get("Location"), res.formMessage())
	}
	kept := omar.follow(res)
	if kind, msg := kept.flash(); kind != "success" || msg != "Kept as archive until "+until+"." {
		t.Errorf("flash %s %q", kind, msg)
	}
	if got := text(kept.Doc.Find("#finding-status")); got != "kept until "+until {
		t.Errorf("status %q", got)
	}
	if got := text(kept.Doc.Find("#finding-decision")); got != "Why Needed for the 2019 tax audit Until "+until+" Decided by omar@example.com" {
		t.Errorf("decision %q", got)
	}
	after := app.findingCounts(t, id)
	if after.status != models.FindingKept || after.events != before.events+1 || after.audits != before.audits+1 {
		t.Errorf("after keep %+v, before %+v", after, before)
	}
	if e := app.lastAudit(t, "finding", "dark data: public.orders_2019"); e.Action != "kept" || e.Actor != "omar@example.com" {
		t.Errorf("audit %+v", e)
	}
	hist := kept.texts("#history-table tbody tr")
	if len(hist) != 2 || !strings.HasSuffix(hist[0], "kept omar@example.com Needed for the 2019 tax audit (until "+until+")") {
		t.Errorf("history after keep %q", hist)
	}
	if kept.Doc.Find("#undo-form").Length() != 1 || kept.Doc.Find("#keep-form").Length() != 0 {
		t.Error("a kept finding offers undo only")
	}
	// The list counts it no more as open, and shows it under kept.
	if tabs := omar.get("/findings").texts("#finding-tabs a"); tabs[0] != "Dark data 2" {
		t.Errorf("tabs after keep %q", tabs)
	}
	if row := omar.get("/findings?status=kept").texts("#finding-table tbody tr td.status"); !sameStrings(row, []string{"kept until " + until + " Needed for the 2019 tax audit"}) {
		t.Errorf("kept list %q", row)
	}

	// Undo with htmx: the panel comes back in place, open again.
	omar.get(path)
	before = app.findingCounts(t, id)
	panel, _ := omar.postWith(path+"/decide", url.Values{"action": {"undo"}},
		map[string]string{"HX-Request": "true", "HX-Target": "decision", "X-CSRF-Token": omar.csrf})
	if panel.StatusCode != http.StatusOK || panel.Doc.Find("h1").Length() != 0 || panel.Doc.Find("#decision").Length() != 1 {
		t.Fatalf("htmx undo: %d, h1 %d", panel.StatusCode, panel.Doc.Find("h1").Length())
	}
	if got := text(panel.Doc.Find("#finding-status")); got != "open" {
		t.Errorf("status after undo %q", got)
	}
	if got := text(panel.Doc.Find("#decision .flash")); got != "Decision undone: the finding is judged again." {
		t.Errorf("notice %q", got)
	}
	if hist := panel.texts("#history-table tbody tr"); len(hist) != 3 || !strings.Contains(hist[0], "undone omar@example.com") {
		t.Errorf("history after undo %q", hist)
	}
	after = app.findingCounts(t, id)
	if after.status != models.FindingOpen || after.events != before.events+1 || after.audits != before.audits+1 {
		t.Errorf("after undo %+v, before %+v", after, before)
	}
	// An htmx keep that is refused comes back as the panel with 422.
	bad, _ := omar.postWith(path+"/decide", url.Values{"action": {"keep"}, "note": {"x"}},
		map[string]string{"HX-Request": "true", "HX-Target": "decision", "X-CSRF-Token": omar.csrf})
	if bad.StatusCode != http.StatusUnprocessableEntity || bad.Doc.Find("h1").Length() != 0 || bad.fieldError("keep-until") == "" || bad.value("keep-note") != "x" {
		t.Errorf("htmx refused keep: %d %q %q", bad.StatusCode, bad.fieldError("keep-until"), bad.value("keep-note"))
	}
	// Undoing an open finding is refused next to the action.
	res, _ = omar.post(path+"/decide", url.Values{"action": {"undo"}})
	if res.StatusCode != http.StatusUnprocessableEntity || res.fieldError("action") != "Only a kept or ignored finding can be undone." {
		t.Errorf("undo of an open finding: %d %q", res.StatusCode, res.fieldError("action"))
	}
}

func TestFindingDecisionsOnProductsAndOtherDomains(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	seedFindings(t, app)
	omar := app.signedIn(t, "omar")

	// A stale product can be ignored, not kept; no claim link.
	stale := "/findings/" + itoa(app.findingIDOf(t, "Orders"))
	p := omar.get(stale)
	if p.Doc.Find("#claim").Length() != 0 || p.Doc.Find("#keep-form").Length() != 0 || p.Doc.Find("#ignore-form").Length() != 1 {
		t.Error("a product finding offers only ignore")
	}
	if href, _ := p.Doc.Find("#finding-figures a").First().Attr("href"); href != "/products/checkout/orders" {
		t.Errorf("product link %q", href)
	}
	res, _ := omar.post(stale+"/decide", url.Values{"action": {"keep"}, "note": {"x"}, "until": {"2099-01-01"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.HasPrefix(res.fieldError("action"), "Only dark data can be kept") {
		t.Errorf("keep of a stale product: %d %q", res.StatusCode, res.fieldError("action"))
	}
	res, _ = omar.post(stale+"/decide", url.Values{"action": {"ignore"}, "note": {"Source being migrated"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("ignore: %d %s", res.StatusCode, res.formMessage())
	}
	if got := text(omar.follow(res).Doc.Find("#finding-status")); got != "ignored" {
		t.Errorf("status after ignore %q", got)
	}

	// Another domain's finding: no forms for Omar, and a POST is refused.
	other := app.findingIDOf(t, "crm.old_contacts")
	p = omar.get("/findings/" + itoa(other))
	if p.Doc.Find("main form").Length() != 0 {
		t.Error("Omar sees forms on a Customer finding")
	}
	if reasons := text(p.Doc.Find("#finding-reasons")); !strings.Contains(reasons, "keeps no read statistics") {
		t.Errorf("usage-unknown reasons %q", reasons)
	}
	before := app.findingCounts(t, other)
	res, _ = omar.post("/findings/"+itoa(other)+"/decide", url.Values{"action": {"ignore"}, "note": {"not mine"}})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("decision in another domain: %d", res.StatusCode)
	}
	if after := app.findingCounts(t, other); after != before {
		t.Errorf("a refused decision wrote: %+v → %+v", before, after)
	}
	// Admins may.
	ada := app.signedIn(t, "ada")
	if ada.get("/findings/"+itoa(other)).Doc.Find("#ignore-form").Length() != 1 {
		t.Error("an admin sees no ignore form")
	}

	for _, path := range []string{"/findings/999999", "/findings/abc", "/findings/0"} {
		if res := omar.get(path); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, res.StatusCode)
		}
	}
	omar.get(stale)
	if res, _ := omar.post("/findings/999999/decide", url.Values{"action": {"ignore"}, "note": {"x"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("decision on an unknown finding: %d", res.StatusCode)
	}
	// Without the CSRF token, nothing happens.
	if res := omar.postNoCSRF(stale+"/decide", url.Values{"action": {"undo"}}); res.StatusCode != http.StatusForbidden || app.findingStatus(t, app.findingIDOf(t, "Orders")) != models.FindingIgnored {
		t.Errorf("decision without CSRF token: %d", res.StatusCode)
	}
}

// The source filter is kept with the findings snapshot; registering,
// renaming and deleting a source must show in it at once.
func TestFindingSourceFilterFollowsSourceWrites(t *testing.T) {
	t.Parallel()
	onEachDatabase(t, func(t *testing.T, app *testApp) {
		ctx := context.Background()
		seedFindings(t, app)
		vera := app.signedIn(t, "vera")
		options := func() []string {
			t.Helper()
			return vera.get("/findings").texts("#f-source option")
		}
		if got := options(); !sameStrings(got, []string{"All sources", "CRM", "Shop"}) {
			t.Fatalf("source options %q", got)
		}
		archive := app.addSource(t, "Archive", "checkout", "postgres", "postgres://reader@127.0.0.1:5432/archive")
		if got := options(); !sameStrings(got, []string{"All sources", "Archive", "CRM", "Shop"}) {
			t.Errorf("after registering Archive: %q", got)
		}
		if _, err := app.Store.UpdateSource(ctx, admin, "crm", models.SourceInput{Name: "Zeta CRM", Slug: "crm", Domain: "customer",
			Kind: "mysql", Schedule: "0 2 * * *", TimeZone: "UTC"}); err != nil {
			t.Fatal(err)
		}
		if got := options(); !sameStrings(got, []string{"All sources", "Archive", "Shop", "Zeta CRM"}) {
			t.Errorf("after renaming CRM: %q", got)
		}
		if err := app.Store.DeleteSource(ctx, admin, archive.Slug); err != nil {
			t.Fatal(err)
		}
		if got := options(); !sameStrings(got, []string{"All sources", "Shop", "Zeta CRM"}) {
			t.Errorf("after deleting Archive: %q", got)
		}
	})
}

// The dashboards keep their trend charts drawn; new daily totals must
// show at once, on the home page and on the domain's page.
func TestDashboardChartsFollowTheDailyTotals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := newTestApp(t)
	seedFindings(t, app)
	vera := app.signedIn(t, "vera")
	today := time.Now().UTC().Format("2 Jan 2006")
	points := func(path string) []string {
		t.Helper()
		var titles []string
		vera.get(path).Doc.Find("#trend-dark-bytes circle title").Each(func(_ int, s *goquery.Selection) {
			titles = append(titles, s.Text())
		})
		return titles
	}
	if err := app.Store.RecordHealthDay(ctx); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/domains/checkout"} {
		if got := points(path); !sameStrings(got, []string{today + ": 5.5 GB"}) {
			t.Errorf("%s: points %q", path, got)
		}
	}
	// Ignoring the 3 GB table and recording the day again redraws both.
	id := app.findingIDOf(t, "public.orders_2019")
	if _, err := app.Store.DecideFinding(ctx, admin, id, models.FindingDecision{Action: models.ActionIgnore, Note: "old export"}); err != nil {
		t.Fatal(err)
	}
	if err := app.Store.RecordHealthDay(ctx); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/domains/checkout"} {
		if got := points(path); !sameStrings(got, []string{today + ": 2.5 GB"}) {
			t.Errorf("%s after the ignore: points %q", path, got)
		}
	}
}

// A partition is owned through its partitioned parent, so claiming one
// prefills the parent as the port; saving closes every partition's finding.
func TestClaimingAPartitionNamesItsParent(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ctx := context.Background()
	shop := app.addSource(t, "Shop", "checkout", "postgres", "postgres://reader@127.0.0.1:5432/shop")
	yesterday := time.Now().UTC().Add(-24 * time.Hour) // read, so only unowned
	partition := func(name string) models.ObservedAsset {
		size, zero := int64(2e9), int64(0)
		return models.ObservedAsset{Schema: "public", Name: name, Kind: models.AssetPartition, Parent: "public.events",
			SizeBytes: &size, Inserts: &zero, Updates: &zero, Deletes: &zero, SeqScans: &zero, IdxScans: &zero, LastRead: &yesterday}
	}
	app.crawlSnapshot(t, shop, models.CrawlSnapshot{ServerVersion: "PostgreSQL 17", CountersEpoch: "e1", UsageKnown: true,
		Assets: []models.ObservedAsset{{Schema: "public", Name: "events", Kind: models.AssetPartitionedTable},
			partition("events_2019"), partition("events_2020")}})
	if _, err := app.Store.EvaluateFindings(ctx); err != nil {
		t.Fatal(err)
	}
	id := app.findingIDOf(t, "public.events_2019")

	omar := app.signedIn(t, "omar")
	form := omar.get("/products/new?claim=" + itoa(id))
	if form.StatusCode != http.StatusOK {
		t.Fatalf("claim form: %d", form.StatusCode)
	}
	values := form.formFields("form.form")
	if values.Get("port_location") != "public.events" || values.Get("port_source") != "shop" || values.Get("name") != "Events" {
		t.Fatalf("claim form prefilled with %v", values)
	}
	if _, msg := form.flash(); !strings.Contains(msg, "a partition is owned through its parent table, so the port names public.events") {
		t.Errorf("claim notice %q", msg)
	}
	values.Set("owner", "omar@example.com")
	values.Set("description", "Click events by month")
	if res, _ := omar.post("/products", values); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save claimed product: %d %s", res.StatusCode, res.formMessage())
	}
	for _, title := range []string{"public.events_2019", "public.events_2020"} {
		if f := app.findingStatus(t, app.findingIDOf(t, title)); f != models.FindingClosed {
			t.Errorf("%s after claiming its parent: %s", title, f)
		}
	}
}
