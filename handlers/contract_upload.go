package handlers

import (
	"io"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/odcs"
	"github.com/meshport/meshport/views/contracts"
)

// contractUpload takes an ODCS YAML file for the port; a refused file
// changes nothing and the page says why, with paths and lines.
func (s *Server) contractUpload(c echo.Context) error {
	ctx := c.Request().Context()
	fh, err := c.FormFile("file")
	if err != nil {
		return models.Errorf(models.EBADREQUEST, "Choose an ODCS YAML file to upload.")
	}
	if fh.Size > odcs.MaxBytes {
		return models.Errorf(models.ETOOLARGE, "The file is %d bytes; a contract may have at most 2 MB.", fh.Size)
	}
	f, err := fh.Open()
	if err != nil {
		return models.Errorf(models.EBADREQUEST, "The file could not be read.")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, odcs.MaxBytes+1))
	if err != nil {
		return models.Errorf(models.EBADREQUEST, "The file could not be read.")
	}
	doc, err := models.ParseContract(data)
	if err != nil {
		return err
	}
	saved, err := s.store.SaveContract(ctx, principal(c), c.Param("domain"), c.Param("product"), c.Param("port"), doc)
	if err != nil {
		return err
	}
	prod, err := s.store.GetProduct(ctx, c.Param("domain"), c.Param("product"))
	if err != nil {
		return err
	}
	if saved.Version == nil {
		setFlash(c, "info", "The file is the contract as saved: nothing changed.")
	} else {
		setFlash(c, "success", "Uploaded version "+saved.Contract.Version+".")
	}
	return c.Redirect(http.StatusSeeOther, contracts.URL(*prod, saved.Contract.PortName))
}
