package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
)

// productStatus moves a product along its lifecycle (activate, deprecate, retire).
func (s *Server) productStatus(c echo.Context) error {
	back := "/products/" + c.Param("domain") + "/" + c.Param("product")
	p, err := s.store.SetProductStatus(c.Request().Context(), principal(c), c.Param("domain"), c.Param("product"), c.FormValue("status"))
	if code := models.ErrorCode(err); code == models.ECONFLICT || code == models.EINVALID {
		setFlash(c, "error", refusalText(err))
		return c.Redirect(http.StatusSeeOther, back)
	}
	if err != nil {
		return err
	}
	setFlash(c, "success", p.Name+" is now "+p.Status+".")
	return c.Redirect(http.StatusSeeOther, back)
}
