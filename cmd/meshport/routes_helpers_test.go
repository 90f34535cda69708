package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/meshport/meshport/models"
	"golang.org/x/net/html"
)

// writeTables are the tables a form or API write can touch; "nothing was
// written" means none of them changed size.
var writeTables = []string{"domains", "products", "output_ports", "audit_entries", "outbox_messages", "report_preferences"}

// rowCounts is the size of every write table at one moment.
type rowCounts map[string]int64

func (a *testApp) rowCounts(t testing.TB) rowCounts {
	t.Helper()
	c := rowCounts{}
	for _, table := range writeTables {
		c[table] = a.count(t, table)
	}
	return c
}

// assertNothingWritten fails when any write table changed size since before.
func (a *testApp) assertNothingWritten(t testing.TB, before rowCounts) {
	t.Helper()
	for _, table := range writeTables {
		if n := a.count(t, table); n != before[table] {
			t.Errorf("%s: %d rows, want %d (nothing written)", table, n, before[table])
		}
	}
}

// assertGrew fails unless each named table grew by exactly the given amount.
func (a *testApp) assertGrew(t testing.TB, before rowCounts, want map[string]int64) {
	t.Helper()
	for _, table := range writeTables {
		if n := a.count(t, table); n != before[table]+want[table] {
			t.Errorf("%s: %d rows, want %d", table, n, before[table]+want[table])
		}
	}
}

// lastAudit is the newest audit entry about the entity with the given key
// (domain slug or domain/product).
func (a *testApp) lastAudit(t testing.TB, entityType, key string) models.AuditEntry {
	t.Helper()
	var e models.AuditEntry
	err := a.Store.DB().Where("entity_type = ? AND entity_key = ?", entityType, key).Order("id DESC").Take(&e).Error
	if err != nil {
		t.Fatalf("audit entry for %s %s: %v", entityType, key, err)
	}
	return e
}

func (a *testApp) domain(t testing.TB, slug string) *models.Domain {
	t.Helper()
	d, err := a.Store.GetDomain(context.Background(), slug)
	if err != nil {
		t.Fatalf("domain %s: %v", slug, err)
	}
	return d
}

func (a *testApp) product(t testing.TB, domain, slug string) *models.Product {
	t.Helper()
	p, err := a.Store.GetProduct(context.Background(), domain, slug)
	if err != nil {
		t.Fatalf("product %s/%s: %v", domain, slug, err)
	}
	return p
}

// admin is the principal the tests use to set up data through the store.
var admin = models.Principal{Name: "test setup", Admin: true, Via: "cli"}

// addDomain registers an empty domain through the store.
func (a *testApp) addDomain(t testing.TB, name string, owners ...string) *models.Domain {
	t.Helper()
	if len(owners) == 0 {
		owners = []string{"platform-team"}
	}
	d, err := a.Store.CreateDomain(context.Background(), admin, models.DomainInput{Name: name, Owners: owners})
	if err != nil {
		t.Fatalf("add domain %s: %v", name, err)
	}
	return d
}

// postNoCSRF posts a form without a CSRF token, as a forged request would.
func (b *browser) postNoCSRF(path string, form url.Values) *page {
	b.t.Helper()
	p, _ := b.postWith(path, form, map[string]string{})
	return p
}

// follow reads the page a redirect points to.
func (b *browser) follow(p *page) *page {
	b.t.Helper()
	if p.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("want a 303 redirect, got %d: %s", p.StatusCode, text(p.Doc.Find("main")))
	}
	return b.get(p.Header.Get("Location"))
}

// cookie returns the value of a cookie the browser holds for the portal.
func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.base)
	for _, c := range b.http.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// flash is the one-time message on a page: its kind and text.
func (p *page) flash() (kind, msg string) {
	f := p.Doc.Find(".flash").First()
	if f.Length() == 0 {
		return "", ""
	}
	for _, k := range []string{"success", "error", "info"} {
		if f.HasClass("flash-" + k) {
			kind = k
		}
	}
	return kind, text(f.Find("span"))
}

// value is the value an input (or the text a textarea) shows.
func (p *page) value(id string) string {
	el := p.Doc.Find("#" + id)
	if goquery.NodeName(el) == "textarea" {
		return el.Text()
	}
	v, _ := el.Attr("value")
	return v
}

// selected is the value of the selected option of a select.
func (p *page) selected(id string) string {
	v, _ := p.Doc.Find("#" + id + " option[selected]").Attr("value")
	return v
}

// invalid reports whether the control is marked aria-invalid="true".
func (p *page) invalid(id string) bool {
	v, _ := p.Doc.Find("#" + id).Attr("aria-invalid")
	return v == "true"
}

// formMessage is the summary shown above a form that failed.
func (p *page) formMessage() string { return text(p.Doc.Find(".form-errors")) }

// heading is the page's h1.
func (p *page) heading() string { return text(p.Doc.Find("h1").First()) }

// texts lists the texts of the elements matching sel.
func (p *page) texts(sel string) []string {
	var out []string
	p.Doc.Find(sel).Each(func(_ int, s *goquery.Selection) { out = append(out, text(s)) })
	return out
}

// hasButton reports whether a link or button with exactly this text is on
// the page, outside the header.
func (p *page) hasButton(label string) bool {
	found := false
	p.Doc.Find("main a.btn, main button").Each(func(_ int, s *goquery.Selection) {
		if text(s) == label {
			found = true
		}
	})
	return found
}

// productRows are the names of the products in the list's result table.
func (p *page) productRows() []string {
	return p.texts("#results tbody tr td:first-child a")
}

// text is the visible text of s with whitespace collapsed; the texts of
// separate elements are separated by a space, as they are on screen.
func text(s *goquery.Selection) string {
	var parts []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			parts = append(parts, n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range s.Nodes {
		walk(n)
	}
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

// raw sends a request with any content type and returns status, headers and
// body as text, for answers whose exact bytes matter.
func (c *apiClient) raw(method, path, contentType, body string) (int, http.Header, string) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// with returns a copy of v with the given fields replaced (or, when the
// value is nil, removed).
func with(v url.Values, kv map[string][]string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	for k, vs := range kv {
		if vs == nil {
			delete(out, k)
		} else {
			out[k] = vs
		}
	}
	return out
}
