package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/meshport/meshport/models"
)

// assertAPIError checks an error answer: status, the {"error": {code,
// message, fields}} shape, the code, and (when given) the message and the
// message of one field.
func assertAPIError(t *testing.T, status int, body map[string]any, wantStatus int, wantCode, wantMsg, field, fieldMsg string) {
	t.Helper()
	if status != wantStatus {
		t.Errorf("status %d, want %d (%v)", status, wantStatus, body)
	}
	if len(body) != 1 {
		t.Errorf("body has keys other than error: %v", body)
	}
	e, ok := body["error"].(map[string]any)
	if !ok {
		t.Fatalf("no error object: %v", body)
	}
	for k := range e {
		if k != "code" && k != "message" && k != "fields" {
			t.Errorf("error has unexpected key %q", k)
		}
	}
	code, fields := apiError(body)
	if code != wantCode {
		t.Errorf("code %q, want %q", code, wantCode)
	}
	if msg, _ := e["message"].(string); msg == "" || (wantMsg != "" && msg != wantMsg) {
		t.Errorf("message %q, want %q", msg, wantMsg)
	}
	if field == "" {
		if _, has := e["fields"]; has && wantCode != "invalid" && wantCode != "conflict" {
			t.Errorf("unexpected fields %v", fields)
		}
		return
	}
	if got, _ := fields[field].(string); got != fieldMsg {
		t.Errorf("fields[%q] = %q, want %q (fields %v)", field, got, fieldMsg, fields)
	}
}

func TestAPIAuthentication(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	valid := app.apiAs(t, "ada@example.com", "admin")
	for _, tc := range []struct {
		name, header, challenge, msg string
	}{
		{"no token", "", `Bearer realm="meshport"`, "Send an API token as \"Authorization: Bearer <token>\"."},
		{"empty bearer", "Bearer ", `Bearer realm="meshport"`, "Send an API token as \"Authorization: Bearer <token>\"."},
		{"basic auth", "Basic YWRhOnB3", `Bearer realm="meshport"`, "Send an API token as \"Authorization: Bearer <token>\"."},
		{"unknown token", "Bearer mp_not-a-real-token", `Bearer realm="meshport", error="invalid_token"`, "The API token is not valid."},
		{"token with a character changed", "Bearer " + valid.token[:len(valid.token)-1] + "x", `Bearer realm="meshport", error="invalid_token"`, "The API token is not valid."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				req, _ := http.NewRequest(method, app.URL+"/api/v1/domains", strings.NewReader(`{"name":"X","owners":["x"]}`))
				req.Header.Set("Content-Type", "application/json")
				if tc.header != "" {
					req.Header.Set("Authorization", tc.header)
				}
				before := app.rowCounts(t)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				var body map[string]any
				json.NewDecoder(res.Body).Decode(&body)
				res.Body.Close()
				assertAPIError(t, res.StatusCode, body, http.StatusUnauthorized, "unauthorized", tc.msg, "", "")
				if got := res.Header.Get("WWW-Authenticate"); got != tc.challenge {
					t.Errorf("WWW-Authenticate %q, want %q", got, tc.challenge)
				}
				if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Errorf("content type %q", ct)
				}
				app.assertNothingWritten(t, before)
			}
		})
	}

	t.Run("revoked and expired tokens", func(t *testing.T) {
		revoked := app.apiAs(t, "ada@example.com", "admin")
		app.Store.DB().Exec("UPDATE api_tokens SET revoked_at = ? WHERE token_hash = ?", time.Now(), models.HashSecret(revoked.token))
		status, body := revoked.call(http.MethodGet, "/api/v1/domains", nil)
		assertAPIError(t, status, body, http.StatusUnauthorized, "unauthorized", "The API token was revoked.", "", "")

		expired := app.apiAs(t, "ada@example.com", "admin")
		app.Store.DB().Exec("UPDATE api_tokens SET expires_at = ? WHERE token_hash = ?", time.Now().Add(-time.Minute), models.HashSecret(expired.token))
		status, body = expired.call(http.MethodGet, "/api/v1/domains", nil)
		assertAPIError(t, status, body, http.StatusUnauthorized, "unauthorized", "The API token has expired.", "", "")
	})

	t.Run("a browser session is not an API credential", func(t *testing.T) {
		b := app.signedIn(t, "ada")
		p := b.get("/api/v1/domains")
		if p.StatusCode != http.StatusUnauthorized {
			t.Errorf("status %d", p.StatusCode)
		}
	})
}

func TestAPIReads(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	vera := app.apiAs(t, "vera@example.com", "viewer")

	status, body := vera.call(http.MethodGet, "/api/v1/domains", nil)
	if status != http.StatusOK || body["total"] != 3.0 {
		t.Fatalf("domains: %d %v", status, body)
	}
	items := body["items"].([]any)
	first := items[0].(map[string]any)
	if first["slug"] != "checkout" || first["products"] != 3.0 || first["status"] != "active" {
		t.Errorf("first domain %v", first)
	}
	if owners, _ := first["owners"].([]any); len(owners) != 2 || owners[0] != "checkout-team" {
		t.Errorf("owners %v", first["owners"])
	}

	status, body = vera.call(http.MethodGet, "/api/v1/domains/customer", nil)
	if status != http.StatusOK || body["name"] != "Customer" || body["description"] != "Customer accounts, consents and segments." {
		t.Errorf("domain: %d %v", status, body)
	}

	for _, tc := range []struct {
		query                 string
		slugs                 []string
		total, page, per, pgs float64
	}{
		{"", []string{"abandoned-carts", "customer-profiles", "legacy-stock-levels", "orders", "payments", "shipments"}, 6, 1, 50, 1},
		{"?domain=checkout&status=active", []string{"orders", "payments"}, 2, 1, 50, 1},
		{"?q=pay", []string{"payments"}, 1, 1, 50, 1},
		{"?classification=restricted", []string{"customer-profiles"}, 1, 1, 50, 1},
		{"?per_page=2&page=2", []string{"legacy-stock-levels", "orders"}, 6, 2, 2, 3},
		{"?per_page=2&page=9", nil, 6, 9, 2, 3},
		{"?domain=nope", nil, 0, 1, 50, 1},
	} {
		t.Run("products"+tc.query, func(t *testing.T) {
			status, body := vera.call(http.MethodGet, "/api/v1/products"+tc.query, nil)
			if status != http.StatusOK {
				t.Fatalf("status %d %v", status, body)
			}
			var slugs []string
			for _, it := range body["items"].([]any) {
				p := it.(map[string]any)
				slugs = append(slugs, p["slug"].(string))
				if _, has := p["output_ports"]; has {
					t.Errorf("list item carries output_ports: %v", p)
				}
			}
			if !sameStrings(slugs, tc.slugs) {
				t.Errorf("items %v, want %v", slugs, tc.slugs)
			}
			if body["total"] != tc.total || body["page"] != tc.page || body["per_page"] != tc.per || body["pages"] != tc.pgs {
				t.Errorf("paging total=%v page=%v per_page=%v pages=%v", body["total"], body["page"], body["per_page"], body["pages"])
			}
		})
	}

	status, body = vera.call(http.MethodGet, "/api/v1/products/checkout/orders", nil)
	if status != http.StatusOK || body["freshness_sla"] != "1d" || body["url"] != "/api/v1/products/checkout/orders" || body["domain"] != "checkout" {
		t.Errorf("product: %d %v", status, body)
	}
	if ports, _ := body["output_ports"].([]any); len(ports) != 2 {
		t.Errorf("ports %v", body["output_ports"])
	}
	status, body = vera.call(http.MethodGet, "/api/v1/products/checkout/abandoned-carts", nil)
	if status != http.StatusOK || body["freshness_sla"] != nil {
		t.Errorf("no SLA should be null: %v", body["freshness_sla"])
	}

	for _, tc := range []struct {
		path        string
		status      int
		code, field string
		msg         string
	}{
		{"/api/v1/products?status=bogus", 422, "invalid", "status", "Unknown status; use one of: draft, active, deprecated, retired."},
		{"/api/v1/products?classification=secret", 422, "invalid", "classification", "Unknown classification; use one of: public, internal, confidential, restricted."},
		{"/api/v1/products?page=abc", 400, "bad_request", "", ""},
		{"/api/v1/domains/nope", 404, "not_found", "", ""},
		{"/api/v1/products/checkout/nope", 404, "not_found", "", ""},
		{"/api/v1/nope", 404, "not_found", "", ""},
	} {
		t.Run(tc.path, func(t *testing.T) {
			status, body := vera.call(http.MethodGet, tc.path, nil)
			assertAPIError(t, status, body, tc.status, tc.code, "", tc.field, tc.msg)
		})
	}
}

func TestAPIDomainWrites(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ada := app.apiAs(t, "ada@example.com", "admin")

	// Create.
	before := app.rowCounts(t)
	status, hdr, raw := ada.raw(http.MethodPost, "/api/v1/domains", "application/json",
		`{"name":"Marketing","description":"Campaigns.","owners":["marketing-team","ada@example.com"]}`)
	if status != http.StatusCreated || hdr.Get("Location") != "/api/v1/domains/marketing" {
		t.Fatalf("create: %d Location %q %s", status, hdr.Get("Location"), raw)
	}
	var created map[string]any
	json.Unmarshal([]byte(raw), &created)
	if created["slug"] != "marketing" || created["status"] != "active" || created["name"] != "Marketing" {
		t.Errorf("created %v", created)
	}
	app.assertGrew(t, before, map[string]int64{"domains": 1, "audit_entries": 1})
	if e := app.lastAudit(t, "domain", "marketing"); e.Actor != "ada@example.com (token test)" || e.Action != "created" {
		t.Errorf("audit %s %s", e.Actor, e.Action)
	}

	// PATCH changes only the fields sent.
	status, body := ada.call(http.MethodPatch, "/api/v1/domains/marketing", map[string]any{"description": "Campaigns and leads."})
	if status != http.StatusOK || body["description"] != "Campaigns and leads." || body["name"] != "Marketing" || body["slug"] != "marketing" {
		t.Errorf("patch: %d %v", status, body)
	}
	if d := app.domain(t, "marketing"); !sameStrings(d.Owners, []string{"marketing-team", "ada@example.com"}) || d.Status != "active" {
		t.Errorf("patch changed other fields: %+v", d)
	}
	if e := app.lastAudit(t, "domain", "marketing"); len(e.Changes) != 1 || e.Changes[0].Field != "description" {
		t.Errorf("audit changes %+v", e.Changes)
	}

	// Status through PATCH: retire and reactivate an empty domain.
	status, body = ada.call(http.MethodPatch, "/api/v1/domains/marketing", map[string]any{"status": "retired"})
	if status != http.StatusOK || body["status"] != "retired" {
		t.Errorf("retire: %d %v", status, body)
	}
	status, body = ada.call(http.MethodPatch, "/api/v1/domains/marketing", map[string]any{"status": "active"})
	if status != http.StatusOK || body["status"] != "active" {
		t.Errorf("reactivate: %d %v", status, body)
	}

	// Delete.
	before = app.rowCounts(t)
	status, _, raw = ada.raw(http.MethodDelete, "/api/v1/domains/marketing", "", "")
	if status != http.StatusNoContent || raw != "" {
		t.Errorf("delete: %d %q", status, raw)
	}
	app.assertGrew(t, before, map[string]int64{"domains": -1, "audit_entries": 1})
	status, body = ada.call(http.MethodGet, "/api/v1/domains/marketing", nil)
	assertAPIError(t, status, body, http.StatusNotFound, "not_found", `There is no domain "marketing".`, "", "")
}

func TestAPIDomainBadInput(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("n", 101)
	cases := []struct {
		name, method, path, ctype, body string
		status                          int
		code, msg, field, fieldMsg      string
	}{
		{"empty body", "POST", "/api/v1/domains", "application/json", "", 400, "bad_request", "The request body is empty; send a JSON object.", "", ""},
		{"invalid JSON", "POST", "/api/v1/domains", "application/json", `{"name": }`, 400, "bad_request", "The body is not valid JSON (at byte 10).", "", ""},
		{"truncated JSON", "POST", "/api/v1/domains", "application/json", `{"name": "X"`, 400, "bad_request", "", "", ""},
		{"not an object", "POST", "/api/v1/domains", "application/json", `["x"]`, 400, "bad_request", "Send a JSON object.", "", ""},
		{"two objects", "POST", "/api/v1/domains", "application/json", `{"name":"A","owners":["a"]}{"name":"B"}`, 400, "bad_request", "", "", ""},
		{"name is a number", "POST", "/api/v1/domains", "application/json", `{"name": 5, "owners": ["x"]}`, 400, "bad_request", "A field has the wrong type.", "name", "Must be a string."},
		{"owners is a string", "POST", "/api/v1/domains", "application/json", `{"name": "X", "owners": "x"}`, 400, "bad_request", "A field has the wrong type.", "owners", "Must be an array."},
		{"owners holds numbers", "POST", "/api/v1/domains", "application/json", `{"name": "X", "owners": [1]}`, 400, "bad_request", "A field has the wrong type.", "owners", "Must be a string."},
		{"unknown field", "POST", "/api/v1/domains", "application/json", `{"name": "X", "owners": ["x"], "colour": "red"}`, 400, "bad_request", "The body has a field meshport does not know.", "colour", "Unknown field."},
		{"name too long", "POST", "/api/v1/domains", "application/json", `{"name": "` + long + `", "owners": ["x"]}`, 422, "invalid", "Please correct the highlighted fields.", "name", "Use at most 100 characters."},
		{"empty name", "POST", "/api/v1/domains", "application/json", `{"name": "", "owners": ["x"]}`, 422, "invalid", "", "name", "Enter a name."},
		{"no owners", "POST", "/api/v1/domains", "application/json", `{"name": "X", "owners": []}`, 422, "invalid", "", "owners", "Name at least one owner: an email address or a group."},
		{"duplicate slug", "POST", "/api/v1/domains", "application/json", `{"name": "Checkout", "owners": ["x"]}`, 409, "conflict", "Another domain already uses this slug.", "slug", "Another domain already uses this slug."},
		{"bad status", "POST", "/api/v1/domains", "application/json", `{"name": "X", "owners": ["x"], "status": "paused"}`, 422, "invalid", "", "status", "A domain is either active or retired."},
		{"created retired", "POST", "/api/v1/domains", "application/json", `{"name": "X", "owners": ["x"], "status": "retired"}`, 422, "invalid", "", "status", "A new domain starts active; retire it later."},
		{"text body", "POST", "/api/v1/domains", "text/plain", `{"name": "X", "owners": ["x"]}`, 400, "bad_request", "Send a JSON body with \"Content-Type: application/json\".", "", ""},
		{"form body", "POST", "/api/v1/domains", "application/x-www-form-urlencoded", `name=X&owners=x`, 400, "bad_request", "Send a JSON body with \"Content-Type: application/json\".", "", ""},
		{"no content type", "POST", "/api/v1/domains", "", `{"name": "X", "owners": ["x"]}`, 400, "bad_request", "Send a JSON body with \"Content-Type: application/json\".", "", ""},

		{"patch empty body", "PATCH", "/api/v1/domains/checkout", "application/json", "", 400, "bad_request", "The request body is empty; send a JSON object.", "", ""},
		{"patch wrong type", "PATCH", "/api/v1/domains/checkout", "application/json", `{"description": false}`, 400, "bad_request", "", "description", "Must be a string."},
		{"patch unknown field", "PATCH", "/api/v1/domains/checkout", "application/json", `{"owner": "x"}`, 400, "bad_request", "", "owner", "Unknown field."},
		{"patch slug of another domain", "PATCH", "/api/v1/domains/checkout", "application/json", `{"slug": "customer"}`, 409, "conflict", "", "slug", "Another domain already uses this slug."},
		{"patch no owners", "PATCH", "/api/v1/domains/checkout", "application/json", `{"owners": []}`, 422, "invalid", "", "owners", "Name at least one owner: an email address or a group."},
		{"representatives not emails", "POST", "/api/v1/domains", "application/json", `{"name": "X", "owners": ["x"], "representatives": ["ana@example.com", "bob@"]}`, 422, "invalid", "Please correct the highlighted fields.", "representatives", "\u201cbob@\u201d is not a valid email address."},
		{"representatives is a string", "POST", "/api/v1/domains", "application/json", `{"name": "X", "owners": ["x"], "representatives": "ana@example.com"}`, 400, "bad_request", "A field has the wrong type.", "representatives", "Must be an array."},
		{"patch representatives not emails", "PATCH", "/api/v1/domains/checkout", "application/json", `{"description": "x", "representatives": ["team!"]}`, 422, "invalid", "", "representatives",
			"\u201cteam!\u201d is neither an email address nor a group name (letters, digits, spaces and . _ : / -, at most 100)."},
		{"patch name too long", "PATCH", "/api/v1/domains/checkout", "application/json", `{"name": "` + long + `"}`, 422, "invalid", "", "name", "Use at most 100 characters."},
		{"patch retire with live products", "PATCH", "/api/v1/domains/checkout", "application/json", `{"status": "retired"}`, 409, "conflict",
			"Checkout still has 3 product(s) that are not retired. Retire them first.", "status", "Checkout still has 3 product(s) that are not retired. Retire them first."},
		{"patch bad status", "PATCH", "/api/v1/domains/checkout", "application/json", `{"status": "paused"}`, 422, "invalid", "", "status", "A domain is either active or retired."},
		{"patch text body", "PATCH", "/api/v1/domains/checkout", "text/plain", `{"description": "x"}`, 400, "bad_request", "", "", ""},
		{"patch unknown domain", "PATCH", "/api/v1/domains/nope", "application/json", `{"description": "x"}`, 404, "not_found", `There is no domain "nope".`, "", ""},
		{"delete with products", "DELETE", "/api/v1/domains/checkout", "", "", 409, "conflict", "Checkout still has 3 product(s). Delete or move them first.", "", ""},
		{"delete unknown domain", "DELETE", "/api/v1/domains/nope", "", "", 404, "not_found", "", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t)
			ada := app.apiAs(t, "ada@example.com", "admin")
			was := app.domain(t, "checkout")
			before := app.rowCounts(t)
			status, hdr, raw := ada.raw(tc.method, tc.path, tc.ctype, tc.body)
			var body map[string]any
			if err := json.Unmarshal([]byte(raw), &body); err != nil {
				t.Fatalf("answer is not JSON: %q", raw)
			}
			if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("content type %q", ct)
			}
			assertAPIError(t, status, body, tc.status, tc.code, tc.msg, tc.field, tc.fieldMsg)
			app.assertNothingWritten(t, before)
			if now := app.domain(t, "checkout"); now.Name != was.Name || now.Description != was.Description || now.Status != was.Status || !sameStrings(now.Owners, was.Owners) ||
				!sameStrings(now.Representatives, was.Representatives) {
				t.Errorf("checkout changed: %+v", now)
			}
		})
	}
}

func TestAPIDomainAuthorization(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	for _, tc := range []struct {
		name, email, role string
	}{
		{"viewer token", "vera@example.com", "viewer"},
		{"admin's viewer token", "ada@example.com", "viewer"},
		{"owner's personal token", "omar@example.com", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := app.apiAs(t, tc.email, tc.role)
			before := app.rowCounts(t)
			status, body := c.call(http.MethodPost, "/api/v1/domains", map[string]any{"name": "Marketing", "owners": []string{"x"}})
			assertAPIError(t, status, body, http.StatusForbidden, "forbidden", "Only admins can register domains.", "", "")
			status, body = c.call(http.MethodDelete, "/api/v1/domains/customer", nil)
			assertAPIError(t, status, body, http.StatusForbidden, "forbidden", "Only admins can delete domains.", "", "")
			status, body = c.call(http.MethodPatch, "/api/v1/domains/customer", map[string]any{"description": "mine now"})
			assertAPIError(t, status, body, http.StatusForbidden, "forbidden", "Only admins and the owners of Customer can edit it.", "", "")
			app.assertNothingWritten(t, before)
			// Reading is fine.
			if status, _ := c.call(http.MethodGet, "/api/v1/domains/customer", nil); status != http.StatusOK {
				t.Errorf("read: %d", status)
			}
		})
	}
	// An owner may edit their domain but not retire it.
	omar := app.apiAs(t, "omar@example.com", "")
	if status, body := omar.call(http.MethodPatch, "/api/v1/domains/checkout", map[string]any{"description": "Ours."}); status != http.StatusOK {
		t.Errorf("owner patch: %d %v", status, body)
	}
	before := app.rowCounts(t)
	status, body := omar.call(http.MethodPatch, "/api/v1/domains/checkout", map[string]any{"status": "retired"})
	assertAPIError(t, status, body, http.StatusForbidden, "forbidden", "Only admins can retire or reactivate domains.", "", "")
	app.assertNothingWritten(t, before)
}

func TestAPIProductWrites(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	omar := app.apiAs(t, "omar@example.com", "")

	before := app.rowCounts(t)
	status, hdr, raw := omar.raw(http.MethodPost, "/api/v1/products", "application/json; charset=utf-8", `{
		"name": "Refunds", "domain": "checkout", "owner": "omar@example.com", "classification": "internal",
		"contains_pii": false, "tags": ["Finance"], "freshness_sla": "90m",
		"output_ports": [{"name": "refunds", "type": "table", "location": "analytics.refunds"}]}`)
	if status != http.StatusCreated || hdr.Get("Location") != "/api/v1/products/checkout/refunds" {
		t.Fatalf("create: %d Location %q %s", status, hdr.Get("Location"), raw)
	}
	var created map[string]any
	json.Unmarshal([]byte(raw), &created)
	if created["status"] != "draft" || created["slug"] != "refunds" || created["freshness_sla"] != "1h30m" || created["url"] != hdr.Get("Location") {
		t.Errorf("created %v", created)
	}
	if tags, _ := created["tags"].([]any); len(tags) != 1 || tags[0] != "finance" {
		t.Errorf("tags %v", created["tags"])
	}
	app.assertGrew(t, before, map[string]int64{"products": 1, "output_ports": 1, "audit_entries": 1})
	if e := app.lastAudit(t, "product", "checkout/refunds"); e.Actor != "omar@example.com (token test)" || e.Action != "created" {
		t.Errorf("audit %s %s", e.Actor, e.Action)
	}

	// PATCH: only the fields sent change.
	_, was := omar.call(http.MethodGet, "/api/v1/products/checkout/orders", nil)
	status, now := omar.call(http.MethodPatch, "/api/v1/products/checkout/orders", map[string]any{"description": "One row per order line."})
	if status != http.StatusOK {
		t.Fatalf("patch: %d %v", status, now)
	}
	for k, v := range was {
		if k == "description" || k == "updated_at" {
			continue
		}
		wj, _ := json.Marshal(v)
		nj, _ := json.Marshal(now[k])
		if string(wj) != string(nj) {
			t.Errorf("PATCH description changed %s: %s -> %s", k, wj, nj)
		}
	}
	if now["description"] != "One row per order line." {
		t.Errorf("description %v", now["description"])
	}

	// Lists are replaced whole.
	status, now = omar.call(http.MethodPatch, "/api/v1/products/checkout/orders", map[string]any{
		"output_ports": []map[string]string{{"name": "orders-v2", "type": "view", "location": "analytics.orders_v2"}}})
	if ports, _ := now["output_ports"].([]any); status != http.StatusOK || len(ports) != 1 {
		t.Errorf("replace ports: %d %v", status, now["output_ports"])
	}

	// Status transitions through PATCH.
	before = app.rowCounts(t)
	status, body := omar.call(http.MethodPatch, "/api/v1/products/checkout/payments", map[string]any{"status": "retired"})
	assertAPIError(t, status, body, http.StatusUnprocessableEntity, "invalid", "", "status", "An active product can only become deprecated, not retired.")
	app.assertNothingWritten(t, before)
	status, body = omar.call(http.MethodPatch, "/api/v1/products/checkout/payments", map[string]any{"status": "deprecated"})
	if status != http.StatusOK || body["status"] != "deprecated" {
		t.Errorf("deprecate: %d %v", status, body)
	}

	// DELETE: only drafts and retired products.
	before = app.rowCounts(t)
	status, body = omar.call(http.MethodDelete, "/api/v1/products/checkout/payments", nil)
	assertAPIError(t, status, body, http.StatusConflict, "conflict",
		"Payments is deprecated. Only draft or retired products can be deleted; deprecate and retire it first.", "", "")
	app.assertNothingWritten(t, before)
	status, _, raw = omar.raw(http.MethodDelete, "/api/v1/products/checkout/refunds", "", "")
	if status != http.StatusNoContent || raw != "" {
		t.Errorf("delete: %d %q", status, raw)
	}
	app.assertGrew(t, before, map[string]int64{"products": -1, "output_ports": -1, "audit_entries": 1})
	status, body = omar.call(http.MethodGet, "/api/v1/products/checkout/refunds", nil)
	assertAPIError(t, status, body, http.StatusNotFound, "not_found", "There is no data product checkout/refunds.", "", "")
}

func TestAPIProductBadInput(t *testing.T) {
	t.Parallel()
	valid := `"name": "Refunds", "domain": "checkout", "owner": "omar@example.com", "classification": "internal"`
	cases := []struct {
		name, method, path, ctype, body string
		status                          int
		code, field, fieldMsg           string
	}{
		{"empty body", "POST", "/api/v1/products", "application/json", "", 400, "bad_request", "", ""},
		{"only whitespace", "POST", "/api/v1/products", "application/json", "  \n", 400, "bad_request", "", ""},
		{"invalid JSON", "POST", "/api/v1/products", "application/json", `{` + valid + `,}`, 400, "bad_request", "", ""},
		{"name is a number", "POST", "/api/v1/products", "application/json", `{"name": 5, "domain": "checkout"}`, 400, "bad_request", "name", "Must be a string."},
		{"contains_pii is a string", "POST", "/api/v1/products", "application/json", `{` + valid + `, "contains_pii": "yes"}`, 400, "bad_request", "contains_pii", "Must be true or false."},
		{"tags is a string", "POST", "/api/v1/products", "application/json", `{` + valid + `, "tags": "a,b"}`, 400, "bad_request", "tags", "Must be an array."},
		{"ports is an object", "POST", "/api/v1/products", "application/json", `{` + valid + `, "output_ports": {}}`, 400, "bad_request", "output_ports", "Must be an array."},
		{"SLA is a number", "POST", "/api/v1/products", "application/json", `{` + valid + `, "freshness_sla": 24}`, 400, "bad_request", "freshness_sla", "Must be a string."},
		{"unknown field", "POST", "/api/v1/products", "application/json", `{` + valid + `, "pii": true}`, 400, "bad_request", "pii", "Unknown field."},
		{"name too long", "POST", "/api/v1/products", "application/json", `{"name": "` + strings.Repeat("r", 101) + `", "domain": "checkout", "owner": "x", "classification": "internal"}`, 422, "invalid", "name", "Use at most 100 characters."},
		{"duplicate slug", "POST", "/api/v1/products", "application/json", `{"name": "Orders", "domain": "checkout", "owner": "x", "classification": "internal"}`, 409, "conflict", "slug", "Another product in this domain already uses this slug."},
		{"unknown domain", "POST", "/api/v1/products", "application/json", `{"name": "Refunds", "domain": "nope", "owner": "x", "classification": "internal"}`, 422, "invalid", "domain", "There is no domain \u201cnope\u201d."},
		{"no domain", "POST", "/api/v1/products", "application/json", `{"name": "Refunds", "owner": "x", "classification": "internal"}`, 422, "invalid", "domain", "Choose the domain that owns this product."},
		{"new product retired", "POST", "/api/v1/products", "application/json", `{` + valid + `, "status": "retired"}`, 422, "invalid", "status", "A new product starts as draft or active."},
		{"bad classification", "POST", "/api/v1/products", "application/json", `{"name": "Refunds", "domain": "checkout", "owner": "x", "classification": "secret"}`, 422, "invalid", "classification", "Choose one of: public, internal, confidential, restricted."},
		{"bad SLA", "POST", "/api/v1/products", "application/json", `{` + valid + `, "freshness_sla": "0m"}`, 422, "invalid", "freshness_sla", "Must be longer than zero; leave it empty for no SLA."},
		{"bad port", "POST", "/api/v1/products", "application/json", `{` + valid + `, "output_ports": [{"name": "r", "type": "table", "location": "nowhere"}]}`, 422, "invalid",
			"output_ports[0].location", "Give the table as schema.table (or database.schema.table; quote unusual names)."},
		{"text body", "POST", "/api/v1/products", "text/plain", `{` + valid + `}`, 400, "bad_request", "", ""},
		{"JSON in disguise", "POST", "/api/v1/products", "application/jsonp", `{` + valid + `}`, 400, "bad_request", "", ""},

		{"patch empty body", "PATCH", "/api/v1/products/checkout/orders", "application/json", "", 400, "bad_request", "", ""},
		{"patch wrong type", "PATCH", "/api/v1/products/checkout/orders", "application/json", `{"contains_pii": "yes"}`, 400, "bad_request", "contains_pii", "Must be true or false."},
		{"patch unknown field", "PATCH", "/api/v1/products/checkout/orders", "application/json", `{"id": 1}`, 400, "bad_request", "id", "Unknown field."},
		{"patch active to retired", "PATCH", "/api/v1/products/checkout/orders", "application/json", `{"status": "retired"}`, 422, "invalid", "status", "An active product can only become deprecated, not retired."},
		{"patch unknown status", "PATCH", "/api/v1/products/checkout/orders", "application/json", `{"status": "paused"}`, 422, "invalid", "status", "Choose one of: draft, active, deprecated, retired."},
		{"patch slug of a sibling", "PATCH", "/api/v1/products/checkout/orders", "application/json", `{"slug": "payments"}`, 409, "conflict", "slug", "Another product in this domain already uses this slug."},
		{"patch unknown domain", "PATCH", "/api/v1/products/checkout/orders", "application/json", `{"domain": "nope"}`, 422, "invalid", "domain", "There is no domain \u201cnope\u201d."},
		{"patch empty name", "PATCH", "/api/v1/products/checkout/orders", "application/json", `{"name": ""}`, 422, "invalid", "name", "Enter a name."},
		{"patch text body", "PATCH", "/api/v1/products/checkout/orders", "text/plain", `{"name": "x"}`, 400, "bad_request", "", ""},
		{"patch unknown product", "PATCH", "/api/v1/products/checkout/nope", "application/json", `{"name": "x"}`, 404, "not_found", "", ""},
		{"delete active product", "DELETE", "/api/v1/products/checkout/orders", "", "", 409, "conflict", "", ""},
		{"delete unknown product", "DELETE", "/api/v1/products/checkout/nope", "", "", 404, "not_found", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t)
			ada := app.apiAs(t, "ada@example.com", "admin")
			_, was := ada.call(http.MethodGet, "/api/v1/products/checkout/orders", nil)
			before := app.rowCounts(t)
			status, _, raw := ada.raw(tc.method, tc.path, tc.ctype, tc.body)
			var body map[string]any
			if err := json.Unmarshal([]byte(raw), &body); err != nil {
				t.Fatalf("answer is not JSON: %q", raw)
			}
			assertAPIError(t, status, body, tc.status, tc.code, "", tc.field, tc.fieldMsg)
			app.assertNothingWritten(t, before)
			_, now := ada.call(http.MethodGet, "/api/v1/products/checkout/orders", nil)
			wj, _ := json.Marshal(was)
			nj, _ := json.Marshal(now)
			if string(wj) != string(nj) {
				t.Errorf("orders changed:\n%s\n%s", wj, nj)
			}
		})
	}
}

func TestAPIProductAuthorization(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	newProduct := func(domain string) map[string]any {
		return map[string]any{"name": "Refunds", "domain": domain, "owner": "x", "classification": "internal"}
	}
	for _, tc := range []struct {
		name, email, role, domain, product, msg string
	}{
		{"viewer token", "vera@example.com", "viewer", "checkout", "orders", "Only admins and the owners of Checkout can add products to it."},
		{"owner's viewer token", "omar@example.com", "viewer", "checkout", "orders", "Only admins and the owners of Checkout can add products to it."},
		{"owner in another domain", "omar@example.com", "", "customer", "customer-profiles", "Only admins and the owners of Customer can add products to it."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := app.apiAs(t, tc.email, tc.role)
			path := "/api/v1/products/" + tc.domain + "/" + tc.product
			before := app.rowCounts(t)
			status, body := c.call(http.MethodPost, "/api/v1/products", newProduct(tc.domain))
			assertAPIError(t, status, body, http.StatusForbidden, "forbidden", tc.msg, "", "")
			status, body = c.call(http.MethodPatch, path, map[string]any{"description": "x"})
			assertAPIError(t, status, body, http.StatusForbidden, "forbidden", "", "", "")
			status, body = c.call(http.MethodPatch, path, map[string]any{"status": "deprecated"})
			assertAPIError(t, status, body, http.StatusForbidden, "forbidden", "", "", "")
			status, body = c.call(http.MethodDelete, path, nil)
			assertAPIError(t, status, body, http.StatusForbidden, "forbidden", "", "", "")
			app.assertNothingWritten(t, before)
		})
	}
	// Moving a product into a domain the owner does not own.
	omar := app.apiAs(t, "omar@example.com", "")
	before := app.rowCounts(t)
	status, body := omar.call(http.MethodPatch, "/api/v1/products/checkout/orders", map[string]any{"domain": "customer"})
	assertAPIError(t, status, body, http.StatusForbidden, "forbidden", "Only admins and the owners of Customer can move products into it.", "", "")
	app.assertNothingWritten(t, before)
}

func TestAPINeverShowsTheToken(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ada := app.apiAs(t, "ada@example.com", "admin")
	hash := models.HashSecret(ada.token)
	check := func(what string, hdr http.Header, body string) {
		t.Helper()
		all := body
		for k, vs := range hdr {
			all += "\n" + k + ": " + strings.Join(vs, ", ")
		}
		if strings.Contains(all, ada.token) || strings.Contains(all, hash) {
			t.Errorf("%s: the answer contains the token", what)
		}
	}
	for _, r := range []struct{ method, path, ctype, body string }{
		{"GET", "/api/v1/domains", "", ""},
		{"GET", "/api/v1/products?q=" + ada.token, "", ""},
		{"GET", "/api/v1/domains/" + ada.token, "", ""},
		{"POST", "/api/v1/domains", "application/json", `{"name": "T", "owners": ["x"], "description": "x"}`},
		{"POST", "/api/v1/domains", "application/json", `{"name": 1}`},
		{"POST", "/api/v1/domains", "application/json", `{"` + ada.token + `": 1}`},
		{"PATCH", "/api/v1/domains/checkout", "application/json", `{"status": "retired"}`},
		{"DELETE", "/api/v1/domains/t", "", ""},
		{"GET", "/api/v1/nope", "", ""},
	} {
		status, hdr, body := ada.raw(r.method, r.path, r.ctype, r.body)
		if status >= 500 {
			t.Errorf("%s %s: %d", r.method, r.path, status)
		}
		if r.path == "/api/v1/domains/"+ada.token || strings.Contains(r.body, ada.token) {
			// Echoing what the client itself sent in the path or body is
			// not a leak; only check the token's hash is not shown.
			if strings.Contains(body, hash) {
				t.Errorf("%s %s: the answer contains the token's hash", r.method, r.path)
			}
			continue
		}
		check(r.method+" "+r.path, hdr, body)
	}
	// A wrong token is not echoed back either.
	wrong := &apiClient{t: t, base: app.URL, token: "mp_wrong-token-value"}
	_, hdr, body := wrong.raw("GET", "/api/v1/domains", "", "")
	if strings.Contains(body, wrong.token) || strings.Contains(strings.Join(hdr.Values("WWW-Authenticate"), " "), wrong.token) {
		t.Error("the rejected token is echoed")
	}
	// Nor does it end up in the metrics.
	res, err := http.Get(app.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b := new(strings.Builder)
	_, _ = io.Copy(b, res.Body)
	check("metrics", res.Header, b.String())
}

func TestAPIBodyTooLarge(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ada := app.apiAs(t, "ada@example.com", "admin")
	big := `{"name": "Big", "owners": ["x"], "description": "` + strings.Repeat("x", 2<<20) + `"}`
	before := app.rowCounts(t)
	for name, body := range map[string]io.Reader{
		"with length":    strings.NewReader(big),
		"without length": io.MultiReader(strings.NewReader(big)), // sent chunked
	} {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, app.URL+"/api/v1/domains", body)
			req.Header.Set("Authorization", "Bearer "+ada.token)
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var out map[string]any
			json.NewDecoder(res.Body).Decode(&out)
			assertAPIError(t, res.StatusCode, out, http.StatusRequestEntityTooLarge, "too_large", "", "", "")
		})
	}
	app.assertNothingWritten(t, before)
}

// Edits of one domain at once all succeed: each transaction does its checks
// on its own connection rather than waiting for another from the pool.
func TestAPIConcurrentDomainEdits(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ada := app.apiAs(t, "ada@example.com", "admin")
	const n = 24
	// A client of its own: the spare connections its transport dials under
	// load are closed at the end instead of holding up the server's shutdown.
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	before := app.rowCounts(t)
	start := time.Now()
	statuses := make(chan int, n)
	for i := 0; i < n; i++ {
		go func() {
			req, _ := http.NewRequest(http.MethodPatch, app.URL+"/api/v1/domains/checkout", strings.NewReader(fmt.Sprintf(`{"description": "Edit %d"}`, i)))
			req.Header.Set("Authorization", "Bearer "+ada.token)
			req.Header.Set("Content-Type", "application/json")
			res, err := client.Do(req)
			if err != nil {
				statuses <- 0
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			statuses <- res.StatusCode
		}()
	}
	for i := 0; i < n; i++ {
		if status := <-statuses; status != http.StatusOK {
			t.Errorf("edit answered %d", status)
		}
	}
	// A pool deadlock would hold the edits until the client's 10 s
	// timeout; SQLite runs the 24 writes one after another, which under
	// the whole suite's parallel, race-enabled load takes a few seconds.
	if d := time.Since(start); d > 8*time.Second {
		t.Errorf("%d edits took %v", n, d)
	}
	app.assertGrew(t, before, map[string]int64{"audit_entries": n})
}
