package models

import (
	"context"
	"sort"
	"time"

	"github.com/meshport/meshport/models/policy"
)

// ReportWaiverDays is how far ahead a report warns of waivers ending.
const ReportWaiverDays = 14

// reportEndedWaiverDays bounds how long ago a waiver may have ended to
// still be told (when the last report is older than that).
const reportEndedWaiverDays = 31

// ReportFailure is a policy that fails (or errors) for an owned product.
type ReportFailure struct {
	ResultView
	// New: it started failing since the previous report.
	New bool
}

// BlocksLater reports whether the policy is blocking but only warns until
// its enforce-from day, which lies after now.
func (f *ReportFailure) BlocksLater(now time.Time) bool {
	return f.Severity == SeverityBlocking && f.EnforceFrom != nil && now.Before(*f.EnforceFrom)
}

// Errored reports whether the policy could not be evaluated for the product.
func (f *ReportFailure) Errored() bool { return f.Outcome == string(policy.Error) }

// Blocks reports whether the policy blocks the product's activation now.
func (f *ReportFailure) Blocks(now time.Time) bool {
	return f.Severity == SeverityBlocking && !f.BlocksLater(now)
}

// ReportWaiver is an approved waiver of an owned product, ending soon or
// ended since the previous report.
type ReportWaiver struct {
	WaiverID                             uint
	PolicyID                             uint
	PolicyName                           string
	ProductName, ProductSlug, DomainSlug string
	Reason                               string
	ExpiresAt                            time.Time
	// FailsAgain: the waiver has ended and the policy fails for the
	// product again.
	FailsAgain bool
}

// ReportProposal is an open proposal that domains the person represents
// have not voted on.
type ReportProposal struct {
	ProposalID uint
	PolicyID   uint
	PolicyName string
	Action     string // create, change or retire
	ProposedBy string
	CreatedAt  time.Time
	// Domains are the represented domains that have not voted, by name.
	Domains []string
}

// PolicyNews reports whether the Policies section has anything to act on
// or anything that changed: a new failure, a blocking one (in force or
// coming), a waiver ending or ended, a vote awaited. Old warnings alone
// are not news.
func (r *Report) PolicyNews() bool {
	if len(r.ExpiringWaivers)+len(r.EndedWaivers)+len(r.Proposals) > 0 {
		return true
	}
	for i := range r.Failing {
		if f := &r.Failing[i]; f.New || f.Severity == SeverityBlocking {
			return true
		}
	}
	return false
}

// HasPolicies reports whether the report has a Policies section.
func (r *Report) HasPolicies() bool {
	return len(r.Failing)+len(r.ExpiringWaivers)+len(r.EndedWaivers)+len(r.Proposals) > 0
}

// NewFailures counts the failures new since the previous report.
func (r *Report) NewFailures() int {
	n := 0
	for i := range r.Failing {
		if r.Failing[i].New {
			n++
		}
	}
	return n
}

// policyIndex is what reports share of governance: failing results by
// product, approved waivers, open proposals.
type policyIndex struct {
	failing   map[uint][]ResultView // by product id
	waivers   []ReportWaiver        // approved, ending from a month ago on; ExpiresAt order
	productOf map[uint]uint         // waiver id -> product id
	active    map[resultKey]bool    // an approved waiver runs now
	proposals []PolicyProposal      // open, with votes and policy
	eligible  map[uint]bool         // domains that vote: active, own a product
}

func (s *Store) loadPolicyIndex(ctx context.Context, now time.Time) (*policyIndex, error) {
	px := &policyIndex{failing: map[uint][]ResultView{}, productOf: map[uint]uint{}, active: map[resultKey]bool{}, eligible: map[uint]bool{}}
	fails, err := s.resultViews(ctx, "r.outcome IN (?, ?)", string(policy.Fail), string(policy.Error))
	if err != nil {
		return nil, err
	}
	for _, v := range fails {
		px.failing[v.ProductID] = append(px.failing[v.ProductID], v)
	}
	tx := s.db.WithContext(ctx)
	rows, err := tx.Raw(`SELECT w.id, w.policy_id, w.product_id, pol.name, p.name, p.slug, d.slug, w.reason, w.expires_at
		FROM policy_waivers w JOIN policies pol ON pol.id = w.policy_id
		JOIN products p ON p.id = w.product_id JOIN domains d ON d.id = p.domain_id
		WHERE w.state = ? AND pol.state = ? AND w.expires_at > ?
		ORDER BY w.expires_at, w.id`, WaiverApproved, PolicyAdopted, now.AddDate(0, 0, -reportEndedWaiverDays)).Rows()
	if err != nil {
		return nil, internal("report waivers", err)
	}
	defer rows.Close()
	for rows.Next() {
		var w ReportWaiver
		var productID uint
		if err := rows.Scan(&w.WaiverID, &w.PolicyID, &productID, &w.PolicyName, &w.ProductName, &w.ProductSlug, &w.DomainSlug, &w.Reason, &w.ExpiresAt); err != nil {
			return nil, internal("report waivers", err)
		}
		px.waivers = append(px.waivers, w)
		px.productOf[w.WaiverID] = productID
		if now.Before(w.ExpiresAt) {
			px.active[resultKey{w.PolicyID, productID}] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, internal("report waivers", err)
	}
	if err := tx.Where("state = ?", ProposalOpen).Preload("Votes").Preload("Policy").Order("created_at, id").Find(&px.proposals).Error; err != nil {
		return nil, internal("open proposals", err)
	}
	if len(px.proposals) > 0 {
		var ids []uint
		if err := tx.Raw("SELECT DISTINCT domain_id FROM products").Scan(&ids).Error; err != nil {
			return nil, internal("voting domains", err)
		}
		for _, id := range ids {
			px.eligible[id] = true
		}
	}
	return px, nil
}

// addPolicies fills rep's Policies section: the failing results of the
// owned products (new first), their waivers ending within
// ReportWaiverDays or ended since the previous report, and the open
// proposals awaiting the vote of a domain the person represents.
func (ix *reportIndex) addPolicies(rep *Report, who Principal, products map[uint]bool, since time.Time) {
	px := ix.policies
	if px == nil {
		return
	}
	for id := range products {
		for _, v := range px.failing[id] {
			rep.Failing = append(rep.Failing, ReportFailure{ResultView: v, New: v.Since.After(since)})
		}
	}
	sort.SliceStable(rep.Failing, func(i, j int) bool {
		a, b := &rep.Failing[i], &rep.Failing[j]
		if !a.Since.Equal(b.Since) {
			return a.Since.After(b.Since)
		}
		if a.Severity != b.Severity {
			return a.Severity == SeverityBlocking
		}
		if a.ProductName != b.ProductName {
			return a.ProductName < b.ProductName
		}
		return a.PolicyName < b.PolicyName
	})
	soon := ix.now.AddDate(0, 0, ReportWaiverDays)
	for _, w := range px.waivers {
		pid := px.productOf[w.WaiverID]
		if !products[pid] {
			continue
		}
		switch {
		case ix.now.Before(w.ExpiresAt) && !w.ExpiresAt.After(soon):
			rep.ExpiringWaivers = append(rep.ExpiringWaivers, w)
		case !ix.now.Before(w.ExpiresAt) && w.ExpiresAt.After(since) && !px.active[resultKey{w.PolicyID, pid}]:
			for _, v := range px.failing[pid] {
				if v.PolicyID == w.PolicyID {
					w.FailsAgain = true
				}
			}
			rep.EndedWaivers = append(rep.EndedWaivers, w)
		}
	}
	for i := range px.proposals {
		prop := &px.proposals[i]
		voted := map[uint]bool{}
		for _, v := range prop.Votes {
			voted[v.DomainID] = true
		}
		var waiting []string
		for j := range ix.cat.domains {
			d := &ix.cat.domains[j]
			if d.Status == DomainActive && px.eligible[d.ID] && !voted[d.ID] && who.Represents(d) {
				waiting = append(waiting, d.Name)
			}
		}
		if len(waiting) == 0 {
			continue
		}
		name := prop.Spec.Name
		if name == "" && prop.Policy != nil {
			name = prop.Policy.Name
		}
		rep.Proposals = append(rep.Proposals, ReportProposal{ProposalID: prop.ID, PolicyID: prop.PolicyID, PolicyName: name,
			Action: prop.Action, ProposedBy: prop.ProposedBy, CreatedAt: prop.CreatedAt, Domains: waiting})
	}
}
