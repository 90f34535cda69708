package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/products"
)

func (s *Server) productEdit(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.store.GetProduct(ctx, c.Param("domain"), c.Param("product"))
	if err != nil {
		return err
	}
	if !principal(c).CanManageProducts(p.Domain) {
		return models.Errorf(models.EFORBIDDEN, "Only admins and the owners of %s can edit its products.", p.Domain.Name)
	}
	data, err := s.productFormData(ctx, c, "Edit "+p.Name, productForm{Input: p.Input()}, p)
	if err != nil {
		return err
	}
	if data.Policies, err = s.store.PreviewPolicies(ctx, p.Input(), p); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, products.Form(data))
}
