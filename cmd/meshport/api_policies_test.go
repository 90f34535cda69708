package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/meshport/meshport/models"
)

// policyTables are the tables a policy or waiver write touches.
var policyTables = []string{"policies", "policy_proposals", "policy_votes", "policy_versions", "policy_waivers", "audit_entries", "products"}

func (a *testApp) policyCounts(t testing.TB) map[string]int64 {
	t.Helper()
	c := map[string]int64{}
	for _, table := range policyTables {
		c[table] = a.count(t, table)
	}
	return c
}

func (a *testApp) assertPoliciesUnchanged(t testing.TB, before map[string]int64) {
	t.Helper()
	for _, table := range policyTables {
		if n := a.count(t, table); n != before[table] {
			t.Errorf("%s: %d rows, want %d (nothing written)", table, n, before[table])
		}
	}
}

// apiAsMember issues a personal token for a user in the given groups, so
// it owns (and represents) the domains that list one of them.
func (a *testApp) apiAsMember(t testing.TB, email string, groups ...string) *apiClient {
	t.Helper()
	user, err := a.Store.UpsertUser(context.Background(), models.User{Issuer: "meshport-cli", Subject: email, Email: email,
		EmailVerified: true, Name: email, Groups: groups})
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := a.Store.CreateToken(context.Background(), user.ID, "test", models.TokenRolePersonal, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &apiClient{t: t, base: a.URL, token: secret}
}

func jstr(v any) string { s, _ := v.(string); return s }

func jnum(v any) int { f, _ := v.(float64); return int(f) }

func jobj(v any) map[string]any { m, _ := v.(map[string]any); return m }

func jlist(v any) []any { l, _ := v.([]any); return l }

func mustStatus(t *testing.T, what string, status, want int, body map[string]any) {
	t.Helper()
	if status != want {
		t.Fatalf("%s: status %d, want %d: %v", what, status, want, body)
	}
}

// TestAPIPolicies walks a global policy through the API: listed with
// stats, proposed by a representative, voted to adoption at quorum,
// changed, decided by an admin, retired; a domain policy is adopted at
// once by its owners; dry runs, results and scorecards read.
func TestAPIPolicies(t *testing.T) {
	t.Parallel()
	onEachDatabase(t, func(t *testing.T, app *testApp) {
		ada := app.apiAs(t, "ada@example.com", "admin")
		omar := app.apiAs(t, "omar@example.com", "")               // owns and represents checkout
		cara := app.apiAsMember(t, "cara@example.com", "crm-team") // represents customer

		status, body := ada.call(http.MethodGet, "/api/v1/policies", nil)
		mustStatus(t, "list", status, http.StatusOK, body)
		items := jlist(body["items"])
		if jnum(body["total"]) != len(items) {
			t.Errorf("total %v for %d items", body["total"], len(items))
		}
		starters := 0
		for _, it := range items {
			p := jobj(it)
			if p["starter"] == true {
				starters++
				if p["state"] != "adopted" || p["scope"] != "global" || p["domain"] != nil || jobj(p["stats"]) == nil {
					t.Errorf("starter policy %v", p)
				}
			}
			if p["key"] == "owner-named" {
				st := jobj(p["stats"])
				if jnum(st["pass"]) < 5 || jnum(st["pass_rate"]) != 100 || jobj(p["by_domain"])["checkout"] == nil {
					t.Errorf("owner-named stats %v, by domain %v", st, p["by_domain"])
				}
			}
		}
		if starters != 8 {
			t.Fatalf("starter pack: %d policies", starters)
		}
		status, body = ada.call(http.MethodGet, "/api/v1/policies?scope=domain", nil)
		for _, it := range jlist(body["items"]) {
			if jobj(it)["scope"] != "domain" {
				t.Errorf("scope filter let through %v", it)
			}
		}
		if status != http.StatusOK || jnum(body["total"]) != len(jlist(body["items"])) {
			t.Errorf("domain filter: %d %v", status, body)
		}

		// A representative proposes a global policy: 202, proposed.
		before := app.policyCounts(t)
		status, body = omar.call(http.MethodPost, "/api/v1/policies", map[string]any{
			"name": "Purpose stated", "severity": "warning", "rule": "size(product.purpose) > 0",
			"message": "'Say what the product is for.'", "field": "purpose", "level": "silver", "comment": "Consumers ask."})
		mustStatus(t, "propose", status, http.StatusAccepted, body)
		id := jnum(body["id"])
		if body["state"] != "proposed" || body["key"] != "purpose-stated" || jobj(body["proposal"])["state"] != "open" ||
			jobj(body["open_proposal"])["action"] != "create" || jobj(body["tally"])["needed"] != 2.0 {
			t.Errorf("proposal answer %v", body)
		}
		if got := app.count(t, "policy_proposals"); got != before["policy_proposals"]+1 {
			t.Errorf("proposals %d", got)
		}
		path := fmt.Sprintf("/api/v1/policies/%d", id)

		// Votes: checkout approves, customer approves: 2 of 3 adopt it.
		status, body = omar.call(http.MethodPost, path+"/votes", map[string]any{"approve": true, "comment": "Yes."})
		mustStatus(t, "vote omar", status, http.StatusOK, body)
		if body["state"] != "proposed" || jnum(jobj(body["tally"])["approvals"]) != 1 || len(jlist(jobj(body["proposal"])["votes"])) != 1 {
			t.Errorf("after one vote %v", body)
		}
		status, body = cara.call(http.MethodPost, path+"/votes", map[string]any{"approve": true})
		mustStatus(t, "vote cara", status, http.StatusOK, body)
		if body["state"] != "adopted" || jnum(body["version"]) != 1 || jobj(body["proposal"])["state"] != "adopted" || body["tally"] != nil {
			t.Errorf("after quorum %v", body)
		}
		status, body = ada.call(http.MethodGet, path, nil)
		mustStatus(t, "get", status, http.StatusOK, body)
		if len(jlist(body["versions"])) != 1 || len(jlist(body["proposals"])) != 1 || body["open_proposal"] != nil {
			t.Errorf("detail %v", body)
		}
		if votes := jlist(jobj(jlist(body["proposals"])[0])["votes"]); len(votes) != 2 || jobj(votes[0])["domain"] != "checkout" {
			t.Errorf("votes %v", votes)
		}

		// A representative's change is proposed; an admin rejects it directly.
		status, body = omar.call(http.MethodPatch, path, map[string]any{"severity": "blocking"})
		mustStatus(t, "propose change", status, http.StatusAccepted, body)
		if body["severity"] != "warning" || jobj(jobj(body["proposal"])["spec"])["severity"] != "blocking" {
			t.Errorf("change proposal %v", body)
		}
		status, body = ada.call(http.MethodPost, path+"/votes", map[string]any{"decide": "reject", "comment": "Not yet."})
		mustStatus(t, "decide", status, http.StatusOK, body)
		if p := jobj(body["proposal"]); p["state"] != "rejected" || p["direct"] != true || body["state"] != "adopted" {
			t.Errorf("rejected directly %v", body)
		}

		// An admin changes it at once with state adopted.
		status, body = ada.call(http.MethodPatch, path, map[string]any{"level": "gold", "state": "adopted"})
		mustStatus(t, "admin change", status, http.StatusOK, body)
		if body["level"] != "gold" || jnum(body["version"]) != 2 || body["proposal"] != nil {
			t.Errorf("admin change %v", body)
		}

		// Results and the scorecard.
		status, body = ada.call(http.MethodGet, path+"/results", nil)
		mustStatus(t, "results", status, http.StatusOK, body)
		if jnum(body["total"]) != 6 {
			t.Errorf("results %v", body)
		}
		outcomes := map[string]string{}
		for _, r := range jlist(body["items"]) {
			outcomes[jstr(jobj(r)["domain"])+"/"+jstr(jobj(r)["product"])] = jstr(jobj(r)["outcome"])
		}
		if outcomes["checkout/orders"] != "pass" || outcomes["checkout/payments"] != "fail" {
			t.Errorf("outcomes %v", outcomes)
		}
		status, body = omar.call(http.MethodGet, "/api/v1/products/checkout/payments/scorecard", nil)
		mustStatus(t, "scorecard", status, http.StatusOK, body)
		if body["product"] != "payments" || body["score"] == nil || len(jlist(body["results"])) == 0 {
			t.Errorf("scorecard %v", body)
		}
		failing := false
		for _, r := range jlist(body["results"]) {
			if jobj(r)["policy_key"] == "purpose-stated" && jobj(r)["outcome"] == "fail" && jobj(r)["message"] == "Say what the product is for." {
				failing = true
			}
		}
		if !failing {
			t.Errorf("scorecard lacks the failing policy: %v", body["results"])
		}

		// Waivers: the owner asks, another domain's representative approves.
		status, body = omar.call(http.MethodPost, "/api/v1/products/checkout/payments/waivers", map[string]any{
			"policy_id": id, "reason": "The purpose is being agreed with finance.", "expires_at": time.Now().AddDate(0, 0, 30).Format(time.DateOnly)})
		mustStatus(t, "waiver", status, http.StatusCreated, body)
		wid := jnum(body["id"])
		if body["state"] != "requested" || body["policy"] != "Purpose stated" || body["active"] != false {
			t.Errorf("waiver %v", body)
		}
		decision := fmt.Sprintf("/api/v1/products/checkout/payments/waivers/%d/decision", wid)
		before = app.policyCounts(t)
		status, body = omar.call(http.MethodPost, decision, map[string]any{"approve": true})
		assertAPIError(t, status, body, http.StatusForbidden, "forbidden", "", "", "")
		app.assertPoliciesUnchanged(t, before)
		status, body = cara.call(http.MethodPost, decision, map[string]any{"approve": true, "note": "Fine for a month."})
		mustStatus(t, "approve waiver", status, http.StatusOK, body)
		if body["state"] != "approved" || body["active"] != true || body["decided_by"] == "" {
			t.Errorf("approved %v", body)
		}
		status, body = omar.call(http.MethodGet, "/api/v1/products/checkout/payments/waivers", nil)
		listed := false
		for _, w := range jlist(body["items"]) {
			listed = listed || jnum(jobj(w)["id"]) == wid && jobj(w)["state"] == "approved"
		}
		if status != http.StatusOK || !listed {
			t.Errorf("waiver list %d %v", status, body)
		}
		status, body = omar.call(http.MethodGet, "/api/v1/products/checkout/payments/scorecard", nil)
		waived := false
		for _, r := range jlist(body["results"]) {
			if jobj(r)["policy_key"] == "purpose-stated" {
				waived = jobj(r)["outcome"] == "waived" && jobj(jobj(r)["waiver"])["id"] == float64(wid)
			}
		}
		if status != http.StatusOK || !waived {
			t.Errorf("scorecard %d: the waived result is missing or not waived: %v", status, body["results"])
		}

		// Dry run: counts and failing products, nothing written.
		before = app.policyCounts(t)
		status, body = omar.call(http.MethodPost, "/api/v1/policies/dry-run", map[string]any{
			"name": "Tagged", "rule": "size(product.tags) > 0", "condition": "product.status == 'active'", "message": "'Add a tag.'"})
		mustStatus(t, "dry run", status, http.StatusOK, body)
		if jnum(body["pass"])+jnum(body["fail"])+jnum(body["not_applicable"]) != 6 || len(jlist(body["domains"])) != 3 {
			t.Errorf("dry run %v", body)
		}
		app.assertPoliciesUnchanged(t, before)

		// A domain policy is adopted at once by the domain's owner.
		status, body = omar.call(http.MethodPost, "/api/v1/policies", map[string]any{
			"name": "Checkout products are tagged", "scope": "domain", "domain": "checkout", "rule": "size(product.tags) > 0"})
		mustStatus(t, "domain policy", status, http.StatusCreated, body)
		if body["state"] != "adopted" || body["domain"] != "checkout" || !strings.HasPrefix(jstr(body["url"]), "/api/v1/policies/") {
			t.Errorf("domain policy %v", body)
		}
		dpath := jstr(body["url"])
		status, body = ada.call(http.MethodGet, dpath+"/results", nil)
		if status != http.StatusOK || jnum(body["total"]) != 3 { // checkout's products only
			t.Errorf("domain policy results %d %v", status, body)
		}
		status, _ = omar.call(http.MethodDelete, dpath, nil)
		if status != http.StatusNoContent {
			t.Errorf("retire domain policy: %d", status)
		}

		// Retiring a global policy: a representative proposes, an admin retires at once.
		status, body = omar.call(http.MethodDelete, path+"?comment=Superseded", nil)
		mustStatus(t, "propose retire", status, http.StatusAccepted, body)
		if jobj(body["proposal"])["action"] != "retire" || body["state"] != "adopted" {
			t.Errorf("retire proposal %v", body)
		}
		status, _ = ada.call(http.MethodDelete, path, nil)
		if status != http.StatusNoContent {
			t.Errorf("admin retire: %d", status)
		}
		status, body = ada.call(http.MethodGet, "/api/v1/policies?state=retired", nil)
		if status != http.StatusOK || jnum(body["total"]) != 2 {
			t.Errorf("retired: %v", body)
		}
	})
}

// TestAPIPolicyBadInput: every write refuses bad input, unknown ids and
// people without the right, and writes nothing.
func TestAPIPolicyBadInput(t *testing.T) {
	t.Parallel()
	onEachDatabase(t, func(t *testing.T, app *testApp) {
		ada := app.apiAs(t, "ada@example.com", "admin")
		omar := app.apiAs(t, "omar@example.com", "")
		vera := app.apiAs(t, "vera@example.com", "viewer")
		stranger := app.apiAs(t, "sam@example.com", "") // owns and represents nothing

		// A policy with an open proposal, to vote on.
		status, body := omar.call(http.MethodPost, "/api/v1/policies", map[string]any{"name": "Purpose stated", "rule": "size(product.purpose) > 0"})
		mustStatus(t, "propose", status, http.StatusAccepted, body)
		proposed := fmt.Sprintf("/api/v1/policies/%d", jnum(body["id"]))
		status, body = ada.call(http.MethodGet, "/api/v1/policies?scope=global", nil)
		mustStatus(t, "list", status, http.StatusOK, body)
		var starter string
		var starterID int
		for _, it := range jlist(body["items"]) {
			if jobj(it)["key"] == "owner-named" {
				starterID = jnum(jobj(it)["id"])
				starter = fmt.Sprintf("/api/v1/policies/%d", starterID)
			}
		}
		waivers := "/api/v1/products/checkout/orders/waivers"
		good := map[string]any{"name": "Tagged", "rule": "size(product.tags) > 0"}
		syntax := map[string]any{"name": "Tagged", "rule": "size(product.tags) >"}
		typeErr := map[string]any{"name": "Tagged", "rule": "product.nosuch == 1"}
		notBool := map[string]any{"name": "Tagged", "rule": "product.name"}
		future := time.Now().AddDate(0, 0, 10).Format(time.DateOnly)

		for _, tc := range []struct {
			name, method, path string
			who                *apiClient
			body               any
			status             int
			code, field, want  string // want: text the field's message contains
		}{
			{"create: bad JSON", "POST", "/api/v1/policies", ada, `{"name": `, 400, "bad_request", "", ""},
			{"create: unknown field", "POST", "/api/v1/policies", ada, `{"name": "X", "rule": "true", "priority": 1}`, 400, "bad_request", "priority", "Unknown field"},
			{"create: wrong type", "POST", "/api/v1/policies", ada, `{"name": "X", "rule": true}`, 400, "bad_request", "rule", "a string"},
			{"create: CEL syntax error", "POST", "/api/v1/policies", ada, syntax, 422, "invalid", "rule", "line 1, column"},
			{"create: CEL type error", "POST", "/api/v1/policies", ada, typeErr, 422, "invalid", "rule", "line 1, column"},
			{"create: rule not true or false", "POST", "/api/v1/policies", ada, notBool, 422, "invalid", "rule", "line 1, column 1"},
			{"create: message syntax error", "POST", "/api/v1/policies", ada, map[string]any{"name": "X", "rule": "true", "message": "'unclosed"}, 422, "invalid", "message", "line 1, column"},
			{"create: condition error", "POST", "/api/v1/policies", ada, map[string]any{"name": "X", "rule": "true", "condition": "product.status =="}, 422, "invalid", "condition", "line 1, column"},
			{"create: no rule", "POST", "/api/v1/policies", ada, map[string]any{"name": "X"}, 422, "invalid", "rule", "Write the rule"},
			{"create: unknown domain", "POST", "/api/v1/policies", ada, map[string]any{"name": "X", "rule": "true", "scope": "domain", "domain": "nowhere"}, 422, "invalid", "domain", "no domain"},
			{"create: bad enforce_from", "POST", "/api/v1/policies", ada, map[string]any{"name": "X", "rule": "true", "severity": "blocking", "enforce_from": "31.01.2027"}, 422, "invalid", "enforce_from", "2027-01-31"},
			{"create: key taken", "POST", "/api/v1/policies", ada, map[string]any{"name": "Owner named", "rule": "true", "state": "adopted"}, 422, "invalid", "key", "already"},
			{"create: viewer", "POST", "/api/v1/policies", vera, good, 403, "forbidden", "", ""},
			{"create: represents nothing", "POST", "/api/v1/policies", stranger, good, 403, "forbidden", "", ""},
			{"create: non-admin adopting", "POST", "/api/v1/policies", omar, map[string]any{"name": "X", "rule": "true", "state": "adopted"}, 403, "forbidden", "", ""},
			{"create: other domain's policy", "POST", "/api/v1/policies", omar, map[string]any{"name": "X", "rule": "true", "scope": "domain", "domain": "customer"}, 403, "forbidden", "", ""},
			{"patch: unknown policy", "PATCH", "/api/v1/policies/99999", ada, map[string]any{"level": "gold"}, 404, "not_found", "", ""},
			{"patch: not an id", "PATCH", "/api/v1/policies/abc", ada, map[string]any{"level": "gold"}, 404, "not_found", "", ""},
			{"patch: bad JSON", "PATCH", starter, ada, `{"level": `, 400, "bad_request", "", ""},
			{"patch: CEL syntax error", "PATCH", starter, ada, map[string]any{"rule": "size(product.owner) >", "state": "adopted"}, 422, "invalid", "rule", "line 1, column"},
			{"patch: key change", "PATCH", starter, ada, map[string]any{"key": "other", "state": "adopted"}, 422, "invalid", "key", "cannot change"},
			{"patch: viewer", "PATCH", starter, vera, map[string]any{"level": "gold"}, 403, "forbidden", "", ""},
			{"patch: represents nothing", "PATCH", starter, stranger, map[string]any{"level": "gold"}, 403, "forbidden", "", ""},
			{"patch: owner adopting a global change", "PATCH", starter, omar, map[string]any{"level": "gold", "state": "adopted"}, 403, "forbidden", "", ""},
			{"delete: unknown policy", "DELETE", "/api/v1/policies/99999", ada, nil, 404, "not_found", "", ""},
			{"delete: viewer", "DELETE", starter, vera, nil, 403, "forbidden", "", ""},
			{"delete: represents nothing", "DELETE", starter, stranger, nil, 403, "forbidden", "", ""},
			{"vote: bad JSON", "POST", proposed + "/votes", omar, `{"approve": `, 400, "bad_request", "", ""},
			{"vote: unknown policy", "POST", "/api/v1/policies/99999/votes", omar, map[string]any{"approve": true}, 404, "not_found", "", ""},
			{"vote: no open proposal", "POST", starter + "/votes", omar, map[string]any{"approve": true}, 409, "conflict", "", ""},
			{"vote: no approve", "POST", proposed + "/votes", omar, map[string]any{"comment": "hm"}, 422, "invalid", "approve", "approve"},
			{"vote: reject without a reason", "POST", proposed + "/votes", omar, map[string]any{"approve": false}, 422, "invalid", "comment", "why"},
			{"vote: both approve and decide", "POST", proposed + "/votes", ada, map[string]any{"approve": true, "decide": "adopt"}, 422, "invalid", "decide", "either"},
			{"vote: bad decision", "POST", proposed + "/votes", ada, map[string]any{"decide": "maybe"}, 422, "invalid", "decide", "adopt or reject"},
			{"vote: decide as non-admin", "POST", proposed + "/votes", omar, map[string]any{"decide": "adopt"}, 403, "forbidden", "", ""},
			{"vote: represents nothing", "POST", proposed + "/votes", stranger, map[string]any{"approve": true}, 403, "forbidden", "", ""},
			{"vote: viewer", "POST", proposed + "/votes", vera, map[string]any{"approve": true}, 403, "forbidden", "", ""},
			{"dry run: bad JSON", "POST", "/api/v1/policies/dry-run", omar, `[1]`, 400, "bad_request", "", ""},
			{"dry run: CEL error", "POST", "/api/v1/policies/dry-run", omar, syntax, 422, "invalid", "rule", "line 1, column"},
			{"waiver: bad JSON", "POST", waivers, omar, `{"policy_id": "one"}`, 400, "bad_request", "policy_id", "a number"},
			{"waiver: unknown product", "POST", "/api/v1/products/checkout/nothing/waivers", omar, map[string]any{"policy_id": starterID, "reason": "Because of reasons.", "expires_at": future}, 404, "not_found", "", ""},
			{"waiver: unknown policy", "POST", waivers, omar, map[string]any{"policy_id": 99999, "reason": "Because of reasons.", "expires_at": future}, 422, "invalid", "policy_id", "no such policy"},
			{"waiver: no reason", "POST", waivers, omar, map[string]any{"policy_id": starterID, "expires_at": future}, 422, "invalid", "reason", "why"},
			{"waiver: too long", "POST", waivers, omar, map[string]any{"policy_id": starterID, "reason": "Because of reasons.", "expires_at": time.Now().AddDate(1, 0, 0).Format(time.DateOnly)}, 422, "invalid", "expires_at", "at most"},
			{"waiver: not the owner", "POST", "/api/v1/products/customer/customer-profiles/waivers", omar, map[string]any{"policy_id": starterID, "reason": "Because of reasons.", "expires_at": future}, 403, "forbidden", "", ""},
			{"waiver: viewer", "POST", waivers, vera, map[string]any{"policy_id": starterID, "reason": "Because of reasons.", "expires_at": future}, 403, "forbidden", "", ""},
			{"decision: unknown waiver", "POST", waivers + "/99999/decision", ada, map[string]any{"approve": true}, 404, "not_found", "", ""},
			{"decision: not an id", "POST", waivers + "/x/decision", ada, map[string]any{"approve": true}, 404, "not_found", "", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := app.policyCounts(t)
				status, body := tc.who.call(tc.method, tc.path, tc.body)
				if status != tc.status {
					t.Errorf("status %d, want %d: %v", status, tc.status, body)
				}
				code, fields := apiError(body)
				if code != tc.code {
					t.Errorf("code %q, want %q: %v", code, tc.code, body)
				}
				if tc.field != "" && !strings.Contains(jstr(fields[tc.field]), tc.want) {
					t.Errorf("fields[%q] = %q, want it to contain %q (%v)", tc.field, fields[tc.field], tc.want, body)
				}
				app.assertPoliciesUnchanged(t, before)
			})
		}

		// A waiver decision: bad JSON and a waiver of another product.
		status, body = omar.call(http.MethodPost, waivers, map[string]any{"policy_id": starterID, "reason": "Because of reasons.", "expires_at": future})
		mustStatus(t, "waiver", status, http.StatusCreated, body)
		decision := fmt.Sprintf("%s/%d/decision", waivers, jnum(body["id"]))
		for _, tc := range []struct {
			name, path string
			body       any
			status     int
		}{
			{"bad JSON", decision, `{"approve": `, 400},
			{"no approve", decision, map[string]any{"note": "x"}, 422},
			{"another product's waiver", strings.Replace(decision, "/orders/", "/payments/", 1), map[string]any{"approve": true}, 404},
		} {
			before := app.policyCounts(t)
			status, body := ada.call(http.MethodPost, tc.path, tc.body)
			if status != tc.status {
				t.Errorf("decision %s: status %d, want %d: %v", tc.name, status, tc.status, body)
			}
			app.assertPoliciesUnchanged(t, before)
		}
	})
}

// TestAPIPolicyBlocksActivation: a blocking policy in force refuses an
// active product (422 naming the policy and its message, nothing
// written); a draft is saved; a warning never blocks.
func TestAPIPolicyBlocksActivation(t *testing.T) {
	t.Parallel()
	onEachDatabase(t, func(t *testing.T, app *testApp) {
		ada := app.apiAs(t, "ada@example.com", "admin")
		status, body := ada.call(http.MethodPost, "/api/v1/policies", map[string]any{
			"key": "purpose-required", "name": "Purpose required", "severity": "blocking", "state": "adopted", "field": "purpose",
			"condition": "product.status == 'active'", "rule": "size(product.purpose) >= 10",
			"message": "'The purpose has ' + string(size(product.purpose)) + ' characters; write at least 10.'"})
		mustStatus(t, "blocking policy", status, http.StatusCreated, body)
		policyPath := jstr(body["url"])
		product := map[string]any{"name": "Refunds", "domain": "checkout", "owner": "omar@example.com", "status": "active",
			"classification": "internal", "description": "Refunds issued to customers, one row per refund."}

		before := app.rowCounts(t)
		status, body = ada.call(http.MethodPost, "/api/v1/products", product)
		if status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422: %v", status, body)
		}
		e := jobj(body["error"])
		pols := jlist(e["policies"])
		if e["code"] != "invalid" || len(pols) != 1 {
			t.Fatalf("refusal %v", body)
		}
		p := jobj(pols[0])
		if p["key"] != "purpose-required" || p["name"] != "Purpose required" || p["severity"] != "blocking" ||
			p["message"] != "The purpose has 0 characters; write at least 10." {
			t.Errorf("failing policy %v", p)
		}
		if !strings.Contains(jstr(jobj(e["fields"])["purpose"]), "write at least 10") {
			t.Errorf("fields %v", e["fields"])
		}
		app.assertNothingWritten(t, before)

		// A draft is not blocked.
		product["status"] = "draft"
		status, body = ada.call(http.MethodPost, "/api/v1/products", product)
		mustStatus(t, "draft", status, http.StatusCreated, body)

		// As a warning, the policy does not block.
		status, body = ada.call(http.MethodPatch, policyPath, map[string]any{"severity": "warning", "state": "adopted"})
		mustStatus(t, "to warning", status, http.StatusOK, body)
		product["name"], product["status"] = "Chargebacks", "active"
		before = app.rowCounts(t)
		status, body = ada.call(http.MethodPost, "/api/v1/products", product)
		mustStatus(t, "warning", status, http.StatusCreated, body)
		if app.count(t, "products") != before["products"]+1 {
			t.Errorf("product not written")
		}
		status, body = ada.call(http.MethodGet, "/api/v1/products/checkout/chargebacks/scorecard", nil)
		mustStatus(t, "scorecard", status, http.StatusOK, body)
		found := false
		for _, r := range jlist(body["results"]) {
			if jobj(r)["policy_key"] == "purpose-required" {
				found = jobj(r)["outcome"] == "fail"
			}
		}
		if !found {
			t.Errorf("the warning's failure is not on the scorecard: %v", body["results"])
		}
	})
}
