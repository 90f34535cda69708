package handlers

import (
	"database/sql/driver"
	"errors"
	"net"
	"net/http"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/pages"
)

// statusOf maps an application error code to its HTTP status. This and
// handleError are the only places that decide how errors look.
func statusOf(code string) int {
	switch code {
	case models.EBADREQUEST:
		return http.StatusBadRequest
	case models.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case models.EFORBIDDEN, EFORMEXPIRED:
		return http.StatusForbidden
	case models.ENOTFOUND:
		return http.StatusNotFound
	case models.ECONFLICT:
		return http.StatusConflict
	case models.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case models.EINVALID:
		return http.StatusUnprocessableEntity
	case models.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// appError turns anything a handler returns into an application error.
func appError(err error) *models.Error {
	var appErr *models.Error
	var httpErr *echo.HTTPError
	switch {
	case errors.As(err, &appErr):
		return appErr
	case errors.As(err, &httpErr):
		switch httpErr.Code {
		case http.StatusNotFound:
			return models.Errorf(models.ENOTFOUND, "There is no page at this address.")
		case http.StatusMethodNotAllowed:
			return models.Errorf(models.ENOTFOUND, "This address does not accept that kind of request.")
		case http.StatusRequestEntityTooLarge:
			return models.Errorf(models.ETOOLARGE, "The request is too large.")
		case http.StatusUnauthorized:
			return models.Errorf(models.EUNAUTHORIZED, "Please sign in.")
		case http.StatusForbidden:
			return models.Errorf(models.EFORBIDDEN, "You may not do this.")
		}
		if httpErr.Code < 500 {
			return models.Errorf(models.EBADREQUEST, "The request could not be understood.")
		}
	case databaseDown(err):
		return models.Errorf(models.EUNAVAILABLE, "The database is not answering. Try again in a moment.")
	}
	return models.Errorf(models.EINTERNAL, "Something went wrong on our side. The error has been logged.")
}

// databaseDown recognises errors that mean the database cannot be reached.
func databaseDown(err error) bool {
	var opErr *net.OpError
	var connErr *pgconn.ConnectError
	return errors.Is(err, driver.ErrBadConn) || errors.As(err, &opErr) || errors.As(err, &connErr) ||
		strings.Contains(err.Error(), "sql: database is closed")
}

// handleError renders every error: JSON for the API, a styled page otherwise.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	e := appError(err)
	status := statusOf(e.Code)
	if status >= 500 {
		s.log.ErrorContext(c.Request().Context(), "request failed", "route", c.Path(), "error", err)
	}
	if strings.HasPrefix(c.Request().URL.Path, "/api/") {
		body := map[string]any{"code": e.Code, "message": e.Message}
		if len(e.Fields) > 0 {
			body["fields"] = e.Fields
		}
		if len(e.Policies) > 0 {
			body["policies"] = e.Policies
		}
		if err := c.JSON(status, map[string]any{"error": body}); err != nil {
			s.log.Error("write error response", "error", err)
		}
		return
	}
	if isHTMX(c) {
		// htmx does not swap error answers; a plain message keeps the page
		// intact and the status tells htmx the request failed.
		if err := c.String(status, e.Message); err != nil {
			s.log.Error("write error response", "error", err)
		}
		return
	}
	heading := map[int]string{
		http.StatusNotFound: "Not found", http.StatusForbidden: "Not allowed", http.StatusConflict: "Not possible",
		http.StatusServiceUnavailable: "Temporarily unavailable", http.StatusInternalServerError: "Something went wrong",
	}[status]
	if heading == "" {
		heading = "That did not work"
	}
	page := pages.Error(pages.ErrorData{Page: s.page(c, heading, ""), Status: status, Heading: heading, Message: e.Message})
	if err := s.render(c, status, page); err != nil {
		s.log.Error("render error page", "error", err)
	}
}
