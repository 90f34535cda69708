package handlers

import (
	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/views"
)

// policyValidate answers htmx as the policy is typed: the message for the
// field that triggered it, CEL errors with line and column.
func (s *Server) policyValidate(c echo.Context) error {
	in := parsePolicyForm(c)
	in.Normalize()
	errs := in.Validate()
	id := c.Request().Header.Get("HX-Trigger")
	return s.renderComponent(c, views.FieldError(id, errs[id]))
}
