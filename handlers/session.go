package handlers

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/meshport/meshport/models"
)

const (
	sessionCookie = "meshport_session"
	flashCookie   = "meshport_flash"
	principalKey  = "principal"
)

// SignIn is one way for people to prove who they are (the local development
// sign-in, OpenID Connect). It mounts its own routes and, once it trusts the
// person, calls Server.StartSession.
type SignIn interface {
	Mount(e *echo.Echo, s *Server)
	// Dev reports whether this is the local development sign-in, which the
	// layout announces on every page.
	Dev() bool
	// SignOutURL is where the browser goes once the session has ended (the
	// provider's logout, when it has one).
	SignOutURL() string
}

// identify attaches the signed-in principal, if any, to the request.
func (s *Server) identify(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if isMachineEndpoint(c) {
			return next(c)
		}
		cookie, err := c.Cookie(sessionCookie)
		if err == nil && cookie.Value != "" {
			user, err := s.store.SessionUser(c.Request().Context(), cookie.Value, s.cfg.Sessions)
			if err == nil && !s.accepts(user.Principal()) {
				err = models.Errorf(models.EUNAUTHORIZED, "Please sign in.")
			}
			switch models.ErrorCode(err) {
			case "":
				c.Set(principalKey, user.Principal())
			case models.EUNAUTHORIZED:
				s.clearCookie(c, sessionCookie)
			default:
				return err
			}
		}
		return next(c)
	}
}

// principal returns who is making the request (zero value when nobody).
func principal(c echo.Context) models.Principal {
	p, _ := c.Get(principalKey).(models.Principal)
	return p
}

// requireSignIn sends anonymous visitors to sign in, then back here.
func (s *Server) requireSignIn(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if principal(c).SignedIn() {
			return next(c)
		}
		target := "/login"
		if c.Request().Method == http.MethodGet && c.Request().URL.RequestURI() != "/" {
			target += "?next=" + url.QueryEscape(c.Request().URL.RequestURI())
		}
		if isHTMX(c) {
			c.Response().Header().Set("HX-Redirect", target)
			return c.NoContent(http.StatusUnauthorized)
		}
		return c.Redirect(http.StatusSeeOther, target)
	}
}

// requireToken authenticates API clients by bearer token.
func (s *Server) requireToken(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		auth := c.Request().Header.Get(echo.HeaderAuthorization)
		scheme, token, ok := strings.Cut(auth, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="meshport"`)
			return models.Errorf(models.EUNAUTHORIZED, "Send an API token as \"Authorization: Bearer <token>\".")
		}
		p, err := s.store.TokenPrincipal(c.Request().Context(), strings.TrimSpace(token))
		if err != nil {
			if models.ErrorCode(err) == models.EUNAUTHORIZED {
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="meshport", error="invalid_token"`)
			}
			return err
		}
		if !s.accepts(p) {
			return models.Errorf(models.EUNAUTHORIZED, "This token belongs to a user of the development sign-in, which this portal no longer offers.")
		}
		c.Set(principalKey, p)
		return next(c)
	}
}

// accepts refuses sessions and tokens of the development sign-in's demo
// users once the portal runs with a real identity provider on the same
// database: that sign-in must not outlive its mode.
func (s *Server) accepts(p models.Principal) bool {
	return p.Issuer != models.DevIssuer || s.signIn.Dev()
}

// StartSession signs the user in: a new session id (never one the browser
// brought along) in an HttpOnly, SameSite=Lax cookie, then on to next.
func (s *Server) StartSession(c echo.Context, user *models.User, next string) error {
	if old, err := c.Cookie(sessionCookie); err == nil && old.Value != "" {
		_ = s.store.DeleteSession(c.Request().Context(), old.Value)
	}
	token, err := s.store.CreateSession(c.Request().Context(), user.ID, s.cfg.Sessions)
	if err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.cfg.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: int(s.cfg.Sessions.Absolute / time.Second),
	})
	setFlash(c, "success", "Signed in as "+user.Name+".")
	return c.Redirect(http.StatusSeeOther, SafeNext(next))
}

// logout ends the session.
func (s *Server) logout(c echo.Context) error {
	if cookie, err := c.Cookie(sessionCookie); err == nil && cookie.Value != "" {
		if err := s.store.DeleteSession(c.Request().Context(), cookie.Value); err != nil {
			return err
		}
	}
	s.clearCookie(c, sessionCookie)
	return c.Redirect(http.StatusSeeOther, s.signIn.SignOutURL())
}

func (s *Server) clearCookie(c echo.Context, name string) {
	c.SetCookie(&http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// SafeNext keeps post-sign-in redirects on this site: only local paths
// ("/x", not "//host" or "/\host") pass; anything else goes home.
func SafeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}

// csrfToken returns the token forms must send. When the browser proved the
// request same-origin with Sec-Fetch-Site, echo's middleware skips issuing a
// token, so one is issued here to keep forms working for every client.
func (s *Server) csrfToken(c echo.Context) string {
	if t, ok := c.Get("csrf").(string); ok && t != "" && t != middleware.CSRFUsingSecFetchSite {
		return t
	}
	if cookie, err := c.Cookie("_csrf"); err == nil && cookie.Value != "" {
		return cookie.Value
	}
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	c.SetCookie(&http.Cookie{Name: "_csrf", Value: token, Path: "/", HttpOnly: true, Secure: s.cfg.SecureCookies,
		SameSite: http.SameSiteLaxMode, Expires: time.Now().Add(24 * time.Hour)})
	c.Set("csrf", token)
	return token
}
