package handlers

import (
	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
)

// The sources API is being written.

func (s *Server) apiSourceList(c echo.Context) error   { return errNotYet }
func (s *Server) apiSourceCreate(c echo.Context) error { return errNotYet }
func (s *Server) apiSourceGet(c echo.Context) error    { return errNotYet }
func (s *Server) apiSourcePatch(c echo.Context) error  { return errNotYet }
func (s *Server) apiSourceDelete(c echo.Context) error { return errNotYet }
func (s *Server) apiSourceCrawl(c echo.Context) error  { return errNotYet }
func (s *Server) apiSourceRuns(c echo.Context) error   { return errNotYet }
func (s *Server) apiSourceAssets(c echo.Context) error { return errNotYet }
func (s *Server) apiRunGet(c echo.Context) error       { return errNotYet }

var errNotYet = models.Errorf(models.ENOTFOUND, "Not yet.")
