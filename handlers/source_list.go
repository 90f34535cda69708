package handlers

import (
	"time"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/sources"
)

// sourceList is the source list with its search; htmx asks for just the
// results. A refused search is shown next to the field (422).
func (s *Server) sourceList(c echo.Context) error {
	ctx := c.Request().Context()
	f := listSearch(c)
	results, err := s.store.FindSources(ctx, f)
	status, errs, err := filterOutcome(err)
	if err != nil {
		return err
	}
	domains, err := s.store.AllDomains(ctx)
	if err != nil {
		return err
	}
	p, canCreate := principal(c), false
	for i := range domains {
		if domains[i].Status == models.DomainActive && p.CanManageSources(&domains[i]) {
			canCreate = true
		}
	}
	return s.render(c, status, sources.List(sources.ListData{
		Page: s.page(c, "Sources", "sources"), Filter: f, Results: results, Errors: errs, CanCreate: canCreate, Now: time.Now(),
	}))
}
