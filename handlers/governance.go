package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/governance"
)

// expiringDays is how soon a waiver's end is shown as coming.
const expiringDays = 14

// governance is the overview: policies, proposals, waivers, leaderboard.
func (s *Server) governance(c echo.Context) error {
	ctx := c.Request().Context()
	policies, err := s.store.ListPolicies(ctx, models.PolicyFilter{})
	if err != nil {
		return err
	}
	var shown []models.PolicySummary
	var proposals []governance.ProposalView
	for _, p := range policies {
		if p.State != models.PolicyRetired || p.Open != nil {
			shown = append(shown, p)
		}
		if p.Open == nil {
			continue
		}
		detail, err := s.store.GetPolicy(ctx, p.ID)
		if err != nil {
			return err
		}
		impact, err := s.store.ProposalImpact(ctx, p.Open.ID)
		if err != nil {
			return err
		}
		pv := governance.ProposalView{Policy: p.Policy, Proposal: *detail.Open, Impact: impact}
		if detail.Tally != nil {
			pv.Tally = *detail.Tally
		}
		proposals = append(proposals, pv)
	}
	requested, expiring, err := s.store.PendingWaivers(ctx, expiringDays)
	if err != nil {
		return err
	}
	domains, err := s.store.AllDomains(ctx)
	if err != nil {
		return err
	}
	var active []models.Domain
	for _, d := range domains {
		if d.Status == models.DomainActive {
			active = append(active, d)
		}
	}
	trend, err := s.store.ComplianceTrend(ctx, trendDays)
	if err != nil {
		return err
	}
	now := s.store.Now()
	return s.render(c, http.StatusOK, governance.Overview(governance.OverviewData{
		Page: s.page(c, "Governance", "governance"), Policies: shown, Proposals: proposals,
		Requested: requested, Expiring: expiring, ExpiringDays: expiringDays,
		Leaderboard: governance.LeaderRows(active, trend, trendDays, now), Mesh: governance.MeshRow(trend, trendDays, now),
		CanPropose: s.store.MayProposePolicies(ctx, principal(c)), Now: now,
	}))
}
