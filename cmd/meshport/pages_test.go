package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/static"
)

func TestHomeCountsByDomainAndStatus(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	b := app.signedIn(t, "vera")
	p := b.get("/")
	if p.StatusCode != http.StatusOK {
		t.Fatalf("status %d", p.StatusCode)
	}

	stats := map[string]string{}
	p.Doc.Find(".stat").Each(func(_ int, s *goquery.Selection) {
		stats[text(s.Find(".stat-label"))] = text(s.Find(".stat-value"))
	})
	want := map[string]string{"domains": "3", "data products": "6", "draft": "1", "active": "4", "deprecated": "0", "retired": "1"}
	for label, n := range want {
		if stats[label] != n {
			t.Errorf("stat %q = %q, want %q (all: %v)", label, stats[label], n, stats)
		}
	}

	// Columns: domain, draft, active, deprecated, retired, total.
	rows := map[string][]string{}
	p.Doc.Find("#by-domain").Parent().Find("tbody tr").Each(func(_ int, tr *goquery.Selection) {
		var cells []string
		tr.Find("td").Each(func(_ int, td *goquery.Selection) { cells = append(cells, text(td)) })
		rows[text(tr.Find("th"))] = cells
	})
	wantRows := map[string][]string{
		"Checkout":  {"1", "2", "0", "0", "3"},
		"Customer":  {"0", "1", "0", "0", "1"},
		"Logistics": {"0", "1", "0", "1", "2"},
	}
	if len(rows) != len(wantRows) {
		t.Errorf("rows %v, want %v", rows, wantRows)
	}
	for name, cells := range wantRows {
		if !sameStrings(rows[name], cells) {
			t.Errorf("%s: %v, want %v", name, rows[name], cells)
		}
	}
	// Each count links to the list filtered the same way.
	if href, _ := p.Doc.Find(`a[href="/products?domain=logistics&status=retired"]`).Attr("href"); href == "" {
		t.Error("no link from Logistics/retired to the filtered list")
	}
}

func TestDomainListPage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	waitForStartupPolicies(t, app) // the scores the Compliance column averages
	p := app.signedIn(t, "vera").get("/domains")
	if p.StatusCode != http.StatusOK {
		t.Fatalf("status %d", p.StatusCode)
	}
	var got, compliance []string
	p.Doc.Find("main table tbody tr").Each(func(_ int, tr *goquery.Selection) {
		var cells []string
		tr.Find("td:not(.compliance)").Each(func(_ int, td *goquery.Selection) { cells = append(cells, text(td)) })
		got = append(got, strings.Join(cells, " | "))
		compliance = append(compliance, text(tr.Find("td.compliance")))
	})
	want := []string{
		"Checkout checkout | checkout-team, omar@example.com | active | 3",
		"Customer customer | crm-team | active | 1",
		"Logistics logistics | logistics-team | active | 2",
	}
	if !sameStrings(got, want) {
		t.Errorf("rows\n%q\nwant\n%q", got, want)
	}
	// Compliance is the mean score of the domain's scored products, as the
	// policy evaluation left them.
	for i, slug := range []string{"checkout", "customer", "logistics"} {
		var agg struct {
			N   int64
			Sum int64
		}
		if err := app.Store.DB().Raw(`SELECT count(p.policy_score) AS n, coalesce(sum(p.policy_score), 0) AS sum
			FROM products p JOIN domains d ON d.id = p.domain_id WHERE d.slug = ?`, slug).Scan(&agg).Error; err != nil {
			t.Fatal(err)
		}
		want := "—"
		if agg.N > 0 {
			want = strconv.FormatInt((agg.Sum*2+agg.N)/(agg.N*2), 10) + "%"
		}
		if i < len(compliance) && compliance[i] != want {
			t.Errorf("%s compliance %q, want %q", slug, compliance[i], want)
		}
	}
	if p.Doc.Find(`a[href="/domains/checkout"]`).Length() == 0 {
		t.Error("no link to the Checkout domain")
	}
}

func TestDomainPage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	p := app.signedIn(t, "vera").get("/domains/checkout")
	if p.StatusCode != http.StatusOK {
		t.Fatalf("status %d", p.StatusCode)
	}
	if h := p.heading(); h != "Checkout active" {
		t.Errorf("heading %q", h)
	}
	props := map[string]string{}
	p.Doc.Find("dl.props dt").Each(func(_ int, dt *goquery.Selection) { props[text(dt)] = text(dt.Next()) })
	if props["Owners"] != "checkout-team, omar@example.com" || props["Slug"] != "checkout" {
		t.Errorf("props %v", props)
	}
	if h := text(p.Doc.Find("h2#products")); h != "Data products (3)" {
		t.Errorf("products heading %q", h)
	}
	if got := p.texts("#products ~ ul li a"); !sameStrings(got, []string{"Abandoned carts", "Orders", "Payments"}) {
		t.Errorf("products %v", got)
	}
	if href, _ := p.Doc.Find(`#products ~ ul a`).First().Attr("href"); href != "/products/checkout/abandoned-carts" {
		t.Errorf("first product links to %q", href)
	}
	entries := p.texts(".audit-entry .audit-meta")
	if len(entries) != 1 || !strings.HasPrefix(entries[0], "demo seed (cli) created checkout") {
		t.Errorf("history %q", entries)
	}
	// The creation entry lists the fields the domain was created with.
	fields := p.texts(".audit-entry table.diff tbody th")
	if !sameStrings(fields, []string{"description", "name", "owners", "slug", "status"}) {
		t.Errorf("history fields %v", fields)
	}
}

func TestProductListFilters(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	b := app.signedIn(t, "vera")
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"", []string{"Abandoned carts", "Customer profiles", "Legacy stock levels", "Orders", "Payments", "Shipments"}},
		{"q=pay", []string{"Payments"}},
		{"q=ORDER", []string{"Abandoned carts", "Orders"}}, // case-insensitive; descriptions are searched
		{"q=marketing", []string{"Abandoned carts"}},       // tags are searched
		{"q=%25", nil}, // % is matched literally
		{"q=_", nil},   // so is _
		{"domain=logistics", []string{"Legacy stock levels", "Shipments"}},
		{"status=draft", []string{"Abandoned carts"}},
		{"status=retired", []string{"Legacy stock levels"}},
		{"classification=restricted", []string{"Customer profiles"}},
		{"domain=checkout&status=active", []string{"Orders", "Payments"}},
		{"domain=checkout&classification=confidential&q=pay", []string{"Payments"}},
		{"domain=nope", nil},
	} {
		t.Run(tc.query, func(t *testing.T) {
			p := b.get("/products?" + tc.query)
			if p.StatusCode != http.StatusOK {
				t.Fatalf("status %d", p.StatusCode)
			}
			if got := p.productRows(); !sameStrings(got, tc.want) {
				t.Errorf("rows %v, want %v", got, tc.want)
			}
			if len(tc.want) == 0 && !strings.Contains(text(p.Doc.Find("#results")), "No data products match.") {
				t.Errorf("empty result says %q", text(p.Doc.Find("#results")))
			}
			// The filter form shows the filter in use.
			q, _ := url.ParseQuery(tc.query)
			if v := p.value("q"); v != q.Get("q") {
				t.Errorf("search box %q, want %q", v, q.Get("q"))
			}
			if q.Get("domain") != "nope" {
				if v := p.selected("f-domain"); v != q.Get("domain") {
					t.Errorf("domain select %q, want %q", v, q.Get("domain"))
				}
			}
			if v := p.selected("f-status"); v != q.Get("status") {
				t.Errorf("status select %q, want %q", v, q.Get("status"))
			}
		})
	}
}

func TestProductListPagination(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ctx := context.Background()
	for i := 1; i <= 55; i++ {
		_, err := app.Store.CreateProduct(ctx, admin, models.ProductInput{
			Name: fmt.Sprintf("Bulk %02d", i), Domain: "checkout", Owner: "checkout-team",
			Status: models.StatusDraft, Classification: models.ClassInternal,
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	b := app.signedIn(t, "vera")

	p := b.get("/products?q=bulk")
	if got := text(p.Doc.Find(".pagination span").Not(".disabled")); got != "Page 1 of 2" {
		t.Errorf("pagination says %q", got)
	}
	if got := text(p.Doc.Find("#results > p").First()); got != "Showing 1–50 of 55 data products" {
		t.Errorf("summary %q", got)
	}
	rows := p.productRows()
	if len(rows) != 50 || rows[0] != "Bulk 01" || rows[49] != "Bulk 50" {
		t.Errorf("page 1 has %d rows: %v … %v", len(rows), rows[:1], rows[len(rows)-1:])
	}
	next, _ := p.Doc.Find(`.pagination a[rel="next"]`).Attr("href")
	if next != "/products?page=2&q=bulk" {
		t.Fatalf("next link %q does not keep the filter", next)
	}
	if hx, _ := p.Doc.Find(`.pagination a[rel="next"]`).Attr("hx-get"); hx != next {
		t.Errorf("next hx-get %q, want %q", hx, next)
	}

	p = b.get(next)
	if got := text(p.Doc.Find(".pagination span").Not(".disabled")); got != "Page 2 of 2" {
		t.Errorf("pagination says %q", got)
	}
	if rows := p.productRows(); !sameStrings(rows, []string{"Bulk 51", "Bulk 52", "Bulk 53", "Bulk 54", "Bulk 55"}) {
		t.Errorf("page 2 rows %v", rows)
	}
	if prev, _ := p.Doc.Find(`.pagination a[rel="prev"]`).Attr("href"); prev != "/products?q=bulk" {
		t.Errorf("previous link %q", prev)
	}
	if p.Doc.Find(`.pagination a[rel="next"]`).Length() != 0 {
		t.Error("last page links to a next page")
	}

	// Every filter and the page size survive paging.
	p = b.get("/products?domain=checkout&status=draft&classification=internal&per_page=20")
	if got := text(p.Doc.Find(".pagination span").Not(".disabled")); got != "Page 1 of 3" {
		t.Errorf("pagination says %q", got) // 55 bulk + Abandoned carts = 56
	}
	next, _ = p.Doc.Find(`.pagination a[rel="next"]`).Attr("href")
	if next != "/products?classification=internal&domain=checkout&page=2&per_page=20&status=draft" {
		t.Errorf("next link %q", next)
	}

	// A small result has no pagination.
	if p := b.get("/products?domain=logistics"); p.Doc.Find(".pagination").Length() != 0 {
		t.Error("one page of results shows pagination")
	}
}

func TestProductListHTMXReturnsOnlyResults(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	b := app.signedIn(t, "vera")
	p := b.htmx("/products?domain=logistics", "results")
	if p.StatusCode != http.StatusOK {
		t.Fatalf("status %d", p.StatusCode)
	}
	body := strings.TrimSpace(p.Body)
	if !strings.HasPrefix(body, `<section id="results"`) || strings.Contains(body, "<html") || strings.Contains(body, "<form") {
		t.Errorf("htmx answer is not just the #results fragment:\n%s", body)
	}
	if got := p.productRows(); !sameStrings(got, []string{"Legacy stock levels", "Shipments"}) {
		t.Errorf("rows %v", got)
	}
	if v := strings.Join(p.Header.Values("Vary"), ", "); !strings.Contains(v, "HX-Request") {
		t.Errorf("Vary %q: caches would mix fragments and pages", v)
	}
	// Without htmx the same address is the whole page.
	if full := b.get("/products?domain=logistics"); !strings.Contains(full.Body, "<html") || full.Doc.Find("form.filters").Length() != 1 {
		t.Error("plain request did not get the full page")
	}
}

func TestProductPage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	p := app.signedIn(t, "vera").get("/products/checkout/orders")
	if p.StatusCode != http.StatusOK {
		t.Fatalf("status %d", p.StatusCode)
	}
	if h := p.heading(); h != "Orders active" {
		t.Errorf("heading %q", h)
	}
	props := map[string]string{}
	p.Doc.Find("dl.props dt").Each(func(_ int, dt *goquery.Selection) { props[text(dt)] = text(dt.Next()) })
	want := map[string]string{
		"Domain": "Checkout", "Owner": "omar@example.com", "Classification": "internal",
		"Tags": "sales daily", "Freshness SLA": "updated at least every 1d", "Slug": "checkout/orders",
		"Purpose": "Revenue reporting and demand forecasting.",
	}
	for k, v := range want {
		if props[k] != v {
			t.Errorf("%s = %q, want %q", k, props[k], v)
		}
	}
	var ports []string
	p.Doc.Find("#ports ~ table tbody tr").Each(func(_ int, tr *goquery.Selection) { ports = append(ports, text(tr)) })
	if !sameStrings(ports, []string{"orders table analytics.orders not crawled none", "orders-api api https://data.example.com/checkout/orders not crawled none"}) {
		t.Errorf("ports %q", ports)
	}
	// The demo asked for (and granted) a waiver after creating it.
	if entries := p.texts(".audit-entry .audit-meta"); len(entries) != 3 || !strings.HasPrefix(entries[2], "demo seed (cli) created checkout/orders") ||
		!strings.Contains(entries[1], "waiver requested") {
		t.Errorf("history %q", entries)
	}
	// The retired demo product shows both steps of its history, newest first.
	p = app.signedIn(t, "vera").get("/products/logistics/legacy-stock-levels")
	if entries := p.texts(".audit-entry .audit-meta"); len(entries) != 2 ||
		!strings.HasPrefix(entries[0], "demo seed (cli) status changed") || !strings.HasPrefix(entries[1], "demo seed (cli) created") {
		t.Errorf("history %q", entries)
	}
}

func TestNotFoundPages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	b := app.signedIn(t, "vera")
	for _, tc := range []struct{ path, message string }{
		{"/domains/nope", `There is no domain "nope".`},
		{"/domains/nope/edit", `There is no domain "nope".`},
		{"/products/checkout/nope", "There is no data product checkout/nope."},
		{"/products/nope/orders", "There is no data product nope/orders."},
		{"/products/customer/orders", "There is no data product customer/orders."},
		{"/no/such/page", "There is no page at this address."},
	} {
		t.Run(tc.path, func(t *testing.T) {
			p := b.get(tc.path)
			if p.StatusCode != http.StatusNotFound {
				t.Fatalf("status %d", p.StatusCode)
			}
			if !strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
				t.Errorf("content type %q", p.Header.Get("Content-Type"))
			}
			// A styled page: the layout with navigation, not a bare message.
			if p.Doc.Find("nav.nav").Length() != 1 || p.Doc.Find(".error-page").Length() != 1 {
				t.Errorf("not the styled error page:\n%s", p.Body)
			}
			if h := p.heading(); h != "Not found" {
				t.Errorf("heading %q", h)
			}
			if msg := text(p.Doc.Find(".error-page h1 + p")); msg != tc.message {
				t.Errorf("message %q, want %q", msg, tc.message)
			}
		})
	}
}

func TestAnonymousVisitorSignsInAndLandsOnTheLink(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	b := app.browser(t)

	p := b.get("/products?domain=checkout&status=active")
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d, want a redirect to sign in", p.StatusCode)
	}
	loc := p.Header.Get("Location")
	if loc != "/login?next=%2Fproducts%3Fdomain%3Dcheckout%26status%3Dactive" {
		t.Fatalf("redirected to %q", loc)
	}
	if p := b.get("/"); p.Header.Get("Location") != "/login" {
		t.Errorf("home redirects to %q, want /login without next", p.Header.Get("Location"))
	}

	login := b.get(loc)
	next, _ := login.Doc.Find(`input[name="next"]`).First().Attr("value")
	if next != "/products?domain=checkout&status=active" {
		t.Fatalf("login form carries next=%q", next)
	}
	res, _ := b.post("/login", url.Values{"subject": {"omar"}, "next": {next}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != next {
		t.Fatalf("after sign-in: %d to %q, want %q", res.StatusCode, res.Header.Get("Location"), next)
	}
	landed := b.follow(res)
	if landed.StatusCode != http.StatusOK || !sameStrings(landed.productRows(), []string{"Orders", "Payments"}) {
		t.Errorf("landed on %d with rows %v", landed.StatusCode, landed.productRows())
	}
	if kind, msg := landed.flash(); kind != "success" || msg != "Signed in as Omar Owner." {
		t.Errorf("flash %s %q", kind, msg)
	}
	if who := text(landed.Doc.Find(`.user-menu a[href="/profile"]`).First()); who != "Omar Owner" {
		t.Errorf("signed in as %q", who)
	}

	// An htmx request from an expired page asks htmx to go to sign-in.
	anon := app.browser(t)
	h := anon.htmx("/products?q=x", "results")
	if h.StatusCode != http.StatusUnauthorized || h.Header.Get("HX-Redirect") != "/login?next=%2Fproducts%3Fq%3Dx" {
		t.Errorf("htmx: %d HX-Redirect %q", h.StatusCode, h.Header.Get("HX-Redirect"))
	}
}

func TestSignInRejectsUnknownUser(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	b := app.browser(t)
	b.get("/login")
	before := app.count(t, "users")
	p, _ := b.post("/login", url.Values{"subject": {"mallory"}})
	if p.StatusCode != http.StatusUnprocessableEntity || p.formMessage() != "Choose one of the demo users." {
		t.Errorf("status %d, message %q", p.StatusCode, p.formMessage())
	}
	if app.count(t, "users") != before || app.count(t, "sessions") != 0 {
		t.Error("an unknown user was stored or signed in")
	}
}

func TestSignInNeverRedirectsOffSite(t *testing.T) {
	t.Parallel()
	for _, next := range []string{
		"//evil.example", "//evil.example/products", "https://evil.example", "http://evil.example/",
		"/\\evil.example", "///evil.example", "javascript:alert(1)", "evil.example", "/\t/evil.example",
		"https:/evil.example", " //evil.example",
	} {
		t.Run(next, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t)
			b := app.browser(t)
			login := b.get("/login?next=" + url.QueryEscape(next))
			if v, _ := login.Doc.Find(`input[name="next"]`).First().Attr("value"); v != "/" {
				t.Errorf("login form carries next=%q", v)
			}
			res, _ := b.post("/login", url.Values{"subject": {"vera"}, "next": {next}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
				t.Errorf("redirected %d to %q, want /", res.StatusCode, res.Header.Get("Location"))
			}
		})
	}
}

func TestPostWithoutCSRFTokenIsRefused(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	b := app.signedIn(t, "ada")
	b.get("/domains/new")
	before := app.rowCounts(t)
	domain := url.Values{"name": {"Marketing"}, "owners": {"marketing-team"}}

	for name, send := range map[string]func() *page{
		"no token":    func() *page { return b.postNoCSRF("/domains", domain) },
		"wrong token": func() *page { return b.postNoCSRF("/domains", with(domain, map[string][]string{"_csrf": {"forged"}})) },
		"delete":      func() *page { return b.postNoCSRF("/products/checkout/abandoned-carts/delete", nil) },
		"status":      func() *page { return b.postNoCSRF("/domains/checkout/status", url.Values{"status": {"retired"}}) },
		"sign out":    func() *page { return b.postNoCSRF("/logout", nil) },
	} {
		t.Run(name, func(t *testing.T) {
			p := send()
			if p.StatusCode != http.StatusForbidden {
				t.Fatalf("status %d", p.StatusCode)
			}
			if h := p.heading(); h != "Not allowed" {
				t.Errorf("heading %q", h)
			}
			if msg := text(p.Doc.Find(".error-page h1 + p")); msg != "This form has expired or did not come from meshport. Reload the page and try again." {
				t.Errorf("message %q", msg)
			}
			app.assertNothingWritten(t, before)
		})
	}
	// The session survived the forged sign-out.
	if p := b.get("/domains"); p.StatusCode != http.StatusOK {
		t.Errorf("after forged sign-out: status %d", p.StatusCode)
	}

	t.Run("htmx validation without header", func(t *testing.T) {
		p, _ := b.postWith("/domains/validate", url.Values{"slug": {"x"}}, map[string]string{"HX-Request": "true", "HX-Trigger": "slug"})
		if p.StatusCode != http.StatusForbidden || strings.Contains(p.Body, "<html") {
			t.Errorf("status %d body %q", p.StatusCode, p.Body)
		}
	})
}

func TestSignOutEndsSession(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	b := app.signedIn(t, "ada")
	session := b.cookie("meshport_session")
	if session == "" {
		t.Fatal("no session cookie after sign-in")
	}
	b.get("/")
	p, _ := b.post("/logout", nil)
	if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != "/login" {
		t.Fatalf("sign out: %d to %q", p.StatusCode, p.Header.Get("Location"))
	}
	if b.cookie("meshport_session") != "" {
		t.Error("session cookie kept after sign-out")
	}
	if n := app.count(t, "sessions"); n != 0 {
		t.Errorf("%d sessions left", n)
	}
	if p := b.get("/domains"); p.StatusCode != http.StatusSeeOther {
		t.Errorf("after sign-out /domains: %d", p.StatusCode)
	}

	// Someone who copied the old cookie gets nothing either.
	thief := app.browser(t)
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(app.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: "meshport_session", Value: session, Path: "/"}})
	thief.http.Jar = jar
	p = thief.get("/domains/new")
	if p.StatusCode != http.StatusSeeOther || !strings.HasPrefix(p.Header.Get("Location"), "/login") {
		t.Errorf("old session cookie: %d to %q", p.StatusCode, p.Header.Get("Location"))
	}
}

// The search text is cut to 200 characters, never inside one: a cut
// character is invalid text that PostgreSQL refuses.
func TestProductListLongSearchKeepsWholeCharacters(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	b := app.signedIn(t, "vera")
	q := "a" + strings.Repeat("é", 250)
	p := b.get("/products?q=" + url.QueryEscape(q))
	if p.StatusCode != http.StatusOK {
		t.Fatalf("status %d", p.StatusCode)
	}
	if got, want := p.value("q"), string([]rune(q)[:200]); got != want {
		t.Errorf("search box holds %d bytes (valid UTF-8: %v), want the first 200 characters", len(got), utf8.ValidString(got))
	}
	status, body := app.apiAs(t, "vera@example.com", "viewer").call(http.MethodGet, "/api/v1/products?q="+url.QueryEscape(q), nil)
	if status != http.StatusOK || body["total"] != 0.0 {
		t.Errorf("API: %d %v", status, body)
	}
}

func TestProductListPagePastTheEnd(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	p := app.signedIn(t, "vera").get("/products?page=9&domain=checkout")
	if p.StatusCode != http.StatusOK {
		t.Fatalf("status %d", p.StatusCode)
	}
	if got := text(p.Doc.Find("#results > p").First()); got != "There is no page 9; the last page is 1." {
		t.Errorf("summary %q", got)
	}
	if len(p.productRows()) != 0 {
		t.Errorf("rows %v", p.productRows())
	}
}

func TestPagesEscapeUserText(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	_, err := app.Store.CreateProduct(context.Background(), admin, models.ProductInput{
		Name: `<b>Bold</b> & "quoted"`, Slug: "bold", Domain: "checkout", Owner: "checkout-team", Classification: "internal",
		Description: `<script>alert(1)</script>`,
	})
	if err != nil {
		t.Fatal(err)
	}
	b := app.signedIn(t, "vera")
	for _, path := range []string{"/products/checkout/bold", "/products?q=bold", "/domains/checkout"} {
		p := b.get(path)
		if p.Doc.Find("main b, main script").Length() != 0 {
			t.Errorf("%s: user text became markup", path)
		}
		if !strings.Contains(text(p.Doc.Find("main")), `<b>Bold</b> & "quoted"`) {
			t.Errorf("%s: the name is not shown as typed", path)
		}
	}
}

// Pages link the static files by content hash, and only those addresses
// are cached for good: a new binary with a changed file links anew.
func TestStaticFilesAreLinkedByContentHash(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	home := app.signedIn(t, "vera").get("/")
	links := map[string]string{}
	home.Doc.Find(`head link[rel="stylesheet"], head script[src]`).Each(func(_ int, s *goquery.Selection) {
		addr, ok := s.Attr("href")
		if !ok {
			addr, _ = s.Attr("src")
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(addr, "/static/"), "?")
		links[name] = addr
	})
	for _, name := range []string{"app.css", "htmx.min.js", "app.js"} {
		content, err := static.Files.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(content)
		want := "/static/" + name + "?v=" + hex.EncodeToString(sum[:6])
		if links[name] != want {
			t.Errorf("%s is linked as %q, want %q", name, links[name], want)
			continue
		}
		for addr, cache := range map[string]string{
			want:                              "public, max-age=31536000, immutable",
			"/static/" + name + "?v=0123abcd": "public, max-age=3600", // an older binary's
			"/static/" + name:                 "public, max-age=3600",
		} {
			res, err := http.Get(app.URL + addr)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != cache || !bytes.Equal(body, content) {
				t.Errorf("%s: %d, cache %q (want %q), %d bytes", addr, res.StatusCode, res.Header.Get("Cache-Control"), cache, len(body))
			}
			head, err := http.Head(app.URL + addr)
			if err != nil {
				t.Fatal(err)
			}
			head.Body.Close()
			if head.StatusCode != http.StatusOK || head.Header.Get("Cache-Control") != cache {
				t.Errorf("HEAD %s: %d, cache %q", addr, head.StatusCode, head.Header.Get("Cache-Control"))
			}
		}
	}
}

func TestHealthAndAssetsNeedNoSignIn(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	for _, tc := range []struct{ path, ctype, cache string }{
		{"/healthz", "application/json", ""},
		{"/readyz", "application/json", ""},
		{"/static/app.css", "text/css", "public, max-age=3600"},
		{"/login", "text/html", ""},
	} {
		res, err := http.Get(app.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), tc.ctype) || res.Header.Get("Cache-Control") != tc.cache {
			t.Errorf("%s: %d %q cache %q", tc.path, res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Cache-Control"))
		}
	}
}
