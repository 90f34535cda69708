package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/domains"
)

func (s *Server) domainCreate(c echo.Context) error {
	form := parseDomainForm(c)
	d, err := s.store.CreateDomain(c.Request().Context(), principal(c), form.Input)
	if isFormError(err) {
		return s.render(c, http.StatusUnprocessableEntity, domains.Form(domains.FormData{DefaultUnreadDays: s.defaultUnreadDays(),
			Page: s.page(c, "New domain", "domains"), Input: form.Input, Owners: form.Owners, Representatives: form.Representatives,
			Errors: models.ErrorFields(err), Message: models.ErrorMessage(err),
		}))
	}
	if err != nil {
		return err
	}
	setFlash(c, "success", "Domain "+d.Name+" created.")
	return c.Redirect(http.StatusSeeOther, "/domains/"+d.Slug)
}
