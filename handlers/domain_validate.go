package handlers

import (
	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/views"
)

// domainValidate answers htmx as the user types: the message for the field
// that triggered the request, from the same checks a submission runs.
func (s *Server) domainValidate(c echo.Context) error {
	var currentID uint
	if slug := c.Param("domain"); slug != "" {
		current, err := s.store.GetDomain(c.Request().Context(), slug)
		if err != nil {
			return err
		}
		currentID = current.ID
	}
	form := parseDomainForm(c)
	errs := s.store.CheckDomain(c.Request().Context(), &form.Input, currentID)
	field := c.Request().Header.Get("HX-Trigger")
	return s.renderComponent(c, views.FieldError(field, errs[field]))
}
