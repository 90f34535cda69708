package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/meshport/meshport/models"
)

// TestBrowserBlockingPolicyStopsActivation is an owner's path when a
// blocking policy fails: the form says so as they type, refuses the save
// with the message at the field and their input kept, and activates once
// the field is fixed.
func TestBrowserBlockingPolicyStopsActivation(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
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
			t.Fatalf("waiting for %s: %v", what, err)
		}
	}
	const panelSays = `document.querySelector('#policy-panel').textContent.includes('Personal data is confidential or restricted')`

	step("sign in as Omar and edit the draft Abandoned carts",
		chromedp.Navigate(app.URL+"/products/checkout/abandoned-carts/edit"),
		chromedp.WaitVisible(chromedp.CSS(`.dev-banner`)),
		chromedp.Click(chromedp.Search(`//button[contains(., "Omar Owner")]`)),
		chromedp.WaitVisible(chromedp.CSS(`form.form`)))
	step("mark it as personal data and active",
		chromedp.Click(chromedp.CSS(`#contains_pii`)),
		chromedp.SetValue(chromedp.CSS(`#status`), models.StatusActive))
	waitFor("the live policy feedback", panelSays+` && document.querySelector('#policy-panel').textContent.includes('Cannot be active yet')`)

	step("save anyway",
		chromedp.Click(chromedp.Search(`//button[contains(., "Save changes")]`)),
		chromedp.WaitVisible(chromedp.CSS(`.form-errors`)))
	msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#classification-error`)))
	if err != nil || !strings.Contains(msg, "classify it confidential or restricted") {
		t.Fatalf("classification message = %q (%v)", msg, err)
	}
	if checked, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('#contains_pii').checked`)); !checked {
		t.Fatal("the refused form lost the PII tick")
	}
	if p, _ := app.Store.GetProduct(t.Context(), "checkout", "abandoned-carts"); p.Status != models.StatusDraft {
		t.Fatalf("refused save changed the status to %s", p.Status)
	}

	step("fix the classification",
		chromedp.SetValue(chromedp.CSS(`#classification`), models.ClassConfidential))
	// SetValue fires no change event; htmx listens for one.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('#classification').dispatchEvent(new Event('change', {bubbles: true}))`)); err != nil {
		t.Fatal(err)
	}
	waitFor("the panel to drop the fixed policy", `!(`+panelSays+`)`)
	step("save and activate",
		chromedp.Click(chromedp.Search(`//button[contains(., "Save changes")]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-success`)))
	if p, _ := app.Store.GetProduct(t.Context(), "checkout", "abandoned-carts"); p.Status != models.StatusActive || p.Classification != models.ClassConfidential {
		t.Fatalf("after the fix: %s, %s", p.Status, p.Classification)
	}
	score, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#scorecard-heading`)))
	if err != nil || !strings.Contains(score, "%") {
		t.Fatalf("no score on the product page: %q (%v)", score, err)
	}
}
