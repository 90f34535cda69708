package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/products"
)

func (s *Server) productShow(c echo.Context) error {
	p, err := s.store.GetProduct(c.Request().Context(), c.Param("domain"), c.Param("product"))
	if err != nil {
		return err
	}
	return s.renderProduct(c, http.StatusOK, p, models.WaiverInput{}, nil)
}

// renderProduct is the product page; a refused waiver request shows it
// again with the form's values and messages.
func (s *Server) renderProduct(c echo.Context, status int, p *models.Product, waiver models.WaiverInput, waiverErrs models.FieldErrors) error {
	ctx := c.Request().Context()
	audit, err := s.store.AuditLog(ctx, "product", p.ID, 50)
	if err != nil {
		return err
	}
	portAssets, err := s.store.PortAssets(ctx, p.OutputPorts)
	if err != nil {
		return err
	}
	var findings []models.FindingView
	for _, kind := range []string{models.FindingStaleProduct, models.FindingUnusedProduct} {
		f, err := s.store.FindingOf(ctx, kind, p.ID)
		if err != nil {
			return err
		}
		if f != nil && f.Status != models.FindingClosed {
			findings = append(findings, *f)
		}
	}
	for _, kind := range []string{models.FindingContractDrift, models.FindingQuality} {
		fs, err := s.store.ProductFindingsOf(ctx, kind, p.ID)
		if err != nil {
			return err
		}
		findings = append(findings, fs...)
	}
	portContracts, err := s.store.ProductContracts(ctx, p.ID)
	if err != nil {
		return err
	}
	reads, readBy, err := s.store.ProductNeighbours(ctx, p.ID)
	if err != nil {
		return err
	}
	card, err := s.productScorecard(c, p, waiver, waiverErrs)
	if err != nil {
		return err
	}
	now := s.store.Now()
	return s.render(c, status, products.Show(products.ShowData{
		Page: s.page(c, p.Name, "products"), Product: *p, Audit: audit, CanEdit: principal(c).CanManageProducts(p.Domain),
		PortAssets: portAssets, Health: models.HealthOf(p, portAssets, now), Now: now, Findings: findings, Scorecard: card,
		Contracts: portContracts, Reads: reads, ReadBy: readBy,
	}))
}
