package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/products"
)

// productList is the filterable list; htmx asks for just the results.
func (s *Server) productList(c echo.Context) error {
	ctx := c.Request().Context()
	var f models.ProductFilter
	if err := (&echo.DefaultBinder{}).BindQueryParams(c, &f); err != nil {
		f = models.ProductFilter{Q: c.QueryParam("q"), Domain: c.QueryParam("domain"), Status: c.QueryParam("status"),
			Classification: c.QueryParam("classification"), Sort: c.QueryParam("sort")}
	}
	f.Normalize()
	if len(f.Validate()) > 0 {
		// A hand-edited address with an unknown value: show everything
		// rather than an empty list that looks like "no products".
		f.Status, f.Classification, f.Sort = "", "", ""
	}
	results, err := s.store.ListProducts(ctx, f)
	if err != nil {
		return err
	}
	data := products.ListData{Page: s.page(c, "Data products", "products"), Filter: f, Results: results, Domains: results.Domains, Now: s.store.Now()}
	data.CanCreate = data.Page.Principal.CanCreateProducts(data.Domains)
	return s.render(c, http.StatusOK, products.List(data))
}
