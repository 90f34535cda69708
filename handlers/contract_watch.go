package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/views/contracts"
)

// contractWatch starts or stops telling the signed-in person of the
// contract's breaking changes (on=false stops).
func (s *Server) contractWatch(c echo.Context) error {
	ctx := c.Request().Context()
	on := c.FormValue("on") != "false"
	if err := s.store.WatchContract(ctx, principal(c), c.Param("domain"), c.Param("product"), c.Param("port"), on); err != nil {
		return err
	}
	prod, err := s.store.GetProduct(ctx, c.Param("domain"), c.Param("product"))
	if err != nil {
		return err
	}
	if on {
		setFlash(c, "success", "You will get an email when this contract changes in a way that can break what reads it.")
	} else {
		setFlash(c, "info", "You will no longer be told of this contract's changes.")
	}
	return c.Redirect(http.StatusSeeOther, contracts.URL(*prod, c.Param("port")))
}
