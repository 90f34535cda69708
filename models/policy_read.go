package models

import (
	"context"
	"sort"
	"time"

	"github.com/meshport/meshport/models/policy"
	"gorm.io/gorm"
)

// PolicyFilter selects policies for lists and the API.
type PolicyFilter struct {
	Scope  string `query:"scope"`
	Domain string `query:"domain"`
	State  string `query:"state"`
}

// PolicyStats counts a policy's results, across the mesh or in one domain.
type PolicyStats struct {
	Pass, Fail, Error, Waived, NotApplicable int
}

// Applicable counts the results that are judged (all but not applicable).
func (s PolicyStats) Applicable() int { return s.Pass + s.Fail + s.Error + s.Waived }

// PassRate is the share of applicable results passed or waived, in percent
// (-1 when none apply).
func (s PolicyStats) PassRate() int {
	if s.Applicable() == 0 {
		return -1
	}
	return (s.Pass + s.Waived) * 100 / s.Applicable()
}

func (s *PolicyStats) add(outcome string) {
	switch policy.Outcome(outcome) {
	case policy.Pass:
		s.Pass++
	case policy.Fail:
		s.Fail++
	case policy.Error:
		s.Error++
	case policy.Waived:
		s.Waived++
	default:
		s.NotApplicable++
	}
}

// PolicySummary is a policy with its results counted.
type PolicySummary struct {
	Policy
	Stats    PolicyStats
	ByDomain map[string]PolicyStats // by domain slug
	// Open is its open proposal, if any.
	Open *PolicyProposal
}

// ListPolicies returns the policies matching f, global ones first, then by
// name, with their results counted.
func (s *Store) ListPolicies(ctx context.Context, f PolicyFilter) ([]PolicySummary, error) {
	tx := s.db.WithContext(ctx)
	q := tx.Preload("Domain").Order("scope DESC, name, id") // "global" sorts after "domain"
	if f.Scope != "" {
		q = q.Where("scope = ?", f.Scope)
	}
	if f.State != "" {
		q = q.Where("state = ?", f.State)
	}
	if f.Domain != "" {
		q = q.Where("domain_id IN (SELECT id FROM domains WHERE slug = ?)", f.Domain)
	}
	var ps []Policy
	if err := q.Find(&ps).Error; err != nil {
		return nil, internal("list policies", err)
	}
	out := make([]PolicySummary, len(ps))
	index := map[uint]int{}
	for i := range ps {
		out[i] = PolicySummary{Policy: ps[i], ByDomain: map[string]PolicyStats{}}
		index[ps[i].ID] = i
	}
	rows, err := tx.Raw(`SELECT r.policy_id, d.slug, r.outcome, count(*) FROM policy_results r
		JOIN products p ON p.id = r.product_id JOIN domains d ON d.id = p.domain_id
		GROUP BY r.policy_id, d.slug, r.outcome`).Rows()
	if err != nil {
		return nil, internal("count policy results", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id uint
		var domain, outcome string
		var n int
		if err := rows.Scan(&id, &domain, &outcome, &n); err != nil {
			return nil, internal("count policy results", err)
		}
		i, ok := index[id]
		if !ok {
			continue
		}
		for range n {
			out[i].Stats.add(outcome)
			st := out[i].ByDomain[domain]
			st.add(outcome)
			out[i].ByDomain[domain] = st
		}
	}
	var open []PolicyProposal
	if err := tx.Where("state = ?", ProposalOpen).Preload("Votes").Find(&open).Error; err != nil {
		return nil, internal("open proposals", err)
	}
	for i := range open {
		if j, ok := index[open[i].PolicyID]; ok {
			out[j].Open = &open[i]
		}
	}
	return out, nil
}

// PolicyDetail is one policy with its history.
type PolicyDetail struct {
	Policy    *Policy
	Versions  []PolicyVersion // newest first
	Proposals []PolicyProposal
	Open      *PolicyProposal
	Tally     *Tally
	Stats     PolicyStats
}

// GetPolicy returns a policy with its versions, proposals and votes.
func (s *Store) GetPolicy(ctx context.Context, id uint) (*PolicyDetail, error) {
	tx := s.db.WithContext(ctx)
	pol, err := getPolicy(tx, id)
	if err != nil {
		return nil, internal("get policy", err)
	}
	d := &PolicyDetail{Policy: pol}
	if err := tx.Where("policy_id = ?", id).Order("version DESC").Find(&d.Versions).Error; err != nil {
		return nil, internal("policy versions", err)
	}
	err = tx.Where("policy_id = ?", id).Order("created_at DESC, id DESC").
		Preload("Votes", func(db *gorm.DB) *gorm.DB { return db.Order("created_at") }).Preload("Votes.Domain").Find(&d.Proposals).Error
	if err != nil {
		return nil, internal("policy proposals", err)
	}
	for i := range d.Proposals {
		if d.Proposals[i].State == ProposalOpen {
			d.Open = &d.Proposals[i]
			t, err := s.tally(tx, d.Open)
			if err != nil {
				return nil, internal("tally", err)
			}
			d.Tally = &t
		}
	}
	var outcomes []string
	if err := tx.Model(&PolicyResult{}).Where("policy_id = ?", id).Pluck("outcome", &outcomes).Error; err != nil {
		return nil, internal("policy results", err)
	}
	for _, o := range outcomes {
		d.Stats.add(o)
	}
	return d, nil
}

// ResultView is one stored result with its product and waiver.
type ResultView struct {
	PolicyResult
	PolicyName, PolicyKey, Severity, Level, Field string
	EnforceFrom                                   *time.Time
	ProductName, ProductSlug, DomainSlug, Owner   string
	Waiver                                        *PolicyWaiver
}

// PolicyResults lists a policy's results, failures first.
func (s *Store) PolicyResults(ctx context.Context, id uint) ([]ResultView, error) {
	return s.resultViews(ctx, "r.policy_id = ?", id)
}

func (s *Store) resultViews(ctx context.Context, where string, args ...any) ([]ResultView, error) {
	rows, err := s.db.WithContext(ctx).Raw(`SELECT r.policy_id, r.product_id, r.outcome, r.message, r.waiver_id, r.since, r.checked_at,
		pol.name, pol.key, pol.severity, pol.level, pol.field, pol.enforce_from, p.name, p.slug, d.slug, p.owner
		FROM policy_results r JOIN policies pol ON pol.id = r.policy_id
		JOIN products p ON p.id = r.product_id JOIN domains d ON d.id = p.domain_id WHERE `+where, args...).Rows()
	if err != nil {
		return nil, internal("policy results", err)
	}
	defer rows.Close()
	var out []ResultView
	var waiverIDs []uint
	for rows.Next() {
		var v ResultView
		if err := rows.Scan(&v.PolicyID, &v.ProductID, &v.Outcome, &v.Message, &v.WaiverID, &v.Since, &v.CheckedAt,
			&v.PolicyName, &v.PolicyKey, &v.Severity, &v.Level, &v.Field, &v.EnforceFrom, &v.ProductName, &v.ProductSlug, &v.DomainSlug, &v.Owner); err != nil {
			return nil, internal("policy results", err)
		}
		if v.WaiverID != nil {
			waiverIDs = append(waiverIDs, *v.WaiverID)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, internal("policy results", err)
	}
	if len(waiverIDs) > 0 {
		var ws []PolicyWaiver
		if err := s.db.WithContext(ctx).Where("id IN ?", waiverIDs).Find(&ws).Error; err != nil {
			return nil, internal("waivers", err)
		}
		byID := map[uint]*PolicyWaiver{}
		for i := range ws {
			byID[ws[i].ID] = &ws[i]
		}
		for i := range out {
			if out[i].WaiverID != nil {
				out[i].Waiver = byID[*out[i].WaiverID]
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := outcomeRank(out[i].Outcome), outcomeRank(out[j].Outcome)
		if a != b {
			return a < b
		}
		if out[i].PolicyName != out[j].PolicyName {
			return out[i].PolicyName < out[j].PolicyName
		}
		return out[i].ProductName < out[j].ProductName
	})
	return out, nil
}

func outcomeRank(o string) int {
	switch policy.Outcome(o) {
	case policy.Fail:
		return 0
	case policy.Error:
		return 1
	case policy.Waived:
		return 2
	case policy.Pass:
		return 3
	}
	return 4
}

// Scorecard is one product's standing against the policies in force.
type Scorecard struct {
	Score   *int
	Level   string
	Results []ResultView
	// History is the product's result changes, newest first.
	History []PolicyResultEvent
	// Waivers are the product's waivers, newest first.
	Waivers []PolicyWaiver
	// Policies names the policies in History and Waivers by id.
	Policies map[uint]string
}

// Failing are the results that fail or error.
func (sc Scorecard) Failing() []ResultView {
	var out []ResultView
	for _, r := range sc.Results {
		if r.Outcome == string(policy.Fail) || r.Outcome == string(policy.Error) {
			out = append(out, r)
		}
	}
	return out
}

// ProductScorecard returns prod's scorecard.
func (s *Store) ProductScorecard(ctx context.Context, prod *Product) (*Scorecard, error) {
	sc := &Scorecard{Score: prod.PolicyScore, Level: prod.PolicyLevel, Policies: map[uint]string{}}
	var err error
	if sc.Results, err = s.resultViews(ctx, "r.product_id = ?", prod.ID); err != nil {
		return nil, err
	}
	tx := s.db.WithContext(ctx)
	if err := tx.Where("product_id = ?", prod.ID).Order("at DESC, id DESC").Limit(100).Find(&sc.History).Error; err != nil {
		return nil, internal("policy history", err)
	}
	if err := tx.Where("product_id = ?", prod.ID).Order("requested_at DESC, id DESC").Find(&sc.Waivers).Error; err != nil {
		return nil, internal("waivers", err)
	}
	var names []struct {
		ID   uint
		Name string
	}
	if err := tx.Model(&Policy{}).Select("id, name").Scan(&names).Error; err != nil {
		return nil, internal("policy names", err)
	}
	for _, n := range names {
		sc.Policies[n.ID] = n.Name
	}
	return sc, nil
}
