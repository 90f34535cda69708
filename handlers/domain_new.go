package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/domains"
)

func (s *Server) domainNew(c echo.Context) error {
	if !principal(c).CanCreateDomain() {
		return models.Errorf(models.EFORBIDDEN, "Only admins can register domains.")
	}
	return s.render(c, http.StatusOK, domains.Form(domains.FormData{DefaultUnreadDays: s.defaultUnreadDays(), Page: s.page(c, "New domain", "domains")}))
}

// defaultUnreadDays is the portal's unread threshold, for the domain form.
func (s *Server) defaultUnreadDays() string { return strconv.Itoa(s.store.FindingRules().UnreadDays) }
