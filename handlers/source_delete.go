package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

func (s *Server) sourceDelete(c echo.Context) error {
	src, err := s.editableSource(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteSource(c.Request().Context(), principal(c), src.Slug); err != nil {
		return err
	}
	setFlash(c, "success", "Source "+src.Name+" deleted.")
	return c.Redirect(http.StatusSeeOther, "/sources")
}
