package handlers

import (
	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/governance"
)

// policyDryRun evaluates the policy in the form over current data, saving
// nothing: counts per domain and the failing products.
func (s *Server) policyDryRun(c echo.Context) error {
	impact, err := s.store.DryRun(c.Request().Context(), parsePolicyForm(c))
	if models.ErrorCode(err) == models.EINVALID {
		return s.renderComponent(c, governance.DryRun(nil, models.ErrorFields(err)))
	}
	if err != nil {
		return err
	}
	return s.renderComponent(c, governance.DryRun(&impact, nil))
}
