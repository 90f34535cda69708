package handlers

import (
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/products"
)

// productPortRow returns a blank output-port row for "Add output port".
func (s *Server) productPortRow(c echo.Context) error {
	validate := "/products/validate"
	// On an edit form the new row validates against the product being edited.
	if cur, err := urlPath(c.Request().Header.Get("HX-Current-URL")); err == nil && strings.HasPrefix(cur, "/products/") && strings.HasSuffix(cur, "/edit") {
		validate = strings.TrimSuffix(cur, "/edit") + "/validate"
	}
	key := strings.ToLower(models.NewSecret("")[:8])
	key = strings.NewReplacer("-", "x", "_", "y").Replace(key)
	return s.renderComponent(c, products.PortRowView(products.PortRow{
		Key: key, Port: models.PortInput{Type: "table"}, Validate: validate,
	}))
}
