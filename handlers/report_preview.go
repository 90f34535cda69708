package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/reports"
)

// reportPreview shows a person's next report as it would be sent now: your
// own, or anyone's for admins.
func (s *Server) reportPreview(c echo.Context) error {
	email, err := s.previewEmail(c)
	if err != nil {
		return err
	}
	rep, _, text, err := s.cfg.Reports.Preview(c.Request().Context(), email)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, reports.PreviewPage(reports.PreviewData{
		Page: s.page(c, "Report preview", "profile"), Report: rep, Text: text, Email: email,
		CanSend: principal(c).Admin && s.cfg.Reports.SMTPConfigured(),
	}))
}

// reportPreviewHTML is the HTML part alone, for the preview's frame. Mail
// clients need inline styles, so this one answer allows them, and nothing
// else (no scripts, no loads).
func (s *Server) reportPreviewHTML(c echo.Context) error {
	email, err := s.previewEmail(c)
	if err != nil {
		return err
	}
	_, html, _, err := s.cfg.Reports.Preview(c.Request().Context(), email)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	return c.HTML(http.StatusOK, html)
}

// previewEmail is whose report to preview: the email asked for (admins
// only, unless it is one's own) or one's own verified email.
func (s *Server) previewEmail(c echo.Context) (string, error) {
	if s.cfg.Reports == nil {
		return "", models.Errorf(models.EUNAVAILABLE, "Reports are not available in this portal.")
	}
	p := principal(c)
	own := ""
	if p.EmailVerified {
		own = strings.ToLower(p.Email)
	}
	asked := strings.ToLower(strings.TrimSpace(c.QueryParam("email")))
	switch {
	case asked != "" && asked != own && !p.Admin:
		return "", models.Errorf(models.EFORBIDDEN, "Only admins can preview other people's reports.")
	case asked != "":
		return asked, nil
	case own == "":
		return "", models.Errorf(models.EINVALID, "Your identity provider vouches for no email address, so you get no report.")
	}
	return own, nil
}
