package models

import (
	"context"
	"time"

	"github.com/meshport/meshport/models/policy"
	"gorm.io/gorm"
)

// GoPolicy is a policy written as Go, keyed like the CEL policy it mirrors:
// applies is its condition, holds its rule.
type GoPolicy struct {
	Applies, Holds func(p *policy.Product, d *policy.Domain, now time.Time) bool
}

// EvaluatePoliciesInGo is EvaluatePolicies with every policy judged by its
// Go twin instead of CEL: the same load, waivers and storage. It is the
// baseline of the evaluation benchmark.
func (s *Store) EvaluatePoliciesInGo(ctx context.Context, twins map[string]GoPolicy) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockFindings(tx); err != nil {
			return err
		}
		ev, err := s.newEvaluator(ctx, tx, nil)
		if err != nil {
			return err
		}
		subjects, err := loadPolicySubjects(tx, nil, ev.now)
		if err != nil {
			return err
		}
		byProduct := make(map[uint][]judgement, len(subjects))
		for i := range subjects {
			sub := &subjects[i]
			d := ev.domains[sub.domainID]
			js := make([]judgement, 0, len(ev.policies))
			for j := range ev.policies {
				lp := &ev.policies[j]
				if !lp.appliesIn(sub.domainID) {
					continue
				}
				twin := twins[lp.Key]
				jd := judgement{policy: lp, outcome: string(policy.NotApplicable)}
				switch {
				case twin.Applies != nil && !twin.Applies(sub.facts, d, ev.now):
				case twin.Holds(sub.facts, d, ev.now):
					jd.outcome = string(policy.Pass)
				default:
					jd.outcome, jd.message = string(policy.Fail), lp.fallbackMessage()
				}
				js = append(js, jd)
			}
			byProduct[sub.id] = js
		}
		existing, err := loadResults(tx, subjects, len(subjects)*len(ev.policies))
		if err != nil {
			return err
		}
		_, err = storeJudgements(tx, subjects, byProduct, existing, ev.now)
		return err
	})
}

// PolicyFacts returns what policies see of every product, with its
// domain's facts, for benchmarks of evaluation alone.
func (s *Store) PolicyFacts(ctx context.Context) ([]policy.Input, error) {
	tx := s.db.WithContext(ctx)
	ev, err := s.newEvaluator(ctx, tx, nil)
	if err != nil {
		return nil, err
	}
	subjects, err := loadPolicySubjects(tx, nil, ev.now)
	if err != nil {
		return nil, err
	}
	out := make([]policy.Input, len(subjects))
	for i := range subjects {
		out[i] = policy.Input{Product: subjects[i].facts, Domain: ev.domains[subjects[i].domainID]}
	}
	return out, nil
}
