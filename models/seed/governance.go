package seed

import (
	"context"
	"time"

	"github.com/meshport/meshport/models"
)

// demoGovernance shows federated governance on the demo data: a domain
// policy, a global proposal half-way through its vote, and waivers, one
// running and one awaiting a decision. The starter pack is already in force.
func demoGovernance(ctx context.Context, s *models.Store) error {
	omar := models.Principal{Email: "omar@example.com", EmailVerified: true, Name: "Omar Owner", Groups: []string{"checkout-team"}, Via: "demo seed"}
	admin := models.Principal{Name: "demo seed", Admin: true, Via: "cli"}

	// Checkout's own rule: its active products say what they are for.
	if _, err := s.CreatePolicy(ctx, omar, models.PolicyInput{
		Key: "checkout-purpose", Name: "Checkout products state their purpose", Scope: models.ScopeDomain, Domain: "checkout",
		Description: "Consumers in finance asked what each checkout product is meant for before they rely on it.",
		Severity:    models.SeverityWarning, Condition: "product.status == 'active'", Rule: "size(product.purpose) > 0",
		Message: "'Say what ' + product.name + ' is for in its purpose field.'", Field: "purpose", Level: "silver",
	}); err != nil {
		return err
	}

	// Checkout promises contracts on its tables (ODCS, see docs/contracts.md).
	if _, err := s.CreatePolicy(ctx, omar, models.PolicyInput{
		Key: "checkout-table-contracts", Name: "Checkout tables have a data contract", Scope: models.ScopeDomain, Domain: "checkout",
		Description: "Consumers build on checkout's tables; a contract says what they can rely on, and meshport checks it after every crawl.",
		Severity:    models.SeverityWarning, Condition: "product.status == 'active'",
		Rule:    "product.output_ports.all(p, p.type != 'table' || p.contract.exists && !p.contract.drift)",
		Message: "'Give every table port of ' + product.name + ' a data contract that matches its table.'", Level: "gold",
	}); err != nil {
		return err
	}

	// A global proposal: checkout proposes and approves; customer and
	// logistics have yet to vote, so it is open with its impact shown.
	enforce := s.Now().AddDate(0, 0, 30).Format(time.DateOnly)
	ch, err := s.CreatePolicy(ctx, omar, models.PolicyInput{
		Key: "active-products-tagged", Name: "Active products carry a tag", Scope: models.ScopeGlobal,
		Description: "Tags are how consumers browse the mesh; an untagged product is hard to find.",
		Severity:    models.SeverityBlocking, EnforceFrom: enforce, Condition: "product.status == 'active'",
		Rule:    "size(product.tags) > 0",
		Message: "'Give ' + product.name + ' at least one tag, e.g. its business area.'", Field: "tags", Level: "silver",
		Comment: "Blocking after a month, so owners have time to tag what they publish.",
	})
	if err != nil {
		return err
	}
	approve := true
	if ch.Proposal != nil {
		if _, err := s.Vote(ctx, omar, ch.Proposal.ID, models.VoteInput{Approve: &approve, Comment: "Checkout tags everything already."}); err != nil {
			return err
		}
	}

	// The orders API has no database to crawl: checkout asked to be let
	// off, and an admin agreed; Payments asks checkout for time on its
	// purpose.
	pols, err := s.ListPolicies(ctx, models.PolicyFilter{})
	if err != nil {
		return err
	}
	byKey := map[string]uint{}
	for _, p := range pols {
		byKey[p.Key] = p.ID
	}
	in60 := s.Now().AddDate(0, 0, 60).Format(time.DateOnly)
	if id := byKey["ports-crawled"]; id != 0 {
		w, err := s.RequestWaiver(ctx, omar, "checkout", "orders", models.WaiverInput{PolicyID: id, ExpiresAt: in60,
			Reason: "The orders API is served by the checkout service; there is no database behind it to crawl."})
		if err != nil {
			return err
		}
		if _, err := s.DecideWaiver(ctx, admin, w.ID, models.WaiverDecision{Approve: &approve, Note: "Until APIs can be checked another way."}); err != nil {
			return err
		}
	}
	if id := byKey["checkout-purpose"]; id != 0 {
		if _, err := s.RequestWaiver(ctx, omar, "checkout", "payments", models.WaiverInput{PolicyID: id, ExpiresAt: in60,
			Reason: "Finance is still agreeing what payments data is for; we write it once they decide."}); err != nil {
			return err
		}
	}
	return nil
}
