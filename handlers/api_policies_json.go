package handlers

import (
	"fmt"
	"time"

	"github.com/meshport/meshport/models"
)

// statsJSON counts a policy's stored results; pass_rate is the share of
// applicable results passed or waived, in percent, null when none apply.
type statsJSON struct {
	Pass          int  `json:"pass"`
	Fail          int  `json:"fail"`
	Error         int  `json:"error"`
	Waived        int  `json:"waived"`
	NotApplicable int  `json:"not_applicable"`
	PassRate      *int `json:"pass_rate"`
}

func toStatsJSON(s models.PolicyStats) statsJSON {
	out := statsJSON{Pass: s.Pass, Fail: s.Fail, Error: s.Error, Waived: s.Waived, NotApplicable: s.NotApplicable}
	if r := s.PassRate(); r >= 0 {
		out.PassRate = &r
	}
	return out
}

// specJSON is what one version of a policy says, as a policies file says it.
type specJSON struct {
	Name        string  `json:"name"`
	Description string  `json:"description"`
	Severity    string  `json:"severity"`
	AppliesTo   string  `json:"applies_to"`
	Condition   string  `json:"condition"`
	Rule        string  `json:"rule"`
	Message     string  `json:"message"`
	Field       string  `json:"field"`
	Level       string  `json:"level"`
	EnforceFrom *string `json:"enforce_from"`
}

func toSpecJSON(s models.PolicySpec) specJSON {
	in := (&models.Policy{PolicySpec: s}).Input()
	return specJSON{Name: in.Name, Description: in.Description, Severity: in.Severity, AppliesTo: in.AppliesTo,
		Condition: in.Condition, Rule: in.Rule, Message: in.Message, Field: in.Field, Level: in.Level, EnforceFrom: day(in.EnforceFrom)}
}

func day(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// policyJSON is a policy as the API shows it: its key, scope and state,
// and the spec in force (or, never adopted, the one proposed).
type policyJSON struct {
	ID     uint    `json:"id"`
	Key    string  `json:"key"`
	Scope  string  `json:"scope"`
	Domain *string `json:"domain"`
	specJSON
	State     string    `json:"state"`
	Version   int       `json:"version"`
	Starter   bool      `json:"starter"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	URL       string    `json:"url"`
	Stats     statsJSON `json:"stats"`
	// ByDomain is only in lists.
	ByDomain     map[string]statsJSON `json:"by_domain,omitempty"`
	OpenProposal *proposalJSON        `json:"open_proposal"`
}

func toPolicyJSON(p *models.Policy, stats models.PolicyStats, open *models.PolicyProposal) policyJSON {
	out := policyJSON{ID: p.ID, Key: p.Key, Scope: p.Scope, Domain: day(p.DomainSlug()), specJSON: toSpecJSON(p.PolicySpec),
		State: p.State, Version: p.Version, Starter: p.Starter, CreatedBy: p.CreatedBy, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
		URL: fmt.Sprintf("/api/v1/policies/%d", p.ID), Stats: toStatsJSON(stats)}
	if open != nil {
		pj := toProposalJSON(open)
		out.OpenProposal = &pj
	}
	return out
}

// proposalJSON is a proposal with its votes.
type proposalJSON struct {
	ID         uint       `json:"id"`
	Action     string     `json:"action"` // create, change, retire
	State      string     `json:"state"`  // open, adopted, rejected, withdrawn
	Spec       specJSON   `json:"spec"`
	Comment    string     `json:"comment"`
	ProposedBy string     `json:"proposed_by"`
	CreatedAt  time.Time  `json:"created_at"`
	DecidedAt  *time.Time `json:"decided_at"`
	DecidedBy  string     `json:"decided_by"`
	Direct     bool       `json:"direct"`
	Votes      []voteJSON `json:"votes"`
}

type voteJSON struct {
	Domain  string    `json:"domain"`
	Voter   string    `json:"voter"`
	Approve bool      `json:"approve"`
	Comment string    `json:"comment"`
	At      time.Time `json:"at"`
}

func toProposalJSON(p *models.PolicyProposal) proposalJSON {
	out := proposalJSON{ID: p.ID, Action: p.Action, State: p.State, Spec: toSpecJSON(p.Spec), Comment: p.Comment,
		ProposedBy: p.ProposedBy, CreatedAt: p.CreatedAt, DecidedAt: p.DecidedAt, DecidedBy: p.DecidedBy, Direct: p.Direct,
		Votes: []voteJSON{}}
	for _, v := range p.Votes {
		vj := voteJSON{Voter: v.Voter, Approve: v.Approve, Comment: v.Comment, At: v.CreatedAt}
		if v.Domain != nil {
			vj.Domain = v.Domain.Slug
		}
		out.Votes = append(out.Votes, vj)
	}
	return out
}

// tallyJSON is where an open proposal stands against the quorum.
type tallyJSON struct {
	Eligible  []string `json:"eligible"` // domains that vote (own a product)
	Needed    int      `json:"needed"`   // approvals that adopt it
	Approvals int      `json:"approvals"`
	Rejects   int      `json:"rejects"`
	Pending   []string `json:"pending"` // eligible domains yet to vote
}

func toTallyJSON(t *models.Tally) *tallyJSON {
	if t == nil {
		return nil
	}
	out := &tallyJSON{Eligible: []string{}, Needed: t.Needed, Approvals: t.Approvals, Rejects: t.Rejects, Pending: []string{}}
	for _, d := range t.Eligible {
		out.Eligible = append(out.Eligible, d.Slug)
	}
	for _, d := range t.Pending {
		out.Pending = append(out.Pending, d.Slug)
	}
	return out
}

// versionJSON is one adopted version.
type versionJSON struct {
	Version    int                 `json:"version"`
	Spec       specJSON            `json:"spec"`
	ProposalID *uint               `json:"proposal_id"`
	AdoptedBy  string              `json:"adopted_by"`
	Direct     bool                `json:"direct"`
	Changes    models.AuditChanges `json:"changes"`
	AdoptedAt  time.Time           `json:"adopted_at"`
}

// policyDetailJSON is one policy with its history; Proposal, in answers
// to writes and votes, is the proposal the request opened or voted on.
type policyDetailJSON struct {
	policyJSON
	Versions  []versionJSON  `json:"versions"`
	Proposals []proposalJSON `json:"proposals"`
	Tally     *tallyJSON     `json:"tally"`
	Proposal  *proposalJSON  `json:"proposal,omitempty"`
}

func toPolicyDetailJSON(d *models.PolicyDetail) policyDetailJSON {
	out := policyDetailJSON{policyJSON: toPolicyJSON(d.Policy, d.Stats, d.Open), Versions: []versionJSON{}, Proposals: []proposalJSON{},
		Tally: toTallyJSON(d.Tally)}
	for _, v := range d.Versions {
		out.Versions = append(out.Versions, versionJSON{Version: v.Version, Spec: toSpecJSON(v.Spec), ProposalID: v.ProposalID,
			AdoptedBy: v.AdoptedBy, Direct: v.Direct, Changes: v.Changes, AdoptedAt: v.AdoptedAt})
	}
	for i := range d.Proposals {
		out.Proposals = append(out.Proposals, toProposalJSON(&d.Proposals[i]))
	}
	return out
}

// waiverJSON is one waiver of one policy for one product.
type waiverJSON struct {
	ID           uint       `json:"id"`
	PolicyID     uint       `json:"policy_id"`
	Policy       string     `json:"policy"` // its name
	Reason       string     `json:"reason"`
	ExpiresAt    time.Time  `json:"expires_at"`
	State        string     `json:"state"` // requested, approved, rejected, revoked
	Active       bool       `json:"active"`
	RequestedBy  string     `json:"requested_by"`
	RequestedAt  time.Time  `json:"requested_at"`
	DecidedBy    string     `json:"decided_by"`
	DecidedAt    *time.Time `json:"decided_at"`
	DecisionNote string     `json:"decision_note"`
}

func toWaiverJSON(w *models.PolicyWaiver, policyName string, now time.Time) waiverJSON {
	if policyName == "" && w.Policy != nil {
		policyName = w.Policy.Name
	}
	return waiverJSON{ID: w.ID, PolicyID: w.PolicyID, Policy: policyName, Reason: w.Reason, ExpiresAt: w.ExpiresAt, State: w.State,
		Active: w.ActiveAt(now), RequestedBy: w.RequestedBy, RequestedAt: w.RequestedAt, DecidedBy: w.DecidedBy,
		DecidedAt: w.DecidedAt, DecisionNote: w.DecisionNote}
}

// resultJSON is what a policy in force says of one product.
type resultJSON struct {
	PolicyID    uint        `json:"policy_id"`
	PolicyKey   string      `json:"policy_key"`
	Policy      string      `json:"policy"`
	Severity    string      `json:"severity"`
	Level       string      `json:"level"`
	Field       string      `json:"field"`
	EnforceFrom *string     `json:"enforce_from"`
	Domain      string      `json:"domain"`
	Product     string      `json:"product"` // slug
	ProductName string      `json:"product_name"`
	Owner       string      `json:"owner"`
	Outcome     string      `json:"outcome"` // pass, fail, error, waived, "not applicable"
	Message     string      `json:"message"`
	Since       time.Time   `json:"since"`
	CheckedAt   time.Time   `json:"checked_at"`
	Waiver      *waiverJSON `json:"waiver"`
}

func toResultJSON(r *models.ResultView, now time.Time) resultJSON {
	out := resultJSON{PolicyID: r.PolicyID, PolicyKey: r.PolicyKey, Policy: r.PolicyName, Severity: r.Severity, Level: r.Level,
		Field: r.Field, Domain: r.DomainSlug, Product: r.ProductSlug, ProductName: r.ProductName, Owner: r.Owner,
		Outcome: r.Outcome, Message: r.Message, Since: r.Since, CheckedAt: r.CheckedAt}
	if r.EnforceFrom != nil {
		out.EnforceFrom = day(r.EnforceFrom.UTC().Format(time.DateOnly))
	}
	if r.Waiver != nil {
		w := toWaiverJSON(r.Waiver, r.PolicyName, now)
		out.Waiver = &w
	}
	return out
}

func toResultsJSON(rs []models.ResultView, now time.Time) []resultJSON {
	out := make([]resultJSON, len(rs))
	for i := range rs {
		out[i] = toResultJSON(&rs[i], now)
	}
	return out
}

// historyJSON is one change of a product's result.
type historyJSON struct {
	PolicyID uint      `json:"policy_id"`
	Policy   string    `json:"policy"`
	Outcome  string    `json:"outcome"`
	Message  string    `json:"message"`
	At       time.Time `json:"at"`
}

// scorecardJSON is a product's standing against the policies in force.
type scorecardJSON struct {
	Domain  string        `json:"domain"`
	Product string        `json:"product"`
	Score   *int          `json:"score"` // 0 to 100; null when no policy applies
	Level   string        `json:"level"` // the highest level reached, "" for none
	Results []resultJSON  `json:"results"`
	History []historyJSON `json:"history"`
	Waivers []waiverJSON  `json:"waivers"`
}

func toScorecardJSON(p *models.Product, domain string, sc *models.Scorecard, now time.Time) scorecardJSON {
	out := scorecardJSON{Domain: domain, Product: p.Slug, Score: sc.Score, Level: sc.Level, Results: toResultsJSON(sc.Results, now),
		History: []historyJSON{}, Waivers: []waiverJSON{}}
	for _, h := range sc.History {
		out.History = append(out.History, historyJSON{PolicyID: h.PolicyID, Policy: sc.Policies[h.PolicyID], Outcome: h.Outcome, Message: h.Message, At: h.At})
	}
	for i := range sc.Waivers {
		out.Waivers = append(out.Waivers, toWaiverJSON(&sc.Waivers[i], sc.Policies[sc.Waivers[i].PolicyID], now))
	}
	return out
}

func toStatsByDomain(m map[string]models.PolicyStats) map[string]statsJSON {
	out := make(map[string]statsJSON, len(m))
	for k, v := range m {
		out[k] = toStatsJSON(v)
	}
	return out
}
