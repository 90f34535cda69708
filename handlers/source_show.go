package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/sources"
)

func (s *Server) sourceShow(c echo.Context) error {
	ctx := c.Request().Context()
	src, err := s.store.GetSource(ctx, c.Param("source"))
	if err != nil {
		return err
	}
	var f models.AssetFilter
	if err := (&echo.DefaultBinder{}).BindQueryParams(c, &f); err != nil {
		f = models.AssetFilter{} // a mangled address shows the default list
	}
	f.Normalize()
	if f.Validate().Err() != nil {
		f.Sort, f.Order = "size", "desc"
	}
	runs, err := s.store.ListRuns(ctx, src.ID, 20)
	if err != nil {
		return err
	}
	assets, err := s.store.ListAssets(ctx, src.ID, f)
	if err != nil {
		return err
	}
	count, bytes, err := s.store.AssetTotals(ctx, src.ID)
	if err != nil {
		return err
	}
	running := len(runs) > 0 && runs[0].Status == models.RunRunning
	if !running && isHTMX(c) && c.Request().Header.Get("HX-Target") == "runs" {
		// The crawl being watched has ended: reload the whole page so the
		// asset list and totals show what it found.
		c.Response().Header().Set("HX-Refresh", "true")
	}
	return s.render(c, http.StatusOK, sources.Show(sources.ShowData{
		Page: s.page(c, src.Name, "sources"), Source: *src, Runs: runs,
		Running: running,
		Assets:  assets, Filter: f, AssetCount: count, TotalBytes: bytes,
		Preview:   schedulePreview(src.Schedule, src.TimeZone),
		CanManage: principal(c).CanManageSources(src.Domain), Now: time.Now(),
	}))
}
