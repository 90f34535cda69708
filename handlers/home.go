package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/views/pages"
)

func (s *Server) home(c echo.Context) error {
	dash, err := s.store.Dashboard(c.Request().Context())
	if err != nil {
		return err
	}
	health, err := s.store.DomainHealth(c.Request().Context(), "", time.Now())
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.Home(pages.HomeData{Page: s.page(c, "Overview", "home"), Dash: dash, Health: health}))
}
