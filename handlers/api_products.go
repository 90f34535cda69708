package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
)

// apiProductList filters and pages like the product list page:
// q, domain, status, classification, page, per_page.
func (s *Server) apiProductList(c echo.Context) error {
	var f models.ProductFilter
	if err := (&echo.DefaultBinder{}).BindQueryParams(c, &f); err != nil {
		return models.Errorf(models.EBADREQUEST, "page and per_page must be whole numbers.")
	}
	f.Normalize()
	if err := f.Validate().Err(); err != nil {
		return err
	}
	page, err := s.store.ListProducts(c.Request().Context(), f)
	if err != nil {
		return err
	}
	items := make([]productJSON, len(page.Items))
	for i := range page.Items {
		items[i] = toProductJSON(&page.Items[i])
		items[i].OutputPorts = nil // not loaded for lists; GET the product for them
	}
	return c.JSON(http.StatusOK, map[string]any{
		"items": items, "total": page.Total, "page": page.Page, "per_page": page.PerPage, "pages": page.Pages(),
	})
}

func (s *Server) apiProductGet(c echo.Context) error {
	p, err := s.store.GetProduct(c.Request().Context(), c.Param("domain"), c.Param("product"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toProductJSON(p))
}

func (s *Server) apiProductCreate(c echo.Context) error {
	var in models.ProductInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := s.store.CreateProduct(c.Request().Context(), principal(c), in)
	if err != nil {
		return err
	}
	body := toProductJSON(p)
	c.Response().Header().Set(echo.HeaderLocation, body.URL)
	return c.JSON(http.StatusCreated, body)
}

// apiProductPatch changes the fields present in the body; lists (tags,
// output_ports) are replaced whole.
func (s *Server) apiProductPatch(c echo.Context) error {
	body, err := readJSON(c)
	if err != nil {
		return err
	}
	p, err := s.store.PatchProduct(c.Request().Context(), principal(c), c.Param("domain"), c.Param("product"),
		func(in *models.ProductInput) error { return decodeJSONBytes(body, in) })
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toProductJSON(p))
}

func (s *Server) apiProductDelete(c echo.Context) error {
	if err := s.store.DeleteProduct(c.Request().Context(), principal(c), c.Param("domain"), c.Param("product")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
