package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views"
	"github.com/meshport/meshport/views/sources"
)

// sourceFormData fills the source form: the domains the user may register
// sources in, and the schedule preview.
func (s *Server) sourceFormData(ctx context.Context, c echo.Context, title string, values sources.FormValues, editing *models.Source) (sources.FormData, error) {
	all, err := s.store.AllDomains(ctx)
	if err != nil {
		return sources.FormData{}, err
	}
	p := principal(c)
	var allowed []models.Domain
	for i := range all {
		d := &all[i]
		if p.CanManageSources(d) && (d.Status == models.DomainActive || (editing != nil && editing.DomainID == d.ID)) {
			allowed = append(allowed, *d)
		}
	}
	return sources.FormData{
		Page: s.page(c, title, "sources"), Form: values, Domains: allowed, Editing: editing,
		Preview: schedulePreview(values.Schedule, values.TimeZone),
	}, nil
}

// renderSourceFormError shows the form again with the user's values and
// the messages of err next to their fields.
func (s *Server) renderSourceFormError(c echo.Context, title string, form sourceForm, editing *models.Source, err error) error {
	data, derr := s.sourceFormData(c.Request().Context(), c, title, form.Values, editing)
	if derr != nil {
		return derr
	}
	data.Form.PasswordStored = editing != nil && form.Input.KeepPassword
	data.Errors, data.Message = models.ErrorFields(err), models.ErrorMessage(err)
	return s.render(c, http.StatusUnprocessableEntity, sources.Form(data))
}

// schedulePreview says when a schedule runs, or what is wrong with it.
func schedulePreview(schedule, timeZone string) sources.SchedulePreview {
	in := models.SourceInput{Schedule: schedule, TimeZone: timeZone}
	in.Normalize()
	loc, err := time.LoadLocation(in.TimeZone)
	if err != nil || in.TimeZone == "Local" {
		return sources.SchedulePreview{Error: "Enter a time zone such as UTC or Europe/Berlin to see the next runs."}
	}
	if _, msg := models.ParseSchedule(in.Schedule, loc); msg != "" {
		return sources.SchedulePreview{Error: msg}
	}
	return sources.SchedulePreview{
		Description: views.DescribeSchedule(in.Schedule, in.TimeZone),
		NextRuns:    models.NextRuns(in.Schedule, in.TimeZone, time.Now(), 3),
	}
}

// editableSource loads a source the principal may change, else 403.
func (s *Server) editableSource(c echo.Context) (*models.Source, error) {
	src, err := s.store.GetSource(c.Request().Context(), c.Param("source"))
	if err != nil {
		return nil, err
	}
	if !principal(c).CanManageSources(src.Domain) {
		return nil, models.Errorf(models.EFORBIDDEN, "Only admins and the owners of %s can change its sources.", src.Domain.Name)
	}
	return src, nil
}
