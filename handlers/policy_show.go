package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/governance"
)

func (s *Server) policyShow(c echo.Context) error {
	id, err := policyID(c, "id")
	if err != nil {
		return err
	}
	return s.renderPolicy(c, http.StatusOK, id, "", nil, "")
}

// renderPolicy is the policy page; a refused vote shows it again with the
// comment kept and the messages at their fields.
func (s *Server) renderPolicy(c echo.Context, status int, id uint, comment string, errs models.FieldErrors, message string) error {
	ctx := c.Request().Context()
	d, err := s.store.GetPolicy(ctx, id)
	if err != nil {
		return err
	}
	results, err := s.store.PolicyResults(ctx, id)
	if err != nil {
		return err
	}
	p := principal(c)
	data := governance.PolicyData{Page: s.page(c, d.Policy.Name, "governance"), Detail: d, Results: results,
		CanEdit: s.mayEditPolicy(c, d.Policy), IsAdmin: p.Admin && !p.ReadOnly, Now: s.store.Now(),
		Errors: errs, Comment: comment, Message: message}
	if d.Open != nil {
		impact, err := s.store.ProposalImpact(ctx, d.Open.ID)
		if err != nil {
			return err
		}
		data.Impact = &impact
		if d.Tally != nil && !p.ReadOnly {
			for i := range d.Tally.Eligible {
				if p.Represents(&d.Tally.Eligible[i]) {
					data.VoteFor = append(data.VoteFor, d.Tally.Eligible[i])
				}
			}
		}
	}
	return s.render(c, status, governance.Policy(data))
}

// mayEditPolicy: domain policies by their owners, global ones proposed by
// representatives, anything by admins (the store decides for real).
func (s *Server) mayEditPolicy(c echo.Context, pol *models.Policy) bool {
	p := principal(c)
	if p.ReadOnly {
		return false
	}
	if pol.Scope == models.ScopeDomain {
		return pol.Domain != nil && p.CanManageProducts(pol.Domain)
	}
	return s.store.MayProposePolicies(c.Request().Context(), p)
}
