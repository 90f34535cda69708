package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserRegisterAndCrawlSource is an owner registering a PostgreSQL
// source in Chromium: the connection fields follow the kind, Test
// connection answers in place, Crawl now shows the run and then the assets.
func TestBrowserRegisterAndCrawlSource(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	db := newSourceDatabase(t,
		"CREATE TABLE public.shipments (id int PRIMARY KEY, sent_at timestamptz)",
		"INSERT INTO public.shipments SELECT g, now() FROM generate_series(1, 1000) g",
		"ANALYZE public.shipments")
	ctx := newChromium(t)
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	eventually := func(what, js string) {
		t.Helper()
		waitInBrowser(t, ctx, 15*time.Second, what, js)
	}

	step("sign in as Omar and open the form",
		chromedp.Navigate(app.URL+"/sources/new"),
		chromedp.Click(chromedp.Search(`//button[contains(., "Omar Owner")]`)),
		chromedp.WaitVisible(chromedp.CSS(`#host`)))
	step("switch the kind to SQLite and back",
		chromedp.SetValue(chromedp.CSS(`#kind`), "sqlite"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#kind').dispatchEvent(new Event('change', {bubbles: true}))`))
	eventually("the path field for SQLite", `!!document.querySelector('#path') && !document.querySelector('#host')`)
	step("back to PostgreSQL",
		chromedp.SetValue(chromedp.CSS(`#kind`), "postgres"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#kind').dispatchEvent(new Event('change', {bubbles: true}))`))
	eventually("the host field for PostgreSQL", `!!document.querySelector('#host')`)

	step("fill the form",
		chromedp.SendKeys(chromedp.CSS(`#name`), "Shipping DB"),
		chromedp.SetValue(chromedp.CSS(`#domain`), "checkout"),
		chromedp.SendKeys(chromedp.CSS(`#host`), "127.0.0.1"),
		chromedp.SendKeys(chromedp.CSS(`#database`), db),
		chromedp.SendKeys(chromedp.CSS(`#user`), "postgres"),
		chromedp.SendKeys(chromedp.CSS(`#options`), "sslmode=disable"),
		// The second line names a column the table does not have: the
		// crawl goes on and says so.
		chromedp.SendKeys(chromedp.CSS(`#freshness_columns`), "public.shipments=sent_at\npublic.shipments_old=sent_at"),
		chromedp.Clear(chromedp.CSS(`#schedule`)),
		chromedp.SendKeys(chromedp.CSS(`#schedule`), "15 3 * * *"))
	eventually("the schedule preview", `document.querySelector('#schedule-preview').textContent.includes('every day at 03:15 UTC')`)
	step("test the connection", chromedp.Click(chromedp.CSS(`#test-connection`)))
	eventually("a successful connection test", `document.querySelector('#test-result').classList.contains('test-ok') && document.querySelector('#test-result').textContent.includes('Connected as postgres')`)

	step("register", chromedp.Click(chromedp.Search(`//button[contains(., "Register source")]`)), chromedp.WaitVisible(chromedp.CSS(`#crawl-now`)))
	// A lock held by another session keeps the crawl waiting, so the page
	// shows it running and follows it until it ends.
	lock := lockTable(t, db, "public.shipments")
	step("crawl now", chromedp.Click(chromedp.CSS(`#crawl-now`)))
	eventually("the running crawl with its progress", `document.querySelector('#run-table .badge')?.textContent.trim() === 'running' &&
		document.querySelector('#runs').getAttribute('hx-trigger') === 'every 2s'`)
	lock.Close(t.Context())
	eventually("the finished crawl and its asset", `document.readyState === 'complete' && !!document.querySelector('#asset-table') &&
		document.querySelector('#run-table .badge').textContent.trim() === 'succeeded' &&
		document.querySelector('#asset-table').textContent.includes('public.shipments')`)
	rows, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#asset-table tbody tr`)))
	if err != nil || !strings.Contains(rows, "1000") {
		t.Fatalf("asset row %q (%v)", rows, err)
	}
	step("open the run's warnings", chromedp.Click(chromedp.CSS(`#run-table details.run-warnings summary`)))
	warnings, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#run-table details.run-warnings`)))
	if err != nil || !strings.Contains(warnings, "1 warning") ||
		!strings.Contains(warnings, `public.shipments_old: freshness column "sent_at" is set, but no such table or view was crawled`) {
		t.Errorf("run warnings %q (%v)", warnings, err)
	}

	// A product's output port picks the table from what the crawl found.
	step("open the product form and choose the source of the first port",
		chromedp.Navigate(app.URL+"/products/new"),
		chromedp.WaitVisible(chromedp.CSS(`select[name="port_source"]`)),
		chromedp.SetValue(chromedp.CSS(`select[name="port_source"]`), "shipping-db"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('select[name="port_source"]').dispatchEvent(new Event('change', {bubbles: true}))`),
		chromedp.SendKeys(chromedp.CSS(`input[name="port_location"]`), "ship"))
	eventually("the crawled table offered for the port", `[...document.querySelectorAll('datalist option')].some(o => o.value === 'public.shipments')`)
}
