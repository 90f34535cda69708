package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/views/sources"
)

func (s *Server) sourceEdit(c echo.Context) error {
	src, err := s.editableSource(c)
	if err != nil {
		return err
	}
	dsn, err := s.store.StoredDSN(src)
	if err != nil {
		return err
	}
	data, err := s.sourceFormData(c.Request().Context(), c, "Edit "+src.Name, sourceFormValues(src, dsn), src)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, sources.Form(data))
}
