package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/profile"
)

// profileReportsSave stores how often the signed-in person gets their
// ownership report.
func (s *Server) profileReportsSave(c echo.Context) error {
	frequency, always := c.FormValue("frequency"), c.FormValue("always") == "true"
	_, err := s.store.SetReportPreference(c.Request().Context(), principal(c), frequency, always)
	if models.ErrorCode(err) == models.EINVALID && len(models.ErrorFields(err)) > 0 {
		data, derr := s.profileData(c)
		if derr != nil {
			return derr
		}
		data.Report.Frequency, data.Report.Always, data.ReportErrors = frequency, always, models.ErrorFields(err)
		return s.render(c, http.StatusUnprocessableEntity, profile.Page(data))
	}
	if err != nil {
		return err
	}
	setFlash(c, "success", "Report settings saved.")
	return c.Redirect(http.StatusSeeOther, "/profile")
}
