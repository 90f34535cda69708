package handlers

import (
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/findings"
)

// findingList is the findings page; htmx asks for just the results. A
// filter value the store refuses is shown next to its filter (422).
func (s *Server) findingList(c echo.Context) error {
	ctx := c.Request().Context()
	f, _ := parseFindingFilter(c) // a mangled page number shows the first page
	result, err := s.store.ListFindings(ctx, f)
	status, errs, err := filterOutcome(err)
	if err != nil {
		return err
	}
	f.Normalize()
	domains, err := s.store.AllDomains(ctx)
	if err != nil {
		return err
	}
	srcs, err := s.store.FindingSources(ctx)
	if err != nil {
		return err
	}
	data := findings.ListData{
		Page: s.page(c, "Findings", "findings"), Filter: f, Result: result, Errors: errs,
		Domains: domains, Sources: srcs, Rules: s.store.FindingRules(), Now: time.Now(),
	}
	data.DrawnRow = func(v *models.FindingView) templ.Component {
		return s.rows.of(ctx, v, data.Rules.Currency, data.Now)
	}
	return s.render(c, status, findings.List(data))
}
