package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/governance"
)

func (s *Server) policyRetire(c echo.Context) error {
	id, err := policyID(c, "id")
	if err != nil {
		return err
	}
	ch, err := s.store.RetirePolicy(c.Request().Context(), principal(c), id, c.FormValue("comment"))
	if code := models.ErrorCode(err); code == models.ECONFLICT || code == models.EINVALID {
		setFlash(c, "error", models.ErrorMessage(err))
		return c.Redirect(http.StatusSeeOther, governance.PolicyURL(id))
	}
	if err != nil {
		return err
	}
	if ch.Proposal != nil {
		setFlash(c, "success", "Proposed to retire it: the domains' representatives now vote.")
	} else {
		setFlash(c, "success", ch.Policy.Name+" is retired; it no longer judges any product.")
	}
	return c.Redirect(http.StatusSeeOther, governance.PolicyURL(id))
}
