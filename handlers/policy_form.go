package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/governance"
)

// parsePolicyForm reads the policy form; "adopt" asks an admin's change to
// take effect at once.
func parsePolicyForm(c echo.Context) models.PolicyInput {
	in := models.PolicyInput{
		Key: c.FormValue("key"), Name: c.FormValue("name"), Description: c.FormValue("description"),
		Scope: c.FormValue("scope"), Domain: c.FormValue("domain"), Severity: c.FormValue("severity"),
		AppliesTo: c.FormValue("applies_to"), Condition: c.FormValue("condition"), Rule: c.FormValue("rule"),
		Message: c.FormValue("message"), Field: c.FormValue("field"), Level: c.FormValue("level"),
		EnforceFrom: c.FormValue("enforce_from"), Comment: c.FormValue("comment"),
	}
	if in.Scope != models.ScopeDomain {
		in.Domain = ""
	}
	if c.FormValue("adopt") == "true" {
		in.State = models.PolicyAdopted
	}
	return in
}

// policyFormData fills the form: the domains whose policies the viewer
// may make, and whether they may propose global ones.
func (s *Server) policyFormData(ctx context.Context, c echo.Context, title string, in models.PolicyInput, editing *models.Policy) (governance.FormData, error) {
	all, err := s.store.AllDomains(ctx)
	if err != nil {
		return governance.FormData{}, err
	}
	p := principal(c)
	var mine []models.Domain
	for i := range all {
		if all[i].Status == models.DomainActive && p.CanManageProducts(&all[i]) {
			mine = append(mine, all[i])
		}
	}
	canPropose := s.store.MayProposePolicies(ctx, p)
	if in.Scope == "" {
		in.Scope = models.ScopeDomain
		if canPropose {
			in.Scope = models.ScopeGlobal
		}
	}
	if in.Severity == "" {
		in.Severity = models.SeverityWarning
	}
	return governance.FormData{Page: s.page(c, title, "governance"), Input: in, Editing: editing,
		Domains: mine, CanPropose: canPropose, IsAdmin: p.Admin && !p.ReadOnly}, nil
}

// renderPolicyFormError shows the form again with the user's values and
// each message at its field (CEL errors with line and column).
func (s *Server) renderPolicyFormError(c echo.Context, title string, in models.PolicyInput, editing *models.Policy, err error) error {
	data, derr := s.policyFormData(c.Request().Context(), c, title, in, editing)
	if derr != nil {
		return derr
	}
	data.Errors, data.Message = models.ErrorFields(err), models.ErrorMessage(err)
	return s.render(c, http.StatusUnprocessableEntity, governance.Form(data))
}

// policyChanged is the flash and destination after a create or change.
func policyChanged(c echo.Context, ch models.PolicyChange, verb string) error {
	switch {
	case ch.Proposal != nil:
		setFlash(c, "success", "Proposed: the domains' representatives now vote on it. Its impact on current data is shown below.")
	case ch.Policy.State == models.PolicyAdopted:
		setFlash(c, "success", ch.Policy.Name+" "+verb+" and in force; every product has been judged against it.")
	default:
		setFlash(c, "success", ch.Policy.Name+" "+verb+".")
	}
	return c.Redirect(http.StatusSeeOther, governance.PolicyURL(ch.Policy.ID))
}
