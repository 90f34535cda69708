package handlers

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
)

func (s *Server) userSessionsRevoke(c echo.Context) error {
	id, err := strconv.ParseUint(c.Param("id"), 10, 32)
	if err != nil {
		return models.Errorf(models.ENOTFOUND, "There is no such user.")
	}
	ended, err := s.store.RevokeSessions(c.Request().Context(), principal(c), uint(id))
	if err != nil {
		return err
	}
	setFlash(c, "success", fmt.Sprintf("Ended %d session(s).", ended))
	return c.Redirect(http.StatusSeeOther, "/users")
}
