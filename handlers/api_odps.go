package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
)

// apiProductODPS answers the product as ODPS v1.0.0: YAML unless the
// client accepts JSON (or asks ?format=json).
func (s *Server) apiProductODPS(c echo.Context) error {
	doc, err := s.store.ProductODPS(c.Request().Context(), c.Param("domain"), c.Param("product"))
	if err != nil {
		return err
	}
	if wantsJSON(c) {
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, doc.JSON())
	}
	return c.Blob(http.StatusOK, "application/yaml", doc.YAML())
}

// apiODPSApply creates or updates the product an ODPS document (YAML or
// JSON) describes; ?dry_run=true checks it and writes nothing.
func (s *Server) apiODPSApply(c echo.Context) error {
	data, err := readContractBody(c)
	if err != nil {
		return err
	}
	dryRun := c.QueryParam("dry_run") == "true"
	applied, err := s.store.ApplyODPS(c.Request().Context(), principal(c), []models.ODPSFile{{Name: "body", Data: data}}, dryRun)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if !dryRun && len(applied) == 1 && applied[0].Action == "created" {
		status = http.StatusCreated
		c.Response().Header().Set(echo.HeaderLocation, "/api/v1/products/"+applied[0].Domain+"/"+applied[0].Product)
	}
	return c.JSON(status, map[string]any{"items": applied, "dry_run": dryRun})
}
