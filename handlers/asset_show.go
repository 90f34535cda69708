package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/sources"
)

// assetShow is one asset of a source with its observations of the last 90
// days. The key is a query parameter: it may hold slashes and spaces.
func (s *Server) assetShow(c echo.Context) error {
	ctx := c.Request().Context()
	src, err := s.store.GetSource(ctx, c.Param("source"))
	if err != nil {
		return err
	}
	asset, err := s.store.GetAsset(ctx, src.ID, c.QueryParam("key"))
	if err != nil {
		return err
	}
	now := s.store.Now()
	obs, err := s.store.RecentObservations(ctx, asset.ID, now.Add(-90*24*time.Hour))
	if err != nil {
		return err
	}
	finding, err := s.store.FindingOf(ctx, models.FindingDarkData, asset.ID)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, sources.AssetPage(sources.AssetData{
		Page: s.page(c, asset.Key, "sources"), Source: *src, Asset: *asset, Observations: obs, Now: now, Finding: finding,
	}))
}
