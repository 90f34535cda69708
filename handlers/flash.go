package handlers

import (
	"encoding/base64"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/views"
)

// setFlash stores a one-time message for the next page the browser shows.
func setFlash(c echo.Context, kind, msg string) {
	value := kind + ":" + base64.RawURLEncoding.EncodeToString([]byte(msg))
	c.SetCookie(&http.Cookie{Name: flashCookie, Value: value, Path: "/", HttpOnly: true, Secure: c.Scheme() == "https", SameSite: http.SameSiteLaxMode})
}

// takeFlash returns the pending message, if any, and clears it.
func takeFlash(c echo.Context) *views.Flash {
	cookie, err := c.Cookie(flashCookie)
	if err != nil || cookie.Value == "" {
		return nil
	}
	c.SetCookie(&http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: c.Scheme() == "https", SameSite: http.SameSiteLaxMode})
	kind, enc, ok := strings.Cut(cookie.Value, ":")
	msg, err := base64.RawURLEncoding.DecodeString(enc)
	if !ok || err != nil || (kind != "success" && kind != "error" && kind != "info") || utf8.RuneCount(msg) > 300 {
		return nil
	}
	return &views.Flash{Kind: kind, Message: string(msg)}
}
