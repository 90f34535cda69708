package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/sources"
)

func (s *Server) sourceEdit(c echo.Context) error {
	src, err := s.editableSource(c)
	if err != nil {
		return err
	}
	// A connection that no longer decrypts (the secret key changed) is
	// entered again here, so the form opens with its fields empty.
	dsn, dsnErr := s.store.StoredDSN(src)
	data, err := s.sourceFormData(c.Request().Context(), c, "Edit "+src.Name, sourceFormValues(src, dsn), src)
	if err != nil {
		return err
	}
	if dsnErr != nil {
		s.log.Warn("stored source connection unreadable", "source", src.Slug, "error", dsnErr)
		data.Form.PasswordStored = false
		data.Errors = models.FieldErrors{"dsn": "The stored connection cannot be decrypted (was MESHPORT_SECRET_KEY changed?). Enter it again."}
	}
	return s.render(c, http.StatusOK, sources.Form(data))
}
