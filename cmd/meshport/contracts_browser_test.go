package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserContractFromTable is an owner's path to a first contract:
// generate it from the crawled table, change a column's type, be told it
// is a breaking change that needs a new major version, bump the version
// and save.
func TestBrowserContractFromTable(t *testing.T) {
	t.Parallel()
	f := newContractFixture(t)
	ctx := newChromium(t)
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	waitFor := func(what, js string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
			t.Fatalf("waiting for %s: %v\n%s", what, err, body)
		}
	}
	change := func(id, value string) {
		t.Helper()
		step("set "+id, chromedp.SetValue(chromedp.CSS(`#`+id), value))
		// SetValue fires no change event; htmx listens for one.
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('#`+id+`').dispatchEvent(new Event('change', {bubbles: true}))`)); err != nil {
			t.Fatal(err)
		}
	}

	step("sign in as Omar on the port's contract page",
		chromedp.Navigate(f.app.URL+contractPage),
		chromedp.WaitVisible(chromedp.CSS(`.dev-banner`)),
		chromedp.Click(chromedp.Search(`//button[contains(., "Omar Owner")]`)),
		chromedp.WaitVisible(chromedp.Search(`//button[contains(., "Generate from public.orders")]`)))
	step("generate the contract from the table",
		chromedp.Click(chromedp.Search(`//button[contains(., "Generate from public.orders")]`)),
		chromedp.WaitVisible(chromedp.CSS(`#col-0-2-logicalType`)))
	change("col-0-2-logicalType", "string")
	change("col-0-2-physicalType", "text")
	waitFor("the breaking-change message", `document.querySelector('#contract-check').textContent.includes('breaking change')`)
	suggested, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-suggested]`)))
	if err != nil || suggested != "1.0.0" {
		t.Fatalf("suggested version %q (%v)", suggested, err)
	}
	step("save without a new version",
		chromedp.Click(chromedp.Search(`//button[contains(., "Save contract")]`)),
		chromedp.WaitVisible(chromedp.CSS(`.form-errors`)))
	msg, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#version-error`)))
	if !strings.Contains(msg, "1.0.0") {
		t.Fatalf("version message %q", msg)
	}
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#col-0-2-logicalType').value`)); got != "string" {
		t.Fatalf("the refused form lost the new type: %q", got)
	}
	change("version", "1.0.0")
	step("save with the new major version",
		chromedp.Click(chromedp.Search(`//button[contains(., "Save contract")]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-success`)))
	v, err := f.app.Store.PortContract(context.Background(), "checkout", "shop-orders", "orders")
	if err != nil || v.Contract == nil || v.Contract.Version != "1.0.0" || v.Doc.Objects()[0].Properties[2].LogicalType != "string" {
		t.Fatalf("saved: %+v %v", v.Contract, err)
	}
	drift, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#drift`)))
	if !strings.Contains(drift, "amount") {
		t.Errorf("the contract page shows no drift for amount: %q", drift)
	}
}
