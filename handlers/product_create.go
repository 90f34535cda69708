package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/products"
)

func (s *Server) productCreate(c echo.Context) error {
	ctx := c.Request().Context()
	form := parseProductForm(c)
	p, err := s.store.CreateProduct(ctx, principal(c), form.Input)
	if isFormError(err) {
		data, derr := s.productFormData(ctx, c, "New data product", form, nil)
		if derr != nil {
			return derr
		}
		data.Errors, data.Message = models.ErrorFields(err), models.ErrorMessage(err)
		return s.render(c, http.StatusUnprocessableEntity, products.Form(data))
	}
	if err != nil {
		return err
	}
	setFlash(c, "success", "Data product "+p.Name+" created.")
	return c.Redirect(http.StatusSeeOther, "/products/"+p.Domain.Slug+"/"+p.Slug)
}
