package handlers

import (
	"fmt"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views"
	"github.com/meshport/meshport/views/products"
)

// productValidate answers htmx as the user types: the message for the field
// that triggered the request, from the same checks a submission runs.
func (s *Server) productValidate(c echo.Context) error {
	ctx := c.Request().Context()
	var current *models.Product
	if c.Param("product") != "" {
		var err error
		if current, err = s.store.GetProduct(ctx, c.Param("domain"), c.Param("product")); err != nil {
			return err
		}
	}
	form := parseProductForm(c)
	_, errs := s.store.CheckProduct(ctx, &form.Input, current)
	id := c.Request().Header.Get("HX-Trigger")
	// The same evaluation a save runs, without the write: the panel of
	// failing policies follows the field's message out of band.
	verdicts, err := s.store.PreviewPolicies(ctx, form.Input, current)
	if err != nil {
		return err
	}
	return s.renderComponent(c, templ.Join(views.FieldError(id, errs[fieldForID(id, form.PortKeys)]),
		products.PolicyPanel(verdicts, form.Input.Status, true)))
}

// fieldForID maps an element id to its error key: "port-<key>-<field>" is
// the output port at the row with that key.
func fieldForID(id string, portKeys []string) string {
	rest, ok := strings.CutPrefix(id, "port-")
	if !ok {
		return id
	}
	i := strings.LastIndex(rest, "-")
	if i < 0 {
		return id
	}
	key, field := rest[:i], rest[i+1:]
	for n, k := range portKeys {
		if k == key {
			return fmt.Sprintf("output_ports[%d].%s", n, field)
		}
	}
	return id
}
