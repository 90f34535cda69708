package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/meshport/meshport/models"
)

const msgCorrectFields = "Please correct the highlighted fields."

func TestDomainCreateBadInput(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("n", 101)
	for _, tc := range []struct {
		name  string
		form  url.Values
		field string
		msg   string
	}{
		{"empty name", url.Values{"name": {"  "}, "owners": {"platform-team"}}, "name", "Enter a name."},
		{"name too long", url.Values{"name": {long}, "owners": {"platform-team"}}, "name", "Use at most 100 characters."},
		{"name with a line break", url.Values{"name": {"Two\nlines"}, "slug": {"two-lines"}, "owners": {"platform-team"}}, "name", "Remove the control characters (tabs, line breaks)."},
		{"bad slug", url.Values{"name": {"Payments hub"}, "slug": {"Payments Hub!"}, "owners": {"platform-team"}}, "slug", "Use lower-case letters, digits and single dashes, e.g. customer-orders."},
		{"slug too long", url.Values{"name": {"Hub"}, "slug": {strings.Repeat("a", 64)}, "owners": {"platform-team"}}, "slug", "Use at most 63 characters."},
		{"duplicate slug", url.Values{"name": {"Checkout two"}, "slug": {"checkout"}, "owners": {"platform-team"}}, "slug", "Another domain already uses this slug."},
		{"duplicate slug from name", url.Values{"name": {"Checkout!"}, "owners": {"platform-team"}}, "slug", "Another domain already uses this slug."},
		{"description too long", url.Values{"name": {"Hub"}, "description": {strings.Repeat("d", 2001)}, "owners": {"platform-team"}}, "description", "Use at most 2000 characters."},
		{"no owners", url.Values{"name": {"Hub"}, "owners": {" , \n"}}, "owners", "Name at least one owner: an email address or a group."},
		{"bad owner email", url.Values{"name": {"Hub"}, "owners": {"platform-team\nbob@"}}, "owners", "\u201cbob@\u201d is not a valid email address."},
		{"bad owner group", url.Values{"name": {"Hub"}, "owners": {"team!"}}, "owners", "\u201cteam!\u201d is neither an email address nor a group name (letters, digits, spaces and . _ : / -, at most 100)."},
		{"bad representative email", url.Values{"name": {"Hub"}, "owners": {"platform-team"}, "representatives": {"Ana@Example.com\nbob@"}}, "representatives", "\u201cbob@\u201d is not a valid email address."},
		{"bad representative", url.Values{"name": {"Hub"}, "owners": {"platform-team"}, "representatives": {"team!"}}, "representatives", "\u201cteam!\u201d is neither an email address nor a group name (letters, digits, spaces and . _ : / -, at most 100)."},
		{"too many representatives", url.Values{"name": {"Hub"}, "owners": {"platform-team"}, "representatives": {manyReps(21)}}, "representatives", "At most 20 representatives."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t)
			b := app.signedIn(t, "ada")
			b.get("/domains/new")
			before := app.rowCounts(t)

			p, _ := b.post("/domains", tc.form)
			if p.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", p.StatusCode)
			}
			if got := p.fieldError(tc.field); got != tc.msg {
				t.Errorf("%s error %q, want %q", tc.field, got, tc.msg)
			}
			if !p.invalid(tc.field) {
				t.Errorf("#%s is not aria-invalid", tc.field)
			}
			// A taken slug alone is a conflict, summarised by its own message.
			summary := msgCorrectFields
			if tc.msg == "Another domain already uses this slug." {
				summary = tc.msg
			}
			if p.formMessage() != summary {
				t.Errorf("form message %q, want %q", p.formMessage(), summary)
			}
			// What the user typed comes back as typed.
			for _, f := range []string{"name", "slug", "description", "owners", "representatives"} {
				if got, want := p.value(f), tc.form.Get(f); got != want {
					t.Errorf("#%s shows %q, want the input %q", f, got, want)
				}
			}
			if action, _ := p.Doc.Find("form.form").Attr("action"); action != "/domains" {
				t.Errorf("form posts to %q", action)
			}
			app.assertNothingWritten(t, before)
		})
	}
}

func TestDomainCreateOnlyByAdmins(t *testing.T) {
	t.Parallel()
	for _, who := range []string{"omar", "vera"} {
		t.Run(who, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t)
			b := app.signedIn(t, who)
			if p := b.get("/domains/new"); p.StatusCode != http.StatusForbidden || text(p.Doc.Find(".error-page h1 + p")) != "Only admins can register domains." {
				t.Errorf("new domain form: %d %q", p.StatusCode, text(p.Doc.Find(".error-page h1 + p")))
			}
			if b.get("/domains").hasButton("New domain") {
				t.Error("domain list offers New domain")
			}
			before := app.rowCounts(t)
			p, _ := b.post("/domains", url.Values{"name": {"Marketing"}, "owners": {"checkout-team"}})
			if p.StatusCode != http.StatusForbidden || p.heading() != "Not allowed" {
				t.Errorf("create: status %d, heading %q", p.StatusCode, p.heading())
			}
			app.assertNothingWritten(t, before)
		})
	}
	app := newTestApp(t)
	if !app.signedIn(t, "ada").get("/domains").hasButton("New domain") {
		t.Error("admin is not offered New domain")
	}
}

func TestDomainEditBadInput(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, who, domain string
		form              url.Values
		field, msg        string
	}{
		{"slug of another domain", "ada", "customer",
			url.Values{"name": {"Customer"}, "slug": {"checkout"}, "owners": {"crm-team"}}, "slug", "Another domain already uses this slug."},
		{"empty name", "omar", "checkout",
			url.Values{"name": {""}, "slug": {"checkout"}, "owners": {"checkout-team\nomar@example.com"}}, "name", "Enter a name."},
		{"owner removes self", "omar", "checkout",
			url.Values{"name": {"Checkout"}, "slug": {"checkout"}, "owners": {"crm-team"}}, "owners",
			"Keep yourself (or a group you are in) among the owners, or ask an admin to hand the domain over."},
		{"no owners", "ada", "customer",
			url.Values{"name": {"Customer"}, "slug": {"customer"}, "owners": {""}}, "owners", "Name at least one owner: an email address or a group."},
		{"unread days not a number", "omar", "checkout",
			url.Values{"name": {"Checkout"}, "slug": {"checkout"}, "owners": {"checkout-team"}, "unread_days": {"ninety"}}, "unread_days",
			"A whole number of days from 1 to 3650, or empty for the portal's default."},
		{"unread days too many", "omar", "checkout",
			url.Values{"name": {"Checkout"}, "slug": {"checkout"}, "owners": {"checkout-team"}, "unread_days": {"4000"}}, "unread_days",
			"A whole number of days from 1 to 3650, or empty for the portal's default."},
		{"representative not an email", "omar", "checkout",
			url.Values{"name": {"Checkout"}, "slug": {"checkout"}, "owners": {"checkout-team"}, "representatives": {"omar@example.com, vera@"}}, "representatives",
			"\u201cvera@\u201d is not a valid email address."},
		{"too many representatives", "ada", "customer",
			url.Values{"name": {"Customer"}, "slug": {"customer"}, "owners": {"crm-team"}, "representatives": {manyReps(21)}}, "representatives", "At most 20 representatives."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t)
			b := app.signedIn(t, tc.who)
			if p := b.get("/domains/" + tc.domain + "/edit"); p.StatusCode != http.StatusOK {
				t.Fatalf("edit form: %d", p.StatusCode)
			}
			was := app.domain(t, tc.domain)
			before := app.rowCounts(t)

			p, _ := b.post("/domains/"+tc.domain, tc.form)
			if p.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", p.StatusCode)
			}
			if got := p.fieldError(tc.field); got != tc.msg {
				t.Errorf("%s error %q, want %q", tc.field, got, tc.msg)
			}
			if !p.invalid(tc.field) {
				t.Errorf("#%s is not aria-invalid", tc.field)
			}
			for _, f := range []string{"name", "slug", "owners", "representatives", "unread_days"} {
				if got, want := p.value(f), tc.form.Get(f); got != want {
					t.Errorf("#%s shows %q, want the input %q", f, got, want)
				}
			}
			// The form still edits the domain under its stored slug.
			if action, _ := p.Doc.Find("form.form").Attr("action"); action != "/domains/"+tc.domain {
				t.Errorf("form posts to %q", action)
			}
			app.assertNothingWritten(t, before)
			if now := app.domain(t, tc.domain); now.Name != was.Name || now.Slug != was.Slug || !sameStrings(now.Owners, was.Owners) || now.UnreadDays != was.UnreadDays ||
				!sameStrings(now.Representatives, was.Representatives) {
				t.Errorf("domain changed: %+v", now)
			}
		})
	}
}

func TestDomainEditAuthorization(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ who, domain string }{{"omar", "customer"}, {"vera", "checkout"}} {
		t.Run(tc.who+" "+tc.domain, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t)
			b := app.signedIn(t, tc.who)
			if b.get("/domains/" + tc.domain).hasButton("Edit") {
				t.Error("domain page offers Edit")
			}
			if p := b.get("/domains/" + tc.domain + "/edit"); p.StatusCode != http.StatusForbidden {
				t.Errorf("edit form: %d", p.StatusCode)
			}
			before := app.rowCounts(t)
			p, _ := b.post("/domains/"+tc.domain, url.Values{"name": {"Taken over"}, "slug": {tc.domain}, "owners": {"analysts"}})
			if p.StatusCode != http.StatusForbidden {
				t.Errorf("update: %d", p.StatusCode)
			}
			for _, action := range []string{"/status", "/delete"} {
				if p, _ := b.post("/domains/"+tc.domain+action, url.Values{"status": {"retired"}}); p.StatusCode != http.StatusForbidden {
					t.Errorf("%s: %d", action, p.StatusCode)
				}
			}
			app.assertNothingWritten(t, before)
		})
	}
}

func TestDomainValidate(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	b := app.signedIn(t, "ada")
	b.get("/domains/new")
	before := app.rowCounts(t)
	for _, tc := range []struct {
		path, trigger string
		form          url.Values
		msg           string
	}{
		{"/domains/validate", "name", url.Values{"name": {""}}, "Enter a name."},
		{"/domains/validate", "name", url.Values{"name": {strings.Repeat("x", 101)}}, "Use at most 100 characters."},
		{"/domains/validate", "name", url.Values{"name": {"Marketing"}}, ""},
		{"/domains/validate", "slug", url.Values{"name": {"x"}, "slug": {"checkout"}}, "Another domain already uses this slug."},
		{"/domains/validate", "slug", url.Values{"name": {"x"}, "slug": {"Not OK"}}, "Use lower-case letters, digits and single dashes, e.g. customer-orders."},
		{"/domains/validate", "slug", url.Values{"name": {"Marketing"}}, ""},
		{"/domains/validate", "owners", url.Values{"owners": {"a@b.example, bob@"}}, "\u201cbob@\u201d is not a valid email address."},
		{"/domains/validate", "owners", url.Values{"owners": {""}}, "Name at least one owner: an email address or a group."},
		{"/domains/validate", "representatives", url.Values{"representatives": {"ana@example.com\nnot an email@"}}, "\u201cnot an email@\u201d is not a valid email address."},
		{"/domains/validate", "representatives", url.Values{"representatives": {""}}, ""},
		{"/domains/validate", "representatives", url.Values{"representatives": {"governance-guild, Ana@Example.com"}}, ""},
		// Editing: the domain's own slug is not taken, another's is.
		{"/domains/checkout/validate", "slug", url.Values{"name": {"Checkout"}, "slug": {"checkout"}}, ""},
		{"/domains/customer/validate", "slug", url.Values{"name": {"Customer"}, "slug": {"checkout"}}, "Another domain already uses this slug."},
	} {
		t.Run(tc.path+" "+tc.trigger+" "+tc.msg, func(t *testing.T) {
			p := b.validate(tc.path, tc.trigger, tc.form)
			if p.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", p.StatusCode, p.Body)
			}
			want := `<p class="field-error" id="` + tc.trigger + `-error" aria-live="polite">`
			if !strings.HasPrefix(strings.TrimSpace(p.Body), want) || strings.Contains(p.Body, "<html") {
				t.Errorf("answer is not the field's error slot: %s", p.Body)
			}
			if got := p.fieldError(tc.trigger); got != tc.msg {
				t.Errorf("message %q, want %q", got, tc.msg)
			}
		})
	}
	app.assertNothingWritten(t, before)
	if p := b.validate("/domains/nope/validate", "slug", url.Values{"slug": {"x"}}); p.StatusCode != http.StatusNotFound {
		t.Errorf("unknown domain: %d", p.StatusCode)
	}
}

func TestDomainLifecycle(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	b := app.signedIn(t, "ada")
	b.get("/domains/new")

	// Create.
	before := app.rowCounts(t)
	p, _ := b.post("/domains", url.Values{"name": {" Marketing "}, "description": {"Campaigns and leads."}, "owners": {"marketing-team\nada@example.com"}})
	if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != "/domains/marketing" {
		t.Fatalf("create: %d to %q %s", p.StatusCode, p.Header.Get("Location"), p.fieldError("name"))
	}
	app.assertGrew(t, before, map[string]int64{"domains": 1, "audit_entries": 1})
	p = b.follow(p)
	if kind, msg := p.flash(); kind != "success" || msg != "Domain Marketing created." {
		t.Errorf("flash %s %q", kind, msg)
	}
	if h := p.heading(); h != "Marketing active" {
		t.Errorf("heading %q", h)
	}
	if e := app.lastAudit(t, "domain", "marketing"); e.Actor != "ada@example.com" || e.Action != "created" {
		t.Errorf("audit %s %s", e.Actor, e.Action)
	}
	if entries := p.texts(".audit-entry .audit-meta"); len(entries) != 1 || !strings.HasPrefix(entries[0], "ada@example.com created marketing") {
		t.Errorf("history %q", entries)
	}
	// The flash is shown once.
	if kind, _ := b.get("/domains/marketing").flash(); kind != "" {
		t.Error("flash shown twice")
	}

	// Edit, renaming the slug.
	b.get("/domains/marketing/edit")
	before = app.rowCounts(t)
	p, _ = b.post("/domains/marketing", url.Values{"name": {"Growth"}, "slug": {"growth"}, "description": {"Campaigns and leads."}, "owners": {"marketing-team, ada@example.com"}})
	if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != "/domains/growth" {
		t.Fatalf("edit: %d to %q", p.StatusCode, p.Header.Get("Location"))
	}
	app.assertGrew(t, before, map[string]int64{"audit_entries": 1})
	p = b.follow(p)
	if _, msg := p.flash(); msg != "Domain Growth saved." {
		t.Errorf("flash %q", msg)
	}
	e := app.lastAudit(t, "domain", "growth")
	if e.Actor != "ada@example.com" || e.Action != "updated" || len(e.Changes) != 2 ||
		e.Changes[0] != (models.AuditChange{Field: "name", Before: "Marketing", After: "Growth"}) ||
		e.Changes[1] != (models.AuditChange{Field: "slug", Before: "marketing", After: "growth"}) {
		t.Errorf("audit %s %s %+v", e.Actor, e.Action, e.Changes)
	}
	if p := b.get("/domains/marketing"); p.StatusCode != http.StatusNotFound {
		t.Errorf("old slug still answers %d", p.StatusCode)
	}

	// Saving without changes writes no audit entry.
	b.get("/domains/growth/edit")
	before = app.rowCounts(t)
	p, _ = b.post("/domains/growth", url.Values{"name": {"Growth"}, "slug": {"growth"}, "description": {"Campaigns and leads."}, "owners": {"marketing-team\nada@example.com"}})
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("unchanged save: %d", p.StatusCode)
	}
	app.assertNothingWritten(t, before)

	// Retire, then reactivate.
	p = b.get("/domains/growth")
	if !p.hasButton("Retire") {
		t.Error("no Retire button")
	}
	before = app.rowCounts(t)
	p, _ = b.post("/domains/growth/status", url.Values{"status": {"retired"}})
	p = b.follow(p)
	if _, msg := p.flash(); msg != "Domain Growth is now retired." {
		t.Errorf("flash %q", msg)
	}
	if app.domain(t, "growth").Status != models.DomainRetired || !p.hasButton("Reactivate") || p.hasButton("New product") {
		t.Error("domain not shown retired")
	}
	if e := app.lastAudit(t, "domain", "growth"); e.Action != "retired" || e.Actor != "ada@example.com" {
		t.Errorf("audit %s %s", e.Actor, e.Action)
	}
	p, _ = b.post("/domains/growth/status", url.Values{"status": {"active"}})
	if _, msg := b.follow(p).flash(); msg != "Domain Growth is now active." {
		t.Errorf("flash %q", msg)
	}
	if e := app.lastAudit(t, "domain", "growth"); e.Action != "reactivated" {
		t.Errorf("audit %s", e.Action)
	}
	app.assertGrew(t, before, map[string]int64{"audit_entries": 2})

	// Delete.
	before = app.rowCounts(t)
	p, _ = b.post("/domains/growth/delete", nil)
	if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != "/domains" {
		t.Fatalf("delete: %d to %q", p.StatusCode, p.Header.Get("Location"))
	}
	p = b.follow(p)
	if kind, msg := p.flash(); kind != "success" || msg != "Domain growth deleted." {
		t.Errorf("flash %s %q", kind, msg)
	}
	app.assertGrew(t, before, map[string]int64{"domains": -1, "audit_entries": 1})
	if e := app.lastAudit(t, "domain", "growth"); e.Action != "deleted" || e.Actor != "ada@example.com" {
		t.Errorf("audit %s %s", e.Actor, e.Action)
	}
	if p := b.get("/domains/growth"); p.StatusCode != http.StatusNotFound {
		t.Errorf("deleted domain answers %d", p.StatusCode)
	}
}

func TestDomainOwnerEdits(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	b := app.signedIn(t, "omar")
	p := b.get("/domains/checkout")
	if !p.hasButton("Edit") || p.hasButton("Retire") || p.hasButton("Delete") {
		t.Errorf("owner's buttons: %v", p.texts("main .actions a, main .actions button"))
	}
	b.get("/domains/checkout/edit")
	before := app.rowCounts(t)
	p, _ = b.post("/domains/checkout", url.Values{"name": {"Checkout"}, "slug": {"checkout"}, "description": {"Orders and payments."}, "owners": {"checkout-team\nomar@example.com"}})
	p = b.follow(p)
	if _, msg := p.flash(); msg != "Domain Checkout saved." {
		t.Errorf("flash %q", msg)
	}
	app.assertGrew(t, before, map[string]int64{"audit_entries": 1})
	e := app.lastAudit(t, "domain", "checkout")
	if e.Actor != "omar@example.com" || e.Action != "updated" || len(e.Changes) != 1 || e.Changes[0].Field != "description" {
		t.Errorf("audit %s %s %+v", e.Actor, e.Action, e.Changes)
	}
	// The domain's own unread threshold, then back to the portal's.
	if got := text(b.get("/domains/checkout").Doc.Find("#unread-days")); got != "90 days (the portal's default)" {
		t.Errorf("threshold shown %q", got)
	}
	b.get("/domains/checkout/edit")
	b.post("/domains/checkout", url.Values{"name": {"Checkout"}, "slug": {"checkout"}, "description": {"Orders and payments."},
		"owners": {"checkout-team\nomar@example.com"}, "unread_days": {"30"}})
	if got := text(b.get("/domains/checkout").Doc.Find("#unread-days")); got != "30 days (this domain's own threshold)" {
		t.Errorf("threshold shown %q", got)
	}
	if got := b.get("/domains/checkout/edit").value("unread_days"); got != "30" {
		t.Errorf("edit form shows %q", got)
	}
	// Handing over to a group omar is in is fine.
	p, _ = b.post("/domains/checkout", url.Values{"name": {"Checkout"}, "slug": {"checkout"}, "owners": {"checkout-team"}})
	if p.StatusCode != http.StatusSeeOther {
		t.Errorf("keep group only: %d %q", p.StatusCode, p.fieldError("owners"))
	}
}

func TestDomainConflictsChangeNothing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, path, status, msg string
	}{
		{"retire with live products", "/domains/checkout/status", "retired", "Checkout still has 3 product(s) that are not retired. Retire them first."},
		{"delete with products", "/domains/checkout/delete", "", "Checkout still has 3 product(s). Delete or move them first."},
		{"delete a domain with products of any status", "/domains/logistics/delete", "", "Logistics still has 2 product(s). Delete or move them first."},
		{"unknown status", "/domains/checkout/status", "paused", "A domain is either active or retired."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t)
			b := app.signedIn(t, "ada")
			slug := strings.Split(tc.path, "/")[2]
			b.get("/domains/" + slug)
			before := app.rowCounts(t)
			p, _ := b.post(tc.path, url.Values{"status": {tc.status}})
			if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != "/domains/"+slug {
				t.Fatalf("%d to %q", p.StatusCode, p.Header.Get("Location"))
			}
			p = b.follow(p)
			if kind, msg := p.flash(); kind != "error" || msg != tc.msg {
				t.Errorf("flash %s %q, want error %q", kind, msg, tc.msg)
			}
			if role, _ := p.Doc.Find(".flash").Attr("role"); role != "alert" {
				t.Errorf("error flash role %q", role)
			}
			app.assertNothingWritten(t, before)
			if d := app.domain(t, slug); d.Status != models.DomainActive {
				t.Errorf("status now %s", d.Status)
			}
		})
	}
}

// The domain list pages by 50 and searches names, slugs and owners; a
// search it refuses is shown next to the field with the text kept.
func TestDomainListSearchAndPages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t) // the demo's 3 domains
	for i := 1; i <= 60; i++ {
		owner := "platform-team"
		if i == 42 {
			owner = "ledger-crew"
		}
		app.addDomain(t, fmt.Sprintf("Region %02d", i), owner)
	}
	vera := app.signedIn(t, "vera")
	first := vera.get("/domains")
	if n := first.Doc.Find("#domain-table tbody tr").Length(); n != 50 {
		t.Errorf("first page: %d rows, want 50", n)
	}
	if got := text(first.Doc.Find("#domain-summary")); got != "Showing 1–50 of 63 domains" {
		t.Errorf("summary %q", got)
	}
	if got := text(first.Doc.Find("nav.pagination span:not(.disabled)")); got != "Page 1 of 2" {
		t.Errorf("pagination %q", got)
	}
	second := vera.get("/domains?page=2")
	if n := second.Doc.Find("#domain-table tbody tr").Length(); n != 13 {
		t.Errorf("second page: %d rows, want 13", n)
	}
	if last := vera.get("/domains?page=99"); text(last.Doc.Find("#domain-summary")) != "Showing 51–63 of 63 domains" {
		t.Errorf("a page past the last: %q", text(last.Doc.Find("#domain-summary")))
	}
	if mangled := vera.get("/domains?page=x"); mangled.StatusCode != http.StatusOK || text(mangled.Doc.Find("#domain-summary")) != "Showing 1–50 of 63 domains" {
		t.Errorf("a mangled page: %d %q", mangled.StatusCode, text(mangled.Doc.Find("#domain-summary")))
	}
	for q, want := range map[string][]string{
		"region 0":    {"Region 01", "Region 02", "Region 03", "Region 04", "Region 05", "Region 06", "Region 07", "Region 08", "Region 09"},
		"LEDGER-crew": {"Region 42"},
		"region-17":   {"Region 17"},
	} {
		res := vera.get("/domains?q=" + url.QueryEscape(q))
		if got := res.texts("#domain-table tbody tr td:first-child a"); !sameStrings(got, want) {
			t.Errorf("q=%q: %q, want %q", q, got, want)
		}
		if v, _ := res.Doc.Find("#q").Attr("value"); v != q {
			t.Errorf("q=%q: the field shows %q", q, v)
		}
	}
	if none := vera.get("/domains?q=nothing+like+this"); text(none.Doc.Find("#domain-summary")) != "No domain matches." || none.Doc.Find("#domain-table").Length() != 0 {
		t.Errorf("no match: %q", text(none.Doc.Find("#domain-summary")))
	}
	long := strings.Repeat("x", 201)
	bad := vera.get("/domains?q=" + long)
	if bad.StatusCode != http.StatusUnprocessableEntity || text(bad.Doc.Find("#q-error")) != "Search for at most 200 characters." {
		t.Errorf("a long search: %d %q", bad.StatusCode, text(bad.Doc.Find("#q-error")))
	}
	if v, _ := bad.Doc.Find("#q").Attr("value"); v != long {
		t.Error("the refused search text is not kept in the field")
	}
	// htmx asks for the results alone.
	part := vera.htmx("/domains?page=2", "results")
	if html, _ := part.Doc.Html(); part.StatusCode != http.StatusOK || part.Doc.Find("header.topbar").Length() != 0 ||
		part.Doc.Find("#results #domain-table tbody tr").Length() != 13 {
		t.Errorf("htmx page: %d %.200s", part.StatusCode, html)
	}
}
