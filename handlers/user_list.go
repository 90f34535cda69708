package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/views/users"
)

func (s *Server) userList(c echo.Context) error {
	list, err := s.store.ListUsers(c.Request().Context(), principal(c), s.cfg.Sessions)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, users.List(users.Data{Page: s.page(c, "Users", "users"), Users: list}))
}
