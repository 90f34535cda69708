package handlers

import (
	"net"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/pages"
)

// DevSignIn lets anyone on this machine act as one of the demo users. It
// exists for `make run` and answers only requests from loopback addresses.
type DevSignIn struct{}

// Dev is true: the layout warns on every page.
func (DevSignIn) Dev() bool { return true }

// SignOutURL is the sign-in page again.
func (DevSignIn) SignOutURL() string { return "/login" }

// Mount adds the sign-in page and its form's target.
func (DevSignIn) Mount(e *echo.Echo, s *Server) {
	e.GET("/login", s.devLoginPage, onlyLoopback)
	e.POST("/login", s.devLogin, onlyLoopback)
}

// onlyLoopback refuses the development sign-in to other machines, even when
// the portal was started listening on all addresses by mistake.
func onlyLoopback(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if ip := net.ParseIP(c.RealIP()); ip == nil || !ip.IsLoopback() {
			return models.Errorf(models.EFORBIDDEN, "The development sign-in only works from this machine (localhost).")
		}
		return next(c)
	}
}

func (s *Server) devLoginPage(c echo.Context) error {
	return s.render(c, http.StatusOK, pages.Login(pages.LoginData{
		Page: s.page(c, "Sign in", ""), Users: models.DemoUsers(), Next: SafeNext(c.QueryParam("next")),
	}))
}

func (s *Server) devLogin(c echo.Context) error {
	subject := c.FormValue("subject")
	for _, u := range models.DemoUsers() {
		if u.Subject == subject {
			stored, err := s.store.UpsertUser(c.Request().Context(), u)
			if err != nil {
				return err
			}
			return s.StartSession(c, stored, c.FormValue("next"))
		}
	}
	return s.render(c, http.StatusUnprocessableEntity, pages.Login(pages.LoginData{
		Page: s.page(c, "Sign in", ""), Users: models.DemoUsers(), Next: SafeNext(c.FormValue("next")),
		Error: "Choose one of the demo users.",
	}))
}
