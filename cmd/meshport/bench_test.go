package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// BenchmarkProductListPage is the server's own cost of the filtered product
// list with 50 domains and 10,000 products: routing, middleware, session,
// catalog filter and rendering, without the network. The load figures in
// docs/performance.md come from scripts/bench-product-list.
func BenchmarkProductListPage(b *testing.B) {
	app := newTestApp(b)
	if err := app.Store.SeedBulk(context.Background(), 50, 10000); err != nil {
		b.Fatal(err)
	}
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

func mustParseURL(t testing.TB, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
