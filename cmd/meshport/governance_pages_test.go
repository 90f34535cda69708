package main

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/meshport/meshport/models"
)

// The demo data (models/seed) holds the starter pack, checkout's own
// purpose policy, an open proposal "Active products carry a tag" approved
// by checkout, a running waiver for orders and a requested one for payments.

func policyForm(changes map[string]string) url.Values {
	v := url.Values{
		"key": {"has-purpose"}, "name": {"Active products state a purpose"}, "description": {"Consumers want to know what a product is for."},
		"scope": {"global"}, "severity": {"warning"}, "applies_to": {"product"},
		"condition": {"product.status == 'active'"}, "rule": {"size(product.purpose) > 0"},
		"message": {"'Say what ' + product.name + ' is for.'"}, "field": {"purpose"}, "level": {"silver"},
	}
	for k, val := range changes {
		v.Set(k, val)
	}
	return v
}

func policyIDByKey(t *testing.T, app *testApp, key string) uint {
	t.Helper()
	var p models.Policy
	if err := app.Store.DB().Where("key = ?", key).Take(&p).Error; err != nil {
		t.Fatalf("policy %s: %v", key, err)
	}
	return p.ID
}

func TestGovernancePageShowsTheMesh(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	b := app.signedIn(t, "vera")
	res := b.get("/governance")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	if got := res.Doc.Find("#policy-table tbody tr").Length(); got != 11 {
		t.Errorf("policy rows = %d, want 11 (8 starters, checkout's two, the proposal)", got)
	}
	proposal := res.Doc.Find("#proposals article").Text()
	for _, want := range []string{"Active products carry a tag", "1 of 2", "2 domains yet to vote", "Customer profiles"} {
		if !strings.Contains(proposal, want) {
			t.Errorf("proposal card lacks %q: %s", want, proposal)
		}
	}
	if got := res.Doc.Find("#requested-waivers").Text(); !strings.Contains(got, "Payments") {
		t.Errorf("requested waivers = %q", got)
	}
	board := res.Doc.Find("#leaderboard tbody tr")
	if board.Length() != 4 { // the mesh and three domains
		t.Errorf("leaderboard rows = %d", board.Length())
	}
	if res.Doc.Find("#leaderboard svg").Length() != 4 {
		t.Error("no trend chart per row")
	}
	if !strings.Contains(res.Doc.Find("nav.nav").Text(), "Governance") {
		t.Error("no Governance in the navigation")
	}
}

func TestPolicyFormRefusesCELErrorsWritingNothing(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	b := app.signedIn(t, "ada")
	b.get("/governance/policies/new")
	before := [...]int64{app.count(t, "policies"), app.count(t, "policy_proposals"), app.count(t, "audit_entries")}
	for _, tc := range []struct{ name, field, value, want string }{
		{"syntax", "rule", "size(product.purpose > 0", "line 1, column"},
		{"unknown field", "rule", "product.owner_email != ''", "owner_email"},
		{"not a bool", "rule", "product.name", "must give true or false"},
		{"message not a string", "message", "size(product.name)", "must give a string"},
		{"condition on line 2", "condition", "product.status == 'active' &&\n  product.nope", "line 2, column"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := b.post("/governance/policies", policyForm(map[string]string{tc.field: tc.value}))
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", res.StatusCode)
			}
			if got := res.fieldError(tc.field); !strings.Contains(got, tc.want) {
				t.Errorf("%s error = %q, want it to mention %q", tc.field, got, tc.want)
			}
			if got := res.Doc.Find("textarea#" + tc.field).Text(); got != tc.value {
				t.Errorf("the form lost the input: %q", got)
			}
		})
	}
	after := [...]int64{app.count(t, "policies"), app.count(t, "policy_proposals"), app.count(t, "audit_entries")}
	if before != after {
		t.Errorf("rows (policies, proposals, audit) went from %v to %v", before, after)
	}
	// The same check answers as the rule is typed.
	live := b.validate("/governance/policies/validate", "rule", policyForm(map[string]string{"rule": "size(product.purpose"}))
	if got := live.fieldError("rule"); !strings.Contains(got, "line 1, column") {
		t.Errorf("live check = %q", got)
	}
}

func TestPolicyDryRunFromTheForm(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	b := app.signedIn(t, "omar")
	b.get("/governance/policies/new")
	res := b.validate("/governance/policies/dry-run", "", policyForm(map[string]string{"rule": "size(product.tags) > 0"}))
	text := res.Doc.Text()
	// Active products: orders is tagged; payments, customer profiles and
	// shipments are not.
	for _, want := range []string{"1 pass", "3 fail", "Payments", "Shipments"} {
		if !strings.Contains(text, want) {
			t.Errorf("dry run lacks %q: %s", want, text)
		}
	}
	if n := app.count(t, "policies"); n != 11 {
		t.Errorf("a dry run wrote: %d policies", n)
	}
	bad := b.validate("/governance/policies/dry-run", "", policyForm(map[string]string{"rule": "size("}))
	if !strings.Contains(bad.Doc.Text(), "does not compile") {
		t.Errorf("bad rule: %s", bad.Body)
	}
}

func TestDomainPoliciesByTheirOwnersOnly(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	omar := app.signedIn(t, "omar")
	omar.get("/governance/policies/new")
	res, _ := omar.post("/governance/policies", policyForm(map[string]string{"scope": "domain", "domain": "checkout", "key": "checkout-sla"}))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create domain policy: status %d %s", res.StatusCode, res.fieldError("rule"))
	}
	show := omar.get(res.Header.Get("Location"))
	if got := strings.TrimSpace(show.Doc.Find("#policy-state").Text()); !strings.HasPrefix(got, "adopted") {
		t.Errorf("state = %q", got)
	}
	if got := show.Doc.Find("#policy-failing").Text(); !strings.Contains(got, "Payments") || strings.Contains(got, "Shipments") {
		t.Errorf("a checkout policy judged outside checkout, or missed payments: %q", got)
	}
	// Another domain's policies are not omar's to make.
	n := app.count(t, "policies")
	res, _ = omar.post("/governance/policies", policyForm(map[string]string{"scope": "domain", "domain": "logistics", "key": "logistics-sla"}))
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("policy in logistics by omar: status %d", res.StatusCode)
	}
	if app.count(t, "policies") != n {
		t.Error("the refused policy was written")
	}
	// A global policy's change by a domain owner is a proposal: the
	// adopted version stays in force.
	id := policyIDByKey(t, app, "description-50")
	edit := omar.get("/governance/policies/" + strconv.Itoa(int(id)) + "/edit")
	if edit.StatusCode != http.StatusOK {
		t.Fatalf("edit: %d", edit.StatusCode)
	}
	form := policyForm(map[string]string{"key": "description-50", "name": "Active products are described", "rule": "size(product.description) >= 20", "field": "description", "level": "bronze"})
	res, _ = omar.post("/governance/policies/"+strconv.Itoa(int(id)), form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: status %d %s", res.StatusCode, res.Doc.Find(".form-errors").Text())
	}
	var pol models.Policy
	app.Store.DB().Take(&pol, id)
	if pol.Rule != "size(product.description) >= 50" || pol.State != models.PolicyAdopted {
		t.Errorf("omar changed a global policy directly: %q %s", pol.Rule, pol.State)
	}
	page := omar.get("/governance/policies/" + strconv.Itoa(int(id)))
	if !strings.Contains(page.Doc.Find("#proposal").Text(), "size(product.description) >= 20") {
		t.Errorf("no open proposal with the change: %s", page.Doc.Find("#proposal").Text())
	}
	// Viewers make no policies.
	vera := app.signedIn(t, "vera")
	if res := vera.get("/governance/policies/new"); res.StatusCode != http.StatusForbidden {
		t.Errorf("vera's new policy form: %d", res.StatusCode)
	}
}

func TestBlockingPolicyRefusesActivationInTheForm(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	b := app.signedIn(t, "omar")
	b.get("/products/checkout/abandoned-carts/edit")
	form := url.Values{
		"name": {"Abandoned carts"}, "slug": {"abandoned-carts"}, "domain": {"checkout"}, "owner": {"checkout-team"},
		"description": {"Carts left without an order."}, "status": {"active"}, "classification": {"internal"},
		"contains_pii": {"true"}, "tags": {"marketing"},
	}
	live := b.validate("/products/checkout/abandoned-carts/validate", "contains_pii", form)
	panel := live.Doc.Find("#policy-panel[hx-swap-oob]")
	if !strings.Contains(panel.Text(), "Personal data is confidential or restricted") || !strings.Contains(panel.Text(), "Cannot be active yet") {
		t.Errorf("live feedback = %q", panel.Text())
	}
	audit := app.count(t, "audit_entries")
	res, _ := b.post("/products/checkout/abandoned-carts", form)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", res.StatusCode)
	}
	if got := res.fieldError("classification"); !strings.Contains(got, "classify it confidential or restricted") {
		t.Errorf("classification error = %q", got)
	}
	if _, checked := res.Doc.Find("#contains_pii").Attr("checked"); !checked {
		t.Error("the form lost contains_pii")
	}
	p, err := app.Store.GetProduct(t.Context(), "checkout", "abandoned-carts")
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != models.StatusDraft || p.ContainsPII || app.count(t, "audit_entries") != audit {
		t.Errorf("refused save wrote: status %s, pii %v", p.Status, p.ContainsPII)
	}
	// Fixed, it activates; the warnings it still fails are told, not enforced.
	form.Set("classification", "confidential")
	res, _ = b.post("/products/checkout/abandoned-carts", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("fixed: status %d %s", res.StatusCode, res.Doc.Find(".form-errors").Text())
	}
	shown := b.get("/products/checkout/abandoned-carts")
	if flash := shown.Doc.Find(".flash").Text(); !strings.Contains(flash, "Active products are described") {
		t.Errorf("flash = %q", flash)
	}
	if got := shown.Doc.Find("#scorecard-results").Text(); !strings.Contains(got, "The description has 28 characters") {
		t.Errorf("scorecard = %q", got)
	}
}

func TestProposalVotesAndAdminDecisionInPages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	id := strconv.Itoa(int(policyIDByKey(t, app, "active-products-tagged")))
	omar := app.signedIn(t, "omar")
	page := omar.get("/governance/policies/" + id)
	if page.Doc.Find("#vote-form").Length() != 1 || !strings.Contains(page.Doc.Find("#vote-form").Text(), "Checkout") {
		t.Fatalf("omar, checkout's representative, gets no vote form: %s", page.Doc.Find("#proposal").Text())
	}
	// Rejecting needs a reason; the comment field keeps what was typed.
	votes := app.count(t, "policy_votes")
	res, _ := omar.post("/governance/policies/"+id+"/votes", url.Values{"approve": {"false"}, "comment": {" "}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.fieldError("comment"), "why") {
		t.Errorf("reject without reason: %d %q", res.StatusCode, res.fieldError("comment"))
	}
	if app.count(t, "policy_votes") != votes {
		t.Error("a refused vote was written")
	}
	vera := app.signedIn(t, "vera")
	vera.get("/governance/policies/" + id)
	if res, _ := vera.post("/governance/policies/"+id+"/votes", url.Values{"approve": {"true"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("vera represents no domain, yet voting answered %d", res.StatusCode)
	}
	if res, _ := vera.post("/governance/policies/"+id+"/decide", url.Values{"approve": {"true"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("vera decided: %d", res.StatusCode)
	}
	ada := app.signedIn(t, "ada")
	ada.get("/governance/policies/" + id)
	res, _ = ada.post("/governance/policies/"+id+"/decide", url.Values{"approve": {"true"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("admin decision: %d", res.StatusCode)
	}
	page = ada.get("/governance/policies/" + id)
	if got := strings.TrimSpace(page.Doc.Find("#policy-state").Text()); !strings.HasPrefix(got, "adopted") {
		t.Errorf("state = %q", got)
	}
	if !strings.Contains(page.Doc.Find("#history").Text(), "admin, directly") {
		t.Errorf("history does not say the admin decided: %s", page.Doc.Find("#history").Text())
	}
	// In force now as blocking from a day 30 days away: products fail it,
	// and their owners are told how long they have.
	orders := omar.get("/products/checkout/payments")
	if got := orders.Doc.Find(".enforce-banner").Text(); !strings.Contains(got, "becomes blocking on") || !strings.Contains(got, "in 30 days") {
		t.Errorf("no enforce-from notice: %s", got)
	}
}

func TestWaiverRequestAndDecisionInPages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	policy := strconv.Itoa(int(policyIDByKey(t, app, "description-50")))
	omar := app.signedIn(t, "omar")
	omar.get("/products/checkout/payments")
	n := app.count(t, "policy_waivers")
	far := time.Now().AddDate(0, 0, 200).Format(time.DateOnly)
	res, _ := omar.post("/products/checkout/payments/waivers", url.Values{"policy_id": {policy}, "reason": {""}, "expires_at": {far}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad waiver: status %d", res.StatusCode)
	}
	if got := res.fieldError("waiver-reason"); got == "" {
		t.Error("no reason error")
	}
	if got := res.fieldError("waiver-expires"); !strings.Contains(got, "at most 90 days") {
		t.Errorf("expiry error = %q", got)
	}
	if got, _ := res.Doc.Find("#waiver-expires").Attr("value"); got != far {
		t.Errorf("the form lost the expiry: %q", got)
	}
	if app.count(t, "policy_waivers") != n {
		t.Fatal("a refused waiver was written")
	}
	soon := time.Now().AddDate(0, 0, 30).Format(time.DateOnly)
	res, _ = omar.post("/products/checkout/payments/waivers", url.Values{"policy_id": {policy}, "reason": {"Rewriting it with finance this month."}, "expires_at": {soon}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("waiver request: %d %s", res.StatusCode, res.Doc.Find(".field-error").Text())
	}
	var w models.PolicyWaiver
	if err := app.Store.DB().Order("id DESC").Take(&w).Error; err != nil {
		t.Fatal(err)
	}
	wid := strconv.Itoa(int(w.ID))
	// Omar owns checkout: a global policy's waiver for it is not his to grant.
	omar.get("/products/checkout/payments")
	if res, _ := omar.post("/waivers/"+wid+"/decide", url.Values{"approve": {"true"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("omar approved his own domain's waiver: %d", res.StatusCode)
	}
	ada := app.signedIn(t, "ada")
	page := ada.get("/products/checkout/payments")
	if page.Doc.Find(`form[action="/waivers/`+wid+`/decide"]`).Length() != 1 {
		t.Error("the admin is not offered the decision")
	}
	if res, _ := ada.post("/waivers/"+wid+"/decide", url.Values{"approve": {"true"}, "note": {"ok for a month"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", res.StatusCode)
	}
	page = ada.get("/products/checkout/payments")
	if got := page.Doc.Find("#scorecard-results").Text(); !strings.Contains(got, "Waived until") || !strings.Contains(got, "because Rewriting it with finance") {
		t.Errorf("scorecard = %s", got)
	}
}
