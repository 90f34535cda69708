package models_test

import (
	"strings"
	"testing"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

// Who asks for a waiver and who approves it, how long it may run, what it
// changes, and that its end brings the failure back.
func TestPolicyWaivers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		c := newClock()
		s = govStore(s, c, models.Options{MaxWaiver: 30 * 24 * time.Hour})
		createDomain(t, s, "Sales", "sales@example.com", "sales2@example.com")
		createDomain(t, s, "Marketing", "mkt@example.com")
		sales, sales2, mkt := person(10, "sales@example.com"), person(11, "sales2@example.com"), person(12, "mkt@example.com")
		// rep represents sales, where it owns nothing, and marketing.
		rep := person(13, "rep@example.com")
		mustOK(t, s.DB().Model(&models.Domain{}).Where("slug = ?", "sales").Update("representatives", `["sales@example.com","rep@example.com"]`).Error, "sales reps")
		mustOK(t, s.DB().Model(&models.Domain{}).Where("slug = ?", "marketing").Update("representatives", `["mkt@example.com","rep@example.com"]`).Error, "marketing reps")
		global := adoptPolicy(t, s, models.PolicyInput{Name: "Purpose", Severity: "blocking", Rule: "product.purpose != ''", Message: "'Say what it is for.'"})
		orders := createProduct(t, s, "sales", "Orders", models.StatusDraft)
		assertResult(t, s, global, orders, "fail", "Say what it is for.")

		ok := models.WaiverInput{PolicyID: global.ID, Reason: "Migrating to the new warehouse first.", ExpiresAt: day(c, 20)}
		with := func(change func(*models.WaiverInput)) models.WaiverInput {
			in := ok
			change(&in)
			return in
		}
		retired := adoptPolicy(t, s, models.PolicyInput{Name: "Soon gone", Rule: "false"})
		_, err := s.RetirePolicy(ctx, admin, retired.ID, "")
		mustOK(t, err, "retire")
		mktOnly := adoptPolicy(t, s, models.PolicyInput{Name: "Marketing only", Domain: "marketing", Rule: "false"})
		bad := []struct {
			name    string
			p       models.Principal
			product string
			in      models.WaiverInput
			code    string
			field   string
		}{
			{"viewer", viewer, "orders", ok, models.EFORBIDDEN, ""},
			{"another domain's owner", mkt, "orders", ok, models.EFORBIDDEN, ""},
			{"representative who owns nothing", rep, "orders", ok, models.EFORBIDDEN, ""},
			{"unknown product", sales, "nothing", ok, models.ENOTFOUND, ""},
			{"no policy", sales, "orders", with(func(in *models.WaiverInput) { in.PolicyID = 0 }), models.EINVALID, "policy_id"},
			{"unknown policy", sales, "orders", with(func(in *models.WaiverInput) { in.PolicyID = 999999 }), models.EINVALID, "policy_id"},
			{"retired policy", sales, "orders", with(func(in *models.WaiverInput) { in.PolicyID = retired.ID }), models.EINVALID, "policy_id"},
			{"other domain's policy", sales, "orders", with(func(in *models.WaiverInput) { in.PolicyID = mktOnly.ID }), models.EINVALID, "policy_id"},
			{"no reason", sales, "orders", with(func(in *models.WaiverInput) { in.Reason = "  " }), models.EINVALID, "reason"},
			{"short reason", sales, "orders", with(func(in *models.WaiverInput) { in.Reason = "because" }), models.EINVALID, "reason"},
			{"long reason", sales, "orders", with(func(in *models.WaiverInput) { in.Reason = strings.Repeat("x", 2001) }), models.EINVALID, "reason"},
			{"no end", sales, "orders", with(func(in *models.WaiverInput) { in.ExpiresAt = "" }), models.EINVALID, "expires_at"},
			{"bad end", sales, "orders", with(func(in *models.WaiverInput) { in.ExpiresAt = "next month" }), models.EINVALID, "expires_at"},
			{"past end", sales, "orders", with(func(in *models.WaiverInput) { in.ExpiresAt = day(c, -1) }), models.EINVALID, "expires_at"},
			{"over the maximum", sales, "orders", with(func(in *models.WaiverInput) { in.ExpiresAt = day(c, 31) }), models.EINVALID, "expires_at"},
		}
		for _, tc := range bad {
			before := rowCounts(t, s, policyTables...)
			_, err := s.RequestWaiver(ctx, tc.p, "sales", tc.product, tc.in)
			if models.ErrorCode(err) != tc.code {
				t.Errorf("request %s: got %v, want %s", tc.name, err, tc.code)
			} else if tc.field != "" {
				assertErr(t, err, tc.code, tc.field)
			}
			assertNothingWritten(t, s, before)
		}
		_, err = s.RequestWaiver(ctx, sales, "sales", "orders", with(func(in *models.WaiverInput) { in.ExpiresAt = day(c, 31) }))
		if msg := models.ErrorFields(err)["expires_at"]; !strings.Contains(msg, "30 days") || !strings.Contains(msg, day(c, 30)) {
			t.Errorf("over the maximum says %q", msg)
		}

		// The owner asks; it exempts nothing yet.
		w, err := s.RequestWaiver(ctx, sales, "sales", "orders", ok)
		mustOK(t, err, "request")
		if w.State != models.WaiverRequested || w.RequestedBy != sales.Label() {
			t.Fatalf("waiver %+v", w)
		}
		assertResult(t, s, global, orders, "fail", "")
		if e := lastAudit(t, s); e.Action != "waiver requested" || e.EntityKey != "sales/orders" {
			t.Errorf("audit %q %q", e.Action, e.EntityKey)
		}
		before := rowCounts(t, s, policyTables...)
		_, err = s.RequestWaiver(ctx, sales2, "sales", "orders", ok)
		assertErr(t, err, models.ECONFLICT, "")
		assertNothingWritten(t, s, before)

		// A global policy's waiver: not by the product's domain, whether
		// owner, other owner or representative.
		for _, p := range []models.Principal{sales, sales2, rep, viewer} {
			_, err := s.DecideWaiver(ctx, p, w.ID, models.WaiverDecision{Approve: boolp(true)})
			if models.ErrorCode(err) != models.EFORBIDDEN {
				t.Errorf("%s approved a waiver of a global policy for its own domain: %v", p.Label(), err)
			}
		}
		_, err = s.DecideWaiver(ctx, mkt, w.ID, models.WaiverDecision{})
		assertErr(t, err, models.EINVALID, "approve")
		_, err = s.DecideWaiver(ctx, mkt, w.ID, models.WaiverDecision{Approve: boolp(true), Note: strings.Repeat("x", 2001)})
		assertErr(t, err, models.EINVALID, "note")
		_, err = s.DecideWaiver(ctx, mkt, 999999, models.WaiverDecision{Approve: boolp(true)})
		assertErr(t, err, models.ENOTFOUND, "")
		assertNothingWritten(t, s, before)

		// Another domain's representative approves: waived, and it may go active.
		got, err := s.DecideWaiver(ctx, mkt, w.ID, models.WaiverDecision{Approve: boolp(true), Note: "fine for now"})
		mustOK(t, err, "approve")
		if got.State != models.WaiverApproved || got.DecidedBy != mkt.Label() || got.DecidedAt == nil {
			t.Fatalf("approved waiver %+v", got)
		}
		assertResult(t, s, global, orders, "waived", "")
		r, _ := result(t, s, global.ID, orders.ID)
		if r.WaiverID == nil || *r.WaiverID != w.ID {
			t.Errorf("waived result names waiver %v", r.WaiverID)
		}
		_, err = s.SetProductStatus(ctx, sales, "sales", "orders", models.StatusActive)
		mustOK(t, err, "activate under a waiver")
		before = rowCounts(t, s, policyTables...)
		_, err = s.DecideWaiver(ctx, admin, w.ID, models.WaiverDecision{Approve: boolp(false)})
		assertErr(t, err, models.ECONFLICT, "")
		assertNothingWritten(t, s, before)
		requested, expiring, err := s.PendingWaivers(ctx, 30)
		mustOK(t, err, "pending")
		if len(requested) != 0 || len(expiring) != 1 || expiring[0].ID != w.ID {
			t.Errorf("pending %d, expiring %d", len(requested), len(expiring))
		}

		// It ends: the failure is back, saying so.
		c.Advance(20 * 24 * time.Hour)
		mustOK(t, s.EvaluatePolicies(ctx), "evaluate")
		assertResult(t, s, global, orders, "fail", "The waiver ended on "+w.ExpiresAt.Format(time.DateOnly)+". Say what it is for.")
		_, err = s.PatchProduct(ctx, sales, "sales", "orders", func(in *models.ProductInput) error { in.Description = "Edited"; return nil })
		assertRefusedBy(t, err, global.Key)

		// A new request may follow; an admin rejects it, and it stays failing.
		w2, err := s.RequestWaiver(ctx, sales, "sales", "orders", with(func(in *models.WaiverInput) { in.ExpiresAt = day(c, 5) }))
		mustOK(t, err, "request again")
		_, err = s.DecideWaiver(ctx, admin, w2.ID, models.WaiverDecision{Approve: boolp(false), Note: "fix it"})
		mustOK(t, err, "reject")
		assertResult(t, s, global, orders, "fail", "")
		// Another domain's representative who is not its owner may approve.
		w3, err := s.RequestWaiver(ctx, sales, "sales", "orders", with(func(in *models.WaiverInput) { in.ExpiresAt = day(c, 5) }))
		mustOK(t, err, "request a third time")
		leads := createProduct(t, s, "marketing", "Leads", models.StatusDraft)
		_, err = s.RequestWaiver(ctx, mkt, "marketing", "leads", models.WaiverInput{PolicyID: global.ID, Reason: "Marketing needs time too.", ExpiresAt: day(c, 5)})
		mustOK(t, err, "marketing asks")
		var mw models.PolicyWaiver
		mustOK(t, s.DB().Where("product_id = ?", leads.ID).Take(&mw).Error, "marketing waiver")
		_, err = s.DecideWaiver(ctx, rep, mw.ID, models.WaiverDecision{Approve: boolp(true)})
		assertErr(t, err, models.EFORBIDDEN, "") // rep represents marketing too
		_, err = s.DecideWaiver(ctx, sales, mw.ID, models.WaiverDecision{Approve: boolp(true)})
		mustOK(t, err, "sales approves marketing's waiver")
		assertResult(t, s, global, leads, "waived", "")

		// A waiver that ended before anyone decided cannot be approved.
		c.Advance(6 * 24 * time.Hour)
		before = rowCounts(t, s, policyTables...)
		_, err = s.DecideWaiver(ctx, admin, w3.ID, models.WaiverDecision{Approve: boolp(true)})
		assertErr(t, err, models.ECONFLICT, "")
		assertNothingWritten(t, s, before)
	})
}

// A domain policy's waiver is decided by another owner of that domain.
func TestDomainPolicyWaivers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		c := newClock()
		s = govStore(s, c, models.Options{})
		createDomain(t, s, "Sales", "sales@example.com", "sales2@example.com")
		createDomain(t, s, "Marketing", "mkt@example.com")
		sales, sales2, mkt := person(10, "sales@example.com"), person(11, "sales2@example.com"), person(12, "mkt@example.com")
		createProduct(t, s, "marketing", "Campaigns", models.StatusDraft)
		ch, err := s.CreatePolicy(ctx, sales, models.PolicyInput{Name: "Sales purpose", Domain: "sales", Severity: "blocking", Rule: "product.purpose != ''"})
		mustOK(t, err, "domain policy")
		pol := ch.Policy
		orders := createProduct(t, s, "sales", "Orders", models.StatusDraft)
		w, err := s.RequestWaiver(ctx, sales, "sales", "orders", models.WaiverInput{PolicyID: pol.ID, Reason: "Purpose is being agreed.", ExpiresAt: day(c, 90)})
		mustOK(t, err, "request (90 days by default)")
		_, err = s.RequestWaiver(ctx, sales, "marketing", "campaigns", models.WaiverInput{PolicyID: pol.ID, Reason: "Not even ours.", ExpiresAt: day(c, 9)})
		assertErr(t, err, models.EFORBIDDEN, "")

		apiToken := sales
		apiToken.Via = "token"
		before := rowCounts(t, s, policyTables...)
		for _, p := range []models.Principal{sales, apiToken, mkt, viewer} {
			_, err := s.DecideWaiver(ctx, p, w.ID, models.WaiverDecision{Approve: boolp(true)})
			if models.ErrorCode(err) != models.EFORBIDDEN {
				t.Errorf("%s decided a sales owner's waiver of a sales policy: %v", p.Label(), err)
			}
		}
		assertNothingWritten(t, s, before)
		_, err = s.DecideWaiver(ctx, sales2, w.ID, models.WaiverDecision{Approve: boolp(true)})
		mustOK(t, err, "the other owner approves")
		assertResult(t, s, pol, orders, "waived", "")
		_, err = s.SetProductStatus(ctx, sales, "sales", "orders", models.StatusActive)
		mustOK(t, err, "activate")
	})
}
