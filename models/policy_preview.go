package models

import (
	"context"

	"github.com/meshport/meshport/models/policy"
)

// PolicyVerdict is what one policy says of a product that is being edited.
type PolicyVerdict struct {
	PolicyFailure
	// Blocks: the policy is in force as blocking today, so an active
	// product cannot be saved while it fails.
	Blocks bool `json:"blocks"`
}

// PreviewPolicies judges a product as a form holds it, without writing:
// the policies, facts and waivers a save would use, with the crawled
// assets of its ports as they are now. current is the product being edited
// (nil for a new one). A draft is judged as if it were made active, since
// what its owner needs to know is what activation will ask. It returns the
// policies that fail or error, blocking ones first; a product the form
// cannot place in a domain yet has none.
func (s *Store) PreviewPolicies(ctx context.Context, in ProductInput, current *Product) ([]PolicyVerdict, error) {
	tx := s.db.WithContext(ctx)
	domain, _ := checkProduct(tx, &in, current) // the form shows field errors itself
	if in.Status == StatusDraft {
		in.Status = StatusActive
	}
	if domain == nil {
		return nil, nil
	}
	prod := &Product{DomainID: domain.ID}
	var ids []uint // no waivers for a product not yet saved
	if current != nil {
		prod.ID, prod.CreatedAt, prod.UpdatedAt = current.ID, current.CreatedAt, current.UpdatedAt
		ids = []uint{current.ID}
	} else {
		prod.CreatedAt, prod.UpdatedAt = s.now(), s.now()
	}
	prod.apply(in)
	now := s.now()
	assets := map[int]Asset{} // by port position
	for i, o := range prod.OutputPorts {
		if o.SourceID == nil {
			continue
		}
		var found []Asset
		if err := tx.Where("source_id = ? AND key = ?", *o.SourceID, o.Location).Limit(1).Find(&found).Error; err != nil {
			return nil, internal("preview assets", err)
		}
		if len(found) == 1 {
			assets[i] = found[0]
		}
	}
	health := HealthOf(&Product{OutputPorts: prod.OutputPorts, FreshnessSLA: prod.FreshnessSLA}, assets, now).Summary()
	ev, err := s.newEvaluator(ctx, tx, ids)
	if err != nil {
		return nil, internal("preview policies", err)
	}
	if ids == nil {
		ev.waivers = map[resultKey]*PolicyWaiver{}
	}
	sub := policySubject{id: prod.ID, domainID: domain.ID, name: prod.Name, slug: prod.Slug, status: prod.Status,
		facts: productFacts(prod, domain.Slug, assets, health, now)}
	if prod.ID != 0 {
		subjects := []policySubject{sub}
		if err := attachContractFacts(tx, subjects, []uint{prod.ID}); err != nil {
			return nil, internal("preview contracts", err)
		}
		sub = subjects[0]
	}
	var blocking, warnings []PolicyVerdict
	for _, j := range ev.judge(&sub) {
		if j.outcome != string(policy.Fail) && j.outcome != string(policy.Error) {
			continue
		}
		v := PolicyVerdict{PolicyFailure: PolicyFailure{PolicyID: j.policy.ID, Key: j.policy.Key, Name: j.policy.Name,
			Severity: j.policy.Severity, Field: j.policy.Field, Outcome: j.outcome, Message: j.message}, Blocks: j.policy.Blocks(now)}
		if v.Blocks {
			blocking = append(blocking, v)
		} else {
			warnings = append(warnings, v)
		}
	}
	return append(blocking, warnings...), nil
}
