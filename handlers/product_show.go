package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/products"
)

func (s *Server) productShow(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.store.GetProduct(ctx, c.Param("domain"), c.Param("product"))
	if err != nil {
		return err
	}
	audit, err := s.store.AuditLog(ctx, "product", p.ID, 50)
	if err != nil {
		return err
	}
	portAssets, err := s.store.PortAssets(ctx, p.OutputPorts)
	if err != nil {
		return err
	}
	now := time.Now()
	return s.render(c, http.StatusOK, products.Show(products.ShowData{
		Page: s.page(c, p.Name, "products"), Product: *p, Audit: audit, CanEdit: principal(c).CanManageProducts(p.Domain),
		PortAssets: portAssets, Health: models.HealthOf(p, portAssets, now), Now: now,
	}))
}
