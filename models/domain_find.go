package models

import (
	"context"
	"strings"
	"unicode/utf8"
)

// DomainFilter chooses domains for the list: a search text matched
// against names, slugs and owners, and a page.
type DomainFilter struct {
	Q    string `query:"q"`
	Page int    `query:"page"`
}

// DomainsPerPage is the domain list's page size.
const DomainsPerPage = 50

// DomainPage is one page of the filtered domain list.
type DomainPage struct {
	Items       []DomainSummary
	Total, Page int
}

// Pages is the number of pages (at least 1).
func (p DomainPage) Pages() int { return max(1, (p.Total+DomainsPerPage-1)/DomainsPerPage) }

// FindDomains filters the domains by f, by name; a page past the last
// shows the last.
func (s *Store) FindDomains(ctx context.Context, f DomainFilter) (DomainPage, error) {
	q := strings.ToLower(strings.TrimSpace(f.Q))
	if utf8.RuneCountInString(q) > 200 {
		return DomainPage{}, &Error{Code: EINVALID, Message: "Please correct the highlighted fields.",
			Fields: FieldErrors{"q": "Search for at most 200 characters."}}
	}
	all, err := s.ListDomains(ctx)
	if err != nil {
		return DomainPage{}, err
	}
	matches := all[:0]
	for _, d := range all {
		if q == "" || domainMatches(&d.Domain, q) {
			matches = append(matches, d)
		}
	}
	p := DomainPage{Total: len(matches)}
	p.Page = min(max(f.Page, 1), p.Pages())
	from := (p.Page - 1) * DomainsPerPage
	p.Items = matches[from:min(from+DomainsPerPage, len(matches))]
	return p, nil
}

func domainMatches(d *Domain, q string) bool {
	if strings.Contains(strings.ToLower(d.Name), q) || strings.Contains(d.Slug, q) {
		return true
	}
	for _, o := range d.Owners {
		if strings.Contains(strings.ToLower(o), q) {
			return true
		}
	}
	return false
}
