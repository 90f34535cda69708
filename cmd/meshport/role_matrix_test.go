package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/meshport/meshport/models"
)

// The role matrix: every role against every write action, on the pages and
// on the API. An allowed write answers its exact status and has exactly its
// effect, recorded under the actor's name; a refused one answers 403 with
// the store's message and leaves every table and the catalog as they were.

// level is what a principal may do in the demo data.
type level int

const (
	lvlViewer level = iota // reads only
	lvlOwner               // also writes in the domains owned by checkout-team (Checkout, Sandbox)
	lvlAdmin               // writes everywhere
)

// matrixDescription is what allowed edits write, so the check can see it.
const matrixDescription = "Changed by the role matrix."

// matrixAction is one write, as a form post and as an API call.
type matrixAction struct {
	name string
	// min is the least level allowed.
	min level
	// refused is the message of the 403, which can differ by surface and by
	// what the refused principal may otherwise do.
	refused func(api bool, l level) string

	pagePath, location string // the form's target and where success redirects
	form               url.Values

	apiMethod, apiPath string
	body               any
	apiStatus          int

	// What an allowed write does: row count changes, the audit entry it
	// writes (type, key, action on the pages, action through the API) and
	// a check of the record itself.
	grew                                     map[string]int64
	auditType, auditKey, pageAudit, apiAudit string
	check                                    func(t *testing.T, a *testApp)
}

func always(msg string) func(bool, level) string { return func(bool, level) string { return msg } }

// customerProfilesForm is the edit form of customer/customer-profiles as the
// page shows it, with the description changed.
func customerProfilesForm() url.Values {
	return url.Values{
		"name": {"Customer profiles"}, "slug": {"customer-profiles"}, "domain": {"customer"}, "owner": {"crm-team"},
		"description": {matrixDescription}, "purpose": {""}, "status": {"active"}, "classification": {"restricted"},
		"contains_pii": {"true"}, "tags": {""}, "freshness_sla": {"7d"},
		"port_key": {"0"}, "port_name": {"profiles"}, "port_type": {"view"}, "port_location": {"crm.customer_profiles"},
	}
}

func apiNewProduct(domain string) map[string]any {
	return map[string]any{"name": "Refunds", "domain": domain, "owner": "omar@example.com", "classification": "internal",
		"output_ports": []map[string]string{{"name": "refunds", "type": "table", "location": "analytics.refunds"}}}
}

func descriptionIs(get func(t *testing.T, a *testApp) string) func(*testing.T, *testApp) {
	return func(t *testing.T, a *testApp) {
		t.Helper()
		if got := get(t, a); got != matrixDescription {
			t.Errorf("description %q, want %q", got, matrixDescription)
		}
	}
}

func domainGone(slug string) func(*testing.T, *testApp) {
	return func(t *testing.T, a *testApp) {
		t.Helper()
		if _, err := a.Store.GetDomain(context.Background(), slug); models.ErrorCode(err) != models.ENOTFOUND {
			t.Errorf("domain %s still there (err %v)", slug, err)
		}
	}
}

func productGone(domain, slug string) func(*testing.T, *testApp) {
	return func(t *testing.T, a *testApp) {
		t.Helper()
		if _, err := a.Store.GetProduct(context.Background(), domain, slug); models.ErrorCode(err) != models.ENOTFOUND {
			t.Errorf("product %s/%s still there (err %v)", domain, slug, err)
		}
	}
}

func matrixActions() []matrixAction {
	return []matrixAction{
		{
			name: "create domain", min: lvlAdmin, refused: always("Only admins can register domains."),
			pagePath: "/domains", location: "/domains/marketing", form: url.Values{"name": {"Marketing"}, "owners": {"marketing-team"}},
			apiMethod: http.MethodPost, apiPath: "/api/v1/domains", body: map[string]any{"name": "Marketing", "owners": []string{"marketing-team"}}, apiStatus: http.StatusCreated,
			grew: map[string]int64{"domains": 1, "audit_entries": 1}, auditType: "domain", auditKey: "marketing", pageAudit: "created", apiAudit: "created",
			check: func(t *testing.T, a *testApp) {
				if d := a.domain(t, "marketing"); d.Name != "Marketing" || !sameStrings(d.Owners, []string{"marketing-team"}) {
					t.Errorf("created %+v", d)
				}
			},
		},
		{
			name: "edit own domain", min: lvlOwner, refused: always("Only admins and the owners of Checkout can edit it."),
			pagePath: "/domains/checkout", location: "/domains/checkout",
			form:      url.Values{"name": {"Checkout"}, "slug": {"checkout"}, "description": {matrixDescription}, "owners": {"checkout-team\nomar@example.com"}},
			apiMethod: http.MethodPatch, apiPath: "/api/v1/domains/checkout", body: map[string]any{"description": matrixDescription}, apiStatus: http.StatusOK,
			grew: map[string]int64{"audit_entries": 1}, auditType: "domain", auditKey: "checkout", pageAudit: "updated", apiAudit: "updated",
			check: descriptionIs(func(t *testing.T, a *testApp) string { return a.domain(t, "checkout").Description }),
		},
		{
			name: "edit another domain", min: lvlAdmin, refused: always("Only admins and the owners of Customer can edit it."),
			pagePath: "/domains/customer", location: "/domains/customer",
			form:      url.Values{"name": {"Customer"}, "slug": {"customer"}, "description": {matrixDescription}, "owners": {"crm-team"}},
			apiMethod: http.MethodPatch, apiPath: "/api/v1/domains/customer", body: map[string]any{"description": matrixDescription}, apiStatus: http.StatusOK,
			grew: map[string]int64{"audit_entries": 1}, auditType: "domain", auditKey: "customer", pageAudit: "updated", apiAudit: "updated",
			check: descriptionIs(func(t *testing.T, a *testApp) string { return a.domain(t, "customer").Description }),
		},
		{
			// Sandbox is empty and owned by checkout-team: its owner may edit
			// it but not retire it.
			name: "retire own domain", min: lvlAdmin,
			refused: func(api bool, l level) string {
				if api && l == lvlViewer { // a PATCH is an edit first
					return "Only admins and the owners of Sandbox can edit it."
				}
				return "Only admins can retire or reactivate domains."
			},
			pagePath: "/domains/sandbox/status", location: "/domains/sandbox", form: url.Values{"status": {"retired"}},
			apiMethod: http.MethodPatch, apiPath: "/api/v1/domains/sandbox", body: map[string]any{"status": "retired"}, apiStatus: http.StatusOK,
			grew: map[string]int64{"audit_entries": 1}, auditType: "domain", auditKey: "sandbox", pageAudit: "retired", apiAudit: "updated",
			check: func(t *testing.T, a *testApp) {
				if d := a.domain(t, "sandbox"); d.Status != models.DomainRetired {
					t.Errorf("sandbox is %s", d.Status)
				}
			},
		},
		{
			name: "delete own domain", min: lvlAdmin, refused: always("Only admins can delete domains."),
			pagePath: "/domains/sandbox/delete", location: "/domains",
			apiMethod: http.MethodDelete, apiPath: "/api/v1/domains/sandbox", apiStatus: http.StatusNoContent,
			grew: map[string]int64{"domains": -1, "audit_entries": 1}, auditType: "domain", auditKey: "sandbox", pageAudit: "deleted", apiAudit: "deleted",
			check: domainGone("sandbox"),
		},
		{
			name: "create product in own domain", min: lvlOwner, refused: always("Only admins and the owners of Checkout can add products to it."),
			pagePath: "/products", location: "/products/checkout/refunds", form: newProductForm(),
			apiMethod: http.MethodPost, apiPath: "/api/v1/products", body: apiNewProduct("checkout"), apiStatus: http.StatusCreated,
			grew:      map[string]int64{"products": 1, "output_ports": 1, "audit_entries": 1},
			auditType: "product", auditKey: "checkout/refunds", pageAudit: "created", apiAudit: "created",
			check: func(t *testing.T, a *testApp) {
				if p := a.product(t, "checkout", "refunds"); p.Name != "Refunds" || len(p.OutputPorts) != 1 {
					t.Errorf("created %+v", p)
				}
			},
		},
		{
			name: "create product in another domain", min: lvlAdmin, refused: always("Only admins and the owners of Customer can add products to it."),
			pagePath: "/products", location: "/products/customer/refunds", form: with(newProductForm(), map[string][]string{"domain": {"customer"}}),
			apiMethod: http.MethodPost, apiPath: "/api/v1/products", body: apiNewProduct("customer"), apiStatus: http.StatusCreated,
			grew:      map[string]int64{"products": 1, "output_ports": 1, "audit_entries": 1},
			auditType: "product", auditKey: "customer/refunds", pageAudit: "created", apiAudit: "created",
			check: func(t *testing.T, a *testApp) {
				if p := a.product(t, "customer", "refunds"); p.Name != "Refunds" {
					t.Errorf("created %+v", p)
				}
			},
		},
		{
			name: "edit own product", min: lvlOwner, refused: always("Only admins and the owners of Checkout can edit its products."),
			pagePath: "/products/checkout/orders", location: "/products/checkout/orders",
			form:      with(editOrdersForm(), map[string][]string{"description": {matrixDescription}}),
			apiMethod: http.MethodPatch, apiPath: "/api/v1/products/checkout/orders", body: map[string]any{"description": matrixDescription}, apiStatus: http.StatusOK,
			grew: map[string]int64{"audit_entries": 1}, auditType: "product", auditKey: "checkout/orders", pageAudit: "updated", apiAudit: "updated",
			check: descriptionIs(func(t *testing.T, a *testApp) string { return a.product(t, "checkout", "orders").Description }),
		},
		{
			name: "edit another domain's product", min: lvlAdmin, refused: always("Only admins and the owners of Customer can edit its products."),
			pagePath: "/products/customer/customer-profiles", location: "/products/customer/customer-profiles", form: customerProfilesForm(),
			apiMethod: http.MethodPatch, apiPath: "/api/v1/products/customer/customer-profiles", body: map[string]any{"description": matrixDescription}, apiStatus: http.StatusOK,
			grew: map[string]int64{"audit_entries": 1}, auditType: "product", auditKey: "customer/customer-profiles", pageAudit: "updated", apiAudit: "updated",
			check: descriptionIs(func(t *testing.T, a *testApp) string {
				return a.product(t, "customer", "customer-profiles").Description
			}),
		},
		{
			name: "deprecate own product", min: lvlOwner,
			refused: func(api bool, _ level) string {
				if api { // a PATCH is an edit
					return "Only admins and the owners of Checkout can edit its products."
				}
				return "Only admins and the owners of Checkout can change its products."
			},
			pagePath: "/products/checkout/orders/status", location: "/products/checkout/orders", form: url.Values{"status": {"deprecated"}},
			apiMethod: http.MethodPatch, apiPath: "/api/v1/products/checkout/orders", body: map[string]any{"status": "deprecated"}, apiStatus: http.StatusOK,
			grew: map[string]int64{"audit_entries": 1}, auditType: "product", auditKey: "checkout/orders", pageAudit: "status changed", apiAudit: "updated",
			check: func(t *testing.T, a *testApp) {
				if p := a.product(t, "checkout", "orders"); p.Status != models.StatusDeprecated {
					t.Errorf("orders is %s", p.Status)
				}
			},
		},
		{
			name: "deprecate another domain's product", min: lvlAdmin,
			refused: func(api bool, _ level) string {
				if api {
					return "Only admins and the owners of Customer can edit its products."
				}
				return "Only admins and the owners of Customer can change its products."
			},
			pagePath: "/products/customer/customer-profiles/status", location: "/products/customer/customer-profiles", form: url.Values{"status": {"deprecated"}},
			apiMethod: http.MethodPatch, apiPath: "/api/v1/products/customer/customer-profiles", body: map[string]any{"status": "deprecated"}, apiStatus: http.StatusOK,
			grew: map[string]int64{"audit_entries": 1}, auditType: "product", auditKey: "customer/customer-profiles", pageAudit: "status changed", apiAudit: "updated",
			check: func(t *testing.T, a *testApp) {
				if p := a.product(t, "customer", "customer-profiles"); p.Status != models.StatusDeprecated {
					t.Errorf("customer-profiles is %s", p.Status)
				}
			},
		},
		{
			name: "delete own draft product", min: lvlOwner, refused: always("Only admins and the owners of Checkout can delete its products."),
			pagePath: "/products/checkout/abandoned-carts/delete", location: "/domains/checkout",
			apiMethod: http.MethodDelete, apiPath: "/api/v1/products/checkout/abandoned-carts", apiStatus: http.StatusNoContent,
			grew:      map[string]int64{"products": -1, "audit_entries": 1},
			auditType: "product", auditKey: "checkout/abandoned-carts", pageAudit: "deleted", apiAudit: "deleted",
			check: productGone("checkout", "abandoned-carts"),
		},
		{
			name: "delete another domain's retired product", min: lvlAdmin, refused: always("Only admins and the owners of Logistics can delete its products."),
			pagePath: "/products/logistics/legacy-stock-levels/delete", location: "/domains/logistics",
			apiMethod: http.MethodDelete, apiPath: "/api/v1/products/logistics/legacy-stock-levels", apiStatus: http.StatusNoContent,
			grew:      map[string]int64{"products": -1, "audit_entries": 1},
			auditType: "product", auditKey: "logistics/legacy-stock-levels", pageAudit: "deleted", apiAudit: "deleted",
			check: productGone("logistics", "legacy-stock-levels"),
		},
		{
			name: "move own product into another domain", min: lvlAdmin,
			refused: func(_ bool, l level) string {
				if l == lvlOwner { // may edit it where it is, not put it there
					return "Only admins and the owners of Customer can move products into it."
				}
				return "Only admins and the owners of Checkout can edit its products."
			},
			pagePath: "/products/checkout/orders", location: "/products/customer/orders",
			form:      with(editOrdersForm(), map[string][]string{"domain": {"customer"}}),
			apiMethod: http.MethodPatch, apiPath: "/api/v1/products/checkout/orders", body: map[string]any{"domain": "customer"}, apiStatus: http.StatusOK,
			grew: map[string]int64{"audit_entries": 1}, auditType: "product", auditKey: "customer/orders", pageAudit: "updated", apiAudit: "updated",
			check: func(t *testing.T, a *testApp) {
				if p := a.product(t, "customer", "orders"); p.Domain.Slug != "customer" {
					t.Errorf("moved to %s", p.Domain.Slug)
				}
				productGone("checkout", "orders")(t, a)
			},
		},
	}
}

// newMatrixApp is the demo portal plus Sandbox, an empty domain owned by
// checkout-team, which can be retired and deleted.
func newMatrixApp(t *testing.T) *testApp {
	t.Helper()
	app := newTestApp(t)
	app.addDomain(t, "Sandbox", "checkout-team")
	return app
}

// catalogState is everything a write could change, table by table and row
// by row (as JSON), plus the in-memory catalog the lists are served from.
// api_tokens leaves out last_used_at, which every API call refreshes.
func (a *testApp) catalogState(t testing.TB) map[string][]string {
	t.Helper()
	state := map[string][]string{}
	add := func(key string, v any) {
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		state[key] = append(state[key], string(j))
	}
	for _, q := range []struct{ table, cols string }{
		{"domains", "*"}, {"products", "*"}, {"output_ports", "*"}, {"audit_entries", "*"},
		{"api_tokens", "id, user_id, name, role, expires_at, revoked_at"},
	} {
		var rows []map[string]any
		if err := a.Store.DB().Table(q.table).Select(q.cols).Order("id").Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		state[q.table] = []string{}
		for _, r := range rows {
			add(q.table, r)
		}
	}
	ctx := context.Background()
	domains, err := a.Store.ListDomains(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range domains {
		add("catalog domains", d)
	}
	products, err := a.Store.ListProducts(ctx, models.ProductFilter{PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range products.Items {
		add("catalog products", p)
	}
	return state
}

// assertUnchanged fails for every row that differs from before.
func (a *testApp) assertUnchanged(t testing.TB, before map[string][]string) {
	t.Helper()
	for key, now := range a.catalogState(t) {
		was := before[key]
		for i := 0; i < len(was) || i < len(now); i++ {
			switch {
			case i >= len(was):
				t.Errorf("%s: row added: %s", key, now[i])
			case i >= len(now):
				t.Errorf("%s: row removed: %s", key, was[i])
			case was[i] != now[i]:
				t.Errorf("%s: row changed:\nbefore %s\nafter  %s", key, was[i], now[i])
			}
		}
	}
}

// tokenFor issues a token to a demo user ("ada", "omar", "vera") as the
// development sign-in stores them, so a personal token carries exactly
// their groups and admin flag.
func (a *testApp) tokenFor(t testing.TB, subject, role string) *apiClient {
	t.Helper()
	for _, u := range models.DemoUsers() {
		if u.Subject != subject {
			continue
		}
		stored, err := a.Store.UpsertUser(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		secret, _, err := a.Store.CreateToken(context.Background(), stored.ID, "matrix", role, nil)
		if err != nil {
			t.Fatal(err)
		}
		return &apiClient{t: t, base: a.URL, token: secret}
	}
	t.Fatalf("no demo user %q", subject)
	return nil
}

// userID is the id of a demo user who has signed in or been given a token.
func (a *testApp) userID(t testing.TB, subject string) uint {
	t.Helper()
	var id uint
	if err := a.Store.DB().Table("users").Select("id").Where("issuer = ? AND subject = ?", models.DevIssuer, subject).Scan(&id).Error; err != nil || id == 0 {
		t.Fatalf("user %s: id %d, %v", subject, id, err)
	}
	return id
}

// newestToken is the newest token of a user: its id, role and whether it
// is revoked.
func (a *testApp) newestToken(t testing.TB, userID uint) (id uint, role string, revoked bool) {
	t.Helper()
	var tok models.APIToken
	if err := a.Store.DB().Where("user_id = ?", userID).Order("id DESC").Take(&tok).Error; err != nil {
		t.Fatalf("token of user %d: %v", userID, err)
	}
	return tok.ID, tok.Role, tok.RevokedAt != nil
}

// on returns a copy of the browser reporting to t, for use in a subtest.
func (b *browser) on(t testing.TB) *browser { c := *b; c.t = t; return &c }

// on returns a copy of the client reporting to t, for use in a subtest.
func (c *apiClient) on(t testing.TB) *apiClient { d := *c; d.t = t; return &d }

// actionButtons are the labels of the buttons and button links in a page's
// header, in order.
func (p *page) actionButtons() []string {
	return p.texts("main .page-header .actions a.btn, main .page-header .actions button")
}

// errorMessage is the explanation on an error page.
func (p *page) errorMessage() string { return text(p.Doc.Find(".error-page h1 + p")) }

type pageActor struct {
	subject string
	lvl     level
	email   string
	// other is a demo user whose token this actor must not revoke.
	other string
}

func TestRoleMatrixPages(t *testing.T) {
	t.Parallel()
	actors := []pageActor{
		{"ada", lvlAdmin, "ada@example.com", "omar"},
		{"omar", lvlOwner, "omar@example.com", "vera"},
		{"vera", lvlViewer, "vera@example.com", "ada"},
	}
	for _, actor := range actors {
		t.Run(actor.subject, func(t *testing.T) {
			t.Parallel()
			shared := newMatrixApp(t)
			b := shared.signedIn(t, actor.subject)

			t.Run("buttons", func(t *testing.T) { matrixButtons(t, b.on(t), actor.lvl) })
			t.Run("forms", func(t *testing.T) { matrixForms(t, shared, b.on(t), actor.lvl) })
			t.Run("fragments", func(t *testing.T) { matrixFragments(t, shared, b.on(t)) })

			for _, act := range matrixActions() {
				if actor.lvl >= act.min {
					t.Run("allowed/"+act.name, func(t *testing.T) {
						app := newMatrixApp(t)
						b := app.signedIn(t, actor.subject)
						before := app.rowCounts(t)
						p, _ := b.post(act.pagePath, act.form)
						if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != act.location {
							t.Fatalf("POST %s: %d to %q (%s), want 303 to %q", act.pagePath, p.StatusCode, p.Header.Get("Location"), p.errorMessage(), act.location)
						}
						// Conflicts also redirect, with an error flash.
						if kind, msg := b.follow(p).flash(); kind != "success" {
							t.Errorf("flash %s %q, want success", kind, msg)
						}
						app.assertGrew(t, before, act.grew)
						if e := app.lastAudit(t, act.auditType, act.auditKey); e.Actor != actor.email || e.Action != act.pageAudit {
							t.Errorf("audit %q %q, want %q %q", e.Actor, e.Action, actor.email, act.pageAudit)
						}
						act.check(t, app)
					})
					continue
				}
				t.Run("refused/"+act.name, func(t *testing.T) {
					b := b.on(t)
					counts, state := shared.rowCounts(t), shared.catalogState(t)
					p, _ := b.post(act.pagePath, act.form)
					want := act.refused(false, actor.lvl)
					// The message tells an authorization refusal from a
					// failed CSRF check, which is a 403 "Not allowed" too.
					if p.StatusCode != http.StatusForbidden || p.heading() != "Not allowed" || p.errorMessage() != want {
						t.Errorf("POST %s: %d %q %q, want 403 Not allowed %q", act.pagePath, p.StatusCode, p.heading(), p.errorMessage(), want)
					}
					shared.assertNothingWritten(t, counts)
					shared.assertUnchanged(t, state)
				})
			}

			t.Run("profile tokens", func(t *testing.T) { matrixProfile(t, shared, b.on(t), actor) })
		})
	}
}

// matrixButtons: a page offers exactly the writes the user may make.
func matrixButtons(t *testing.T, b *browser, l level) {
	editDomain := []string{"New product", "Edit"}
	adminDomain := []string{"New product", "Edit", "Retire", "Delete"}
	for _, tc := range []struct {
		path string
		want map[level][]string
	}{
		{"/domains", map[level][]string{lvlAdmin: {"New domain"}}},
		{"/products", map[level][]string{lvlAdmin: {"New product"}, lvlOwner: {"New product"}}},
		{"/domains/checkout", map[level][]string{lvlAdmin: adminDomain, lvlOwner: editDomain}},
		{"/domains/sandbox", map[level][]string{lvlAdmin: adminDomain, lvlOwner: editDomain}},
		{"/domains/customer", map[level][]string{lvlAdmin: adminDomain}},
		{"/domains/logistics", map[level][]string{lvlAdmin: adminDomain}},
		{"/products/checkout/orders", map[level][]string{lvlAdmin: {"Edit", "Deprecate"}, lvlOwner: {"Edit", "Deprecate"}}},
		{"/products/checkout/abandoned-carts", map[level][]string{lvlAdmin: {"Edit", "Activate", "Retire", "Delete"}, lvlOwner: {"Edit", "Activate", "Retire", "Delete"}}},
		{"/products/customer/customer-profiles", map[level][]string{lvlAdmin: {"Edit", "Deprecate"}}},
		{"/products/logistics/legacy-stock-levels", map[level][]string{lvlAdmin: {"Edit", "Delete"}}},
	} {
		p := b.get(tc.path)
		if p.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", tc.path, p.StatusCode)
			continue
		}
		if got, want := p.actionButtons(), tc.want[l]; !sameStrings(got, want) {
			t.Errorf("%s offers %q, want %q", tc.path, got, want)
		}
		// No form the user may not submit hides in the page either.
		if l == lvlViewer {
			if n := p.Doc.Find(`main form[method="post"]`).Length(); n != 0 {
				t.Errorf("%s has %d write forms for a viewer", tc.path, n)
			}
		}
	}
}

// matrixForms: the edit and new forms answer 200 to those who may use them
// and 403 to the others.
func matrixForms(t *testing.T, a *testApp, b *browser, l level) {
	before := a.rowCounts(t)
	for _, tc := range []struct {
		path   string
		min    level
		action string // the form's target when shown
		msg    string // the refusal otherwise
	}{
		{"/domains/new", lvlAdmin, "/domains", "Only admins can register domains."},
		{"/domains/checkout/edit", lvlOwner, "/domains/checkout", "Only admins and the owners of Checkout can edit it."},
		{"/domains/customer/edit", lvlAdmin, "/domains/customer", "Only admins and the owners of Customer can edit it."},
		{"/products/new", lvlOwner, "/products", "You do not own any active domain, so you cannot add data products. Ask an admin or a domain owner."},
		{"/products/checkout/orders/edit", lvlOwner, "/products/checkout/orders", "Only admins and the owners of Checkout can edit its products."},
		{"/products/customer/customer-profiles/edit", lvlAdmin, "/products/customer/customer-profiles", "Only admins and the owners of Customer can edit its products."},
	} {
		p := b.get(tc.path)
		if l < tc.min {
			if p.StatusCode != http.StatusForbidden || p.errorMessage() != tc.msg {
				t.Errorf("GET %s: %d %q, want 403 %q", tc.path, p.StatusCode, p.errorMessage(), tc.msg)
			}
			continue
		}
		if action, _ := p.Doc.Find("form.form").Attr("action"); p.StatusCode != http.StatusOK || action != tc.action {
			t.Errorf("GET %s: %d, form posts to %q, want 200 and %q", tc.path, p.StatusCode, action, tc.action)
		}
	}
	// The product form offers only domains the user may put products in.
	if l >= lvlOwner {
		var got []string
		b.get("/products/new").Doc.Find("#domain option").Each(func(_ int, s *goquery.Selection) {
			if v, _ := s.Attr("value"); v != "" {
				got = append(got, v)
			}
		})
		want := map[level][]string{lvlOwner: {"checkout", "sandbox"}, lvlAdmin: {"checkout", "customer", "logistics", "sandbox"}}[l]
		if !sameStrings(got, want) {
			t.Errorf("new product form offers domains %q, want %q", got, want)
		}
	}
	a.assertNothingWritten(t, before)
}

// matrixFragments: the htmx endpoints write nothing. They check input for
// anyone signed in (the same rules every reader can see), so they answer
// everyone, the same way.
func matrixFragments(t *testing.T, a *testApp, b *browser) {
	counts, state := a.rowCounts(t), a.catalogState(t)
	for _, tc := range []struct {
		path, trigger string
		form          url.Values
		msg           string
	}{
		{"/domains/validate", "slug", url.Values{"name": {"x"}, "slug": {"checkout"}}, "Another domain already uses this slug."},
		{"/domains/customer/validate", "name", url.Values{"name": {""}}, "Enter a name."},
		{"/products/validate", "name", url.Values{"name": {""}, "domain": {"customer"}}, "Enter a name."},
		{"/products/checkout/orders/validate", "slug", url.Values{"name": {"Orders"}, "slug": {"payments"}, "domain": {"checkout"}}, "Another product in this domain already uses this slug."},
		{"/products/customer/customer-profiles/validate", "name", url.Values{"name": {""}, "domain": {"customer"}}, "Enter a name."},
	} {
		p := b.validate(tc.path, tc.trigger, tc.form)
		if p.StatusCode != http.StatusOK || p.fieldError(tc.trigger) != tc.msg || strings.Contains(p.Body, "<html") {
			t.Errorf("POST %s: %d %q, want 200 with the field message %q", tc.path, p.StatusCode, p.fieldError(tc.trigger), tc.msg)
		}
	}
	if p := b.htmx("/products/port-row", "ports"); p.StatusCode != http.StatusOK || p.Doc.Find(`input[name="port_key"]`).Length() != 1 {
		t.Errorf("port row: %d %s", p.StatusCode, p.Body)
	}
	a.assertNothingWritten(t, counts)
	a.assertUnchanged(t, state)
}

// matrixProfile: everyone makes and revokes their own tokens, which carry
// exactly their rights whatever the form says, and cannot revoke another
// user's.
func matrixProfile(t *testing.T, a *testApp, b *browser, actor pageActor) {
	me := a.userID(t, actor.subject)

	// Create, with a forged role field.
	b.get("/profile")
	tokens := a.count(t, "api_tokens")
	p, _ := b.post("/profile/tokens", url.Values{"name": {"matrix"}, "expires": {"30d"}, "role": {"admin"}})
	secret := strings.TrimSpace(p.Doc.Find("#new-token").Text())
	if p.StatusCode != http.StatusOK || !strings.HasPrefix(secret, "mp_") {
		t.Fatalf("create token: %d, token %q", p.StatusCode, secret)
	}
	if n := a.count(t, "api_tokens"); n != tokens+1 {
		t.Errorf("api_tokens: %d rows, want %d", n, tokens+1)
	}
	mine, role, _ := a.newestToken(t, me)
	if role != models.TokenRolePersonal {
		t.Errorf("the new token has role %q, want a personal token", role)
	}

	// The token acts with the user's rights: probes that pass authorization
	// fail validation (422), so nothing is written either way.
	api := &apiClient{t: t, base: a.URL, token: secret}
	counts, state := a.rowCounts(t), a.catalogState(t)
	for _, probe := range []struct {
		method, path string
		body         any
		min          level
	}{
		{http.MethodPost, "/api/v1/domains", map[string]any{"name": "", "owners": []string{}}, lvlAdmin},
		{http.MethodPatch, "/api/v1/domains/customer", map[string]any{"name": ""}, lvlAdmin},
		{http.MethodPatch, "/api/v1/domains/checkout", map[string]any{"name": ""}, lvlOwner},
		{http.MethodPatch, "/api/v1/products/checkout/orders", map[string]any{"name": ""}, lvlOwner},
		{http.MethodPatch, "/api/v1/products/customer/customer-profiles", map[string]any{"name": ""}, lvlAdmin},
	} {
		want := http.StatusForbidden
		if actor.lvl >= probe.min {
			want = http.StatusUnprocessableEntity
		}
		if status, body := api.call(probe.method, probe.path, probe.body); status != want {
			t.Errorf("profile token %s %s: %d %v, want %d", probe.method, probe.path, status, body, want)
		}
	}
	a.assertNothingWritten(t, counts)
	a.assertUnchanged(t, state)

	// Another user's token: not offered, and refused by id.
	other := a.tokenFor(t, actor.other, "")
	theirs, _, _ := a.newestToken(t, a.userID(t, actor.other))
	revoke := "/profile/tokens/" + itoa(theirs) + "/revoke"
	if p := b.get("/profile"); p.Doc.Find(`form[action="`+revoke+`"]`).Length() != 0 || p.Doc.Find(`form[action="/profile/tokens/`+itoa(mine)+`/revoke"]`).Length() != 1 {
		t.Errorf("profile offers the wrong revoke buttons: %q", p.texts("main form"))
	}
	counts, state = a.rowCounts(t), a.catalogState(t)
	p, _ = b.post(revoke, nil)
	// Reported as missing, so token ids cannot be probed.
	if p.StatusCode != http.StatusNotFound || p.errorMessage() != "There is no such active token of yours." {
		t.Errorf("revoke %s's token: %d %q, want 404", actor.other, p.StatusCode, p.errorMessage())
	}
	a.assertNothingWritten(t, counts)
	a.assertUnchanged(t, state)
	if status, _ := other.on(t).call(http.MethodGet, "/api/v1/domains", nil); status != http.StatusOK {
		t.Errorf("%s's token stopped working: %d", actor.other, status)
	}

	// Their own.
	p, _ = b.post("/profile/tokens/"+itoa(mine)+"/revoke", nil)
	if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != "/profile" {
		t.Errorf("revoke own token: %d to %q", p.StatusCode, p.Header.Get("Location"))
	}
	if status, _ := api.call(http.MethodGet, "/api/v1/domains", nil); status != http.StatusUnauthorized {
		t.Errorf("revoked token still answers %d", status)
	}
}

type apiActor struct {
	name  string
	lvl   level
	label string // the audit log's actor
	token func(t testing.TB, a *testApp) *apiClient
}

func TestRoleMatrixAPI(t *testing.T) {
	t.Parallel()
	demo := func(subject, role string) func(testing.TB, *testApp) *apiClient {
		return func(t testing.TB, a *testApp) *apiClient { return a.tokenFor(t, subject, role) }
	}
	cli := func(email, role string) func(testing.TB, *testApp) *apiClient {
		return func(t testing.TB, a *testApp) *apiClient { return a.apiAs(t, email, role) }
	}
	actors := []apiActor{
		{"ada personal token", lvlAdmin, "ada@example.com (token matrix)", demo("ada", models.TokenRolePersonal)},
		{"omar personal token", lvlOwner, "omar@example.com (token matrix)", demo("omar", models.TokenRolePersonal)},
		{"vera personal token", lvlViewer, "vera@example.com (token matrix)", demo("vera", models.TokenRolePersonal)},
		{"admin token", lvlAdmin, "robot@example.com (token test)", cli("robot@example.com", models.TokenRoleAdmin)},
		{"viewer token", lvlViewer, "", cli("reader@example.com", models.TokenRoleViewer)},
		{"ada viewer token", lvlViewer, "", demo("ada", models.TokenRoleViewer)},
		{"omar viewer token", lvlViewer, "", demo("omar", models.TokenRoleViewer)},
	}
	for _, actor := range actors {
		t.Run(actor.name, func(t *testing.T) {
			t.Parallel()
			shared := newMatrixApp(t)
			client := actor.token(t, shared)
			// The token is good: refusals below are about rights, not identity.
			if status, _ := client.call(http.MethodGet, "/api/v1/domains/customer", nil); status != http.StatusOK {
				t.Fatalf("read: %d", status)
			}
			for _, act := range matrixActions() {
				if actor.lvl >= act.min {
					t.Run("allowed/"+act.name, func(t *testing.T) {
						app := newMatrixApp(t)
						c := actor.token(t, app)
						before := app.rowCounts(t)
						status, body := c.call(act.apiMethod, act.apiPath, act.body)
						if status != act.apiStatus {
							t.Fatalf("%s %s: %d %v, want %d", act.apiMethod, act.apiPath, status, body, act.apiStatus)
						}
						app.assertGrew(t, before, act.grew)
						if e := app.lastAudit(t, act.auditType, act.auditKey); e.Actor != actor.label || e.Action != act.apiAudit {
							t.Errorf("audit %q %q, want %q %q", e.Actor, e.Action, actor.label, act.apiAudit)
						}
						act.check(t, app)
					})
					continue
				}
				t.Run("refused/"+act.name, func(t *testing.T) {
					c := client.on(t)
					counts, state := shared.rowCounts(t), shared.catalogState(t)
					status, body := c.call(act.apiMethod, act.apiPath, act.body)
					assertAPIError(t, status, body, http.StatusForbidden, "forbidden", act.refused(true, actor.lvl), "", "")
					shared.assertNothingWritten(t, counts)
					shared.assertUnchanged(t, state)
				})
			}
		})
	}
}
