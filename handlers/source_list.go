package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/sources"
)

func (s *Server) sourceList(c echo.Context) error {
	ctx := c.Request().Context()
	list, err := s.store.SourceOverviews(ctx)
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
	return s.render(c, http.StatusOK, sources.List(sources.ListData{
		Page: s.page(c, "Sources", "sources"), Sources: list, CanCreate: canCreate, Now: time.Now(),
	}))
}
