package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/views/domains"
)

func (s *Server) domainList(c echo.Context) error {
	list, err := s.store.ListDomains(c.Request().Context())
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, domains.List(domains.ListData{Page: s.page(c, "Domains", "domains"), Domains: list}))
}
