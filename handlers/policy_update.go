package handlers

import (
	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
)

func (s *Server) policyUpdate(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := policyID(c, "id")
	if err != nil {
		return err
	}
	d, err := s.store.GetPolicy(ctx, id)
	if err != nil {
		return err
	}
	in := parsePolicyForm(c)
	ch, err := s.store.ChangePolicy(ctx, principal(c), id, func(cur *models.PolicyInput) error {
		*cur = in
		return nil
	})
	if isFormError(err) {
		return s.renderPolicyFormError(c, "Edit "+d.Policy.Name, in, d.Policy, err)
	}
	if err != nil {
		return err
	}
	return policyChanged(c, ch, "saved")
}
