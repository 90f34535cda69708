package handlers

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
)

// reportRetry puts a failed or waiting report back to be sent now.
func (s *Server) reportRetry(c echo.Context) error {
	id, err := strconv.ParseUint(c.Param("id"), 10, 32)
	if err != nil {
		return models.Errorf(models.ENOTFOUND, "There is no message %q.", truncate(c.Param("id"), 20))
	}
	if s.cfg.Reports == nil {
		return models.Errorf(models.EUNAVAILABLE, "Reports are not available in this portal.")
	}
	m, err := s.cfg.Reports.Retry(c.Request().Context(), principal(c), uint(id))
	if err != nil {
		return err
	}
	setFlash(c, "success", fmt.Sprintf("The report to %s (%s) is sent again now.", m.Recipient, m.Period))
	return c.Redirect(http.StatusSeeOther, "/reports/deliveries")
}
