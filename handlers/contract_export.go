package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
)

// contractExportYAML and contractExportJSON download the contract as ODCS
// v3.1.0, for pages; the API has its own route with the same answer.
func (s *Server) contractExportYAML(c echo.Context) error { return s.contractExport(c, "yaml") }
func (s *Server) contractExportJSON(c echo.Context) error { return s.contractExport(c, "json") }

func (s *Server) contractExport(c echo.Context, format string) error {
	v, err := s.store.PortContract(c.Request().Context(), c.Param("domain"), c.Param("product"), c.Param("port"))
	if err != nil {
		return err
	}
	if v.Doc == nil {
		return models.Errorf(models.ENOTFOUND, "Port %s has no contract.", v.Port.Name)
	}
	name := v.Product.Slug + "-" + v.Port.Name + ".odcs." + format
	if format == "json" {
		c.Response().Header().Set("Content-Disposition", `inline; filename="`+name+`"`)
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, v.Doc.JSON())
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	return c.Blob(http.StatusOK, "application/yaml", v.Doc.YAML())
}
