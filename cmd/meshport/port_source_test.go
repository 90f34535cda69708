package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/meshport/meshport/models"
)

// TestPortsNameTheirSource links a product's output ports to a crawled
// source: the product page shows the asset's figures, flags one that is
// not there, and bad source names are refused next to the field.
func TestPortsNameTheirSource(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	db := newSourceDatabase(t, "CREATE TABLE public.orders (id int)", "INSERT INTO public.orders SELECT generate_series(1, 10)")
	ctx := context.Background()
	src, err := app.Store.CreateSource(ctx, models.Principal{Name: "test", Admin: true, Via: "cli"}, models.SourceInput{
		Name: "Shop", Domain: "checkout", Kind: "postgres", DSN: "postgres://postgres@127.0.0.1:5432/" + db + "?sslmode=disable",
		Schedule: "0 2 * * *", TimeZone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.Sources.Start(src, models.TriggerManual, nil, "test"); err != nil {
		t.Fatal(err)
	}
	app.Sources.Wait()

	omar := app.signedIn(t, "omar")
	// The port form offers what the crawler found, as the user types.
	options := omar.htmx("/sources/asset-options?port_source=shop&port_location=ord", "port-0-assets").texts("option")
	if len(options) != 1 || !strings.Contains(options[0], "table") {
		t.Errorf("asset options for 'ord': %q", options)
	}
	if v, _ := omar.htmx("/sources/asset-options?port_source=shop&port_location=ord", "port-0-assets").Doc.Find("option").Attr("value"); v != "public.orders" {
		t.Errorf("option value %q", v)
	}
	for _, q := range []string{"port_source=shop&port_location=zzz", "port_source=nope&port_location=ord", "port_source=&port_location=ord"} {
		if n := len(omar.htmx("/sources/asset-options?"+q, "port-0-assets").texts("option")); n != 0 {
			t.Errorf("%s: %d options", q, n)
		}
	}
	form := omar.get("/products/new")
	if form.Doc.Find(`datalist[hx-get="/sources/asset-options"]`).Length() != 1 {
		t.Error("the port row has no asset search")
	}
	if opts := form.texts(`select[name="port_source"] option`); !containsText(opts, "Shop") {
		t.Fatalf("the port row does not offer the source: %q", opts)
	}
	base := url.Values{"name": {"Shop orders"}, "domain": {"checkout"}, "owner": {"omar@example.com"}, "status": {"active"},
		"classification": {"internal"}, "port_key": {"a", "b"}, "port_name": {"orders", "returns"}, "port_type": {"table", "table"},
		"port_location": {"public.orders", "public.returns"}, "port_source": {"shop", "shop"}, "freshness_sla": {"24h"}}

	// An unknown source is refused next to the port, nothing is written.
	before := app.rowCounts(t)
	bad, _ := omar.post("/products", with(base, map[string][]string{"port_source": {"shop", "nope"}}))
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.fieldError("port-b-source"), "no source") {
		t.Fatalf("unknown source: %d %q", bad.StatusCode, bad.fieldError("port-b-source"))
	}
	app.assertNothingWritten(t, before)

	res, _ := omar.post("/products", base)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", res.StatusCode, res.formMessage())
	}
	page := omar.follow(res)
	ports := page.texts("tr.port")
	if len(ports) != 2 || !strings.Contains(ports[0], "kB") || !strings.Contains(ports[1], "not seen in Shop yet") {
		t.Errorf("ports on the product page: %q", ports)
	}
	if href, _ := page.Doc.Find(`tr.port a`).Attr("href"); href != "/sources/shop/asset?key=public.orders" {
		t.Errorf("the port links to %q", href)
	}
	if e := app.lastAudit(t, "product", "checkout/shop-orders"); !strings.Contains(fmt.Sprint(e.Changes), "public.orders in shop") {
		t.Errorf("audit does not name the source: %s", e.Changes)
	}

	if state := text(page.Doc.Find("#freshness-state")); state != "unknown" || !strings.Contains(text(page.Doc.Find("#health")), "measured after the next crawl") {
		t.Errorf("health after one crawl: %q / %q", state, text(page.Doc.Find("#health")))
	}

	// Written and read, crawled again: fresh by its write counters, with reads.
	work := connectSourceDatabase(t, db)
	for _, stmt := range []string{"INSERT INTO public.orders VALUES (11)", "SELECT count(*) FROM public.orders", "SELECT pg_stat_force_next_flush()"} {
		if _, err := work.Exec(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	work.Close(ctx)
	waitForStats(t, db, `SELECT n_tup_ins >= 11 AND seq_scan >= 1 FROM pg_stat_user_tables WHERE relname = 'orders'`)
	if _, err := app.Sources.Start(src, models.TriggerManual, nil, "test"); err != nil {
		t.Fatal(err)
	}
	app.Sources.Wait()
	page = omar.get("/products/checkout/shop-orders")
	if state := text(page.Doc.Find("#freshness-state")); state != "fresh" || (!strings.Contains(text(page.Doc.Find("#freshness-evidence")), "public.orders") || !strings.Contains(text(page.Doc.Find("#freshness-evidence")), "by write counters")) {
		t.Errorf("freshness %q, evidence %q", state, text(page.Doc.Find("#freshness-evidence")))
	}
	if rpd := text(page.Doc.Find("#reads-per-day")); rpd == "" || rpd == "0.0" {
		t.Errorf("reads per day %q", rpd)
	}
	if bars := page.Doc.Find("#reads-chart rect.bar").Length(); bars != 30 {
		t.Errorf("chart has %d bars, want 30", bars)
	}
	if title := text(page.Doc.Find("#reads-chart rect.bar").Last().Find("title")); !strings.Contains(title, "reads") || strings.Contains(title, ": 0 reads") {
		t.Errorf("today's bar: %q", title)
	}

	// The list shows it compactly and sorts by it.
	list := omar.get("/products?q=shop+orders")
	if row := list.texts("#results tbody tr"); len(row) != 1 || !strings.Contains(row[0], "fresh") || !strings.Contains(row[0], "/day") {
		t.Errorf("list row: %q", row)
	}
	if other := omar.get("/products?q=payments").texts("#results tbody tr td.health"); len(other) != 1 || other[0] != "not crawled" {
		t.Errorf("a product without crawled ports: %q", other)
	}
	if first := omar.get("/products?sort=size").texts("#results tbody tr td:first-child a"); len(first) == 0 || first[0] != "Shop orders" {
		t.Errorf("largest first: %q", first)
	}
	// The domain page counts its products in service by health; the
	// demo's draft in Checkout is left out, and said to be.
	domain := omar.get("/domains/checkout")
	if counts := text(domain.Doc.Find("#health-counts")); !strings.Contains(counts, "1 fresh") || !strings.Contains(counts, "0 stale") || !strings.Contains(counts, "2 not crawled") {
		t.Errorf("domain health: %q", counts)
	}
	if scope := text(domain.Doc.Find("#health-scope")); scope != "Counts active and deprecated products; drafts and retired products (1) are not judged." {
		t.Errorf("domain health scope: %q", scope)
	}
	home := omar.get("/")
	if stats := text(home.Doc.Find("#health-stats")); !strings.Contains(stats, "1 fresh") || !strings.Contains(stats, "0 stale") {
		t.Errorf("home health: %q", stats)
	}
	if href, _ := home.Doc.Find("#health-stats a.stat").First().Attr("href"); href != "/findings?group=stale" {
		t.Errorf("home stale count links to %q", href)
	}
	if scope := text(home.Doc.Find("#health-scope")); !strings.HasPrefix(scope, "Counts active and deprecated products; drafts and retired products (") {
		t.Errorf("home health scope: %q", scope)
	}
	// A hand-edited unknown sort shows the list by name; the API refuses it.
	if first := omar.get("/products?sort=popularity").texts("#results tbody tr td:first-child a"); len(first) == 0 || first[0] != "Abandoned carts" {
		t.Errorf("unknown sort on the page: %q", first)
	}
	if status, body := app.apiAs(t, "vera@example.com", "viewer").call(http.MethodGet, "/api/v1/products?sort=popularity", nil); status != http.StatusUnprocessableEntity {
		t.Errorf("unknown sort in the API: %d %v", status, body)
	}

	// The API shows and takes the source by slug or id.
	client := app.apiAs(t, "ada@example.com", "admin")
	status, body := client.call(http.MethodGet, "/api/v1/products/checkout/shop-orders", nil)
	portsJSON, _ := body["output_ports"].([]any)
	if status != http.StatusOK || len(portsJSON) != 2 || portsJSON[0].(map[string]any)["source"] != "shop" {
		t.Errorf("API product: %d %v", status, body["output_ports"])
	}
	if health, _ := body["health"].(map[string]any); health["freshness"] != "fresh" || health["reads_per_day"] == nil || health["crawled_ports"] != float64(2) {
		t.Errorf("API health: %v", body["health"])
	}
	status, body = client.call(http.MethodPatch, "/api/v1/products/checkout/shop-orders", map[string]any{
		"output_ports": []map[string]any{{"name": "orders", "type": "table", "location": "public.orders", "source": itoa(src.ID)}}})
	if status != http.StatusOK {
		t.Errorf("patch with a source id: %d %v", status, body)
	}

	// Deleting the source keeps the ports, without a source.
	if err := app.Store.DeleteSource(ctx, models.Principal{Name: "test", Admin: true, Via: "cli"}, "shop"); err != nil {
		t.Fatal(err)
	}
	if ports := omar.get("/products/checkout/shop-orders").texts("tr.port"); len(ports) != 1 || !strings.Contains(ports[0], "not crawled") {
		t.Errorf("after the source was deleted: %q", ports)
	}
}
