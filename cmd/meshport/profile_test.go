package main

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestPersonalTokens: a person creates a token on their profile page, sees
// it once, uses it with exactly their own rights, and revokes it.
func TestPersonalTokens(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	omar := app.signedIn(t, "omar")
	omar.get("/profile")

	page, _ := omar.post("/profile/tokens", url.Values{"name": {"nightly export"}, "expires": {"30d"}})
	if page.StatusCode != http.StatusOK {
		t.Fatalf("create token: status %d", page.StatusCode)
	}
	if cc := page.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the page showing a token may be cached: Cache-Control %q", cc)
	}
	secret := strings.TrimSpace(page.Doc.Find("#new-token").Text())
	if !strings.HasPrefix(secret, "mp_") {
		t.Fatalf("no new token shown, got %q", secret)
	}
	if again := omar.get("/profile"); strings.Contains(again.Body, secret) || again.Doc.Find("#new-token").Length() != 0 {
		t.Fatal("the token is shown again after a reload")
	}
	if n := app.countWhere(t, "api_tokens", "token_hash = ?", secret); n != 0 {
		t.Fatal("the token is stored in clear")
	}

	api := &apiClient{t: t, base: app.URL, token: secret}
	product := func(domain, name string) map[string]any {
		return map[string]any{"name": name, "domain": domain, "owner": "omar@example.com", "classification": "internal"}
	}
	if status, body := api.call(http.MethodPost, "/api/v1/products", product("checkout", "Refunds")); status != http.StatusCreated {
		t.Fatalf("owner's token in own domain: status %d %v", status, body)
	}
	before := app.count(t, "products")
	if status, _ := api.call(http.MethodPost, "/api/v1/products", product("customer", "Leads")); status != http.StatusForbidden {
		t.Fatalf("owner's token in another domain: status %d, want 403", status)
	}
	if status, _ := api.call(http.MethodPost, "/api/v1/domains", map[string]any{"name": "Mine", "owners": []string{"x"}}); status != http.StatusForbidden {
		t.Fatalf("owner's token creating a domain: status %d, want 403", status)
	}
	if app.count(t, "products") != before {
		t.Fatal("a refused token write changed products")
	}
	if entry := app.lastAuditActor(t); !strings.Contains(entry, "omar@example.com (token nightly export)") {
		t.Errorf("audit actor %q does not name the user and token", entry)
	}

	profile := omar.get("/profile")
	action, ok := profile.Doc.Find(`form[action$="/revoke"]`).First().Attr("action")
	if !ok {
		t.Fatal("no revoke button")
	}
	if res, _ := omar.post(action, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: status %d", res.StatusCode)
	}
	if status, _ := api.call(http.MethodGet, "/api/v1/domains", nil); status != http.StatusUnauthorized {
		t.Fatalf("revoked token: status %d, want 401", status)
	}
	if !strings.Contains(omar.get("/profile").Body, "revoked") {
		t.Error("the profile does not show the token as revoked")
	}
}

func TestPersonalTokenBadInput(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	vera := app.signedIn(t, "vera")
	vera.get("/profile")
	cases := []struct {
		name    string
		form    url.Values
		field   string
		message string
	}{
		{"no name", url.Values{"name": {"  "}, "expires": {"30d"}}, "name", "Name the token, e.g. after the script that uses it."},
		{"name too long", url.Values{"name": {strings.Repeat("n", 101)}, "expires": {"30d"}}, "name", "Use at most 100 characters."},
		{"unknown lifetime", url.Values{"name": {"x"}, "expires": {"1000y"}}, "expires", "Choose one of the listed lifetimes."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := app.count(t, "api_tokens")
			page, _ := vera.post("/profile/tokens", tc.form)
			if page.StatusCode != http.StatusUnprocessableEntity || page.fieldError(tc.field) != tc.message {
				t.Fatalf("status %d, %s error %q; want 422, %q", page.StatusCode, tc.field, page.fieldError(tc.field), tc.message)
			}
			if v, _ := page.Doc.Find("#name").Attr("value"); v != tc.form.Get("name") {
				t.Errorf("the form lost the typed name: %q", v)
			}
			if app.count(t, "api_tokens") != before {
				t.Fatal("a refused token was written")
			}
		})
	}

	// Someone else's token cannot be revoked by id.
	ada := app.apiAs(t, "ada@example.com", "admin")
	var adaTokenID uint
	if err := app.Store.DB().Table("api_tokens").Select("id").Order("id DESC").Limit(1).Scan(&adaTokenID).Error; err != nil {
		t.Fatal(err)
	}
	vera.get("/profile")
	if res, _ := vera.post("/profile/tokens/"+itoa(adaTokenID)+"/revoke", nil); res.StatusCode != http.StatusNotFound {
		t.Fatalf("revoking another user's token: status %d, want 404", res.StatusCode)
	}
	if status, _ := ada.call(http.MethodGet, "/api/v1/domains", nil); status != http.StatusOK {
		t.Fatalf("another user's token stopped working: status %d", status)
	}
}

// countWhere counts the rows of table matching a condition.
func (a *testApp) countWhere(t testing.TB, table, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := a.Store.DB().Table(table).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// lastAuditActor is who made the newest recorded change.
func (a *testApp) lastAuditActor(t testing.TB) string {
	t.Helper()
	var actor string
	if err := a.Store.DB().Table("audit_entries").Select("actor").Order("id DESC").Limit(1).Scan(&actor).Error; err != nil {
		t.Fatal(err)
	}
	return actor
}

func itoa(n uint) string { return strconv.FormatUint(uint64(n), 10) }
