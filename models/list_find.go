package models

import (
	"cmp"
	"context"
	"slices"
	"strings"
)

// DomainSearch is the domain list's search, page and order.
type DomainSearch struct {
	ListSearch
	// Sort is "" or name (by name), or compliance (lowest first, domains
	// without scored products last).
	Sort string `query:"sort"`
}

// DomainSorts are the domain list's orders.
func DomainSorts() []string { return []string{"name", "compliance"} }

// domainSorts maps the sort names users send to fixed orders; nil keeps
// the list's order (by name).
var domainSorts = map[string]func(a, b DomainSummary) int{
	"":     nil,
	"name": nil,
	"compliance": func(a, b DomainSummary) int {
		switch {
		case a.Compliance == nil && b.Compliance == nil:
			return 0
		case a.Compliance == nil:
			return 1
		case b.Compliance == nil:
			return -1
		}
		return cmp.Compare(*a.Compliance, *b.Compliance)
	},
}

// FindDomains searches the domains' names, slugs and owners, by name or
// in the order f.Sort names.
func (s *Store) FindDomains(ctx context.Context, f DomainSearch) (ListPage[DomainSummary], error) {
	order, ok := domainSorts[strings.ToLower(strings.TrimSpace(f.Sort))]
	if !ok {
		return ListPage[DomainSummary]{}, &Error{Code: EINVALID, Message: "Please correct the highlighted fields.",
			Fields: FieldErrors{"sort": "Sort by one of: " + strings.Join(DomainSorts(), ", ") + "."}}
	}
	all, err := s.ListDomains(ctx)
	if err != nil {
		return ListPage[DomainSummary]{}, err
	}
	if order != nil {
		slices.SortStableFunc(all, order)
	}
	return searchList(all, f.ListSearch, func(d *DomainSummary, text string) bool {
		return containsFold(text, d.Name, d.Slug) || containsFold(text, d.Owners...)
	})
}

// FindSources searches the sources' names, slugs, domains and kinds, by
// name, with their latest run and totals.
func (s *Store) FindSources(ctx context.Context, f ListSearch) (ListPage[SourceOverview], error) {
	all, err := s.SourceOverviews(ctx)
	if err != nil {
		return ListPage[SourceOverview]{}, err
	}
	return searchList(all, f, func(o *SourceOverview, text string) bool {
		domain := ""
		if o.Domain != nil {
			domain = o.Domain.Name
		}
		return containsFold(text, o.Name, o.Slug, domain, o.Kind)
	})
}
