package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/governance"
)

func (s *Server) policyNew(c echo.Context) error {
	data, err := s.policyFormData(c.Request().Context(), c, "New policy", models.PolicyInput{Scope: c.QueryParam("scope"), Domain: c.QueryParam("domain")}, nil)
	if err != nil {
		return err
	}
	if !data.CanPropose && len(data.Domains) == 0 {
		return models.Errorf(models.EFORBIDDEN, "Policies are made by domain owners (for their domain), representatives (global proposals) and admins.")
	}
	return s.render(c, http.StatusOK, governance.Form(data))
}
