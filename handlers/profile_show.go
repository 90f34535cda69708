package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/views/profile"
)

func (s *Server) profileShow(c echo.Context) error {
	data, err := s.profileData(c)
	if err != nil {
		return err
	}
	data.Expires = "90d"
	return s.render(c, http.StatusOK, profile.Page(data))
}

// profileData loads the signed-in user and their tokens.
func (s *Server) profileData(c echo.Context) (profile.Data, error) {
	ctx := c.Request().Context()
	p := principal(c)
	user, err := s.store.GetUser(ctx, p.UserID)
	if err != nil {
		return profile.Data{}, err
	}
	tokens, err := s.store.ListTokens(ctx, user.ID)
	if err != nil {
		return profile.Data{}, err
	}
	pref, err := s.store.ReportPreferenceOf(ctx, user.Email)
	if err != nil {
		return profile.Data{}, err
	}
	return profile.Data{Page: s.page(c, "Your profile", "profile"), User: *user, Tokens: tokens, Report: pref}, nil
}
