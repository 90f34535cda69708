package handlers

import "github.com/labstack/echo/v4"

func (s *Server) sourceList(c echo.Context) error             { return errNotYet }
func (s *Server) sourceNew(c echo.Context) error              { return errNotYet }
func (s *Server) sourceCreate(c echo.Context) error           { return errNotYet }
func (s *Server) sourceValidate(c echo.Context) error         { return errNotYet }
func (s *Server) sourceConnectionFields(c echo.Context) error { return errNotYet }
func (s *Server) sourceSchedulePreview(c echo.Context) error  { return errNotYet }
func (s *Server) sourceTestConnection(c echo.Context) error   { return errNotYet }
func (s *Server) sourceShow(c echo.Context) error             { return errNotYet }
func (s *Server) sourceEdit(c echo.Context) error             { return errNotYet }
func (s *Server) sourceUpdate(c echo.Context) error           { return errNotYet }
func (s *Server) sourceCrawl(c echo.Context) error            { return errNotYet }
func (s *Server) sourceDelete(c echo.Context) error           { return errNotYet }
