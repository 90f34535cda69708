package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/findings"
)

// findingDecide keeps, ignores or undoes a decision on a finding. The store
// authorizes (admins and the domain's owners) and validates; a refused
// form comes back with its messages (422), htmx gets the refreshed panel.
func (s *Server) findingDecide(c echo.Context) error {
	id, err := findingID(c)
	if err != nil {
		return err
	}
	form := parseDecisionForm(c)
	f, err := s.store.DecideFinding(c.Request().Context(), principal(c), id, form)
	if isFormError(err) {
		data, derr := s.findingData(c, id)
		if derr != nil {
			return derr
		}
		data.Form, data.Errors, data.Message = form, models.ErrorFields(err), models.ErrorMessage(err)
		return s.render(c, http.StatusUnprocessableEntity, findings.Show(data))
	}
	if err != nil {
		return err
	}
	msg := decisionMessage(f)
	if isHTMX(c) {
		data, err := s.findingData(c, id)
		if err != nil {
			return err
		}
		data.Notice = msg
		return s.render(c, http.StatusOK, findings.Show(data))
	}
	setFlash(c, "success", msg)
	return c.Redirect(http.StatusSeeOther, findings.URL(id))
}

// decisionMessage says what a decision did.
func decisionMessage(f *models.Finding) string {
	until := ""
	if f.Until != nil {
		until = " until " + f.Until.Format(time.DateOnly)
	}
	switch f.Status {
	case models.FindingKept:
		return "Kept as archive" + until + "."
	case models.FindingIgnored:
		return "Ignored" + until + "."
	}
	return "Decision undone: the finding is judged again."
}
