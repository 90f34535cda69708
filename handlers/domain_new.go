package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/domains"
)

func (s *Server) domainNew(c echo.Context) error {
	if !principal(c).CanCreateDomain() {
		return models.Errorf(models.EFORBIDDEN, "Only admins can register domains.")
	}
	return s.render(c, http.StatusOK, domains.Form(domains.FormData{Page: s.page(c, "New domain", "domains")}))
}
