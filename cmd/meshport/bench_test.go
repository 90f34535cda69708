package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/secrets"
	"github.com/meshport/meshport/models/seed"
)

// BenchmarkProductListPage is the server's own cost of the filtered product
// list with 50 domains and 10,000 products: routing, middleware, session,
// catalog filter and rendering, without the network. The load figures in
// docs/performance.md come from scripts/bench-product-list.
func BenchmarkProductListPage(b *testing.B) {
	// Seeded before the portal starts, which then scores every product
	// (each row carries its policy badge); timing starts after that.
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "meshport.db")
	sealer, _ := secrets.NewSealer(devSecretKey)
	store, err := models.Open(path, models.Options{Sealer: sealer})
	if err != nil {
		b.Fatal(err)
	}
	if err := store.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if err := seed.Bulk(ctx, store, 50, 10000); err != nil {
		b.Fatal(err)
	}
	store.Close()
	cfg := testConfig(path)
	evaluated := make(chan struct{})
	cfg.tuning.startupEvaluated = func() { close(evaluated) }
	app := newTestAppWithConfig(b, cfg)
	<-evaluated
	browser := app.signedIn(b, "vera")
	var cookie string
	for _, c := range browser.http.Jar.Cookies(mustParseURL(b, app.URL)) {
		if c.Name == "meshport_session" {
			cookie = c.Name + "=" + c.Value
		}
	}
	for _, path := range []string{"/products?q=orders&status=active", "/products", "/"} {
		b.Run(strings.TrimPrefix(path, "/"), func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("Cookie", cookie)
			req.RemoteAddr = "127.0.0.1:40000"
			if w := httptest.NewRecorder(); path == "/products" {
				app.HTTP.ServeHTTP(w, req)
				if !strings.Contains(w.Body.String(), "badge-score-") {
					b.Fatal("the list shows no policy score")
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				app.HTTP.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
	}
}

// BenchmarkFindingsPage is the server's own cost of the findings pages and
// the home dashboard with 50 domains, 10,000 products and 100,000 assets in
// 10 sources (about 87,000 findings), SQLite. The load figures in
// docs/performance.md come from scripts/bench-findings.
func BenchmarkFindingsPage(b *testing.B) {
	// Seeded before the portal starts: its start-up evaluation would
	// otherwise hold the write lock while the seed evaluates.
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "meshport.db")
	sealer, _ := secrets.NewSealer(devSecretKey)
	store, err := models.Open(path, models.Options{Sealer: sealer})
	if err != nil {
		b.Fatal(err)
	}
	if err := store.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if err := seed.Bulk(ctx, store, 50, 10000); err != nil {
		b.Fatal(err)
	}
	if _, err := seed.Assets(ctx, store, 10, 100000); err != nil {
		b.Fatal(err)
	}
	store.Close()
	app := newTestAppWithDB(b, path)
	// Wait for the start-up evaluation by evaluating after it (SQLite
	// waits up to 5 s for the write lock; a retry covers a slow start).
	for attempt := 0; ; attempt++ {
		if _, err = app.Store.EvaluateFindings(ctx); err == nil || attempt == 3 {
			break
		}
	}
	if err != nil {
		b.Fatal(err)
	}
	cookie := sessionCookieOf(b, app, app.signedIn(b, "vera"))
	for _, path := range []string{"/findings", "/findings?group=dark-data&size=1GB&sort=cost", "/"} {
		b.Run(strings.TrimPrefix(path, "/"), func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("Cookie", cookie)
			req.RemoteAddr = "127.0.0.1:40000"
			app.HTTP.ServeHTTP(httptest.NewRecorder(), req) // loads the snapshots
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				app.HTTP.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
	}
}

// BenchmarkAuthenticatedPage compares the server time of the same pages for
// a user signed in through OpenID Connect and through the development
// sign-in (the issue allows SSO at most 1 ms more). "uncached" turns off
// the few-second session cache, so every request reads the session row.
func BenchmarkAuthenticatedPage(b *testing.B) {
	type mode struct {
		name   string
		app    *testApp
		cookie string
	}
	modes := map[string][]mode{}
	for _, cache := range []string{"cached", "uncached"} {
		var ttl time.Duration
		if cache == "uncached" {
			ttl = -1
		}
		devCfg := testConfig(filepath.Join(b.TempDir(), "meshport.db"))
		devCfg.tuning.sessionCacheTTL = ttl
		dev := newTestAppWithConfig(b, devCfg)
		sso, provider := newSSOAppWith(b, func(cfg *Config) { cfg.tuning.sessionCacheTTL = ttl })
		provider.SetUser(map[string]any{"sub": "u-vera", "email": "vera@example.com", "email_verified": true,
			"name": "Vera Viewer", "groups": []any{"analysts"}})
		ssoBrowser := sso.browser(b)
		if res := ssoBrowser.ssoSignIn("/"); res.StatusCode != http.StatusSeeOther {
			b.Fatalf("SSO sign-in: %d", res.StatusCode)
		}
		modes[cache] = []mode{{"dev", dev, sessionCookieOf(b, dev, dev.signedIn(b, "vera"))}, {"sso", sso, sessionCookieOf(b, sso, ssoBrowser)}}
	}
	for _, path := range []string{"/products?q=orders", "/domains/checkout"} {
		for _, cache := range []string{"cached", "uncached"} {
			for _, mode := range modes[cache] {
				b.Run(strings.TrimPrefix(path, "/")+"/"+cache+"/"+mode.name, func(b *testing.B) {
					req := httptest.NewRequest(http.MethodGet, path, nil)
					req.Header.Set("Cookie", mode.cookie)
					req.RemoteAddr = "127.0.0.1:40000"
					b.ReportAllocs()
					for b.Loop() {
						w := httptest.NewRecorder()
						mode.app.HTTP.ServeHTTP(w, req)
						if w.Code != http.StatusOK {
							b.Fatalf("status %d", w.Code)
						}
					}
				})
			}
		}
	}
}

func sessionCookieOf(t testing.TB, app *testApp, b *browser) string {
	t.Helper()
	for _, c := range b.http.Jar.Cookies(mustParseURL(t, app.URL)) {
		if c.Name == "meshport_session" {
			return c.Name + "=" + c.Value
		}
	}
	t.Fatal("no session cookie")
	return ""
}

func mustParseURL(t testing.TB, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
