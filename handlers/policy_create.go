package handlers

import "github.com/labstack/echo/v4"

func (s *Server) policyCreate(c echo.Context) error {
	in := parsePolicyForm(c)
	ch, err := s.store.CreatePolicy(c.Request().Context(), principal(c), in)
	if isFormError(err) {
		return s.renderPolicyFormError(c, "New policy", in, nil, err)
	}
	if err != nil {
		return err
	}
	return policyChanged(c, ch, "created")
}
