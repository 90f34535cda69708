package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/meshport/meshport/models"
)

// newProductForm is a valid submission of the new product form for the
// Checkout domain, with one output port in the row keyed "k0".
func newProductForm() url.Values {
	return url.Values{
		"name": {"Refunds"}, "slug": {""}, "domain": {"checkout"}, "owner": {"omar@example.com"},
		"description": {"Refunded order lines."}, "purpose": {"Finance reconciliation."},
		"status": {"draft"}, "classification": {"confidential"}, "contains_pii": {"true"},
		"tags": {"finance, daily"}, "freshness_sla": {"24h"},
		"port_key": {"k0"}, "port_name": {"refunds"}, "port_type": {"table"}, "port_location": {"analytics.refunds"},
	}
}

// editOrdersForm is the edit form of checkout/orders as the page shows it.
func editOrdersForm() url.Values {
	return url.Values{
		"name": {"Orders"}, "slug": {"orders"}, "domain": {"checkout"}, "owner": {"omar@example.com"},
		"description": {"Every order placed in the web shop, one row per order line."},
		"purpose":     {"Revenue reporting and demand forecasting."},
		"status":      {"active"}, "classification": {"internal"}, "tags": {"sales, daily"}, "freshness_sla": {"1d"},
		"port_key":  {"0", "1"},
		"port_name": {"orders", "orders-api"}, "port_type": {"table", "api"},
		"port_location": {"analytics.orders", "https://data.example.com/checkout/orders"},
	}
}

type formCase struct {
	name   string
	change map[string][]string
	field  string // element id of the field with the error
	msg    string
}

func TestProductCreateBadInput(t *testing.T) {
	t.Parallel()
	for _, tc := range []formCase{
		{"empty name", map[string][]string{"name": {" "}, "slug": {"refunds"}}, "name", "Enter a name."},
		{"name too long", map[string][]string{"name": {strings.Repeat("r", 101)}}, "name", "Use at most 100 characters."},
		{"duplicate slug", map[string][]string{"name": {"Orders"}}, "slug", "Another product in this domain already uses this slug."},
		{"bad slug", map[string][]string{"slug": {"refunds_v2"}}, "slug", "Use lower-case letters, digits and single dashes, e.g. customer-orders."},
		{"no domain", map[string][]string{"domain": {""}}, "domain", "Choose the domain that owns this product."},
		{"unknown domain", map[string][]string{"domain": {"nope"}}, "domain", "There is no domain \u201cnope\u201d."},
		{"no owner", map[string][]string{"owner": {""}}, "owner", "Name the owner: an email address or a group."},
		{"bad owner", map[string][]string{"owner": {"omar@"}}, "owner", "\u201comar@\u201d is not a valid email address."},
		{"retired for a new product", map[string][]string{"status": {"retired"}}, "status", "A new product starts as draft or active."},
		{"unknown status", map[string][]string{"status": {"paused"}}, "status", "Choose one of: draft, active, deprecated, retired."},
		{"bad classification", map[string][]string{"classification": {"secret"}}, "classification", "Choose one of: public, internal, confidential, restricted."},
		{"bad SLA", map[string][]string{"freshness_sla": {"soon"}}, "freshness_sla", "Use a duration such as 90m, 24h, 7d or 2w, or leave it empty for none."},
		{"SLA too long", map[string][]string{"freshness_sla": {"400d"}}, "freshness_sla", "Must be at most 366d."},
		{"bad tag", map[string][]string{"tags": {"finance, Not OK"}}, "tags", "\u201cnot ok\u201d is not a valid tag: use letters, digits, . _ -, at most 32 characters."},
		{"description too long", map[string][]string{"description": {strings.Repeat("d", 2001)}}, "description", "Use at most 2000 characters."},
		{"bad port location", map[string][]string{"port_location": {"refunds table"}}, "port-k0-location",
			"Give the table as schema.table (or database.schema.table; quote unusual names)."},
		{"port without name", map[string][]string{"port_name": {""}}, "port-k0-name", "Name the port."},
		{"bad port type", map[string][]string{"port_type": {"ftp"}}, "port-k0-type", "Choose one of: table, view, file, api, stream."},
		// The error lands on the row it belongs to, even after a blank row.
		{"second port row", map[string][]string{
			"port_key": {"k0", "blank", "x9"}, "port_name": {"refunds", "", "refunds-files"},
			"port_type": {"table", "table", "file"}, "port_location": {"analytics.refunds", "", "refunds/*.csv"},
		}, "port-x9-location", "Give an absolute path (/data/\u2026) or a URL (s3://bucket/prefix)."},
		{"duplicate port name", map[string][]string{
			"port_key": {"k0", "k1"}, "port_name": {"refunds", "Refunds"},
			"port_type": {"table", "view"}, "port_location": {"analytics.refunds", "analytics.refunds_v"},
		}, "port-k1-name", "Another port already has this name."},
		{"bad API port", map[string][]string{"port_type": {"api"}, "port_location": {"ftp://data.example.com"}}, "port-k0-location", "Give the API's http(s) URL."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t)
			b := app.signedIn(t, "omar")
			b.get("/products/new")
			before := app.rowCounts(t)
			form := with(newProductForm(), tc.change)

			p, _ := b.post("/products", form)
			if p.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", p.StatusCode)
			}
			if got := p.fieldError(tc.field); got != tc.msg {
				t.Errorf("%s error %q, want %q", tc.field, got, tc.msg)
			}
			if !p.invalid(tc.field) {
				t.Errorf("#%s is not aria-invalid", tc.field)
			}
			// Only that field is flagged.
			if n := p.Doc.Find(`[aria-invalid="true"]`).Length(); n != 1 {
				t.Errorf("%d fields flagged, want 1", n)
			}
			assertProductFormKeeps(t, p, form)
			app.assertNothingWritten(t, before)
		})
	}
}

// assertProductFormKeeps checks that the re-rendered form shows what was
// submitted.
func assertProductFormKeeps(t *testing.T, p *page, form url.Values) {
	t.Helper()
	for _, f := range []string{"name", "slug", "owner", "description", "purpose", "tags", "freshness_sla"} {
		if got := p.value(f); got != form.Get(f) {
			t.Errorf("#%s shows %q, want the input %q", f, got, form.Get(f))
		}
	}
	// Selects can only show values they offer.
	for _, f := range []string{"domain", "status", "classification"} {
		if p.Doc.Find("#"+f+` option[value="`+form.Get(f)+`"]`).Length() == 0 {
			continue
		}
		if got := p.selected(f); got != form.Get(f) {
			t.Errorf("#%s has %q selected, want %q", f, got, form.Get(f))
		}
	}
	if _, checked := p.Doc.Find("#contains_pii").Attr("checked"); checked != (form.Get("contains_pii") == "true") {
		t.Errorf("contains_pii checked=%v", checked)
	}
	// Port rows keep their keys and values; blank rows are dropped.
	n := 0
	for i, key := range form["port_key"] {
		if strings.TrimSpace(form["port_name"][i]) == "" && strings.TrimSpace(form["port_location"][i]) == "" {
			if p.Doc.Find("#port-"+key+"-name").Length() != 0 {
				t.Errorf("blank port row %s shown again", key)
			}
			continue
		}
		n++
		if got := p.value("port-" + key + "-name"); got != form["port_name"][i] {
			t.Errorf("port %s name %q, want %q", key, got, form["port_name"][i])
		}
		if got := p.value("port-" + key + "-location"); got != form["port_location"][i] {
			t.Errorf("port %s location %q, want %q", key, got, form["port_location"][i])
		}
		if p.Doc.Find("#port-"+key+`-type option[value="`+form["port_type"][i]+`"]`).Length() > 0 {
			if got := p.selected("port-" + key + "-type"); got != form["port_type"][i] {
				t.Errorf("port %s type %q, want %q", key, got, form["port_type"][i])
			}
		}
	}
	if rows := p.Doc.Find("#port-rows [data-row]").Length(); rows != n {
		t.Errorf("%d port rows, want %d", rows, n)
	}
}

func TestProductCreateInRetiredDomain(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	d := app.addDomain(t, "Archive", "platform-team")
	if _, err := app.Store.SetDomainStatus(t.Context(), admin, d.Slug, models.DomainRetired); err != nil {
		t.Fatal(err)
	}
	b := app.signedIn(t, "ada")
	p := b.get("/products/new")
	if p.Doc.Find(`#domain option[value="archive"]`).Length() != 0 {
		t.Error("the form offers a retired domain")
	}
	before := app.rowCounts(t)
	p, _ = b.post("/products", with(newProductForm(), map[string][]string{"domain": {"archive"}}))
	if p.StatusCode != http.StatusUnprocessableEntity || p.fieldError("domain") != "Archive is retired and takes no new products." {
		t.Errorf("status %d, domain error %q", p.StatusCode, p.fieldError("domain"))
	}
	app.assertNothingWritten(t, before)
}

func TestProductEditBadInput(t *testing.T) {
	t.Parallel()
	for _, tc := range []formCase{
		{"active to retired", map[string][]string{"status": {"retired"}}, "status", "An active product can only become deprecated, not retired."},
		{"active to draft", map[string][]string{"status": {"draft"}}, "status", "An active product can only become deprecated, not draft."},
		{"empty name", map[string][]string{"name": {""}}, "name", "Enter a name."},
		{"slug of a sibling", map[string][]string{"slug": {"payments"}}, "slug", "Another product in this domain already uses this slug."},
		{"unknown domain", map[string][]string{"domain": {"nope"}}, "domain", "There is no domain \u201cnope\u201d."},
		{"bad port row", map[string][]string{"port_location": {"analytics.orders", "not a url"}}, "port-1-location", "Give the API's http(s) URL."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t)
			b := app.signedIn(t, "omar")
			edit := b.get("/products/checkout/orders/edit")
			if edit.StatusCode != http.StatusOK {
				t.Fatalf("edit form: %d", edit.StatusCode)
			}
			// The form offers only the statuses the product may take.
			if got := edit.texts("#status option"); !sameStrings(got, []string{"active", "deprecated"}) {
				t.Errorf("status options %v", got)
			}
			was := app.product(t, "checkout", "orders")
			before := app.rowCounts(t)
			form := with(editOrdersForm(), tc.change)

			p, _ := b.post("/products/checkout/orders", form)
			if p.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", p.StatusCode)
			}
			if got := p.fieldError(tc.field); got != tc.msg {
				t.Errorf("%s error %q, want %q", tc.field, got, tc.msg)
			}
			if !p.invalid(tc.field) {
				t.Errorf("#%s is not aria-invalid", tc.field)
			}
			if action, _ := p.Doc.Find("form.form").Attr("action"); action != "/products/checkout/orders" {
				t.Errorf("form posts to %q", action)
			}
			assertProductFormKeeps(t, p, form)
			app.assertNothingWritten(t, before)
			now := app.product(t, "checkout", "orders")
			if now.Name != was.Name || now.Status != was.Status || now.Slug != was.Slug || len(now.OutputPorts) != 2 {
				t.Errorf("product changed: %+v", now)
			}
		})
	}
}

func TestProductValidate(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	b := app.signedIn(t, "omar")
	b.get("/products/new")
	before := app.rowCounts(t)
	for _, tc := range []struct {
		path, trigger string
		change        map[string][]string
		msg           string
	}{
		{"/products/validate", "name", map[string][]string{"name": {""}}, "Enter a name."},
		{"/products/validate", "name", nil, ""},
		{"/products/validate", "slug", map[string][]string{"slug": {"orders"}}, "Another product in this domain already uses this slug."},
		{"/products/validate", "slug", map[string][]string{"slug": {"orders"}, "domain": {"customer"}}, ""},
		{"/products/validate", "domain", map[string][]string{"domain": {"nope"}}, "There is no domain \u201cnope\u201d."},
		{"/products/validate", "status", map[string][]string{"status": {"deprecated"}}, "A new product starts as draft or active."},
		{"/products/validate", "freshness_sla", map[string][]string{"freshness_sla": {"soon"}}, "Use a duration such as 90m, 24h, 7d or 2w, or leave it empty for none."},
		{"/products/validate", "port-k0-location", map[string][]string{"port_location": {"nowhere"}}, "Give the table as schema.table (or database.schema.table; quote unusual names)."},
		{"/products/validate", "port-k0-location", nil, ""},
		{"/products/validate", "port-x9-name", map[string][]string{
			"port_key": {"k0", "x9"}, "port_name": {"refunds", "bad name!"}, "port_type": {"table", "view"}, "port_location": {"analytics.refunds", "analytics.v"},
		}, "Use letters, digits, . _ - (at most 63)."},
		// Editing checks against the product itself.
		{"/products/checkout/orders/validate", "status", map[string][]string{"slug": {"orders"}, "status": {"retired"}}, "An active product can only become deprecated, not retired."},
		{"/products/checkout/orders/validate", "status", map[string][]string{"slug": {"orders"}, "status": {"deprecated"}}, ""},
		{"/products/checkout/orders/validate", "slug", map[string][]string{"slug": {"orders"}, "status": {"active"}}, ""},
		{"/products/checkout/orders/validate", "slug", map[string][]string{"slug": {"payments"}, "status": {"active"}}, "Another product in this domain already uses this slug."},
	} {
		t.Run(tc.path+" "+tc.trigger+" "+tc.msg, func(t *testing.T) {
			p := b.validate(tc.path, tc.trigger, with(newProductForm(), tc.change))
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
	if p := b.validate("/products/checkout/nope/validate", "name", newProductForm()); p.StatusCode != http.StatusNotFound {
		t.Errorf("unknown product: %d", p.StatusCode)
	}
}

func TestProductCreate(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	b := app.signedIn(t, "omar")
	p := b.get("/products/new?domain=checkout")
	if got := p.selected("domain"); got != "checkout" {
		t.Errorf("domain preselected %q", got)
	}
	// Omar may only put products into Checkout.
	if got := p.texts("#domain option"); !sameStrings(got, []string{"Choose a domain", "Checkout"}) {
		t.Errorf("domain options %v", got)
	}
	before := app.rowCounts(t)
	p, _ = b.post("/products", newProductForm())
	if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != "/products/checkout/refunds" {
		t.Fatalf("create: %d to %q", p.StatusCode, p.Header.Get("Location"))
	}
	app.assertGrew(t, before, map[string]int64{"products": 1, "output_ports": 1, "audit_entries": 1})
	p = b.follow(p)
	// A draft is told what activation would ask (it has no crawled port).
	if kind, msg := p.flash(); kind != "success" || !strings.HasPrefix(msg, "Data product Refunds created.") ||
		!strings.Contains(msg, "Output ports of active products are crawled") {
		t.Errorf("flash %s %q", kind, msg)
	}
	if h := p.heading(); h != "Refunds draft" {
		t.Errorf("heading %q", h)
	}
	got := app.product(t, "checkout", "refunds")
	if got.Owner != "omar@example.com" || got.Classification != "confidential" || !got.ContainsPII ||
		!sameStrings(got.Tags, []string{"finance", "daily"}) || got.FreshnessSLA != 24*60 ||
		len(got.OutputPorts) != 1 || got.OutputPorts[0].Location != "analytics.refunds" {
		t.Errorf("stored %+v", got)
	}
	e := app.lastAudit(t, "product", "checkout/refunds")
	if e.Actor != "omar@example.com" || e.Action != "created" {
		t.Errorf("audit %s %s", e.Actor, e.Action)
	}
	if entries := p.texts(".audit-entry .audit-meta"); len(entries) != 1 || !strings.HasPrefix(entries[0], "omar@example.com created checkout/refunds") {
		t.Errorf("history %q", entries)
	}
}

func TestProductEditReplacesPorts(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	b := app.signedIn(t, "omar")
	edit := b.get("/products/checkout/orders/edit")
	// The edit form shows the stored product.
	if edit.value("name") != "Orders" || edit.value("tags") != "sales, daily" || edit.value("freshness_sla") != "1d" ||
		edit.value("port-1-location") != "https://data.example.com/checkout/orders" {
		t.Errorf("edit form shows name %q tags %q sla %q", edit.value("name"), edit.value("tags"), edit.value("freshness_sla"))
	}
	before := app.rowCounts(t)
	form := with(editOrdersForm(), map[string][]string{
		"description": {"One row per order line."},
		"port_key":    {"0", "1", "new1"}, "port_name": {"", "", "orders-v2"},
		"port_type": {"table", "api", "view"}, "port_location": {"", "", "analytics.orders_v2"},
	})
	p, _ := b.post("/products/checkout/orders", form)
	if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != "/products/checkout/orders" {
		t.Fatalf("edit: %d to %q (%v)", p.StatusCode, p.Header.Get("Location"), p.texts(".field-error"))
	}
	app.assertGrew(t, before, map[string]int64{"output_ports": -1, "audit_entries": 1})
	p = b.follow(p)
	if _, msg := p.flash(); !strings.HasPrefix(msg, "Data product Orders saved.") {
		t.Errorf("flash %q", msg)
	}
	var ports []string
	for _, o := range app.product(t, "checkout", "orders").OutputPorts {
		ports = append(ports, o.Name+" "+o.Type+" "+o.Location)
	}
	if !sameStrings(ports, []string{"orders-v2 view analytics.orders_v2"}) {
		t.Errorf("ports %v", ports)
	}
	e := app.lastAudit(t, "product", "checkout/orders")
	changed := map[string]models.AuditChange{}
	for _, c := range e.Changes {
		changed[c.Field] = c
	}
	if e.Actor != "omar@example.com" || e.Action != "updated" || len(changed) != 2 ||
		changed["output_ports"].After != "orders-v2 (view): analytics.orders_v2" || changed["description"].After != "One row per order line." {
		t.Errorf("audit %s %s %+v", e.Actor, e.Action, e.Changes)
	}
}

func TestProductStatusAndDelete(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	b := app.signedIn(t, "omar")
	p := b.get("/products/checkout/orders")
	if got := p.texts("main .actions button"); !sameStrings(got, []string{"Deprecate"}) {
		t.Errorf("active product offers %v", got)
	}

	step := func(status, flash string) {
		t.Helper()
		before := app.rowCounts(t)
		p, _ := b.post("/products/checkout/orders/status", url.Values{"status": {status}})
		if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != "/products/checkout/orders" {
			t.Fatalf("%s: %d to %q", status, p.StatusCode, p.Header.Get("Location"))
		}
		if kind, msg := b.follow(p).flash(); kind != "success" || msg != flash {
			t.Errorf("flash %s %q, want %q", kind, msg, flash)
		}
		app.assertGrew(t, before, map[string]int64{"audit_entries": 1})
		e := app.lastAudit(t, "product", "checkout/orders")
		if e.Actor != "omar@example.com" || e.Action != "status changed" || len(e.Changes) != 1 || e.Changes[0].After != status {
			t.Errorf("audit %s %s %+v", e.Actor, e.Action, e.Changes)
		}
	}
	step("deprecated", "Orders is now deprecated.")
	step("retired", "Orders is now retired.")

	p = b.get("/products/checkout/orders")
	if !p.hasButton("Delete") {
		t.Error("retired product offers no Delete")
	}
	before := app.rowCounts(t)
	p, _ = b.post("/products/checkout/orders/delete", nil)
	if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != "/domains/checkout" {
		t.Fatalf("delete: %d to %q", p.StatusCode, p.Header.Get("Location"))
	}
	if kind, msg := b.follow(p).flash(); kind != "success" || msg != "Data product checkout/orders deleted." {
		t.Errorf("flash %s %q", kind, msg)
	}
	app.assertGrew(t, before, map[string]int64{"products": -1, "output_ports": -2, "audit_entries": 1})
	if e := app.lastAudit(t, "product", "checkout/orders"); e.Action != "deleted" || e.Actor != "omar@example.com" {
		t.Errorf("audit %s %s", e.Actor, e.Action)
	}
	if p := b.get("/products/checkout/orders"); p.StatusCode != http.StatusNotFound {
		t.Errorf("deleted product answers %d", p.StatusCode)
	}
}

func TestProductConflictsChangeNothing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, path, status, msg string
	}{
		{"delete active product", "/products/checkout/payments/delete", "", "Payments is active. Only draft or retired products can be deleted; deprecate and retire it first."},
		{"active to retired", "/products/checkout/payments/status", "retired", "An active product can only become deprecated, not retired."},
		{"retired cannot change", "/products/logistics/legacy-stock-levels/status", "active", "A retired product cannot change status."},
		{"unknown status", "/products/checkout/payments/status", "paused", "Unknown status."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t)
			b := app.signedIn(t, "ada")
			back := strings.TrimSuffix(strings.TrimSuffix(tc.path, "/delete"), "/status")
			b.get(back)
			before := app.rowCounts(t)
			p, _ := b.post(tc.path, url.Values{"status": {tc.status}})
			if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != back {
				t.Fatalf("%d to %q", p.StatusCode, p.Header.Get("Location"))
			}
			if kind, msg := b.follow(p).flash(); kind != "error" || msg != tc.msg {
				t.Errorf("flash %s %q, want error %q", kind, msg, tc.msg)
			}
			app.assertNothingWritten(t, before)
		})
	}
}

func TestProductAuthorization(t *testing.T) {
	t.Parallel()
	t.Run("viewer", func(t *testing.T) {
		t.Parallel()
		app := newTestApp(t)
		b := app.signedIn(t, "vera")
		if b.get("/products").hasButton("New product") {
			t.Error("product list offers New product")
		}
		if p := b.get("/domains/checkout"); p.hasButton("New product") || p.hasButton("Edit") {
			t.Error("domain page offers writes")
		}
		p := b.get("/products/checkout/orders")
		if p.hasButton("Edit") || p.hasButton("Deprecate") || p.Doc.Find("main .actions").Length() != 0 {
			t.Errorf("product page offers %v", p.texts("main .actions a, main .actions button"))
		}
		if p := b.get("/products/new"); p.StatusCode != http.StatusForbidden ||
			text(p.Doc.Find(".error-page h1 + p")) != "You do not own any active domain, so you cannot add data products. Ask an admin or a domain owner." {
			t.Errorf("new product form: %d %q", p.StatusCode, text(p.Doc.Find(".error-page h1 + p")))
		}
		if p := b.get("/products/checkout/orders/edit"); p.StatusCode != http.StatusForbidden {
			t.Errorf("edit form: %d", p.StatusCode)
		}
		before := app.rowCounts(t)
		for path, form := range map[string]url.Values{
			"/products":                                 newProductForm(),
			"/products/checkout/orders":                 editOrdersForm(),
			"/products/checkout/orders/status":          {"status": {"deprecated"}},
			"/products/checkout/abandoned-carts/delete": nil,
		} {
			if p, _ := b.post(path, form); p.StatusCode != http.StatusForbidden || p.heading() != "Not allowed" {
				t.Errorf("POST %s: %d %q", path, p.StatusCode, p.heading())
			}
		}
		app.assertNothingWritten(t, before)
	})

	t.Run("owner of another domain", func(t *testing.T) {
		t.Parallel()
		app := newTestApp(t)
		b := app.signedIn(t, "omar")
		if !b.get("/products").hasButton("New product") {
			t.Error("owner is not offered New product")
		}
		if !b.get("/products/checkout/orders").hasButton("Edit") {
			t.Error("no Edit on omar's own product")
		}
		p := b.get("/products/customer/customer-profiles")
		if p.hasButton("Edit") || p.hasButton("Deprecate") {
			t.Errorf("Customer product offers %v", p.texts("main .actions a, main .actions button"))
		}
		if p := b.get("/domains/customer"); p.hasButton("New product") {
			t.Error("Customer domain offers New product")
		}
		if p := b.get("/products/customer/customer-profiles/edit"); p.StatusCode != http.StatusForbidden {
			t.Errorf("edit form: %d", p.StatusCode)
		}

		before := app.rowCounts(t)
		for _, tc := range []struct {
			path string
			form url.Values
			msg  string
		}{
			// A forged form: Customer is not among the choices omar is offered.
			{"/products", with(newProductForm(), map[string][]string{"domain": {"customer"}}), "Only admins and the owners of Customer can add products to it."},
			{"/products/customer/customer-profiles", url.Values{"name": {"Customer profiles"}, "domain": {"customer"}, "owner": {"omar@example.com"}, "status": {"active"}, "classification": {"public"}},
				"Only admins and the owners of Customer can edit its products."},
			{"/products/checkout/orders", with(editOrdersForm(), map[string][]string{"domain": {"customer"}}), "Only admins and the owners of Customer can move products into it."},
			{"/products/customer/customer-profiles/status", url.Values{"status": {"deprecated"}}, "Only admins and the owners of Customer can change its products."},
			{"/products/customer/customer-profiles/delete", nil, "Only admins and the owners of Customer can delete its products."},
		} {
			p, _ := b.post(tc.path, tc.form)
			if p.StatusCode != http.StatusForbidden {
				t.Errorf("POST %s: %d", tc.path, p.StatusCode)
				continue
			}
			if msg := text(p.Doc.Find(".error-page h1 + p")); msg != tc.msg {
				t.Errorf("POST %s: %q, want %q", tc.path, msg, tc.msg)
			}
		}
		app.assertNothingWritten(t, before)
		if got := app.product(t, "customer", "customer-profiles"); got.Owner != "crm-team" || got.Status != "active" {
			t.Errorf("customer product changed: %+v", got)
		}
	})
}

// A success message about a long name in a non-Latin script is still shown:
// the flash limit counts characters, not bytes.
func TestFlashShowsLongNonASCIIName(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	b := app.signedIn(t, "omar")
	b.get("/products/new")
	name := strings.Repeat("製", 100)
	p, _ := b.post("/products", with(newProductForm(), map[string][]string{"name": {name}, "slug": {"seihin"}}))
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %v", p.StatusCode, p.texts(".field-error"))
	}
	if kind, msg := b.follow(p).flash(); kind != "success" || !strings.HasPrefix(msg, "Data product "+name+" created.") {
		t.Errorf("flash %s %q", kind, msg)
	}
}

func TestProductMovesToAnotherDomain(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	b := app.signedIn(t, "ada")
	b.get("/products/checkout/orders/edit")
	before := app.rowCounts(t)
	p, _ := b.post("/products/checkout/orders", with(editOrdersForm(), map[string][]string{"domain": {"customer"}, "slug": {"web-orders"}}))
	if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != "/products/customer/web-orders" {
		t.Fatalf("move: %d to %q %v", p.StatusCode, p.Header.Get("Location"), p.texts(".field-error"))
	}
	app.assertGrew(t, before, map[string]int64{"audit_entries": 1})
	if h := b.follow(p).heading(); h != "Orders active" {
		t.Errorf("heading %q", h)
	}
	e := app.lastAudit(t, "product", "customer/web-orders")
	if len(e.Changes) != 2 || e.Changes[0] != (models.AuditChange{Field: "domain", Before: "checkout", After: "customer"}) {
		t.Errorf("audit %+v", e.Changes)
	}
	if p := b.get("/products/checkout/orders"); p.StatusCode != http.StatusNotFound {
		t.Errorf("old address answers %d", p.StatusCode)
	}
}

func TestPortRowValidatesAgainstTheEditedProduct(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	b := app.signedIn(t, "omar")
	for _, tc := range []struct{ current, validate string }{
		{app.URL + "/products/new", "/products/validate"},
		{app.URL + "/products/checkout/orders/edit", "/products/checkout/orders/validate"},
	} {
		req, _ := http.NewRequest(http.MethodGet, app.URL+"/products/port-row", nil)
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Current-URL", tc.current)
		p := b.do(req)
		key, _ := p.Doc.Find(`input[name="port_key"]`).Attr("value")
		if p.StatusCode != http.StatusOK || key == "" || strings.Contains(p.Body, "<html") {
			t.Fatalf("port row: %d key %q", p.StatusCode, key)
		}
		loc := p.Doc.Find("#port-" + key + "-location")
		if v, _ := loc.Attr("hx-post"); v != tc.validate {
			t.Errorf("from %s the row validates at %q, want %q", tc.current, v, tc.validate)
		}
		if sel, _ := p.Doc.Find("#port-" + key + "-type option[selected]").Attr("value"); sel != "table" {
			t.Errorf("new row type %q", sel)
		}
	}
}
