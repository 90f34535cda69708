package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/views/contracts"
)

// contractGenerate makes a draft contract from the port's crawled table in
// one click (its columns and types become properties) and opens it in the
// editor.
func (s *Server) contractGenerate(c echo.Context) error {
	ctx := c.Request().Context()
	domain, product, port := c.Param("domain"), c.Param("product"), c.Param("port")
	doc, err := s.store.DraftContract(ctx, domain, product, port)
	if err != nil {
		return err
	}
	saved, err := s.store.SaveContract(ctx, principal(c), domain, product, port, doc)
	if err != nil {
		return err
	}
	prod, err := s.store.GetProduct(ctx, domain, product)
	if err != nil {
		return err
	}
	setFlash(c, "success", "Generated draft "+saved.Contract.Version+" from the table. Check the types and what is required, then make it active.")
	return c.Redirect(http.StatusSeeOther, contracts.URL(*prod, saved.Contract.PortName)+"/edit")
}
