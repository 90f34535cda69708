package handlers

import (
	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views"
)

// connectionFieldIDs are the form fields that together make the DSN; the
// store reports their problems as "dsn".
var connectionFieldIDs = map[string]bool{"host": true, "port": true, "database": true, "user": true, "password": true, "options": true, "path": true}

// sourceValidate answers htmx as the user types: the message for the field
// that triggered the request, from the checks a submission runs.
func (s *Server) sourceValidate(c echo.Context) error {
	ctx := c.Request().Context()
	var current *models.Source
	if c.Param("source") != "" {
		var err error
		if current, err = s.editableSource(c); err != nil {
			return err
		}
	}
	form := parseSourceForm(c, current != nil)
	errs := s.store.CheckSource(ctx, principal(c), &form.Input, current)
	id := c.Request().Header.Get("HX-Trigger")
	if connectionFieldIDs[id] {
		id = "dsn" // the connection's parts share one message slot
	}
	return s.renderComponent(c, views.FieldError(id, errs[id]))
}
