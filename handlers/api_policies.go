package handlers

import (
	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
)

// Stubs until the policies API lands.
func notYet(echo.Context) error { return models.Errorf(models.ENOTFOUND, "Not yet.") }

func (s *Server) apiPolicyList(c echo.Context) error       { return notYet(c) }
func (s *Server) apiPolicyCreate(c echo.Context) error     { return notYet(c) }
func (s *Server) apiPolicyDryRun(c echo.Context) error     { return notYet(c) }
func (s *Server) apiPolicyGet(c echo.Context) error        { return notYet(c) }
func (s *Server) apiPolicyPatch(c echo.Context) error      { return notYet(c) }
func (s *Server) apiPolicyDelete(c echo.Context) error     { return notYet(c) }
func (s *Server) apiPolicyVote(c echo.Context) error       { return notYet(c) }
func (s *Server) apiPolicyResults(c echo.Context) error    { return notYet(c) }
func (s *Server) apiProductScorecard(c echo.Context) error { return notYet(c) }
func (s *Server) apiWaiverList(c echo.Context) error       { return notYet(c) }
func (s *Server) apiWaiverCreate(c echo.Context) error     { return notYet(c) }
func (s *Server) apiWaiverDecide(c echo.Context) error     { return notYet(c) }
