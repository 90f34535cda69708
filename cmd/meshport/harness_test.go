package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/seed"
)

// testApp is the real portal (same wiring as main) on a fresh SQLite file,
// serving on a random loopback port.
type testApp struct {
	*App
	URL string
}

func newTestApp(t testing.TB) *testApp {
	t.Helper()
	return newTestAppWithDB(t, filepath.Join(t.TempDir(), "meshport.db"))
}

func newTestAppWithDB(t testing.TB, databaseURL string) *testApp {
	t.Helper()
	return newTestAppWithConfig(t, testConfig(databaseURL))
}

// newTestAppWithConfig starts the portal with cfg on a random loopback port
// (Addr is ignored); with an OIDC issuer and no redirect URL, the callback
// is on that port.
func newTestAppWithConfig(t testing.TB, cfg Config) *testApp {
	t.Helper()
	return newTestAppOn(t, cfg, listenLoopback(t))
}

func listenLoopback(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// newTestAppOn serves the portal on a listener the test opened, for tests
// that must know the portal's address before it starts.
func newTestAppOn(t testing.TB, cfg Config, ln net.Listener) *testApp {
	t.Helper()
	base := "http://" + ln.Addr().String()
	if cfg.OIDCIssuer != "" && cfg.OIDCRedirectURL == "" {
		cfg.OIDCRedirectURL = base + "/auth/callback"
	}
	copyTemplateDatabase(t, cfg)
	app, err := NewApp(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		ln.Close()
		t.Fatalf("start portal: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.ServeListener(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		app.Close()
	})
	return &testApp{App: app, URL: base}
}

func testConfig(databaseURL string) Config {
	var cfg Config
	fs := newFlagSet("test", io.Discard)
	registerConfig(fs, &cfg)
	_ = fs.Parse(nil) // defaults
	cfg.DatabaseURL, cfg.Dev, cfg.Addr, cfg.ShutdownTimeout = databaseURL, true, "127.0.0.1:0", 5*time.Second
	cfg.DemoWarehouse = false // tests register their own sources
	return cfg
}

// browser is an HTTP client with a cookie jar that keeps the CSRF token of
// the last page it read, like a person's browser tab.
type browser struct {
	t    testing.TB
	base string
	http *http.Client
	csrf string
}

func (a *testApp) browser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: a.URL, http: &http.Client{
		Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// signedIn returns a browser signed in as a demo user: "ada" (admin),
// "omar" (owner of checkout) or "vera" (viewer).
func (a *testApp) signedIn(t testing.TB, subject string) *browser {
	b := a.browser(t)
	b.get("/login")
	res, _ := b.post("/login", url.Values{"subject": {subject}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: status %d", subject, res.StatusCode)
	}
	return b
}

// page is a response with its parsed HTML.
type page struct {
	*http.Response
	Doc  *goquery.Document
	Body string
}

func (b *browser) do(req *http.Request) *page {
	b.t.Helper()
	res, err := b.http.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(body)))
	if err != nil {
		b.t.Fatalf("parse %s: %v", req.URL, err)
	}
	if tok, ok := doc.Find(`input[name="_csrf"]`).First().Attr("value"); ok && tok != "" {
		b.csrf = tok
	}
	return &page{Response: res, Doc: doc, Body: string(body)}
}

func (b *browser) get(path string) *page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.base+path, nil)
	return b.do(req)
}

// htmx sends a GET the way htmx does, asking for the element with id target.
func (b *browser) htmx(path, target string) *page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.base+path, nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Target", target)
	return b.do(req)
}

// post submits a form with the CSRF token of the last page read.
func (b *browser) post(path string, form url.Values) (*page, *goquery.Document) {
	b.t.Helper()
	return b.postWith(path, form, nil)
}

// validate posts a form the way htmx live validation does, triggered by the
// element with id trigger.
func (b *browser) validate(path, trigger string, form url.Values) *page {
	b.t.Helper()
	p, _ := b.postWith(path, form, map[string]string{"HX-Request": "true", "HX-Trigger": trigger, "HX-Target": trigger + "-error", "X-CSRF-Token": b.csrf})
	return p
}

func (b *browser) postWith(path string, form url.Values, headers map[string]string) (*page, *goquery.Document) {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("_csrf") == "" && headers == nil {
		form.Set("_csrf", b.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	p := b.do(req)
	return p, p.Doc
}

// fieldError is the message shown under a form field.
func (p *page) fieldError(id string) string {
	return strings.TrimSpace(p.Doc.Find("#" + id + "-error").Text())
}

// apiClient calls the JSON API with a bearer token.
type apiClient struct {
	t     testing.TB
	base  string
	token string
}

// apiAs issues a token for a user with the given role through the same
// store code the "admin token" command uses.
func (a *testApp) apiAs(t testing.TB, email, role string) *apiClient {
	user, err := a.Store.UpsertUser(context.Background(), models.User{Issuer: "meshport-cli", Subject: email, Email: email, EmailVerified: true, Name: email})
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := a.Store.CreateToken(context.Background(), user.ID, "test", role, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &apiClient{t: t, base: a.URL, token: secret}
}

// call sends body (a string, or anything else marshalled as JSON) and
// decodes the JSON answer into a map.
func (c *apiClient) call(method, path string, body any) (int, map[string]any) {
	c.t.Helper()
	var r io.Reader
	switch v := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(v)
	default:
		b, _ := json.Marshal(v)
		r = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, c.base+path, r)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if r != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	out := map[string]any{}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil && !errors.Is(err, io.EOF) {
		c.t.Fatalf("%s %s: answer is not JSON: %v", method, path, err)
	}
	return res.StatusCode, out
}

// apiError returns the error code and the per-field messages of an answer.
func apiError(body map[string]any) (string, map[string]any) {
	e, _ := body["error"].(map[string]any)
	code, _ := e["code"].(string)
	fields, _ := e["fields"].(map[string]any)
	return code, fields
}

// count returns the number of rows in a table, for "nothing was written".
func (a *testApp) count(t testing.TB, table string) int64 {
	t.Helper()
	var n int64
	if err := a.Store.DB().Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// copyTemplateDatabase puts a copy of a database that NewApp's migrations
// (and, in --dev, its demo seed) have already run on at cfg's SQLite path,
// when nothing is there yet. NewApp then finds nothing to do: each app
// starts in milliseconds instead of migrating and seeding again, which with
// the race detector took half a second. The templates are made once per
// test process by the same code NewApp runs. Apps with a controlled clock
// get a database of their own, so every time in it comes from that clock.
func copyTemplateDatabase(t testing.TB, cfg Config) {
	t.Helper()
	if strings.Contains(cfg.DatabaseURL, "://") || cfg.tuning.clock != nil {
		return
	}
	if _, err := os.Stat(cfg.DatabaseURL); !errors.Is(err, os.ErrNotExist) {
		return // a restart on the same database
	}
	kind := "migrated"
	if cfg.Dev {
		kind = "demo"
	}
	tpl, err := templateDatabase(kind)
	if err != nil {
		t.Fatalf("template database: %v", err)
	}
	data, err := os.ReadFile(tpl)
	if err == nil {
		err = os.WriteFile(cfg.DatabaseURL, data, 0o600)
	}
	if err != nil {
		t.Fatalf("copy template database: %v", err)
	}
}

var templates struct {
	sync.Mutex
	dir   string
	paths map[string]string
}

// templateDatabase makes (once) and returns the template of kind:
// "migrated", or "demo" (migrated and seeded with the demo data).
func templateDatabase(kind string) (string, error) {
	templates.Lock()
	defer templates.Unlock()
	if p, ok := templates.paths[kind]; ok {
		return p, nil
	}
	if templates.dir == "" {
		dir, err := os.MkdirTemp("", "meshport-test-templates-")
		if err != nil {
			return "", err
		}
		templates.dir, templates.paths = dir, map[string]string{}
	}
	path := filepath.Join(templates.dir, kind+".db")
	store, err := models.Open(path, models.Options{})
	if err != nil {
		return "", err
	}
	ctx := context.Background()
	err = store.Migrate(ctx)
	if err == nil && kind == "demo" {
		err = seed.Demo(ctx, store)
	}
	// Closing the last connection folds the write-ahead log into the file,
	// so the file alone is the whole database.
	if cerr := store.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	templates.paths[kind] = path
	return path, nil
}

// TestMain removes the template databases when the tests are done.
func TestMain(m *testing.M) {
	code := m.Run()
	if templates.dir != "" {
		os.RemoveAll(templates.dir)
	}
	os.Exit(code)
}
