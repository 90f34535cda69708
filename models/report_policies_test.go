package models_test

import (
	"testing"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

func reportOwner(email string) models.Principal {
	return models.Principal{UserID: 40, Email: email, EmailVerified: true, Name: "Olga Owner", Via: "session"}
}

// reportPolicy adopts a domain policy of checkout as its owner.
func reportPolicy(t *testing.T, s *models.Store, p models.Principal, in models.PolicyInput) *models.Policy {
	t.Helper()
	in.Scope, in.Domain = models.ScopeDomain, "checkout"
	ch, err := s.CreatePolicy(ctx, p, in)
	mustOK(t, err, "create policy "+in.Name)
	if ch.Policy.State != models.PolicyAdopted {
		t.Fatalf("%s is %s, want adopted at once", in.Name, ch.Policy.State)
	}
	return ch.Policy
}

func reportFailureNames(r *models.Report) []string {
	var out []string
	for _, f := range r.Failing {
		out = append(out, f.PolicyName)
	}
	return out
}

// TestReportPolicies builds the report of a domain owner whose product
// fails an old warning and a newer blocking policy that is enforced from a
// later day, has a waiver ending within 14 days, and whose domain has not
// voted on an open proposal: each shows, new failures first. When the
// waiver ends, the result fails again and the report says so.
func TestReportPolicies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, base *models.Store) {
		c := newClock()
		s := models.NewStore(base.DB(), models.Options{Clock: c.Now, CatalogRecheck: -1})
		olga := reportOwner("olga@example.com")
		createDomain(t, s, "Checkout", olga.Email)
		createDomain(t, s, "Billing", "bill@example.com")
		createDomain(t, s, "Shipping", "ship@example.com")
		createDomain(t, s, "Idle", "idle@example.com") // owns no product: does not vote
		createProduct(t, s, "checkout", "Orders", models.StatusDraft)
		createProduct(t, s, "billing", "Invoices", models.StatusDraft)
		createProduct(t, s, "shipping", "Parcels", models.StatusDraft)

		old := reportPolicy(t, s, olga, models.PolicyInput{Name: "Tagged", Severity: models.SeverityWarning,
			Rule: "size(product.tags) > 0", Message: "'Add a tag.'"})
		c.Advance(8 * 24 * time.Hour) // older than the week a first report covers
		enforce := c.Now().AddDate(0, 0, 12).Format(time.DateOnly)
		newer := reportPolicy(t, s, olga, models.PolicyInput{Name: "Purpose stated", Severity: models.SeverityBlocking,
			EnforceFrom: enforce, Rule: "size(product.purpose) > 0", Message: "'Say what it is for.'", Field: "purpose"})
		c.Advance(time.Hour)
		waived := reportPolicy(t, s, olga, models.PolicyInput{Name: "Has PII flag reviewed", Severity: models.SeverityWarning,
			Rule: "product.contains_pii", Message: "'Review personal data.'"})
		w, err := s.RequestWaiver(ctx, olga, "checkout", "orders", models.WaiverInput{PolicyID: waived.ID,
			Reason: "Reviewed by legal next month.", ExpiresAt: c.Now().AddDate(0, 0, 10).Format(time.DateOnly)})
		mustOK(t, err, "request waiver")
		yes := true
		_, err = s.DecideWaiver(ctx, admin, w.ID, models.WaiverDecision{Approve: &yes})
		mustOK(t, err, "approve waiver")
		bill := reportOwner("bill@example.com")
		ch, err := s.CreatePolicy(ctx, bill, models.PolicyInput{Name: "Global owners", Scope: models.ScopeGlobal, Severity: models.SeverityWarning,
			Rule: "size(product.owner) > 3", Comment: "Owners must be real."})
		mustOK(t, err, "propose")
		if ch.Proposal == nil {
			t.Fatal("a representative's global policy was not proposed")
		}
		// Shipping approves; 2 of the 3 voting domains must, so it stays open.
		_, err = s.Vote(ctx, reportOwner("ship@example.com"), ch.Proposal.ID, models.VoteInput{Approve: &yes})
		mustOK(t, err, "vote")

		rep, err := s.ReportFor(ctx, olga.Email)
		mustOK(t, err, "report")
		mine := map[uint]bool{old.ID: true, newer.ID: true, waived.ID: true}
		var got []string
		for _, f := range rep.Failing {
			if mine[f.PolicyID] {
				got = append(got, f.PolicyName)
			}
			if f.ProductSlug != "orders" {
				t.Errorf("olga's report lists %s of %s, which she does not own", f.PolicyName, f.ProductSlug)
			}
		}
		if len(got) != 2 || got[0] != "Purpose stated" || got[1] != "Tagged" {
			t.Fatalf("failing policies %v (all: %v), want the newer blocking one first, then the old warning", got, reportFailureNames(rep))
		}
		for _, f := range rep.Failing {
			switch f.PolicyID {
			case newer.ID:
				if !f.New || !f.BlocksLater(rep.Now) || f.Blocks(rep.Now) || f.EnforceFrom == nil || f.Message != "Say what it is for." || f.DomainSlug != "checkout" {
					t.Errorf("newer failure: %+v", f)
				}
			case old.ID:
				if f.New || f.BlocksLater(rep.Now) || f.Message != "Add a tag." {
					t.Errorf("old failure: new %v, %+v", f.New, f)
				}
			}
		}
		if len(rep.ExpiringWaivers) != 1 || rep.ExpiringWaivers[0].PolicyID != waived.ID || rep.ExpiringWaivers[0].ProductSlug != "orders" {
			t.Errorf("expiring waivers %+v", rep.ExpiringWaivers)
		}
		if len(rep.EndedWaivers) != 0 {
			t.Errorf("ended waivers %+v", rep.EndedWaivers)
		}
		if len(rep.Proposals) != 1 || rep.Proposals[0].PolicyID != ch.Policy.ID || rep.Proposals[0].PolicyName != "Global owners" ||
			len(rep.Proposals[0].Domains) != 1 || rep.Proposals[0].Domains[0] != "Checkout" {
			t.Errorf("proposals %+v", rep.Proposals)
		}
		if !rep.HasNews() || !rep.PolicyNews() || rep.NewFailures() < 1 {
			t.Errorf("a report with new failures, a waiver ending and a vote awaited has no news")
		}

		if r, err := s.ReportFor(ctx, bill.Email); err != nil || len(r.Proposals) != 1 {
			t.Errorf("billing has not voted, but its owner is not asked: %v", err)
		}
		// Shipping has voted: its owner is not asked again; the idle
		// domain's owner (no products) never votes.
		for _, who := range []string{"ship@example.com", "idle@example.com"} {
			r, err := s.ReportFor(ctx, who)
			mustOK(t, err, "report of "+who)
			if len(r.Proposals) != 0 {
				t.Errorf("%s is asked to vote: %+v", who, r.Proposals)
			}
			for _, f := range r.Failing {
				if f.ProductSlug == "orders" {
					t.Errorf("%s's report lists Orders' failure %s", who, f.PolicyName)
				}
			}
		}

		// The waiver ends: the result fails again and the report says so.
		c.Advance(11 * 24 * time.Hour)
		mustOK(t, s.EvaluatePolicies(ctx), "evaluate")
		rep, err = s.ReportFor(ctx, olga.Email)
		mustOK(t, err, "report after the waiver")
		if len(rep.ExpiringWaivers) != 0 || len(rep.EndedWaivers) != 1 || !rep.EndedWaivers[0].FailsAgain {
			t.Errorf("after expiry: expiring %+v, ended %+v", rep.ExpiringWaivers, rep.EndedWaivers)
		}
		if len(rep.Failing) == 0 || rep.Failing[0].PolicyID != waived.ID || !rep.Failing[0].New {
			t.Errorf("the waived policy does not fail again first: %v", reportFailureNames(rep))
		}
	})
}

// TestReportWithoutPolicies: a report of an owner whose products pass every
// policy has no Policies section and no policy news.
func TestReportWithoutPolicies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		createDomain(t, s, "Checkout", "olga@example.com")
		createProduct(t, s, "checkout", "Orders", models.StatusDraft)
		rep, err := s.ReportFor(ctx, "olga@example.com")
		mustOK(t, err, "report")
		if rep.HasPolicies() || rep.PolicyNews() || rep.HasNews() {
			t.Errorf("policies section %v, news %v: failing %v, waivers %+v, proposals %+v",
				rep.HasPolicies(), rep.HasNews(), reportFailureNames(rep), rep.ExpiringWaivers, rep.Proposals)
		}
	})
}
