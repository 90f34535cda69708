package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/views/governance"
)

func (s *Server) policyEdit(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := policyID(c, "id")
	if err != nil {
		return err
	}
	d, err := s.store.GetPolicy(ctx, id)
	if err != nil {
		return err
	}
	in := d.Policy.Input()
	if d.Open != nil && d.Open.Action != "retire" {
		in = d.Open.Input(d.Policy) // edit what is on the table
	}
	data, err := s.policyFormData(ctx, c, "Edit "+d.Policy.Name, in, d.Policy)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, governance.Form(data))
}
