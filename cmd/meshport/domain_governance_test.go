package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// manyReps is n distinct representatives, one per line.
func manyReps(n int) string {
	reps := make([]string, n)
	for i := range reps {
		reps[i] = fmt.Sprintf("rep%02d@example.com", i)
	}
	return strings.Join(reps, "\n")
}

// A domain's representatives are set in its form and through the API, and
// shown on its page; none named means its owners vote.
func TestDomainRepresentativesEndToEnd(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ada := app.signedIn(t, "ada")

	form := ada.get("/domains/new")
	if hint := text(form.Doc.Find("#representatives-hint")); hint != "Vote on global policies for this domain. Empty: its owners." {
		t.Errorf("the form has no representatives hint: %q", hint)
	}
	if form.Doc.Find("textarea#representatives[name=representatives]").Length() != 1 {
		t.Fatal("the new domain form has no representatives textarea")
	}
	before := app.rowCounts(t)
	p, _ := ada.post("/domains", url.Values{"name": {"Marketing"}, "owners": {"marketing-team"},
		"representatives": {" Ana@Example.com\ngovernance-guild, ana@example.com "}})
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %q", p.StatusCode, p.fieldError("representatives"))
	}
	app.assertGrew(t, before, map[string]int64{"domains": 1, "audit_entries": 1})
	if d := app.domain(t, "marketing"); !sameStrings(d.Representatives, []string{"ana@example.com", "governance-guild"}) {
		t.Errorf("stored representatives %v", d.Representatives)
	}
	page := ada.follow(p)
	if got := text(page.Doc.Find("#representatives")); got != "ana@example.com, governance-guild" {
		t.Errorf("domain page shows representatives %q", got)
	}
	edit := ada.get("/domains/marketing/edit")
	if got := edit.value("representatives"); got != "ana@example.com\ngovernance-guild" {
		t.Errorf("edit form shows representatives %q", got)
	}

	// Emptied in the form: the owners vote, and the page says so.
	p, _ = ada.post("/domains/marketing", url.Values{"name": {"Marketing"}, "slug": {"marketing"}, "owners": {"marketing-team"}, "representatives": {""}})
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("empty representatives: %d %q", p.StatusCode, p.fieldError("representatives"))
	}
	if e := app.lastAudit(t, "domain", "marketing"); len(e.Changes) != 1 || e.Changes[0].Field != "representatives" ||
		e.Changes[0].Before != "ana@example.com, governance-guild" || e.Changes[0].After != "" {
		t.Errorf("audit %+v", e.Changes)
	}
	if got := text(ada.get("/domains/marketing").Doc.Find("#representatives")); got != "its owners" {
		t.Errorf("domain page without representatives shows %q, want \"its owners\"", got)
	}

	// The API reads and writes them.
	api := app.apiAs(t, "ada@example.com", "admin")
	status, body := api.call(http.MethodGet, "/api/v1/domains/marketing", nil)
	if reps, ok := body["representatives"].([]any); status != http.StatusOK || !ok || len(reps) != 0 {
		t.Errorf("GET: %d representatives %#v, want []", status, body["representatives"])
	}
	status, body = api.call(http.MethodPatch, "/api/v1/domains/marketing", map[string]any{"representatives": []string{"VERA@example.com", "vera@example.com"}})
	if status != http.StatusOK || fmt.Sprint(body["representatives"]) != "[vera@example.com]" || body["name"] != "Marketing" {
		t.Errorf("PATCH: %d %v", status, body)
	}
	if d := app.domain(t, "marketing"); !sameStrings(d.Representatives, []string{"vera@example.com"}) || !sameStrings(d.Owners, []string{"marketing-team"}) {
		t.Errorf("after PATCH: representatives %v, owners %v", d.Representatives, d.Owners)
	}
	status, body = api.call(http.MethodPatch, "/api/v1/domains/marketing", map[string]any{"description": "Leads."})
	if status != http.StatusOK || fmt.Sprint(body["representatives"]) != "[vera@example.com]" {
		t.Errorf("a PATCH without representatives changed them: %d %v", status, body["representatives"])
	}
	status, _, raw := api.raw(http.MethodPost, "/api/v1/domains", "application/json",
		`{"name": "Finance", "owners": ["finance-team"], "representatives": ["cfo@example.com"]}`)
	var created map[string]any
	json.Unmarshal([]byte(raw), &created)
	if status != http.StatusCreated || fmt.Sprint(created["representatives"]) != "[cfo@example.com]" {
		t.Errorf("POST: %d %s", status, raw)
	}
	status, body = api.call(http.MethodGet, "/api/v1/domains", nil)
	items, _ := body["items"].([]any)
	for _, it := range items {
		if d, _ := it.(map[string]any); d != nil {
			if _, ok := d["representatives"].([]any); !ok {
				t.Errorf("list item %v has no representatives array", d["slug"])
			}
		}
	}
	if status != http.StatusOK || len(items) == 0 {
		t.Errorf("list: %d, %d items", status, len(items))
	}
}

// waitForStartupPolicies waits until the evaluation every start runs has
// committed (it records the day's compliance last), so scores set by a test
// afterwards stay.
func waitForStartupPolicies(t *testing.T, app *testApp) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		var n int64
		if err := app.Store.DB().Table("compliance_days").Where("domain_id = 0").Count(&n).Error; err == nil && n > 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the start's policy evaluation did not finish in 15 s")
}

// setScore stores a product's policy score and level as the evaluation
// leaves them, and tells the catalog.
func setScore(t *testing.T, app *testApp, domain, product string, score *int, level string) {
	t.Helper()
	p := app.product(t, domain, product)
	db := app.Store.DB()
	if err := db.Exec("UPDATE products SET policy_score = ?, policy_level = ? WHERE id = ?", score, level, p.ID).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Exec("UPDATE catalog_versions SET version = version + 1 WHERE id = 1").Error; err != nil {
		t.Fatal(err)
	}
}

func intp(n int) *int { return &n }

// The domain page shows each product's score badge and level; the domain
// list shows each domain's compliance and sorts by it, lowest first.
func TestDomainScoresAndCompliance(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	api := app.apiAs(t, "ada@example.com", "admin")
	for _, name := range []string{"Aardvark", "Zebra", "Nothing scored"} {
		app.addDomain(t, name, "zoo-team")
	}
	for _, p := range []struct{ domain, name string }{
		{"aardvark", "Gold one"}, {"aardvark", "Mid one"}, {"aardvark", "Low one"}, {"aardvark", "Unscored"},
		{"zebra", "Stripes"}, {"nothing-scored", "Plain"},
	} {
		status, body := api.call(http.MethodPost, "/api/v1/products", map[string]any{
			"name": p.name, "domain": p.domain, "owner": "zoo@example.com", "classification": "internal",
			"description": "Test data about " + p.name + ", long enough for any description rule there may be.",
		})
		if status != http.StatusCreated {
			t.Fatalf("create %s: %d %v", p.name, status, body)
		}
	}
	waitForStartupPolicies(t, app)
	setScore(t, app, "aardvark", "gold-one", intp(95), "gold")
	setScore(t, app, "aardvark", "mid-one", intp(60), "")
	setScore(t, app, "aardvark", "low-one", intp(20), "bronze")
	setScore(t, app, "aardvark", "unscored", nil, "")
	setScore(t, app, "zebra", "stripes", intp(99), "silver")
	setScore(t, app, "nothing-scored", "plain", nil, "")

	vera := app.signedIn(t, "vera")
	page := vera.get("/domains/aardvark")
	want := map[string]string{
		"Gold one": `<span class="badge badge-score-high" title="share of policies passed">95%</span> <span class="badge badge-level-gold">gold</span>`,
		"Mid one":  `<span class="badge badge-score-mid" title="share of policies passed">60%</span>`,
		"Low one":  `<span class="badge badge-score-low" title="share of policies passed">20%</span> <span class="badge badge-level-bronze">bronze</span>`,
		"Unscored": `<span class="muted small">no policies</span>`,
	}
	items := page.Doc.Find("#products ~ ul li")
	if items.Length() != 4 {
		t.Fatalf("domain page lists %d products, want 4", items.Length())
	}
	for i := range items.Length() {
		li := items.Eq(i)
		name := text(li.Find("a"))
		html, _ := li.Html()
		if w, ok := want[name]; !ok || !strings.Contains(html, w) {
			t.Errorf("product %q shows %s; want %s", name, html, w)
		}
	}

	// Compliance: the mean of scored products, whole percent; — for none.
	list := vera.get("/domains")
	cells := map[string]string{}
	list.Doc.Find("#domain-table tbody tr").Each(func(_ int, tr *goquery.Selection) {
		cells[text(tr.Find("td a").First())] = text(tr.Find("td.compliance"))
	})
	for name, want := range map[string]string{"Aardvark": "58%", "Zebra": "99%", "Nothing scored": "—"} {
		if cells[name] != want {
			t.Errorf("domain list: %s compliance %q, want %q", name, cells[name], want)
		}
	}
	if h := list.Doc.Find(`#domain-table th[aria-sort] a[href="/domains?sort=compliance"]`); !strings.HasPrefix(text(h), "Compliance") {
		t.Errorf("no Compliance sort heading: %q", text(h))
	}

	sorted := vera.get("/domains?sort=compliance")
	if sorted.StatusCode != http.StatusOK {
		t.Fatalf("sort=compliance: %d", sorted.StatusCode)
	}
	var order []string
	var last = -1
	seenNone := false
	sorted.Doc.Find("#domain-table tbody tr").Each(func(_ int, tr *goquery.Selection) {
		name, c := text(tr.Find("td a").First()), text(tr.Find("td.compliance"))
		if name == "Aardvark" || name == "Zebra" || name == "Nothing scored" {
			order = append(order, name)
		}
		if c == "—" {
			seenNone = true
			return
		}
		var n int
		fmt.Sscanf(c, "%d%%", &n)
		if seenNone || n < last {
			t.Errorf("sort=compliance: %s (%s) comes after a higher or missing score", name, c)
		}
		last = n
	})
	if want := []string{"Aardvark", "Zebra", "Nothing scored"}; !sameStrings(order, want) {
		t.Errorf("sort=compliance puts %v, want %v", order, want)
	}
	if got, _ := sorted.Doc.Find(`#domain-table th[aria-sort="ascending"]`).Attr("aria-sort"); got != "ascending" || !strings.HasPrefix(text(sorted.Doc.Find(`#domain-table th[aria-sort="ascending"]`)), "Compliance") {
		t.Errorf("the Compliance heading is not marked as the order")
	}
	if v, _ := sorted.Doc.Find(`form.filters input[type=hidden][name=sort]`).Attr("value"); v != "compliance" {
		t.Errorf("searching would lose the order: hidden sort %q", v)
	}
	// htmx asks for the results only, in order too.
	if frag := vera.htmx("/domains?sort=compliance&q=a", "results"); frag.StatusCode != http.StatusOK || strings.Contains(frag.Body, "<html") {
		t.Errorf("htmx sorted search: %d", frag.StatusCode)
	}

	bad := vera.get("/domains?sort=" + url.QueryEscape("compliance; DROP TABLE domains"))
	if bad.StatusCode != http.StatusUnprocessableEntity || text(bad.Doc.Find("#sort-error")) != "Sort by one of: name, compliance." {
		t.Errorf("a bad sort: %d %q", bad.StatusCode, text(bad.Doc.Find("#sort-error")))
	}
	if n := app.count(t, "domains"); n != 6 {
		t.Errorf("%d domains after a bad sort, want 6", n)
	}
}
