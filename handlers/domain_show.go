package handlers

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/domains"
)

func (s *Server) domainShow(c echo.Context) error {
	ctx := c.Request().Context()
	d, err := s.store.GetDomain(ctx, c.Param("domain"))
	if err != nil {
		return err
	}
	prods, err := s.store.ListProducts(ctx, models.ProductFilter{Domain: d.Slug, PerPage: 25})
	if err != nil {
		return err
	}
	audit, err := s.store.AuditLog(ctx, "domain", d.ID, 50)
	if err != nil {
		return err
	}
	health, err := s.store.DomainHealth(ctx, d.Slug, s.store.Now())
	if err != nil {
		return err
	}
	trend, err := s.dashboard(c, d.ID, "/findings?domain="+url.QueryEscape(d.Slug))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, domains.Show(domains.ShowData{
		Page: s.page(c, d.Name, "domains"), Domain: *d, Products: prods.Items, Total: prods.Total, Audit: audit, Health: health, Trends: trend,
		DefaultUnreadDays: s.store.FindingRules().UnreadDays,
	}))
}
