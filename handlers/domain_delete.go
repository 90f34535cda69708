package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
)

func (s *Server) domainDelete(c echo.Context) error {
	slug := c.Param("domain")
	err := s.store.DeleteDomain(c.Request().Context(), principal(c), slug)
	if models.ErrorCode(err) == models.ECONFLICT {
		setFlash(c, "error", models.ErrorMessage(err))
		return c.Redirect(http.StatusSeeOther, "/domains/"+slug)
	}
	if err != nil {
		return err
	}
	setFlash(c, "success", "Domain "+slug+" deleted.")
	return c.Redirect(http.StatusSeeOther, "/domains")
}
