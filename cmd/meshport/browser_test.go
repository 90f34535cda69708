package main

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/meshport/meshport/models/storetest"
)

// chromiumPath finds Debian's Chromium; without it the browser tests fail
// (they are part of `make test`) with a message that says how to install it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	storetest.NeedsService(t, "Chromium")
	if p := os.Getenv("MESHPORT_TEST_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("Chromium is needed for the browser tests: apt-get install -y chromium (or set MESHPORT_TEST_CHROMIUM to its path)")
	return ""
}

// newChromium starts a headless Chromium for one test.
func newChromium(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// waitInBrowser polls a JavaScript condition until it holds, across page
// loads (chromedp's Poll gives up when the page navigates under it).
func waitInBrowser(t *testing.T, ctx context.Context, timeout time.Duration, what, js string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js)); err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			t.Fatalf("waiting for %s (at %s)", what, loc)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestBrowserCreateProduct is a domain owner's path through the product
// form in a real browser: live validation flags a bad SLA, the owner fixes
// it, submits, and finds the product through the live-filtered list.
func TestBrowserCreateProduct(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ctx := newChromium(t)
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	waitFor := func(what, js string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
	}

	step("sign in as Omar (owner of Checkout)",
		chromedp.Navigate(app.URL+"/products/new"),
		chromedp.WaitVisible(chromedp.CSS(`.dev-banner`)),
		chromedp.Click(chromedp.Search(`//button[contains(., "Omar Owner")]`)),
		chromedp.WaitVisible(chromedp.CSS(`form.form`)))
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.HasSuffix(loc, "/products/new") {
		t.Fatalf("after sign-in landed on %s, want the deep link /products/new", loc)
	}

	step("fill the form with a bad SLA",
		chromedp.SendKeys(chromedp.CSS(`#name`), "Order returns"),
		chromedp.SetValue(chromedp.CSS(`#domain`), "checkout"),
		chromedp.SendKeys(chromedp.CSS(`#owner`), "omar@example.com"),
		chromedp.SendKeys(chromedp.CSS(`#tags`), "returns, daily"),
		chromedp.SendKeys(chromedp.CSS(`#freshness_sla`), "soon"),
		chromedp.Click(chromedp.CSS(`#description`)))
	waitFor("the slug derived from the name", `document.querySelector('#slug').value === 'order-returns'`)
	waitFor("live validation of the SLA", `document.querySelector('#freshness_sla-error').textContent.includes('24h')`)
	waitFor("the SLA field to be marked invalid for screen readers", `document.querySelector('#freshness_sla').getAttribute('aria-invalid') === 'true'`)

	step("submit with the error still there",
		chromedp.Click(chromedp.Search(`//button[contains(., "Create data product")]`)),
		chromedp.WaitVisible(chromedp.CSS(`.form-errors`)))
	if msg := text(`#freshness_sla-error`); !strings.Contains(msg, "24h") {
		t.Fatalf("after submit the SLA error is %q", msg)
	}
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#name`))); v != "Order returns" {
		t.Fatalf("the re-rendered form lost the name: %q", v)
	}
	if n := app.count(t, "products"); n != 6 {
		t.Fatalf("an invalid form wrote a product: %d products", n)
	}

	step("fix the SLA and add an output port",
		chromedp.Clear(chromedp.CSS(`#freshness_sla`)),
		chromedp.SendKeys(chromedp.CSS(`#freshness_sla`), "24h"),
		chromedp.Click(chromedp.CSS(`#description`)))
	waitFor("the SLA error to clear", `document.querySelector('#freshness_sla-error').textContent.trim() === ''`)
	step("fill the port row",
		chromedp.SendKeys(chromedp.CSS(`input[name="port_name"]`), "returns"),
		chromedp.SendKeys(chromedp.CSS(`input[name="port_location"]`), "analytics.returns"),
		chromedp.Click(chromedp.Search(`//button[contains(., "Create data product")]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-success`)))
	if h := text(`h1`); !strings.Contains(h, "Order returns") {
		t.Fatalf("after create the page heading is %q", h)
	}

	step("filter the product list",
		chromedp.Navigate(app.URL+"/products"),
		chromedp.SendKeys(chromedp.CSS(`#q`), "returns"))
	waitFor("the filtered results", `document.querySelectorAll('#results tbody tr').length === 1 && document.querySelector('#results').textContent.includes('Order returns')`)
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	u, err := url.Parse(loc)
	if err != nil || u.Query().Get("q") != "returns" {
		t.Fatalf("the address does not reflect the filter: %s", loc)
	}
	step("open the shared address in a fresh load", chromedp.Navigate(loc), chromedp.WaitVisible(chromedp.CSS(`#results`)))
	if rows := text(`#results tbody`); !strings.Contains(rows, "Order returns") {
		t.Fatalf("the bookmarked filter shows %q", rows)
	}
}
