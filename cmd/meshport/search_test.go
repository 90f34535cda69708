package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestSearchPagesAndAPI finds a crawled column, a product and a contract
// property through the header's suggestions, the search page with its
// facets, and the API with its cursor; bad parameters are refused clearly.
func TestSearchPagesAndAPI(t *testing.T) {
	t.Parallel()
	f := newContractFixture(t)
	vera := f.app.signedIn(t, "vera")
	suggest := vera.get("/search/suggest?q=emai")
	if opts := suggest.texts("li[role=option]"); len(opts) < 2 || !strings.HasPrefix(opts[0], "column") || !strings.Contains(opts[0], "column of public.orders") {
		t.Fatalf("suggestions for emai: %q", opts)
	}
	if mark := text(suggest.Doc.Find("mark").First()); mark != "emai" {
		t.Errorf("highlight %q", mark)
	}
	page := vera.get("/search?q=orders")
	if page.StatusCode != 200 || page.Doc.Find(".search-hit").Length() == 0 || !strings.Contains(text(page.Doc.Find(".search-facets")), "asset") {
		t.Fatalf("search page: %d %s", page.StatusCode, text(page.Doc.Find("main")))
	}
	first := page.texts(".search-hit")
	if !strings.HasPrefix(first[0], "product Orders") {
		t.Errorf("first hit %q", first[0])
	}
	// A facet narrows to columns.
	cols := vera.get("/search?q=orders&kind=column")
	for _, h := range cols.texts(".search-hit") {
		if !strings.HasPrefix(h, "column") {
			t.Errorf("kind=column shows %q", h)
		}
	}
	if bad := vera.get("/search?q=orders&kind=weird"); bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "Choose one of") {
		t.Errorf("bad kind: %d", bad.StatusCode)
	}
	// The header box is on every page, with its combobox semantics.
	if box := vera.get("/products").Doc.Find(`form[role=search] input[role=combobox][aria-controls="search-suggestions"]`); box.Length() != 1 {
		t.Error("no header search on the products page")
	}

	api := f.app.apiAs(t, "vera@example.com", "viewer")
	status, body := api.send(http.MethodGet, "/api/v1/search?q=orders&limit=2", "", "")
	var res struct {
		Items []struct{ Kind, Name, URL string }
		Total int
		Next  string
	}
	if err := json.Unmarshal([]byte(body), &res); status != 200 || err != nil || len(res.Items) != 2 || res.Next == "" || res.Total < 3 {
		t.Fatalf("api: %d %v %s", status, err, body)
	}
	status, body = api.send(http.MethodGet, "/api/v1/search?q=orders&limit=2&cursor="+url.QueryEscape(res.Next), "", "")
	if status != 200 || strings.Contains(body, `"name":"`+res.Items[0].Name+`","title"`) && strings.Count(body, `"kind"`) == 0 {
		t.Errorf("next page: %d %s", status, body)
	}
	if status, body := api.send(http.MethodGet, "/api/v1/search?q=x&cursor=zzz", "", ""); status != 422 || !strings.Contains(body, "cursor") {
		t.Errorf("bad cursor: %d %s", status, body)
	}
	if status, _ := api.send(http.MethodGet, "/api/v1/search?q=x&limit=ten", "", ""); status != 400 {
		t.Errorf("bad limit: %d", status)
	}
}

// TestBrowserFindAColumn types into the header search, moves to the
// column's suggestion with the arrow keys and opens it with Enter.
func TestBrowserFindAColumn(t *testing.T) {
	t.Parallel()
	f := newContractFixture(t)
	ctx := newChromium(t)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.app.URL+"/products"),
		chromedp.WaitVisible(chromedp.CSS(`.dev-banner`)),
		chromedp.Click(chromedp.Search(`//button[contains(., "Vera Viewer")]`)),
		chromedp.WaitVisible(chromedp.CSS(`#header-q`)),
		chromedp.SendKeys(chromedp.CSS(`#header-q`), "amoun")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll('#search-suggestions [role=option]').length > 1 &&
		document.querySelector('#header-q').getAttribute('aria-expanded') === 'true'`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("no suggestions: %v", err)
	}
	// Typing sent a request per pause; the last answer must be in before
	// the arrow key, or it replaces the list under the selection.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!document.querySelector('#header-q').classList.contains('htmx-request') &&
		document.querySelector('#search-suggestions').textContent.includes('results for “amoun”')`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the suggestions for the whole word did not come: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`#header-q`), kb.ArrowDown)); err != nil {
		t.Fatal(err)
	}
	active, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#header-q').getAttribute('aria-activedescendant')`))
	if active != "suggestion-0" {
		t.Fatalf("active option %q", active)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`#header-q`), kb.Enter)); err != nil {
		t.Fatal(err)
	}
	// The page changes under the test: ask again until it is the asset's.
	var loc string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		loc, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + location.search`))
		if loc == "/sources/shop/asset?key=public.orders" {
			return
		}
	}
	t.Fatalf("Enter on the column's suggestion opened %q", loc)
}
