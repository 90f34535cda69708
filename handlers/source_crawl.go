package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
)

// sourceCrawl is "Crawl now": the run starts in the background and the
// source page shows its progress.
func (s *Server) sourceCrawl(c echo.Context) error {
	src, err := s.editableSource(c)
	if err != nil {
		return err
	}
	_, err = s.crawls.Start(src, models.TriggerManual, nil, principal(c).Label())
	switch {
	case errors.Is(err, models.ErrRunClaimed):
		setFlash(c, "info", "A crawl of "+src.Name+" is already running.")
	case err != nil:
		return err
	default:
		setFlash(c, "success", "Crawl of "+src.Name+" started.")
	}
	return c.Redirect(http.StatusSeeOther, "/sources/"+src.Slug)
}
