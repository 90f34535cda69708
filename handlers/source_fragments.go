package handlers

import (
	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/sources"
)

// sourceConnectionFields swaps the connection fields when the kind changes.
func (s *Server) sourceConnectionFields(c echo.Context) error {
	kind := c.QueryParam("kind")
	if !models.IsSourceKind(kind) {
		kind = string(models.KindPostgres)
	}
	data := sources.FormData{Form: sources.FormValues{Kind: kind}}
	if ref := c.QueryParam("source"); ref != "" {
		src, err := s.store.GetSource(c.Request().Context(), ref)
		if err != nil {
			return err
		}
		data.Editing = src
		data.Form.PasswordStored = src.Kind == kind && !sources.IsFileKind(kind)
	}
	return s.renderComponent(c, sources.ConnectionFields(data))
}

// sourceSchedulePreview describes the schedule as it is typed.
func (s *Server) sourceSchedulePreview(c echo.Context) error {
	return s.renderComponent(c, sources.PreviewView(schedulePreview(c.FormValue("schedule"), c.FormValue("time_zone"))))
}

// sourceTestConnection connects with the form's settings (the stored
// password when the field is left empty on an edit) and says what it sees.
// It answers 200 either way, so htmx shows the result in place.
func (s *Server) sourceTestConnection(c echo.Context) error {
	ctx := c.Request().Context()
	var current *models.Source
	if c.Param("source") != "" {
		var err error
		if current, err = s.editableSource(c); err != nil {
			return err
		}
	}
	form := parseSourceForm(c, current != nil)
	failed := func(msg string) error {
		return s.renderComponent(c, sources.TestResultView(sources.TestResult{Message: msg}))
	}
	in := form.Input
	if current != nil && in.KeepPassword && in.DSN != "" {
		dsn, err := s.store.MergeStoredPassword(current, in.DSN)
		if err != nil {
			return failed(models.ErrorMessage(err))
		}
		in.DSN = dsn
	}
	errs := s.store.CheckSource(ctx, principal(c), &in, current)
	if msg, ok := errs["dsn"]; ok {
		return failed(msg)
	}
	if msg, ok := errs["kind"]; ok {
		return failed(msg)
	}
	domain, err := s.store.GetDomain(ctx, in.Domain)
	if err != nil {
		return failed("Choose the domain first: only its owners may test connections for it.")
	}
	if !principal(c).CanManageSources(domain) {
		return failed("Only admins and the owners of " + domain.Name + " can test connections for it.")
	}
	dsn := in.DSN
	if dsn == "" && current != nil {
		if dsn, err = s.store.StoredDSN(current); err != nil {
			return failed(models.ErrorMessage(err))
		}
	}
	res, err := s.crawls.TestConnection(ctx, models.SourceSettings{Kind: models.SourceKind(in.Kind), DSN: dsn, Include: in.Include, Exclude: in.Exclude})
	if err != nil {
		return failed(connectorMessage(err))
	}
	return s.renderComponent(c, sources.TestResultView(sources.TestResult{OK: true, Message: res.Summary}))
}

// sourceAssetOptions lists a source's assets matching what was typed, as
// <option>s for the output-port form's datalist.
func (s *Server) sourceAssetOptions(c echo.Context) error {
	ref := c.QueryParam("port_source")
	if ref == "" {
		return s.renderComponent(c, sources.AssetOptions(nil))
	}
	src, err := s.store.GetSource(c.Request().Context(), ref)
	if err != nil {
		return s.renderComponent(c, sources.AssetOptions(nil))
	}
	page, err := s.store.ListAssets(c.Request().Context(), src.ID, models.AssetFilter{Q: c.QueryParam("port_location"), Sort: "name", PerPage: 50})
	if err != nil {
		return err
	}
	return s.renderComponent(c, sources.AssetOptions(page.Items))
}
