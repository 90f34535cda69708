package models

import (
	"context"
	"time"
)

// MayDecideWaiver reports whether p may approve or reject waiver id: the
// same rule DecideWaiver applies, for pages to offer the buttons.
func (s *Store) MayDecideWaiver(ctx context.Context, p Principal, id uint) bool {
	tx := s.db.WithContext(ctx)
	var w PolicyWaiver
	if err := tx.Preload("Policy").Preload("Policy.Domain").Preload("Product").Preload("Product.Domain").Take(&w, id).Error; err != nil ||
		w.Policy == nil || w.Product == nil || w.Product.Domain == nil {
		return false
	}
	return s.mayDecideWaiver(tx, p, &w) == nil
}

// MaxWaiverDays is the longest waiver the portal grants, in days.
func (s *Store) MaxWaiverDays() int { return int(s.maxWaiver / (24 * time.Hour)) }

// MayProposePolicies reports whether p may propose global policies: an
// admin, or a representative of an active domain.
func (s *Store) MayProposePolicies(ctx context.Context, p Principal) bool {
	return s.canPropose(s.db.WithContext(ctx), p)
}

// Input is what the proposal would make of pol, as a form or file holds it.
func (pr *PolicyProposal) Input(pol *Policy) PolicyInput {
	return pr.Spec.input(pol.Key, pol.Scope, pol.DomainSlug())
}
