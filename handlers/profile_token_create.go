package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/profile"
)

// profileTokenCreate issues a personal token and shows it once, in this
// answer only (never in a redirect, a cookie or a log).
func (s *Server) profileTokenCreate(c echo.Context) error {
	name, expires := c.FormValue("name"), c.FormValue("expires")
	var expiresAt *time.Time
	var err error
	switch expires {
	case "never":
	case "30d", "90d", "365d":
		sla, _ := models.ParseFreshnessSLA(expires) // same duration syntax
		t := s.store.Now().Add(sla.Duration())
		expiresAt = &t
	default:
		err = &models.Error{Code: models.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: models.FieldErrors{"expires": "Choose one of the listed lifetimes."}}
	}
	var secret string
	if err == nil {
		secret, _, err = s.store.CreateToken(c.Request().Context(), principal(c).UserID, name, models.TokenRolePersonal, expiresAt)
	}
	data, derr := s.profileData(c)
	if derr != nil {
		return derr
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	if models.ErrorCode(err) == models.EINVALID {
		data.Name, data.Expires, data.Errors, data.Message = name, expires, models.ErrorFields(err), models.ErrorMessage(err)
		return s.render(c, http.StatusUnprocessableEntity, profile.Page(data))
	}
	if err != nil {
		return err
	}
	data.NewToken, data.Expires = secret, "90d"
	return s.render(c, http.StatusOK, profile.Page(data))
}
