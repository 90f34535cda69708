package models

import "context"

// FindDomains searches the domains' names, slugs and owners, by name.
func (s *Store) FindDomains(ctx context.Context, f ListSearch) (ListPage[DomainSummary], error) {
	all, err := s.ListDomains(ctx)
	if err != nil {
		return ListPage[DomainSummary]{}, err
	}
	return searchList(all, f, func(d *DomainSummary, text string) bool {
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
