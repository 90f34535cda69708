package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

func (s *Server) sourceUpdate(c echo.Context) error {
	current, err := s.editableSource(c)
	if err != nil {
		return err
	}
	form := parseSourceForm(c, true)
	src, err := s.store.UpdateSource(c.Request().Context(), principal(c), current.Slug, form.Input)
	if isFormError(err) {
		return s.renderSourceFormError(c, "Edit "+current.Name, form, current, err)
	}
	if err != nil {
		return err
	}
	setFlash(c, "success", "Source "+src.Name+" saved.")
	return c.Redirect(http.StatusSeeOther, "/sources/"+src.Slug)
}
