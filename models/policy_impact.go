package models

import (
	"context"
	"sort"

	"github.com/meshport/meshport/models/policy"
	"gorm.io/gorm"
)

// ImpactProduct is one product a dry run fails or errors.
type ImpactProduct struct {
	Domain  string `json:"domain"`
	Slug    string `json:"slug"`
	Name    string `json:"name"`
	Outcome string `json:"outcome"`
	Message string `json:"message"`
}

// DomainImpact is a dry run's outcome in one domain.
type DomainImpact struct {
	Domain        string          `json:"domain"`
	Name          string          `json:"name"`
	Pass          int             `json:"pass"`
	Fail          int             `json:"fail"`
	Error         int             `json:"error"`
	NotApplicable int             `json:"not_applicable"`
	Failing       []ImpactProduct `json:"failing"`
}

// Impact is what a policy would say of every product now, without waivers
// (a policy not yet adopted has none) and without writing anything.
type Impact struct {
	Pass          int            `json:"pass"`
	Fail          int            `json:"fail"`
	Error         int            `json:"error"`
	NotApplicable int            `json:"not_applicable"`
	Domains       []DomainImpact `json:"domains"`
}

// DryRun evaluates a policy as submitted over current data: counts and the
// failing products per domain. Invalid input is refused as a save would be.
func (s *Store) DryRun(ctx context.Context, in PolicyInput) (Impact, error) {
	in.Normalize()
	errs := in.Validate()
	tx := s.db.WithContext(ctx)
	domain := s.policyDomain(tx, &in, errs)
	if err := errs.Err(); err != nil {
		return Impact{}, err
	}
	pol := &Policy{Key: in.Key, Scope: in.Scope, PolicySpec: in.spec()}
	if domain != nil {
		pol.DomainID = &domain.ID
	}
	imp, err := s.impact(ctx, tx, pol, pol.PolicySpec)
	return imp, internal("dry run", err)
}

// ProposalImpact is the impact of what proposal id would put in force.
func (s *Store) ProposalImpact(ctx context.Context, id uint) (Impact, error) {
	tx := s.db.WithContext(ctx)
	prop, err := getProposal(tx, id)
	if err != nil {
		return Impact{}, err
	}
	if prop.Action == ActionRetire {
		return Impact{}, nil // retiring judges nothing
	}
	imp, err := s.impact(ctx, tx, prop.Policy, prop.Spec)
	return imp, internal("proposal impact", err)
}

func (s *Store) impact(ctx context.Context, tx *gorm.DB, pol *Policy, spec PolicySpec) (Impact, error) {
	ctx, cancel := context.WithTimeout(ctx, batchDeadline)
	defer cancel()
	probe := &Policy{ID: pol.ID, Key: pol.Key, Scope: pol.Scope, DomainID: pol.DomainID, PolicySpec: spec, State: PolicyAdopted}
	lp := compileLive(probe)
	ev, err := s.newEvaluator(ctx, tx, []uint{})
	if err != nil {
		return Impact{}, err
	}
	ev.policies, ev.waivers = []livePolicy{lp}, nil
	subjects, err := loadPolicySubjects(tx, nil, ev.now)
	if err != nil {
		return Impact{}, err
	}
	var domains []Domain
	if err := tx.Order("name").Find(&domains).Error; err != nil {
		return Impact{}, err
	}
	byID := map[uint]*DomainImpact{}
	var imp Impact
	for i := range domains {
		if pol.Scope == ScopeDomain && (pol.DomainID == nil || *pol.DomainID != domains[i].ID) {
			continue
		}
		imp.Domains = append(imp.Domains, DomainImpact{Domain: domains[i].Slug, Name: domains[i].Name, Failing: []ImpactProduct{}})
	}
	for i := range imp.Domains {
		for j := range domains {
			if domains[j].Slug == imp.Domains[i].Domain {
				byID[domains[j].ID] = &imp.Domains[i]
			}
		}
	}
	for i := range subjects {
		sub := &subjects[i]
		d := byID[sub.domainID]
		if d == nil {
			continue
		}
		for _, j := range ev.judge(sub) {
			switch policy.Outcome(j.outcome) {
			case policy.Pass:
				d.Pass++
				imp.Pass++
			case policy.NotApplicable:
				d.NotApplicable++
				imp.NotApplicable++
			default:
				if j.outcome == string(policy.Fail) {
					d.Fail++
					imp.Fail++
				} else {
					d.Error++
					imp.Error++
				}
				d.Failing = append(d.Failing, ImpactProduct{Domain: d.Domain, Slug: sub.slug, Name: sub.name, Outcome: j.outcome, Message: j.message})
			}
		}
	}
	for i := range imp.Domains {
		sort.Slice(imp.Domains[i].Failing, func(a, b int) bool { return imp.Domains[i].Failing[a].Name < imp.Domains[i].Failing[b].Name })
	}
	return imp, nil
}
