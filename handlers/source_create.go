package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

func (s *Server) sourceCreate(c echo.Context) error {
	form := parseSourceForm(c, false)
	src, err := s.store.CreateSource(c.Request().Context(), principal(c), form.Input)
	if isFormError(err) {
		return s.renderSourceFormError(c, "New source", form, nil, err)
	}
	if err != nil {
		return err
	}
	setFlash(c, "success", "Source "+src.Name+" registered. Crawl it now, or wait for its schedule.")
	return c.Redirect(http.StatusSeeOther, "/sources/"+src.Slug)
}
