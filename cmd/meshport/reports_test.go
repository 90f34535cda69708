package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/reports"
)

// reportsApp is a portal whose reports go to a fresh mailpit, with the
// findings of seedFindings, Lena named as an owner of Checkout (she never
// signed in), and Vera owning Customer through her group "analysts".
func reportsApp(t *testing.T, databaseURL string) (*testApp, *mailpit) {
	t.Helper()
	mp := startMailpit(t)
	cfg := testConfig(databaseURL)
	mp.smtpConfig(&cfg)
	cfg.ReportRetry, cfg.tuning.reportsPoll = time.Second, 200*time.Millisecond
	app := newTestAppWithConfig(t, cfg)
	seedReportOwners(t, app)
	return app, mp
}

func seedReportOwners(t *testing.T, app *testApp) {
	t.Helper()
	ctx := context.Background()
	seedFindings(t, app)
	for slug, owners := range map[string][]string{
		"checkout": {"checkout-team", "omar@example.com", "lena@example.com"},
		"customer": {"crm-team", "analysts"},
	} {
		if _, err := app.Store.PatchDomain(ctx, admin, slug, func(in *models.DomainInput) error {
			in.Owners = owners
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	for _, who := range []string{"omar", "vera", "ada"} {
		app.signedIn(t, who) // users known from sign-in, with their groups
	}
	var vera models.User
	if err := app.Store.DB().Where("email = ?", "vera@example.com").Take(&vera).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := app.Store.SetReportPreference(ctx, vera.Principal(), models.ReportWeekly, true); err != nil {
		t.Fatal(err)
	}
}

var absoluteLink = regexp.MustCompile(`href="([^"]*)"`)

// TestReportsReachTheRightPeople sends the weekly reports through a real
// SMTP server and reads them back: each owner gets one email about what
// they own (directly, through a group, or named by email without ever
// signing in), with HTML and text parts and absolute links; nobody gets a
// report about nothing.
func TestReportsReachTheRightPeople(t *testing.T) {
	t.Parallel()
	app, mp := reportsApp(t, t.TempDir()+"/meshport.db")
	ctx := context.Background()
	queued, err := app.Reports.Queue(ctx, models.ReportWeekly, "test")
	if err != nil {
		t.Fatal(err)
	}
	if queued != 3 {
		t.Errorf("%d reports queued, want 3 (omar, lena, vera)", queued)
	}
	got := mp.waitForMail(3)
	var to []string
	for addr, list := range got {
		to = append(to, addr)
		if len(list) != 1 {
			t.Errorf("%s got %d emails", addr, len(list))
		}
	}
	sort.Strings(to)
	if strings.Join(to, " ") != "lena@example.com omar@example.com vera@example.com" {
		t.Fatalf("reports went to %v", to)
	}

	omar := mp.message(got["omar@example.com"][0].ID)
	if want := "1 stale product, 5.5 GB of dark data in Checkout"; omar.Subject != want {
		t.Errorf("subject %q, want %q", omar.Subject, want)
	}
	for _, part := range []string{omar.Text, omar.HTML} {
		for _, want := range []string{"Orders", "Payments", "orders_2019", "tmp_export"} {
			if !strings.Contains(part, want) {
				t.Errorf("omar's report lacks %q", want)
			}
		}
		for _, other := range []string{"Customer profiles", "Shipments", "old_contacts"} {
			if strings.Contains(part, other) {
				t.Errorf("omar's report mentions %q, which he does not own", other)
			}
		}
	}
	if strings.Contains(omar.HTML, "<script") || !strings.Contains(omar.HTML, `style="`) || !strings.Contains(omar.HTML, "color:#b91c1c;font-weight:bold;") {
		t.Errorf("HTML part is not email-safe")
	}
	links := absoluteLink.FindAllStringSubmatch(omar.HTML, -1)
	if len(links) < 5 {
		t.Fatalf("only %d links in the HTML part", len(links))
	}
	for _, l := range links {
		if !strings.HasPrefix(l[1], "http://127.0.0.1:") {
			t.Errorf("link %q is not absolute", l[1])
		}
	}
	if !strings.Contains(omar.Text, "http://127.0.0.1:") || !strings.Contains(omar.Text, "/products/checkout/orders") {
		t.Errorf("text part without absolute links:\n%s", omar.Text)
	}

	vera := mp.message(got["vera@example.com"][0].ID)
	// The demo's open proposal awaits Customer's vote (Checkout voted), and
	// Vera represents Customer through her group.
	if vera.Subject != "1 proposal awaiting your vote in Customer" || !strings.Contains(vera.Text, "Customer profiles") || strings.Contains(vera.Text, "Orders") ||
		!strings.Contains(vera.Text, "Active products carry a tag") || !strings.Contains(vera.Text, "/governance/policies/") {
		t.Errorf("vera's report (owner through her group): %q\n%s", vera.Subject, vera.Text)
	}
	lena := mp.message(got["lena@example.com"][0].ID)
	if lena.Subject != omar.Subject {
		t.Errorf("lena's subject %q, want Checkout's", lena.Subject)
	}

	// A second run in the same period sends nothing more.
	if again, err := app.Reports.Queue(ctx, models.ReportWeekly, "test"); err != nil || again != 0 {
		t.Errorf("second run queued %d (%v)", again, err)
	}
	if _, _, err := app.Reports.Deliver(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if n := len(mp.messages()); n != 3 {
		t.Errorf("%d recipients after a second run", n)
	}
	var sent int64
	app.Store.DB().Model(&models.OutboxMessage{}).Where("status = ?", models.OutboxSent).Count(&sent)
	if sent != 3 {
		t.Errorf("%d messages marked sent", sent)
	}
}

// TestReportsSurviveSMTPDown queues the reports while the SMTP server is
// down: nothing is lost, the failures are shown with the reason, and once
// the server is back every report arrives exactly once.
func TestReportsSurviveSMTPDown(t *testing.T) {
	t.Parallel()
	app, mp := reportsApp(t, t.TempDir()+"/meshport.db")
	ctx := context.Background()
	mp.stop()
	if _, err := app.Reports.Queue(ctx, models.ReportWeekly, "test"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	var waiting []models.OutboxMessage
	for time.Now().Before(deadline) {
		app.Store.DB().Where("status = ? AND attempts >= 1", models.OutboxQueued).Find(&waiting)
		if len(waiting) == 3 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(waiting) != 3 || !strings.Contains(waiting[0].LastError, "connection refused") {
		t.Fatalf("while down: %d waiting to retry, error %q", len(waiting), waiting[0].LastError)
	}
	ada := app.signedIn(t, "ada")
	page := ada.get("/reports/deliveries")
	if !strings.Contains(page.Body, "connection refused") {
		t.Errorf("the delivery page does not show the server's answer")
	}
	mp.start()
	mp.waitForMail(3)
	time.Sleep(2500 * time.Millisecond) // more retry rounds would send more
	got := mp.messages()
	for addr, list := range got {
		if len(list) != 1 {
			t.Errorf("%s got %d emails", addr, len(list))
		}
	}
	if len(got) != 3 {
		t.Errorf("%d recipients got mail", len(got))
	}
}

// TestReportsQueuedBeforeACrashAreSentOnce: a process queues the reports
// and claims them for sending, then dies; the next process takes the
// claims over when their lease runs out and sends each report once.
func TestReportsQueuedBeforeACrashAreSentOnce(t *testing.T) {
	t.Parallel()
	dbURL := "postgres://postgres@127.0.0.1:5432/" + newSourceDatabase(t) + "?sslmode=disable"
	mp := startMailpit(t)
	ctx := context.Background()
	// The first process queues the reports and claims them for sending,
	// then dies before sending any (it has no SMTP server to reach, so its
	// own sender never runs; the claim is its last act).
	crashed := newTestAppWithConfig(t, testConfig(dbURL))
	seedReportOwners(t, crashed)
	if _, err := crashed.Reports.Queue(ctx, models.ReportWeekly, "test"); err != nil {
		t.Fatal(err)
	}
	claimed, err := crashed.Store.ClaimDue(ctx, "dead-process", 10, 8, time.Second)
	if err != nil || len(claimed) != 3 {
		t.Fatalf("claimed %d (%v)", len(claimed), err)
	}
	// The next process sends them once the dead claims expire.
	next := testConfig(dbURL)
	mp.smtpConfig(&next)
	next.tuning.reportsPoll = 200 * time.Millisecond
	newTestAppWithConfig(t, next)
	mp.waitForMail(3)
	time.Sleep(time.Second)
	got := mp.messages()
	for addr, list := range got {
		if len(list) != 1 {
			t.Errorf("%s got %d emails", addr, len(list))
		}
	}
	if len(got) != 3 {
		t.Errorf("%d recipients", len(got))
	}
}

// TestTwoReplicasSendOneReportEach runs the weekly schedule on two portals
// on one PostgreSQL at the same moment: every owner gets one email.
func TestTwoReplicasSendOneReportEach(t *testing.T) {
	t.Parallel()
	dbURL := "postgres://postgres@127.0.0.1:5432/" + newSourceDatabase(t) + "?sslmode=disable"
	mp := startMailpit(t)
	var apps []*testApp
	for range 2 {
		cfg := testConfig(dbURL)
		mp.smtpConfig(&cfg)
		cfg.tuning.reportsPoll = 200 * time.Millisecond
		apps = append(apps, newTestAppWithConfig(t, cfg))
	}
	seedReportOwners(t, apps[0])
	var wg sync.WaitGroup
	for _, a := range apps {
		wg.Add(2)
		go func() { defer wg.Done(); _ = a.queueReports(context.Background(), models.ReportWeekly) }()
		go func() { defer wg.Done(); _, _ = a.Reports.Queue(context.Background(), models.ReportWeekly, "again") }()
	}
	wg.Wait()
	mp.waitForMail(3)
	time.Sleep(time.Second)
	got := mp.messages()
	for addr, list := range got {
		if len(list) != 1 {
			t.Errorf("%s got %d emails", addr, len(list))
		}
	}
	if len(got) != 3 {
		t.Errorf("%d recipients", len(got))
	}
}

// TestReportPreferencesAndPreview: the profile's report choice with bad
// input, the preview of one's own report, and admins' preview of anyone's.
func TestReportPreferencesAndPreview(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	seedReportOwners(t, app)
	omar := app.signedIn(t, "omar")
	omar.get("/profile")
	before := app.rowCounts(t)
	p, _ := omar.post("/profile/reports", url.Values{"frequency": {"monthly"}, "always": {"true"}})
	if p.StatusCode != http.StatusUnprocessableEntity || p.fieldError("frequency") != "Choose weekly, daily or never." {
		t.Fatalf("bad frequency: %d %q", p.StatusCode, p.fieldError("frequency"))
	}
	if p.selected("frequency") != "" && p.selected("frequency") != "monthly" {
		t.Errorf("form shows %q", p.selected("frequency"))
	}
	app.assertNothingWritten(t, before)
	var prefs int64
	app.Store.DB().Model(&models.ReportPreference{}).Where("email = ?", "omar@example.com").Count(&prefs)
	if prefs != 0 {
		t.Errorf("a refused choice was stored")
	}
	p, _ = omar.post("/profile/reports", url.Values{"frequency": {"daily"}})
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", p.StatusCode)
	}
	if got := omar.get("/profile").selected("frequency"); got != "daily" {
		t.Errorf("profile shows %q", got)
	}

	preview := omar.get("/reports/preview")
	if got := text(preview.Doc.Find("#report-subject")); got != "Subject: 1 stale product, 5.5 GB of dark data in Checkout" {
		t.Errorf("preview subject %q", got)
	}
	frame := omar.get("/reports/preview/html")
	if csp := frame.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
		t.Errorf("frame CSP %q", csp)
	}
	if !strings.Contains(frame.Body, "orders_2019") {
		t.Errorf("frame lacks the report")
	}
	if p := omar.get("/reports/preview?email=vera@example.com"); p.StatusCode != http.StatusForbidden {
		t.Errorf("omar previews vera's report: %d", p.StatusCode)
	}
	ada := app.signedIn(t, "ada")
	if p := ada.get("/reports/preview?email=vera@example.com"); p.StatusCode != http.StatusOK || !strings.Contains(p.Body, "Customer profiles") {
		t.Errorf("admin preview of vera: %d", p.StatusCode)
	}
	if p := ada.get("/reports/preview?email=nobody@example.com"); p.StatusCode != http.StatusNotFound {
		t.Errorf("preview of a stranger: %d", p.StatusCode)
	}
	if p := omar.get("/reports/deliveries"); p.StatusCode != http.StatusForbidden {
		t.Errorf("owner opens deliveries: %d", p.StatusCode)
	}
}

// TestReportDeliveryActions: the admins' send-now and retry with bad
// input, and refusals for everyone else; nothing is written by a refusal.
func TestReportDeliveryActions(t *testing.T) {
	t.Parallel()
	app, mp := reportsApp(t, t.TempDir()+"/meshport.db")
	ada := app.signedIn(t, "ada")
	ada.get("/reports/deliveries")
	before := app.rowCounts(t)
	for _, tc := range []struct{ email, msg string }{
		{"", "Whose report? Give an email address."},
		{"nobody@example.com", `Nobody with the email "nobody@example.com" signed in or owns anything.`},
	} {
		p, _ := ada.post("/reports/send", url.Values{"email": {tc.email}})
		if p.StatusCode != http.StatusUnprocessableEntity || p.fieldError("email") != tc.msg || p.value("email") != tc.email {
			t.Errorf("send to %q: %d %q (value %q)", tc.email, p.StatusCode, p.fieldError("email"), p.value("email"))
		}
	}
	omar := app.signedIn(t, "omar")
	omar.get("/profile")
	if p, _ := omar.post("/reports/send", url.Values{"email": {"omar@example.com"}}); p.StatusCode != http.StatusForbidden {
		t.Errorf("owner sends by hand: %d", p.StatusCode)
	}
	if p, _ := ada.post("/reports/deliveries/999/retry", nil); p.StatusCode != http.StatusNotFound {
		t.Errorf("retry of an unknown message: %d", p.StatusCode)
	}
	app.assertNothingWritten(t, before)

	p, _ := ada.post("/reports/send", url.Values{"email": {"Vera@example.com"}})
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("send now: %d", p.StatusCode)
	}
	got := mp.waitForMail(1)
	if len(got["vera@example.com"]) != 1 {
		t.Fatalf("send now delivered %v", got)
	}
	page := ada.get("/reports/deliveries")
	if rows := page.texts("#deliveries tbody tr td:nth-child(4)"); len(rows) != 1 || rows[0] != "sent" {
		t.Errorf("delivery page statuses %q", rows)
	}
	var m models.OutboxMessage
	app.Store.DB().Take(&m)
	if p, _ := omar.post("/reports/deliveries/"+fmt.Sprint(m.ID)+"/retry", nil); p.StatusCode != http.StatusForbidden {
		t.Errorf("owner retries: %d", p.StatusCode)
	}
	if p, _ := ada.post("/reports/deliveries/"+fmt.Sprint(m.ID)+"/retry", nil); p.StatusCode != http.StatusConflict {
		t.Errorf("retry of a sent message: %d", p.StatusCode)
	}
}

// TestReportPolicySection: an owner's report lists, in the text and the
// HTML part, the policy their product fails with how long until it blocks
// and a link to the product, and the proposal their domain has not voted
// on with a link to the policy's page; a report without any says nothing
// of policies.
func TestReportPolicySection(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	seedReportOwners(t, app)
	ctx := context.Background()
	_, _, before, err := app.Reports.Preview(ctx, "omar@example.com")
	if err != nil {
		t.Fatal(err)
	}
	enforce := app.Store.Now().AddDate(0, 0, 20)
	if _, err := app.Store.CreatePolicy(ctx, admin, models.PolicyInput{Name: "Orders have a purpose", Scope: models.ScopeDomain, Domain: "checkout",
		Severity: models.SeverityBlocking, EnforceFrom: enforce.Format(time.DateOnly), Condition: "product.slug == 'orders'",
		Rule: "product.purpose == 'reporting'", Message: "'Say what it is for.'"}); err != nil {
		t.Fatal(err)
	}
	var vera models.User
	if err := app.Store.DB().Where("email = ?", "vera@example.com").Take(&vera).Error; err != nil {
		t.Fatal(err)
	}
	ch, err := app.Store.CreatePolicy(ctx, vera.Principal(), models.PolicyInput{Name: "Owners are named", Scope: models.ScopeGlobal,
		Severity: models.SeverityWarning, Rule: "size(product.owner) > 0"})
	if err != nil || ch.Proposal == nil {
		t.Fatalf("propose: %v", err)
	}
	rep, html, text, err := app.Reports.Preview(ctx, "omar@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(before, "Orders have a purpose") || len(rep.Failing) == 0 || len(rep.Proposals) != 1 {
		t.Fatalf("failing %d, proposals %d:\n%s", len(rep.Failing), len(rep.Proposals), text)
	}
	days := "in 20 days"
	productURL := "/products/checkout/orders"
	policyURL := fmt.Sprintf("/governance/policies/%d", ch.Policy.ID)
	for name, part := range map[string]string{"text": text, "html": html} {
		for _, want := range []string{"Policies", "Orders have a purpose", "Say what it is for.", "blocks from", days,
			"Owners are named", "awaiting the vote of Checkout", policyURL, productURL} {
			if !strings.Contains(part, want) {
				t.Errorf("%s part lacks %q:\n%s", name, want, part)
			}
		}
	}
	if !strings.Contains(text, "New: Orders fails \u201cOrders have a purpose\u201d") {
		t.Errorf("the new failure is not marked new:\n%s", text)
	}
	if !strings.Contains(rep.Proposals[0].Domains[0], "Checkout") {
		t.Errorf("proposal awaits %v", rep.Proposals[0].Domains)
	}
	for _, l := range absoluteLink.FindAllStringSubmatch(html, -1) {
		if !strings.HasPrefix(l[1], "http://127.0.0.1:") {
			t.Errorf("link %q is not absolute", l[1])
		}
	}
	if want := "proposal awaiting your vote"; !strings.Contains(reports.Subject(rep), want) {
		t.Errorf("subject %q lacks %q", reports.Subject(rep), want)
	}
}
