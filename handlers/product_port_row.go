package handlers

import (
	"math/rand/v2"
	"strconv"
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
	// The key only has to differ from the other rows on the page.
	key := strconv.FormatUint(rand.Uint64(), 36)
	srcs, err := s.store.ListSources(c.Request().Context())
	if err != nil {
		return err
	}
	return s.renderComponent(c, products.PortRowView(products.PortRow{
		Key: key, Port: models.PortInput{Type: "table"}, Validate: validate, Sources: products.SourceOptions(srcs),
	}))
}
