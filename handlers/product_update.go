package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/products"
)

func (s *Server) productUpdate(c echo.Context) error {
	ctx := c.Request().Context()
	current, err := s.store.GetProduct(ctx, c.Param("domain"), c.Param("product"))
	if err != nil {
		return err
	}
	form := parseProductForm(c)
	p, err := s.store.UpdateProduct(ctx, principal(c), current.Domain.Slug, current.Slug, form.Input)
	if isFormError(err) {
		data, derr := s.productFormData(ctx, c, "Edit "+current.Name, form, current)
		if derr != nil {
			return derr
		}
		data.Errors, data.Message = models.ErrorFields(err), models.ErrorMessage(err)
		return s.render(c, http.StatusUnprocessableEntity, products.Form(data))
	}
	if err != nil {
		return err
	}
	setFlash(c, "success", "Data product "+p.Name+" saved.")
	return c.Redirect(http.StatusSeeOther, "/products/"+p.Domain.Slug+"/"+p.Slug)
}
