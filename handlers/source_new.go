package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/sources"
)

func (s *Server) sourceNew(c echo.Context) error {
	kind := c.QueryParam("kind")
	if !models.IsSourceKind(kind) {
		kind = string(models.KindPostgres)
	}
	values := sources.FormValues{Kind: kind, Domain: c.QueryParam("domain"), Schedule: "0 2 * * *", TimeZone: "UTC", Enabled: true}
	data, err := s.sourceFormData(c.Request().Context(), c, "New source", values, nil)
	if err != nil {
		return err
	}
	if len(data.Domains) == 0 {
		return models.Errorf(models.EFORBIDDEN, "Only admins and domain owners register sources, and you own no active domain.")
	}
	return s.render(c, http.StatusOK, sources.Form(data))
}
