package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/reports"
)

// reportSend queues one person's report now, outside the schedule.
func (s *Server) reportSend(c echo.Context) error {
	email := strings.TrimSpace(c.FormValue("email"))
	if s.cfg.Reports == nil {
		return models.Errorf(models.EUNAVAILABLE, "Reports are not available in this portal.")
	}
	var err error
	if email == "" {
		err = &models.Error{Code: models.EINVALID, Message: "Please correct the highlighted fields.", Fields: models.FieldErrors{"email": "Whose report? Give an email address."}}
	} else {
		_, err = s.cfg.Reports.QueueNow(c.Request().Context(), principal(c), email)
	}
	switch models.ErrorCode(err) {
	case "":
		setFlash(c, "success", "The report to "+email+" is on its way.")
		return c.Redirect(http.StatusSeeOther, "/reports/deliveries")
	case models.EINVALID, models.ENOTFOUND:
		data, derr := s.deliveriesData(c)
		if derr != nil {
			return derr
		}
		msg := models.ErrorMessage(err)
		if f := models.ErrorFields(err)["email"]; f != "" {
			msg = f
		}
		data.SendEmail, data.SendError = email, msg
		return s.render(c, http.StatusUnprocessableEntity, reports.Deliveries(data))
	}
	return err
}
