package handlers

import (
	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/domains"
)

// domainList is the domain list with its search; htmx asks for just the
// results. A refused search is shown next to the field (422).
func (s *Server) domainList(c echo.Context) error {
	f := models.DomainSearch{ListSearch: listSearch(c), Sort: c.QueryParam("sort")}
	results, err := s.store.FindDomains(c.Request().Context(), f)
	status, errs, err := filterOutcome(err)
	if err != nil {
		return err
	}
	return s.render(c, status, domains.List(domains.ListData{Page: s.page(c, "Domains", "domains"), Filter: f, Results: results, Errors: errs}))
}
