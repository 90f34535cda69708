package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

func (s *Server) productCreate(c echo.Context) error {
	ctx := c.Request().Context()
	form := parseProductForm(c)
	p, err := s.store.CreateProduct(ctx, principal(c), form.Input)
	if isFormError(err) {
		return s.renderProductFormError(c, "New data product", form, nil, err)
	}
	if err != nil {
		return err
	}
	kind, msg := s.savedMessage(ctx, p, "created")
	setFlash(c, kind, msg)
	return c.Redirect(http.StatusSeeOther, "/products/"+p.Domain.Slug+"/"+p.Slug)
}
