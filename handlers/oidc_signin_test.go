package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meshport/meshport/handlers"
	"github.com/meshport/meshport/handlers/oidctest"
	"github.com/meshport/meshport/models"
)

// clock is a settable time source for the sign-in's expiry.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestSSOCallbackExpires: a person who stays on the provider's page longer
// than the sign-in attempt lives gets a readable page, not a session.
func TestSSOCallbackExpires(t *testing.T) {
	for _, tc := range []struct {
		wait    time.Duration
		status  int
		heading string
	}{
		{wait: 9 * time.Minute, status: http.StatusSeeOther},
		{wait: 11 * time.Minute, status: http.StatusBadRequest, heading: "This sign-in link has expired"},
	} {
		t.Run(tc.wait.String(), func(t *testing.T) {
			provider := oidctest.New(t)
			provider.SetUser(map[string]any{"sub": "u1", "name": "Ada"})
			store, err := models.Open(filepath.Join(t.TempDir(), "m.db"), models.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { store.Close() })
			if err := store.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
			mux := http.NewServeMux()
			portal := httptest.NewServer(mux)
			t.Cleanup(portal.Close)
			clk := &clock{now: time.Now()}
			signIn, err := handlers.NewOIDCSignIn(context.Background(), handlers.OIDCConfig{
				Issuer: provider.URL, ClientID: provider.ClientID, ClientSecret: provider.ClientSecret,
				RedirectURL: portal.URL + "/auth/callback", Scopes: []string{"openid"},
				SecretKey: "0123456789abcdef0123456789abcdef", Now: clk.Now,
			})
			if err != nil {
				t.Fatal(err)
			}
			mux.Handle("/", handlers.New(store, slog.New(slog.NewTextHandler(io.Discard, nil)), handlers.Config{}, signIn, nil))

			jar, _ := cookiejar.New(nil)
			client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			get := func(u string) (*http.Response, string) {
				t.Helper()
				res, err := client.Get(u)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				body, _ := io.ReadAll(res.Body)
				return res, string(body)
			}
			start, _ := get(portal.URL + "/login/start?next=/domains")
			atProvider, _ := get(start.Header.Get("Location"))
			clk.Advance(tc.wait)
			back, body := get(atProvider.Header.Get("Location"))
			if back.StatusCode != tc.status {
				t.Fatalf("after %s: status %d, want %d", tc.wait, back.StatusCode, tc.status)
			}
			if tc.heading != "" && !strings.Contains(body, tc.heading) {
				t.Errorf("page lacks %q", tc.heading)
			}
			var sessions int64
			store.DB().Model(&models.Session{}).Count(&sessions)
			if want := map[bool]int64{true: 1, false: 0}[tc.status == http.StatusSeeOther]; sessions != want {
				t.Errorf("%d sessions, want %d", sessions, want)
			}
		})
	}
}
