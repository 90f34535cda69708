package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/products"
)

func (s *Server) productNew(c echo.Context) error {
	form := productForm{Input: models.ProductInput{
		Domain: c.QueryParam("domain"), Status: models.StatusDraft, Classification: models.ClassInternal,
	}}
	data, err := s.productFormData(c.Request().Context(), c, "New data product", form, nil)
	if err != nil {
		return err
	}
	if len(data.Domains) == 0 {
		return models.Errorf(models.EFORBIDDEN, "You do not own any active domain, so you cannot add data products. Ask an admin or a domain owner.")
	}
	return s.render(c, http.StatusOK, products.Form(data))
}
