package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
)

func (s *Server) profileTokenRevoke(c echo.Context) error {
	id, err := strconv.ParseUint(c.Param("id"), 10, 64)
	if err != nil {
		return models.Errorf(models.ENOTFOUND, "There is no such active token of yours.")
	}
	if err := s.store.RevokeToken(c.Request().Context(), principal(c).UserID, uint(id)); err != nil {
		return err
	}
	setFlash(c, "success", "Token revoked.")
	return c.Redirect(http.StatusSeeOther, "/profile")
}
