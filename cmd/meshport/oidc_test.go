package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/meshport/meshport/handlers/oidctest"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/seed"
)

// ssoConfig is a production-like configuration (no --dev) signing in at p.
func ssoConfig(t testing.TB, p *oidctest.Provider) Config {
	cfg := testConfig(filepath.Join(t.TempDir(), "meshport.db"))
	cfg.Dev = false
	cfg.SecretKey = "test-secret-key-0123456789-abcdefghij"
	cfg.OIDCIssuer, cfg.OIDCClientID, cfg.OIDCClientSecret = p.URL, p.ClientID, p.ClientSecret
	cfg.AdminGroups, cfg.AdminEmails = "platform-admins", "boss@example.com"
	return cfg
}

// newSSOApp is the portal signing in at a fresh in-process provider, with the
// demo domains (checkout is owned by checkout-team and omar@example.com).
func newSSOApp(t testing.TB) (*testApp, *oidctest.Provider) {
	t.Helper()
	return newSSOAppWith(t, func(*Config) {})
}

// newSSOAppWith is newSSOApp with the configuration changed by change.
func newSSOAppWith(t testing.TB, change func(*Config)) (*testApp, *oidctest.Provider) {
	t.Helper()
	p := oidctest.New(t)
	cfg := ssoConfig(t, p)
	change(&cfg)
	app := newTestAppWithConfig(t, cfg)
	if err := seed.Demo(context.Background(), app.Store); err != nil {
		t.Fatal(err)
	}
	return app, p
}

var omarClaims = map[string]any{
	"sub": "u-omar", "email": "omar@example.com", "email_verified": true,
	"name": "Omar Owner", "groups": []any{"checkout-team", "everyone"},
}

// getURL reads any URL (the provider's too) without following redirects.
func (b *browser) getURL(raw string) *page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, raw, nil)
	return b.do(req)
}

// toCallback starts a sign-in for next and walks the browser through the
// provider, stopping at the callback URL the provider sends it back to.
func (b *browser) toCallback(next string) string {
	b.t.Helper()
	start := b.get("/login/start?next=" + url.QueryEscape(next))
	if start.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("start sign-in: status %d", start.StatusCode)
	}
	atProvider := b.getURL(start.Header.Get("Location"))
	if atProvider.StatusCode != http.StatusFound {
		b.t.Fatalf("provider authorize: status %d: %s", atProvider.StatusCode, atProvider.Body)
	}
	return atProvider.Header.Get("Location")
}

// ssoSignIn signs in through the provider and returns the callback's answer.
func (b *browser) ssoSignIn(next string) *page {
	b.t.Helper()
	return b.getURL(b.toCallback(next))
}

// assertRefused checks a failed sign-in: a readable page with the heading and
// a way to try again, no session, and nobody signed in.
func assertRefused(t *testing.T, b *browser, res *page, status int, heading string) {
	t.Helper()
	if res.StatusCode != status {
		t.Fatalf("status %d, want %d: %s", res.StatusCode, status, text(res.Doc.Find("main")))
	}
	if got := res.heading(); got != heading {
		t.Errorf("heading %q, want %q", got, heading)
	}
	if href, _ := res.Doc.Find("#sso-retry").Attr("href"); !strings.HasPrefix(href, "/login/start") {
		t.Errorf("no try-again link on the page (href %q)", href)
	}
	if strings.Contains(res.Body, "goroutine") || strings.Contains(res.Body, ".go:") {
		t.Errorf("page shows internals: %s", res.Body)
	}
	if b.cookie("meshport_session") != "" {
		t.Error("a session cookie was set")
	}
	if home := b.get("/"); home.StatusCode != http.StatusSeeOther || !strings.HasPrefix(home.Header.Get("Location"), "/login") {
		t.Errorf("after a refused sign-in / answers %d %s", home.StatusCode, home.Header.Get("Location"))
	}
}

func TestSSOSignInLandsOnDeepLinkAsOwner(t *testing.T) {
	t.Parallel()
	app, p := newSSOApp(t)
	p.SetUser(omarClaims)
	b := app.browser(t)

	// An anonymous deep link goes to the sign-in page, which offers the provider.
	deep := "/products?q=orders&status=active"
	res := b.get(deep)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next="+url.QueryEscape(deep) {
		t.Fatalf("anonymous deep link: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	login := b.get(res.Header.Get("Location"))
	start, _ := login.Doc.Find("#sso-start").Attr("href")
	if start != "/login/start?next="+url.QueryEscape(deep) {
		t.Fatalf("sign-in button points at %q", start)
	}
	if login.Doc.Find(`input[name="subject"]`).Length() != 0 || strings.Contains(login.Body, "demo user") {
		t.Error("the development sign-in is offered although an issuer is configured")
	}

	b.get("/") // an anonymous session cookie must not survive sign-in
	before := b.cookie("meshport_session")
	back := b.ssoSignIn(deep)
	if back.StatusCode != http.StatusSeeOther || back.Header.Get("Location") != deep {
		t.Fatalf("callback: %d → %q, want → %q: %s", back.StatusCode, back.Header.Get("Location"), deep, text(back.Doc.Find("main")))
	}
	assertSessionCookie(t, back.Header.Values("Set-Cookie"))
	if after := b.cookie("meshport_session"); after == "" || after == before {
		t.Fatalf("session cookie not set or not rotated (%q → %q)", before, after)
	}
	if methods := p.Challenges(); len(methods) != 1 || methods[0] != "S256" {
		t.Errorf("code_challenge_method %v, want [S256]", methods)
	}

	landed := b.get(deep)
	if landed.StatusCode != http.StatusOK || !strings.Contains(text(landed.Doc.Find("header")), "Omar Owner") {
		t.Fatalf("deep link after sign-in: %d, header %q", landed.StatusCode, text(landed.Doc.Find("header")))
	}
	if strings.Contains(landed.Body, "local sign-in") {
		t.Error("the development banner is shown under SSO")
	}

	var u models.User
	if err := app.Store.DB().Where("subject = ?", "u-omar").Take(&u).Error; err != nil {
		t.Fatal(err)
	}
	if u.Issuer != p.URL || u.Email != "omar@example.com" || !u.EmailVerified || u.Admin ||
		!sameStrings(u.Groups, []string{"checkout-team", "everyone"}) {
		t.Errorf("stored user %+v", u)
	}
	// Owner of checkout through the group: may create products there.
	form := b.get("/products/new")
	if opts := form.texts(`#domain option`); !containsText(opts, "Checkout") || containsText(opts, "Customer") {
		t.Errorf("domains offered to the owner: %v", opts)
	}
}

func TestSSOProfileRefreshedAtEachSignIn(t *testing.T) {
	t.Parallel()
	app, p := newSSOApp(t)
	p.SetUser(omarClaims)
	app.browser(t).ssoSignIn("/")

	changed := map[string]any{"sub": "u-omar", "email": "omar.o@example.com", "email_verified": true,
		"name": "Omar O.", "groups": []any{"platform-admins"}}
	p.SetUser(changed)
	b := app.browser(t)
	if res := b.ssoSignIn("/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("second sign-in: %d", res.StatusCode)
	}
	var users []models.User
	app.Store.DB().Find(&users)
	if len(users) != 1 {
		t.Fatalf("%d users after two sign-ins of one subject, want 1", len(users))
	}
	if u := users[0]; u.Name != "Omar O." || u.Email != "omar.o@example.com" || !u.Admin || !sameStrings(u.Groups, []string{"platform-admins"}) {
		t.Errorf("user not refreshed: %+v", u)
	}
	if !b.get("/domains").hasButton("New domain") {
		t.Error("admin by group does not see New domain")
	}
}

func TestSSOGroupsClaimShapes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		idToken    map[string]any
		userInfo   map[string]any
		wantGroups []string
		wantOwner  bool
		wantAdmin  bool
	}{
		{name: "list", idToken: map[string]any{"groups": []any{"checkout-team", "x"}}, wantGroups: []string{"checkout-team", "x"}, wantOwner: true},
		{name: "string", idToken: map[string]any{"groups": "checkout-team"}, wantGroups: []string{"checkout-team"}, wantOwner: true},
		{name: "comma string", idToken: map[string]any{"groups": "analysts, platform-admins"}, wantGroups: []string{"analysts", "platform-admins"}, wantAdmin: true},
		{name: "only in userinfo", userInfo: map[string]any{"groups": []any{"checkout-team"}}, wantGroups: []string{"checkout-team"}, wantOwner: true},
		{name: "missing", wantGroups: []string{}},
		{name: "not strings", idToken: map[string]any{"groups": []any{42, map[string]any{"a": 1}}}, wantGroups: []string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app, p := newSSOApp(t)
			claims := map[string]any{"sub": "u-1", "email": "someone@example.com", "email_verified": true, "name": "Some One"}
			for k, v := range tc.idToken {
				claims[k] = v
			}
			p.SetUser(claims)
			p.SetUserInfoOnly(tc.userInfo)
			b := app.browser(t)
			if res := b.ssoSignIn("/"); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign-in: %d %s", res.StatusCode, text(res.Doc.Find("main")))
			}
			var u models.User
			app.Store.DB().Take(&u)
			if !sameStrings(u.Groups, tc.wantGroups) || u.Admin != tc.wantAdmin {
				t.Errorf("groups %q admin %v, want %q admin %v", u.Groups, u.Admin, tc.wantGroups, tc.wantAdmin)
			}
			canEdit := b.get("/domains/checkout").hasButton("Edit")
			if canEdit != (tc.wantOwner || tc.wantAdmin) {
				t.Errorf("Edit on checkout shown: %v", canEdit)
			}
		})
	}
}

func TestSSOEmailTrustedOnlyWhenVerified(t *testing.T) {
	t.Parallel()
	app, p := newSSOApp(t)
	// Claims the email of checkout's owner and of an admin, unverified.
	p.SetUser(map[string]any{"sub": "u-mallory", "email": "omar@example.com", "email_verified": false, "name": "Mallory"})
	b := app.browser(t)
	b.ssoSignIn("/")
	if b.get("/domains/checkout").hasButton("Edit") {
		t.Error("an unverified email made the user an owner")
	}
	res, _ := b.post("/products", url.Values{"name": {"Sneaky"}, "domain": {"checkout"}, "owner": {"x"}, "status": {"draft"}, "classification": {"internal"}})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("unverified owner creating a product: %d, want 403", res.StatusCode)
	}

	p.SetUser(map[string]any{"sub": "u-boss", "email": "boss@example.com", "email_verified": "false", "name": "Not Boss"})
	b2 := app.browser(t)
	b2.ssoSignIn("/")
	if b2.get("/domains").hasButton("New domain") {
		t.Error("an unverified admin email made the user an admin")
	}
	p.SetUser(map[string]any{"sub": "u-boss2", "email": "Boss@Example.com", "email_verified": "true", "name": "Real Boss"})
	b3 := app.browser(t)
	b3.ssoSignIn("/")
	if !b3.get("/domains").hasButton("New domain") {
		t.Error("a verified admin email (sent as the string \"true\") did not make the user an admin")
	}
}

func TestSSOBrokenIDTokensAreRefused(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		mutate func(map[string]any)
	}{
		{"nonce mismatch", func(c map[string]any) { c["nonce"] = "not-the-one-we-sent" }},
		{"nonce missing", func(c map[string]any) { delete(c, "nonce") }},
		{"wrong audience", func(c map[string]any) { c["aud"] = "some-other-client" }},
		{"expired", func(c map[string]any) {
			c["iat"], c["exp"] = time.Now().Add(-2*time.Hour).Unix(), time.Now().Add(-time.Hour).Unix()
		}},
		{"wrong issuer", func(c map[string]any) { c["iss"] = "https://evil.example.com" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app, p := newSSOApp(t)
			p.SetUser(omarClaims)
			p.Mutate(tc.mutate)
			b := app.browser(t)
			res := b.ssoSignIn("/products")
			assertRefused(t, b, res, http.StatusUnauthorized, "The sign-in was not accepted")
			if href, _ := res.Doc.Find("#sso-retry").Attr("href"); href != "/login/start?next=%2Fproducts" {
				t.Errorf("try again keeps the deep link? href %q", href)
			}
			if users, sessions := app.count(t, "users"), app.count(t, "sessions"); users != 0 || sessions != 0 {
				t.Errorf("%d users and %d sessions stored from a refused token", users, sessions)
			}
		})
	}
}

func TestSSOReplayedCallbackIsRefused(t *testing.T) {
	t.Parallel()
	app, p := newSSOApp(t)
	p.SetUser(omarClaims)
	b := app.browser(t)
	callback := b.toCallback("/")
	stolen := b.loginCookies(callback)
	if len(stolen) != 1 {
		t.Fatalf("want one sign-in cookie for the callback, have %d", len(stolen))
	}
	if res := b.getURL(callback); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first callback: %d", res.StatusCode)
	}

	// The same browser again: the attempt was used up.
	again := app.browser(t)
	res := again.getURL(callback)
	assertRefused(t, again, res, http.StatusBadRequest, "This sign-in link has expired or was already used")

	// An attacker who also copied the sign-in cookie: the provider refuses the code.
	thief := app.browser(t)
	thief.http.Jar.SetCookies(mustURL(t, callback), stolen)
	res = thief.getURL(callback)
	assertRefused(t, thief, res, http.StatusUnauthorized, "This sign-in code was not accepted")
	if n := app.count(t, "sessions"); n != 1 {
		t.Errorf("%d sessions, want only the first sign-in's", n)
	}
}

func TestSSOCallbackStateChecks(t *testing.T) {
	t.Parallel()
	app, p := newSSOApp(t)
	p.SetUser(omarClaims)

	t.Run("missing state", func(t *testing.T) {
		b := app.browser(t)
		callback := mustURL(t, b.toCallback("/"))
		q := callback.Query()
		q.Del("state")
		callback.RawQuery = q.Encode()
		assertRefused(t, b, b.getURL(callback.String()), http.StatusBadRequest, "The sign-in answer is incomplete")
	})
	t.Run("tampered state", func(t *testing.T) {
		b := app.browser(t)
		callback := mustURL(t, b.toCallback("/"))
		q := callback.Query()
		state := q.Get("state")
		q.Set("state", state[:len(state)-1]+flip(state[len(state)-1]))
		callback.RawQuery = q.Encode()
		assertRefused(t, b, b.getURL(callback.String()), http.StatusBadRequest, "The sign-in answer was not accepted")
	})
	t.Run("state from another browser", func(t *testing.T) {
		victim := app.browser(t)
		callback := victim.toCallback("/")
		attacker := app.browser(t)
		assertRefused(t, attacker, attacker.getURL(callback), http.StatusBadRequest, "This sign-in link has expired or was already used")
	})
	t.Run("forged sign-in cookie", func(t *testing.T) {
		b := app.browser(t)
		callback := mustURL(t, b.toCallback("/"))
		cookies := b.loginCookies(callback.String())
		if len(cookies) != 1 {
			t.Fatalf("%d sign-in cookies", len(cookies))
		}
		cookies[0].Value = strings.Repeat("A", len(cookies[0].Value))
		cookies[0].Path = callback.Path // replace the cookie, not add one beside it
		b.http.Jar.SetCookies(callback, cookies)
		assertRefused(t, b, b.getURL(callback.String()), http.StatusBadRequest, "The sign-in answer was not accepted")
	})
	t.Run("cancelled at the provider", func(t *testing.T) {
		p.Deny(true)
		defer p.Deny(false)
		b := app.browser(t)
		assertRefused(t, b, b.ssoSignIn("/"), http.StatusUnauthorized, "Sign-in was cancelled")
	})
	if n := app.count(t, "sessions"); n != 0 {
		t.Errorf("%d sessions after refused callbacks", n)
	}
	t.Run("no code", func(t *testing.T) {
		b := app.browser(t)
		callback := mustURL(t, b.toCallback("/"))
		q := callback.Query()
		q.Del("code")
		callback.RawQuery = q.Encode()
		assertRefused(t, b, b.getURL(callback.String()), http.StatusBadRequest, "The sign-in answer is incomplete")
	})
}

func TestSSOProviderDownAtCallback(t *testing.T) {
	t.Parallel()
	app, p := newSSOApp(t)
	p.SetUser(omarClaims)
	b := app.browser(t)
	callback := b.toCallback("/domains")
	p.Close()
	res := b.getURL(callback)
	assertRefused(t, b, res, http.StatusBadGateway, "The identity provider is not answering")
}

func TestSSOSignOutEndsSessionAndContinuesAtProvider(t *testing.T) {
	t.Parallel()
	app, p := newSSOApp(t)
	p.SetUser(omarClaims)
	b := app.browser(t)
	b.ssoSignIn("/")
	home := b.get("/")
	// The sign-out form is redirected to the provider, which the CSP must allow.
	if csp := home.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' "+p.URL+";") {
		t.Errorf("CSP does not let the sign-out form continue at the provider: %s", csp)
	}
	res, _ := b.post("/logout", nil)
	loc := mustURL(t, res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || loc.Path != "/logout" || !strings.HasPrefix(loc.String(), p.URL) ||
		loc.Query().Get("client_id") != p.ClientID {
		t.Fatalf("sign-out: %d → %s", res.StatusCode, loc)
	}
	if n := app.count(t, "sessions"); n != 0 {
		t.Errorf("%d sessions after sign-out", n)
	}
	if home := b.get("/"); home.StatusCode != http.StatusSeeOther {
		t.Errorf("still signed in after sign-out: %d", home.StatusCode)
	}
}

func TestSSOReplacesDevSignIn(t *testing.T) {
	t.Parallel()
	app, _ := newSSOApp(t)
	b := app.browser(t)
	b.get("/login")
	res, _ := b.post("/login", url.Values{"subject": {"ada"}})
	if res.StatusCode == http.StatusSeeOther || b.cookie("meshport_session") != "" {
		t.Fatalf("the development sign-in still works under SSO: %d", res.StatusCode)
	}
}

func TestSSOStartFailsClearly(t *testing.T) {
	t.Parallel()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	t.Run("issuer announces another name", func(t *testing.T) {
		p := oidctest.New(t)
		p.AnnounceIssuer("https://login.example.com")
		cfg := ssoConfig(t, p)
		cfg.OIDCRedirectURL = "http://127.0.0.1:1/auth/callback"
		_, err := NewApp(context.Background(), cfg, quiet)
		if err == nil || !strings.Contains(err.Error(), "names a different issuer") || !strings.Contains(err.Error(), "MESHPORT_OIDC_ISSUER") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("issuer unreachable", func(t *testing.T) {
		p := oidctest.New(t)
		cfg := ssoConfig(t, p)
		cfg.OIDCRedirectURL = "http://127.0.0.1:1/auth/callback"
		p.Close()
		_, err := NewApp(context.Background(), cfg, quiet)
		if err == nil || !strings.Contains(err.Error(), "discovery") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("settings missing", func(t *testing.T) {
		cfg := testConfig(filepath.Join(t.TempDir(), "x.db"))
		cfg.Dev, cfg.SecretKey = false, "test-secret-key-0123456789-abcdefghij"
		cfg.OIDCIssuer = "http://127.0.0.1:1"
		_, err := NewApp(context.Background(), cfg, quiet)
		for _, want := range []string{"MESHPORT_OIDC_CLIENT_ID", "MESHPORT_OIDC_REDIRECT_URL"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("err = %v, want it to name %s", err, want)
			}
		}
	})
	t.Run("no sign-in at all", func(t *testing.T) {
		cfg := testConfig(filepath.Join(t.TempDir(), "x.db"))
		cfg.Dev, cfg.SecretKey = false, "test-secret-key-0123456789-abcdefghij"
		_, err := NewApp(context.Background(), cfg, quiet)
		if err == nil || !strings.Contains(err.Error(), "no sign-in is configured") {
			t.Fatalf("err = %v", err)
		}
	})
}

// assertSessionCookie checks the session cookie's attributes as sent.
func assertSessionCookie(t *testing.T, setCookies []string) {
	t.Helper()
	for _, sc := range setCookies {
		if strings.HasPrefix(sc, "meshport_session=") && sc != "meshport_session=" {
			if !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") || !strings.Contains(sc, "Path=/") {
				t.Errorf("session cookie attributes: %s", sc)
			}
			return
		}
	}
	t.Errorf("no session cookie in %q", setCookies)
}

// loginCookies are the sealed sign-in attempts the browser holds.
func (b *browser) loginCookies(callback string) []*http.Cookie {
	b.t.Helper()
	var out []*http.Cookie
	for _, c := range b.http.Jar.Cookies(mustURL(b.t, callback)) {
		if strings.HasPrefix(c.Name, "meshport_login_") {
			out = append(out, c)
		}
	}
	return out
}

func mustURL(t testing.TB, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

func containsText(list []string, want string) bool {
	for _, s := range list {
		if strings.Contains(s, want) {
			return true
		}
	}
	return false
}

// TestDevSignInDoesNotOutliveDevMode: sessions and tokens of the demo users
// stop working when the same database is served with a real provider.
func TestDevSignInDoesNotOutliveDevMode(t *testing.T) {
	t.Parallel()
	dbPath := filepath.Join(t.TempDir(), "shared.db")
	dev := newTestAppWithDB(t, dbPath)
	ada := dev.signedIn(t, "ada")
	ada.get("/profile")
	created, _ := ada.post("/profile/tokens", url.Values{"name": {"script"}, "expires": {"30d"}})
	token := strings.TrimSpace(created.Doc.Find("#new-token").Text())
	session := sessionCookieOf(t, dev, ada)
	if token == "" {
		t.Fatal("no token created")
	}

	p := oidctest.New(t)
	cfg := ssoConfig(t, p)
	cfg.DatabaseURL = dbPath
	sso := newTestAppWithConfig(t, cfg)

	req, _ := http.NewRequest(http.MethodGet, sso.URL+"/domains", nil)
	req.Header.Set("Cookie", session)
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("a development session under SSO: %d %s", res.StatusCode, res.Header.Get("Location"))
	}

	req, _ = http.NewRequest(http.MethodGet, sso.URL+"/api/v1/domains", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a development user's token under SSO: %d, want 401", res.StatusCode)
	}
	// The same token still works where the development sign-in exists.
	req, _ = http.NewRequest(http.MethodGet, dev.URL+"/api/v1/domains", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("the token in dev mode: %d, want 200", res.StatusCode)
	}
}

func TestSSOProviderDownAtStart(t *testing.T) {
	t.Parallel()
	app, p := newSSOApp(t)
	b := app.browser(t)
	p.Close()
	res := b.get("/login/start?next=%2Fdomains")
	assertRefused(t, b, res, http.StatusServiceUnavailable, "The identity provider is not answering")
	if href, _ := res.Doc.Find("#sso-retry").Attr("href"); href != "/login/start?next=%2Fdomains" {
		t.Errorf("try again loses the deep link: %q", href)
	}
	if len(b.loginCookies(app.URL+"/auth/callback")) != 0 {
		t.Error("a sign-in attempt was started although the provider is down")
	}
}
