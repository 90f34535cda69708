package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
)

func (s *Server) productDelete(c echo.Context) error {
	domain, slug := c.Param("domain"), c.Param("product")
	err := s.store.DeleteProduct(c.Request().Context(), principal(c), domain, slug)
	if models.ErrorCode(err) == models.ECONFLICT {
		setFlash(c, "error", models.ErrorMessage(err))
		return c.Redirect(http.StatusSeeOther, "/products/"+domain+"/"+slug)
	}
	if err != nil {
		return err
	}
	setFlash(c, "success", "Data product "+domain+"/"+slug+" deleted.")
	return c.Redirect(http.StatusSeeOther, "/domains/"+domain)
}
