package domains

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views"
	"github.com/meshport/meshport/views/trends"
)

// ListData is the domain list page.
type ListData struct {
	Page    views.Page
	Filter  models.DomainSearch
	Results models.ListPage[models.DomainSummary]
	// Errors are the filter values the list refused (422).
	Errors models.FieldErrors
}

// summary says what the list shows: "Showing 1–50 of 1,003 domains".
func (d ListData) summary() string {
	return views.ListSummary(d.Results, d.Filter.Q, "domain", "domains")
}

// pageURL is the list's address for page n, with the search and order
// kept.
func (d ListData) pageURL(n int) string {
	u := views.SearchPageURL("/domains", d.Filter.Q, n)
	if s := d.sort(); s != "name" {
		u += "&sort=" + url.QueryEscape(s)
	}
	return u
}

// sort is the order shown: name unless the list is sorted otherwise.
func (d ListData) sort() string {
	s := strings.ToLower(strings.TrimSpace(d.Filter.Sort))
	if s == "" || d.Errors["sort"] != "" {
		return "name"
	}
	return s
}

// sortURL orders the list by column, from the first page, search kept.
func (d ListData) sortURL(column string) string {
	v := url.Values{}
	if q := strings.TrimSpace(d.Filter.Q); q != "" {
		v.Set("q", q)
	}
	if column != "name" {
		v.Set("sort", column)
	}
	if len(v) == 0 {
		return "/domains"
	}
	return "/domains?" + v.Encode()
}

func (d ListData) sortMark(column string) string {
	if d.sort() != column {
		return ""
	}
	return " ↑"
}

func (d ListData) ariaSort(column string) string {
	if d.sort() != column {
		return "none"
	}
	return "ascending"
}

// ShowData is one domain's page.
type ShowData struct {
	Page     views.Page
	Domain   models.Domain
	Products []models.Product
	Total    int64
	Audit    []models.AuditEntry
	Health   models.HealthCounts
	Trends   trends.Data
	// DefaultUnreadDays is the portal's threshold.
	DefaultUnreadDays int
}

func unreadDaysText(own, portal int) string {
	if own > 0 {
		return fmt.Sprintf("%d days (this domain's own threshold)", own)
	}
	return fmt.Sprintf("%d days (the portal's default)", portal)
}

func sizeText(n int64) string { return views.Bytes(&n) }

// FormData is the create/edit form, with the user's values and errors.
type FormData struct {
	Page   views.Page
	Input  models.DomainInput
	Owners string // as typed, one per line or comma-separated
	// Representatives as typed, like Owners.
	Representatives string
	Errors          models.FieldErrors
	Message         string // summary above the form when the submission failed
	Editing         *models.Domain
	// DefaultUnreadDays is the portal's threshold, shown as the placeholder.
	DefaultUnreadDays string
}

// Action is where the form posts.
func (f FormData) Action() string {
	if f.Editing != nil {
		return "/domains/" + f.Editing.Slug
	}
	return "/domains"
}

// ValidateURL is where the fields post for live validation.
func (f FormData) ValidateURL() string { return f.Action() + "/validate" }

func ownersList(owners []string) string { return strings.Join(owners, ", ") }
