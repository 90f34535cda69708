package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/views/pages"
	"github.com/meshport/meshport/views/trends"
)

func (s *Server) home(c echo.Context) error {
	dash, err := s.store.Dashboard(c.Request().Context())
	if err != nil {
		return err
	}
	health, err := s.store.DomainHealth(c.Request().Context(), "", s.store.Now())
	if err != nil {
		return err
	}
	trend, err := s.dashboard(c, 0, "/findings")
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.Home(pages.HomeData{Page: s.page(c, "Overview", "home"), Dash: dash, Health: health, Trends: trend}))
}

// trendDays is how far back the dashboards' trend charts reach.
const trendDays = 90

// dashboard gathers the findings totals and trends of a domain (by id; 0:
// the whole portal) for the home and domain pages.
func (s *Server) dashboard(c echo.Context, domainID uint, findings string) (trends.Data, error) {
	ctx := c.Request().Context()
	totals, err := s.store.FindingTotalsOf(ctx, domainID)
	if err != nil {
		return trends.Data{}, err
	}
	trend, err := s.store.HealthTrend(ctx, domainID, trendDays)
	if err != nil {
		return trends.Data{}, err
	}
	d := trends.Data{Totals: totals, Currency: s.store.FindingRules().Currency, Trend: trend, Days: trendDays,
		Now: s.store.Now(), Findings: findings}
	d.DrawnCharts, err = s.charts.of(ctx, domainID, d)
	return d, err
}
