package handlers

import (
	"bytes"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/views"
)

// isHTMX reports whether htmx sent the request (and so wants a fragment).
func isHTMX(c echo.Context) bool {
	return c.Request().Header.Get("HX-Request") == "true" && c.Request().Header.Get("HX-Boosted") != "true"
}

// render writes a page, or, when htmx asks for an element that the page
// marks as a templ.Fragment, only that fragment. This is the one place
// that decides between full page and partial.
func (s *Server) render(c echo.Context, status int, page templ.Component) error {
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	c.Response().Header().Add("Vary", "HX-Request, HX-Target")
	if target := c.Request().Header.Get("HX-Target"); isHTMX(c) && target != "" {
		var buf bytes.Buffer
		if err := templ.RenderFragments(c.Request().Context(), &buf, page, target); err != nil {
			return err
		}
		if buf.Len() > 0 {
			return c.HTMLBlob(status, buf.Bytes())
		}
	}
	// Rendered whole before sending: one write with a Content-Length, and a
	// template error can still become a proper error page.
	buf := s.buffers.Get().(*bytes.Buffer)
	defer s.putBuffer(buf)
	buf.Reset()
	if err := page.Render(c.Request().Context(), buf); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// putBuffer returns a render buffer to the pool unless a huge page grew it.
func (s *Server) putBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= 1<<20 {
		s.buffers.Put(buf)
	}
}

// renderComponent writes a component that is a fragment by itself, such as
// a field's error message or a new form row.
func (s *Server) renderComponent(c echo.Context, component templ.Component) error {
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	c.Response().WriteHeader(http.StatusOK)
	return component.Render(c.Request().Context(), c.Response())
}

// page fills the layout data every full page needs.
func (s *Server) page(c echo.Context, title, nav string) views.Page {
	return views.Page{
		Title: title, Nav: nav, Principal: principal(c), CSRF: s.csrfToken(c),
		Flash: takeFlash(c), DevSignIn: s.signIn.Dev(), Assets: s.assets,
	}
}
