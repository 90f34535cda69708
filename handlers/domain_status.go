package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
)

// domainStatus retires a domain or brings it back.
func (s *Server) domainStatus(c echo.Context) error {
	d, err := s.store.SetDomainStatus(c.Request().Context(), principal(c), c.Param("domain"), c.FormValue("status"))
	if models.ErrorCode(err) == models.ECONFLICT || models.ErrorCode(err) == models.EINVALID {
		setFlash(c, "error", models.ErrorMessage(err))
		return c.Redirect(http.StatusSeeOther, "/domains/"+c.Param("domain"))
	}
	if err != nil {
		return err
	}
	setFlash(c, "success", "Domain "+d.Name+" is now "+d.Status+".")
	return c.Redirect(http.StatusSeeOther, "/domains/"+d.Slug)
}
