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

// pgSourceForm is the source form filled for the local PostgreSQL, with a
// password that must never come back.
func pgSourceForm(name string) url.Values {
	return url.Values{
		"name": {name}, "domain": {"checkout"}, "kind": {"postgres"},
		"host": {"127.0.0.1"}, "port": {"5432"}, "database": {"test"}, "user": {"postgres"},
		"password": {"S3cret-pw"}, "options": {"sslmode=disable"},
		"include": {"public.*"}, "schedule": {"0 2 * * *"}, "time_zone": {"Europe/Berlin"}, "enabled": {"true"},
	}
}

func TestSourceFormBadInputKeepsValuesAndWritesNothing(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	omar := app.signedIn(t, "omar")
	if res := omar.get("/sources/new"); res.StatusCode != http.StatusOK || res.Doc.Find("#host").Length() != 1 {
		t.Fatalf("new source form: %d", res.StatusCode)
	}
	for _, tc := range []struct {
		name, field, id string
		edit            map[string][]string
	}{
		{"no name", "name", "name", map[string][]string{"name": {""}}},
		{"metadata host", "dsn", "dsn", map[string][]string{"host": {"169.254.169.254"}}},
		{"bad port", "dsn", "dsn", map[string][]string{"port": {"54x"}}},
		{"no database", "dsn", "dsn", map[string][]string{"database": {""}}},
		{"bad schedule", "schedule", "schedule", map[string][]string{"schedule": {"daily at two"}}},
		{"too often", "schedule", "schedule", map[string][]string{"schedule": {"*/2 * * * *"}}},
		{"bad time zone", "time_zone", "time_zone", map[string][]string{"time_zone": {"Berlin"}}},
		{"bad pattern", "include", "include", map[string][]string{"include": {"public.[x"}}},
		{"domain not owned", "", "", map[string][]string{"domain": {"customer"}}},
		{"file source without roots", "dsn", "dsn", map[string][]string{"kind": {"sqlite"}, "path": {"/tmp/x.db"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := app.count(t, "sources")
			audits := app.count(t, "audit_entries")
			omar.get("/sources/new")
			res, _ := omar.post("/sources", with(pgSourceForm("Orders DB"), tc.edit))
			if tc.field == "" {
				if res.StatusCode != http.StatusForbidden {
					t.Fatalf("status %d, want 403", res.StatusCode)
				}
			} else {
				if res.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422", res.StatusCode)
				}
				if msg := res.fieldError(tc.id); msg == "" {
					t.Errorf("no message next to %s; form says %q", tc.id, res.formMessage())
				}
				if v := res.value("name"); v != with(pgSourceForm("Orders DB"), tc.edit).Get("name") {
					t.Errorf("the name was not kept: %q", v)
				}
				if strings.Contains(res.Body, "S3cret-pw") {
					t.Error("the re-rendered form contains the password")
				}
			}
			if app.count(t, "sources") != before || app.count(t, "audit_entries") != audits {
				t.Error("a refused form wrote rows")
			}
		})
	}
}

func TestSourceLifecycleThroughPages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	db := newSourceDatabase(t,
		"CREATE TABLE public.orders (id serial PRIMARY KEY, placed_at timestamptz NOT NULL DEFAULT now())",
		"INSERT INTO public.orders (placed_at) SELECT now() FROM generate_series(1, 500)",
		"CREATE VIEW public.recent_orders AS SELECT * FROM public.orders",
		"ANALYZE public.orders")
	pgSourceForm := func(name string) url.Values {
		f := pgSourceForm(name)
		f.Set("database", db)
		return f
	}
	omar := app.signedIn(t, "omar")
	omar.get("/sources/new")

	// Live validation and the schedule preview, as the user types.
	if msg := text(omar.validate("/sources/validate", "schedule", with(pgSourceForm("x"), map[string][]string{"schedule": {"* * * * *"}})).Doc.Find("p")); !strings.Contains(msg, "5 minutes") {
		t.Errorf("live validation of the schedule: %q", msg)
	}
	hostCheck := omar.validate("/sources/validate", "host", with(pgSourceForm("x"), map[string][]string{"host": {"169.254.169.254"}}))
	if msg := text(hostCheck.Doc.Find("#dsn-error")); !strings.Contains(msg, "link-local") {
		t.Errorf("live validation of the host: %q", msg)
	}
	preview, _ := omar.postWith("/sources/schedule-preview", url.Values{"schedule": {"0 2 * * *"}, "time_zone": {"Europe/Berlin"}}, map[string]string{"HX-Request": "true", "X-CSRF-Token": omar.csrf})
	if got := text(preview.Doc.Find("#schedule-preview")); !strings.Contains(got, "every day at 02:00 Europe/Berlin") || len(preview.Doc.Find("time").Nodes) != 3 {
		t.Errorf("schedule preview: %q", got)
	}

	// Test connection against the real PostgreSQL, then a wrong port.
	test, _ := omar.postWith("/sources/test", pgSourceForm("Orders DB"), map[string]string{"HX-Request": "true", "X-CSRF-Token": omar.csrf})
	if !strings.Contains(test.Doc.Find("#test-result").AttrOr("class", ""), "test-ok") {
		t.Errorf("test connection to the local PostgreSQL: %s", text(test.Doc.Find("#test-result")))
	}
	test, _ = omar.postWith("/sources/test", with(pgSourceForm("Orders DB"), map[string][]string{"port": {"1"}}), map[string]string{"HX-Request": "true", "X-CSRF-Token": omar.csrf})
	if res := text(test.Doc.Find("#test-result")); !strings.Contains(res, "Could not connect") || strings.Contains(res, "S3cret") {
		t.Errorf("test connection to a closed port: %q", res)
	}

	res, _ := omar.post("/sources", pgSourceForm("Orders DB"))
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/sources/orders-db" {
		t.Fatalf("create: %d %s: %s", res.StatusCode, res.Header.Get("Location"), res.formMessage())
	}
	show := omar.follow(res)
	if !strings.Contains(show.Body, "postgres://postgres@127.0.0.1:5432/"+db) || strings.Contains(show.Body, "S3cret") {
		t.Errorf("source page: hint missing or password shown")
	}
	if e := app.lastAudit(t, "source", "orders-db"); e.Actor != "omar@example.com" || e.Action != "created" {
		t.Errorf("audit %+v", e)
	}

	// The edit form never carries the password; saving without one keeps it.
	edit := omar.get("/sources/orders-db/edit")
	if strings.Contains(edit.Body, "S3cret") || edit.value("password") != "" || !strings.Contains(text(edit.Doc.Find("#password-hint")), "stored") {
		t.Errorf("edit form and the password: value %q hint %q", edit.value("password"), text(edit.Doc.Find("#password-hint")))
	}
	form := pgSourceForm("Orders warehouse")
	form.Set("slug", "orders-db")
	form.Set("password", "")
	res, _ = omar.post("/sources/orders-db", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("update: %d %s", res.StatusCode, res.formMessage())
	}
	src, err := app.Store.GetSource(t.Context(), "orders-db")
	if err != nil {
		t.Fatal(err)
	}
	if dsn, _ := app.Store.StoredDSN(src); !strings.Contains(dsn, "postgres:S3cret-pw@") {
		t.Errorf("an edit without password lost it: the DSN has no password")
	}

	// Crawl now: the run goes in the background; a second click is refused.
	omar.get("/sources/orders-db")
	res, _ = omar.post("/sources/orders-db/crawl", nil)
	if kind, msg := omar.follow(res).flash(); kind != "success" || !strings.Contains(msg, "started") {
		t.Errorf("crawl now: %s %q", kind, msg)
	}
	app.Sources.Wait()
	page := omar.get("/sources/orders-db")
	if status := text(page.Doc.Find("#run-table tbody tr").First().Find(".badge")); status != models.RunSucceeded {
		t.Fatalf("the crawl ended %q: %s", status, text(page.Doc.Find("#run-table tbody tr").First()))
	}
	if strings.Contains(page.Body, "S3cret") {
		t.Error("the source page shows the password after a crawl")
	}
	rows := page.texts("#asset-table tbody tr")
	if len(rows) != 2 || !strings.Contains(rows[0], "public.orders") || !strings.Contains(rows[0], "500") || !strings.Contains(rows[1], "public.recent_orders") {
		t.Errorf("assets after the crawl (largest first): %q", rows)
	}
	href, _ := page.Doc.Find(`#asset-table a[href*="public.orders"]`).Attr("href")
	asset := omar.get(href)
	if cols := asset.texts("#column-table tbody tr"); len(cols) != 2 || !strings.Contains(cols[1], "placed_at") || !strings.Contains(cols[1], "timestamp with time zone") {
		t.Errorf("asset page columns: %q", cols)
	}
	if hist := asset.texts("#observation-table tbody tr"); len(hist) != 1 {
		t.Errorf("asset page history: %q", hist)
	}
	if res := omar.get("/sources/orders-db/asset?key=public.nope"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown asset: %d", res.StatusCode)
	}

	// Viewers read but cannot change or crawl; nothing changes.
	vera := app.signedIn(t, "vera")
	vera.get("/sources/orders-db")
	if vera.get("/sources/orders-db").hasButton("Crawl now") {
		t.Error("a viewer sees Crawl now")
	}
	runs := app.count(t, "crawl_runs")
	for _, path := range []string{"/sources/orders-db/crawl", "/sources/orders-db/delete", "/sources/orders-db"} {
		if res, _ := vera.post(path, pgSourceForm("Hijacked")); res.StatusCode != http.StatusForbidden {
			t.Errorf("viewer POST %s: %d, want 403", path, res.StatusCode)
		}
	}
	if res := vera.get("/sources/new"); res.StatusCode != http.StatusForbidden {
		t.Errorf("viewer opening the new source form: %d", res.StatusCode)
	}
	if app.count(t, "crawl_runs") != runs || app.count(t, "sources") != 1 {
		t.Error("a viewer's requests changed something")
	}

	omar.get("/sources/orders-db")
	res, _ = omar.post("/sources/orders-db/delete", nil)
	if res.StatusCode != http.StatusSeeOther || app.count(t, "sources") != 0 || app.count(t, "assets") != 0 || app.count(t, "crawl_runs") != 0 {
		t.Errorf("delete: %d; sources %d assets %d runs %d", res.StatusCode, app.count(t, "sources"), app.count(t, "assets"), app.count(t, "crawl_runs"))
	}
}

// TestSourceChecksDoNotProbeForOutsiders: live validation and Test
// connection never resolve names or look at paths for someone who may not
// register sources in the chosen domain.
func TestSourceChecksDoNotProbeForOutsiders(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	vera := app.signedIn(t, "vera")
	vera.get("/products")
	for _, path := range []string{"/etc/passwd", "/root/no-such-file"} {
		form := with(pgSourceForm("x"), map[string][]string{"kind": {"sqlite"}, "path": {path}})
		if msg := text(vera.validate("/sources/validate", "path", form).Doc.Find("#dsn-error")); msg != "" {
			t.Errorf("a viewer learns about %s: %q", path, msg)
		}
		res, _ := vera.postWith("/sources/test", form, map[string]string{"HX-Request": "true", "X-CSRF-Token": vera.csrf})
		if got := text(res.Doc.Find("#test-result")); !strings.Contains(got, "Only admins and the owners") {
			t.Errorf("a viewer testing a connection to %s: %q", path, got)
		}
	}
}

// The source list pages by 50 and searches names, slugs, domains and
// kinds; a search it refuses is shown next to the field, text kept.
func TestSourceListSearchAndPages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	before := len(mustSourceOverviews(t, app))
	for i := 1; i <= 55; i++ {
		domain, kind, dsn := "checkout", "postgres", fmt.Sprintf("postgres://reader@127.0.0.1:5432/db%d", i)
		if i%5 == 0 {
			domain, kind, dsn = "customer", "mysql", fmt.Sprintf("mysql://reader@127.0.0.1:3306/db%d", i)
		}
		app.addSource(t, fmt.Sprintf("Warehouse %02d", i), domain, kind, dsn)
	}
	total := before + 55
	vera := app.signedIn(t, "vera")
	first := vera.get("/sources")
	if n := first.Doc.Find("#sources tbody tr").Length(); n != 50 {
		t.Errorf("first page: %d rows, want 50", n)
	}
	if got, want := text(first.Doc.Find("#source-summary")), fmt.Sprintf("Showing 1–50 of %d sources", total); got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	if n := vera.get("/sources?page=2").Doc.Find("#sources tbody tr").Length(); n != total-50 {
		t.Errorf("second page: %d rows, want %d", n, total-50)
	}
	mysql := vera.get("/sources?q=mysql").texts("#sources tbody tr td:first-child a")
	if len(mysql) != 11 || mysql[0] != "Warehouse 05" { // every fifth, and the demo has none
		t.Errorf("q=mysql: %q", mysql)
	}
	if got := vera.get("/sources?q=warehouse-07").texts("#sources tbody tr td:first-child a"); !sameStrings(got, []string{"Warehouse 07"}) {
		t.Errorf("by slug: %q", got)
	}
	long := strings.Repeat("y", 201)
	bad := vera.get("/sources?q=" + long)
	if bad.StatusCode != http.StatusUnprocessableEntity || text(bad.Doc.Find("#q-error")) != "Search for at most 200 characters." {
		t.Errorf("a long search: %d %q", bad.StatusCode, text(bad.Doc.Find("#q-error")))
	}
	if v, _ := bad.Doc.Find("#q").Attr("value"); v != long {
		t.Error("the refused search text is not kept in the field")
	}
}

func mustSourceOverviews(t *testing.T, app *testApp) []models.SourceOverview {
	t.Helper()
	list, err := app.Store.SourceOverviews(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return list
}
