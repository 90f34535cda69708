package handlers

import (
	"context"
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
	return products.FormData{
		Page: s.page(c, title, "products"), Input: form.Input, Tags: form.Tags, Domains: allowed,
		Statuses: statuses, Editing: editing, PortKeys: form.PortKeys,
	}, nil
}
