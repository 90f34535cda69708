package domains

import (
	"fmt"
	"strings"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views"
	"github.com/meshport/meshport/views/trends"
)

// ListData is the domain list page.
type ListData struct {
	Page    views.Page
	Filter  models.ListSearch
	Results models.ListPage[models.DomainSummary]
	// Errors are the filter values the list refused (422).
	Errors models.FieldErrors
}

// summary says what the list shows: "Showing 1–50 of 1,003 domains".
func (d ListData) summary() string {
	return views.ListSummary(d.Results, d.Filter.Q, "domain", "domains")
}

// pageURL is the list's address for page n, with the search kept.
func (d ListData) pageURL(n int) string { return views.SearchPageURL("/domains", d.Filter.Q, n) }

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
	Page    views.Page
	Input   models.DomainInput
	Owners  string // as typed, one per line or comma-separated
	Errors  models.FieldErrors
	Message string // summary above the form when the submission failed
	Editing *models.Domain
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
