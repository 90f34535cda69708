package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
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
		return s.renderProductFormError(c, "Edit "+current.Name, form, current, err)
	}
	if err != nil {
		return err
	}
	kind, msg := s.savedMessage(ctx, p, "saved")
	setFlash(c, kind, msg)
	return c.Redirect(http.StatusSeeOther, "/products/"+p.Domain.Slug+"/"+p.Slug)
}
