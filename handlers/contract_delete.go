package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// contractDelete removes the port's contract with its versions and checks.
func (s *Server) contractDelete(c echo.Context) error {
	ctx := c.Request().Context()
	domain, product := c.Param("domain"), c.Param("product")
	if err := s.store.DeleteContract(ctx, principal(c), domain, product, c.Param("port")); err != nil {
		return err
	}
	setFlash(c, "success", "The contract of "+c.Param("port")+" was deleted.")
	return c.Redirect(http.StatusSeeOther, "/products/"+domain+"/"+product)
}
