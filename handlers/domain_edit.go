package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/domains"
)

func (s *Server) domainEdit(c echo.Context) error {
	d, err := s.store.GetDomain(c.Request().Context(), c.Param("domain"))
	if err != nil {
		return err
	}
	if !principal(c).CanEditDomain(d) {
		return models.Errorf(models.EFORBIDDEN, "Only admins and the owners of %s can edit it.", d.Name)
	}
	return s.render(c, http.StatusOK, domains.Form(domains.FormData{DefaultUnreadDays: s.defaultUnreadDays(),
		Page: s.page(c, "Edit "+d.Name, "domains"), Input: d.Input(), Owners: strings.Join(d.Owners, "\n"),
		Representatives: strings.Join(d.Representatives, "\n"), Editing: d,
	}))
}
