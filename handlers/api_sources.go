package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views"
)

// The sources API: register, change and delete sources, start crawls and
// read their runs and assets. The DSN is write-only: answers carry
// dsn_hint (no password, no query) and never the connection itself.

// sourceJSON is a source as the API shows it.
type sourceJSON struct {
	ID                  uint      `json:"id"`
	Slug                string    `json:"slug"`
	Name                string    `json:"name"`
	Domain              string    `json:"domain"`
	Kind                string    `json:"kind"`
	DSNHint             string    `json:"dsn_hint"`
	Include             []string  `json:"include"`
	Exclude             []string  `json:"exclude"`
	FreshnessColumns    []string  `json:"freshness_columns"`
	Schedule            string    `json:"schedule"`
	ScheduleDescription string    `json:"schedule_description"`
	NextRuns            []string  `json:"next_runs"`
	TimeZone            string    `json:"time_zone"`
	Enabled             bool      `json:"enabled"`
	Assets              int64     `json:"assets"`
	TotalBytes          int64     `json:"total_bytes"`
	LastRun             *runJSON  `json:"last_run"`
	URL                 string    `json:"url"`
	CreatedAt           time.Time `json:"created_at"`
	UpdatedAt           time.Time `json:"updated_at"`
}

func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

func toSourceJSON(src *models.Source, now time.Time) sourceJSON {
	domain := ""
	if src.Domain != nil {
		domain = src.Domain.Slug
	}
	// A disabled source is not crawled on its schedule, so it has no next runs.
	next := []string{}
	if src.Enabled {
		for _, t := range models.NextRuns(src.Schedule, src.TimeZone, now, 3) {
			next = append(next, t.Format(time.RFC3339))
		}
	}
	return sourceJSON{ID: src.ID, Slug: src.Slug, Name: src.Name, Domain: domain, Kind: src.Kind, DSNHint: src.DSNHint,
		Include: nonNil(src.Include), Exclude: nonNil(src.Exclude), FreshnessColumns: nonNil(src.FreshnessColumns),
		Schedule: src.Schedule, ScheduleDescription: views.DescribeSchedule(src.Schedule, src.TimeZone), NextRuns: next,
		TimeZone: src.TimeZone, Enabled: src.Enabled, URL: "/api/v1/sources/" + src.Slug,
		CreatedAt: src.CreatedAt, UpdatedAt: src.UpdatedAt}
}

// runJSON is a crawl run as the API shows it.
type runJSON struct {
	ID            uint       `json:"id"`
	Source        string     `json:"source"`
	Trigger       string     `json:"trigger"`
	Status        string     `json:"status"`
	ScheduledFor  *time.Time `json:"scheduled_for"`
	StartedAt     time.Time  `json:"started_at"`
	FinishedAt    *time.Time `json:"finished_at"`
	DurationMS    int64      `json:"duration_ms"`
	AssetsSeen    int        `json:"assets_seen"`
	AssetsNew     int        `json:"assets_new"`
	AssetsChanged int        `json:"assets_changed"`
	AssetsGone    int        `json:"assets_gone"`
	Progress      int        `json:"progress"`
	Error         string     `json:"error"`
	ErrorReason   string     `json:"error_reason"`
	ServerVersion string     `json:"server_version"`
	UsageNote     string     `json:"usage_note"`
	Actor         string     `json:"actor"`
	URL           string     `json:"url"`
}

// toRunJSON shows a run of the source with the given slug; a running run's
// duration is how long it has taken so far.
func toRunJSON(r *models.CrawlRun, sourceSlug string, now time.Time) *runJSON {
	return &runJSON{ID: r.ID, Source: sourceSlug, Trigger: r.Trigger, Status: r.Status, ScheduledFor: r.ScheduledFor,
		StartedAt: r.StartedAt, FinishedAt: r.FinishedAt, DurationMS: max(r.Duration(now).Milliseconds(), 0),
		AssetsSeen: r.AssetsSeen, AssetsNew: r.AssetsNew, AssetsChanged: r.AssetsChanged, AssetsGone: r.AssetsGone,
		Progress: r.Progress, Error: r.Error, ErrorReason: r.ErrorReason, ServerVersion: r.ServerVersion,
		UsageNote: r.UsageNote, Actor: r.Actor, URL: fmt.Sprintf("/api/v1/runs/%d", r.ID)}
}

// assetJSON is an asset a crawl found, as the API shows it.
type assetJSON struct {
	Key                  string          `json:"key"`
	Schema               string          `json:"schema"`
	Name                 string          `json:"name"`
	Kind                 string          `json:"kind"`
	Parent               string          `json:"parent"`
	SizeBytes            *int64          `json:"size_bytes"`
	Rows                 *int64          `json:"rows"`
	Files                *int64          `json:"files"`
	Columns              []models.Column `json:"columns"`
	FirstSeenAt          time.Time       `json:"first_seen_at"`
	LastSeenAt           time.Time       `json:"last_seen_at"`
	GoneAt               *time.Time      `json:"gone_at"`
	LastChangeAt         *time.Time      `json:"last_change_at"`
	LastChangeMeasuredBy string          `json:"last_change_measured_by"`
	UsageKnown           bool            `json:"usage_known"`
	ReadsPerDay          *float64        `json:"reads_per_day"`
	LastReadAt           *time.Time      `json:"last_read_at"`
	LastReadMeasuredBy   string          `json:"last_read_measured_by"`
}

func toAssetJSON(a *models.Asset) assetJSON {
	cols := a.ColumnList()
	if cols == nil {
		cols = []models.Column{}
	}
	reads := a.ReadsPerDay
	if !a.UsageKnown {
		reads = nil // "unknown", never "unused"
	}
	return assetJSON{Key: a.Key, Schema: a.Schema, Name: a.Name, Kind: a.Kind, Parent: a.Parent,
		SizeBytes: a.SizeBytes, Rows: a.RowEstimate, Files: a.FileCount, Columns: cols,
		FirstSeenAt: a.FirstSeenAt, LastSeenAt: a.LastSeenAt, GoneAt: a.GoneAt,
		LastChangeAt: a.LastChangeAt, LastChangeMeasuredBy: a.LastChangeHow, UsageKnown: a.UsageKnown,
		ReadsPerDay: reads, LastReadAt: a.LastReadAt, LastReadMeasuredBy: a.LastReadHow}
}

// apiSourceList lists every source by name with its latest run and what it
// holds.
func (s *Server) apiSourceList(c echo.Context) error {
	list, err := s.store.SourceOverviews(c.Request().Context())
	if err != nil {
		return err
	}
	now := time.Now()
	items := make([]sourceJSON, len(list))
	for i := range list {
		o := &list[i]
		items[i] = toSourceJSON(&o.Source, now)
		items[i].Assets, items[i].TotalBytes = o.Assets, o.TotalBytes
		if o.LastRun != nil {
			items[i].LastRun = toRunJSON(o.LastRun, o.Slug, now)
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "total": len(items)})
}

func (s *Server) apiSourceGet(c echo.Context) error {
	ctx := c.Request().Context()
	src, err := s.store.GetSource(ctx, c.Param("source"))
	if err != nil {
		return err
	}
	body, err := s.sourceDetail(c, src)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, body)
}

// sourceDetail is a source with its asset totals and latest run.
func (s *Server) sourceDetail(c echo.Context, src *models.Source) (sourceJSON, error) {
	ctx := c.Request().Context()
	now := time.Now()
	body := toSourceJSON(src, now)
	var err error
	if body.Assets, body.TotalBytes, err = s.store.AssetTotals(ctx, src.ID); err != nil {
		return body, err
	}
	runs, err := s.store.ListRuns(ctx, src.ID, 1)
	if err != nil {
		return body, err
	}
	if len(runs) > 0 {
		body.LastRun = toRunJSON(&runs[0], src.Slug, now)
	}
	return body, nil
}

func (s *Server) apiSourceCreate(c echo.Context) error {
	var in models.SourceInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	src, err := s.store.CreateSource(c.Request().Context(), principal(c), in)
	if err != nil {
		return err
	}
	body := toSourceJSON(src, time.Now())
	c.Response().Header().Set(echo.HeaderLocation, body.URL)
	return c.JSON(http.StatusCreated, body)
}

// apiSourcePatch changes the fields present in the body; lists are
// replaced whole. "dsn" replaces the connection (password included); without
// it the stored connection stays.
func (s *Server) apiSourcePatch(c echo.Context) error {
	body, err := readJSON(c)
	if err != nil {
		return err
	}
	// The body is laid over the source's current settings (DSN empty: kept
	// unless the body gives one), again if the source changes meanwhile.
	updated, err := s.store.PatchSource(c.Request().Context(), principal(c), c.Param("source"), func(in *models.SourceInput) error {
		if err := decodeJSONBytes(body, in); err != nil {
			return err
		}
		if in.Enabled == nil { // "enabled": null would otherwise mean the default, true
			return &models.Error{Code: models.EINVALID, Message: "Please correct the highlighted fields.",
				Fields: models.FieldErrors{"enabled": "Must be true or false."}}
		}
		return nil
	})
	if err != nil {
		return err
	}
	out, err := s.sourceDetail(c, updated)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) apiSourceDelete(c echo.Context) error {
	if err := s.store.DeleteSource(c.Request().Context(), principal(c), c.Param("source")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// apiSourceCrawl starts a crawl now; 202 with the run, which the client
// follows at its Location.
func (s *Server) apiSourceCrawl(c echo.Context) error {
	src, err := s.store.GetSource(c.Request().Context(), c.Param("source"))
	if err != nil {
		return err
	}
	p := principal(c)
	if !p.CanManageSources(src.Domain) {
		return models.Errorf(models.EFORBIDDEN, "Only admins and the owners of %s can start crawls of its sources.", src.Domain.Name)
	}
	run, err := s.crawls.Start(src, models.TriggerManual, nil, p.Label())
	if errors.Is(err, models.ErrRunClaimed) {
		return models.Errorf(models.ECONFLICT, "A crawl of this source is already running.")
	}
	if err != nil {
		return err
	}
	body := toRunJSON(run, src.Slug, time.Now())
	c.Response().Header().Set(echo.HeaderLocation, body.URL)
	return c.JSON(http.StatusAccepted, body)
}

// apiSourceRuns lists a source's runs, newest first: limit (1 to 100,
// default 20).
func (s *Server) apiSourceRuns(c echo.Context) error {
	limit := 20
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return models.Errorf(models.EBADREQUEST, "limit must be a whole number from 1 to 100.")
		}
		limit = min(n, 100)
	}
	ctx := c.Request().Context()
	src, err := s.store.GetSource(ctx, c.Param("source"))
	if err != nil {
		return err
	}
	runs, err := s.store.ListRuns(ctx, src.ID, limit)
	if err != nil {
		return err
	}
	now := time.Now()
	items := make([]*runJSON, len(runs))
	for i := range runs {
		items[i] = toRunJSON(&runs[i], src.Slug, now)
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

// apiSourceAssets pages through a source's assets: q, kind, usage,
// unchanged_days, sort, order, include_gone, page, per_page.
func (s *Server) apiSourceAssets(c echo.Context) error {
	var f models.AssetFilter
	if err := (&echo.DefaultBinder{}).BindQueryParams(c, &f); err != nil {
		return models.Errorf(models.EBADREQUEST, "page, per_page and unchanged_days must be whole numbers, include_gone true or false.")
	}
	f.Normalize()
	if err := f.Validate().Err(); err != nil {
		return err
	}
	ctx := c.Request().Context()
	src, err := s.store.GetSource(ctx, c.Param("source"))
	if err != nil {
		return err
	}
	page, err := s.store.ListAssets(ctx, src.ID, f)
	if err != nil {
		return err
	}
	items := make([]assetJSON, len(page.Items))
	for i := range page.Items {
		items[i] = toAssetJSON(&page.Items[i])
	}
	return c.JSON(http.StatusOK, map[string]any{
		"items": items, "total": page.Total, "page": page.Page, "per_page": page.PerPage, "pages": page.Pages(),
	})
}

func (s *Server) apiRunGet(c echo.Context) error {
	id, err := strconv.ParseUint(c.Param("run"), 10, 32)
	if err != nil || id == 0 {
		return models.Errorf(models.ENOTFOUND, "There is no run %q.", truncateRef(c.Param("run")))
	}
	ctx := c.Request().Context()
	run, err := s.store.GetRun(ctx, uint(id))
	if err != nil {
		return err
	}
	src, err := s.store.GetSource(ctx, strconv.FormatUint(uint64(run.SourceID), 10))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toRunJSON(run, src.Slug, time.Now()))
}

// truncateRef shortens a reference from the path for an error message.
func truncateRef(ref string) string {
	if r := []rune(ref); len(r) > 63 {
		return string(r[:63]) + "…"
	}
	return ref
}
