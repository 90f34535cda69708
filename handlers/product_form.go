package handlers

import (
	"context"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/products"
)

// productFormData fills the product form: the domains the user may put
// products in and the statuses the product may take.
func (s *Server) productFormData(ctx context.Context, c echo.Context, title string, form productForm, editing *models.Product) (products.FormData, error) {
	all, err := s.store.AllDomains(ctx)
	if err != nil {
		return products.FormData{}, err
	}
	p := principal(c)
	var allowed []models.Domain
	for i := range all {
		d := &all[i]
		if p.CanManageProducts(d) && (d.Status == models.DomainActive || (editing != nil && editing.DomainID == d.ID)) {
			allowed = append(allowed, *d)
		}
	}
	statuses := []string{models.StatusDraft, models.StatusActive}
	if editing != nil {
		statuses = append([]string{editing.Status}, models.AllowedTransitions(editing.Status)...)
	}
	if len(form.Input.OutputPorts) == 0 {
		// A blank row invites the first port; blank rows are not saved.
		form.Input.OutputPorts = []models.PortInput{{Type: "table"}}
	}
	if form.Tags == "" && len(form.Input.Tags) > 0 {
		form.Tags = strings.Join(form.Input.Tags, ", ")
	}
	srcs, err := s.store.ListSources(ctx)
	if err != nil {
		return products.FormData{}, err
	}
	return products.FormData{
		Page: s.page(c, title, "products"), Input: form.Input, Tags: form.Tags, Domains: allowed,
		Statuses: statuses, Editing: editing, PortKeys: form.PortKeys, Sources: products.SourceOptions(srcs),
	}, nil
}

// renderProductFormError shows the form again with the user's values and
// the messages of err, next to their fields.
func (s *Server) renderProductFormError(c echo.Context, title string, form productForm, editing *models.Product, err error) error {
	data, derr := s.productFormData(c.Request().Context(), c, title, form, editing)
	if derr != nil {
		return derr
	}
	data.Errors, data.Message = models.ErrorFields(err), models.ErrorMessage(err)
	if data.Policies, derr = s.store.PreviewPolicies(c.Request().Context(), form.Input, editing); derr != nil {
		return derr
	}
	return s.render(c, http.StatusUnprocessableEntity, products.Form(data))
}
