package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/domains"
)

func (s *Server) domainUpdate(c echo.Context) error {
	ctx := c.Request().Context()
	current, err := s.store.GetDomain(ctx, c.Param("domain"))
	if err != nil {
		return err
	}
	form := parseDomainForm(c)
	d, err := s.store.UpdateDomain(ctx, principal(c), current.Slug, form.Input)
	if isFormError(err) {
		return s.render(c, http.StatusUnprocessableEntity, domains.Form(domains.FormData{DefaultUnreadDays: s.defaultUnreadDays(),
			Page: s.page(c, "Edit "+current.Name, "domains"), Input: form.Input, Owners: form.Owners, Representatives: form.Representatives,
			Errors: models.ErrorFields(err), Message: models.ErrorMessage(err), Editing: current,
		}))
	}
	if err != nil {
		return err
	}
	setFlash(c, "success", "Domain "+d.Name+" saved.")
	return c.Redirect(http.StatusSeeOther, "/domains/"+d.Slug)
}
