package findings

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views"
)

// ListData is one page of findings with the filters that chose it.
type ListData struct {
	Page   views.Page
	Filter models.FindingFilter // normalized
	Result models.FindingPage
	// Errors are the filter values the list refused, by filter (422).
	Errors  models.FieldErrors
	Domains []models.Domain
	Sources []models.SourceName
	Rules   models.FindingRules
	Now     time.Time
	// DrawnRow, when set, gives each row drawn before (see Row); drawing
	// 50 rows was most of the page's time.
	DrawnRow func(*models.FindingView) templ.Component
}

func (d ListData) row(f *models.FindingView) templ.Component {
	if d.DrawnRow != nil {
		return d.DrawnRow(f)
	}
	return Row(f, d.Rules.Currency, d.Now)
}

// ShowData is one finding with its history and, for the domain's
// managers, the decision forms.
type ShowData struct {
	Page    views.Page
	Finding models.FindingView
	History []models.FindingEvent
	Domain  models.Domain
	Rules   models.FindingRules
	// UnreadDays is the domain's threshold (its own, else the portal's).
	UnreadDays int
	CanDecide  bool
	// Form, Errors and Message are a refused decision as typed (422).
	Form    models.FindingDecision
	Errors  models.FieldErrors
	Message string
	// Notice says what a decision made with htmx did (the page's flash is
	// not swapped).
	Notice string
	Now    time.Time
}

// Reasons lists why a finding was raised, as short words (badges and the
// API): unowned and unread for data, stale or unread for products.
func Reasons(f *models.FindingView) []string {
	switch f.Kind {
	case models.FindingStaleProduct:
		return []string{"stale"}
	case models.FindingUnusedProduct:
		return []string{"unread"}
	case models.FindingContractDrift:
		if sev, _, ok := strings.Cut(f.Detail, " severity: "); ok {
			return []string{"drift", sev}
		}
		return []string{"drift"}
	case models.FindingQuality:
		return []string{"failed checks"}
	}
	out := []string{}
	if f.Unowned {
		out = append(out, "unowned")
	}
	if f.Unread {
		out = append(out, "unread")
	}
	return out
}

// URL is the finding's page.
func URL(id uint) string { return "/findings/" + strconv.FormatUint(uint64(id), 10) }

// SubjectURL is the page of what the finding is about: the asset, or the
// product.
func SubjectURL(f *models.FindingView) string {
	if f.ProductID != nil {
		return "/products/" + f.DomainSlug + "/" + f.ProductSlug
	}
	if f.SourceSlug == "" {
		return ""
	}
	return views.AssetURL(models.Source{Slug: f.SourceSlug}, f.Title)
}

// Cost is a monthly cost estimate with its currency.
func Cost(v float64, currency string) string {
	if v > 0 && v < 0.005 {
		return "< 0.01 " + currency
	}
	return fmt.Sprintf("%.2f %s", v, currency)
}

func groupLabel(group string) string {
	switch group {
	case models.GroupDarkData:
		return "Dark data"
	case models.GroupUsageUnknown:
		return "Usage unknown"
	case models.GroupStale:
		return "Stale products"
	case models.GroupUnused:
		return "Unused products"
	case models.GroupContracts:
		return "Contracts"
	}
	return group
}

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// sinceText says since when the condition holds: "unread since 2026-08-01".
func sinceText(f *models.FindingView) string {
	if f.Since == nil {
		return ""
	}
	what := "unowned"
	switch {
	case f.Kind == models.FindingStaleProduct:
		what = "stale"
	case f.Kind == models.FindingUnusedProduct, f.Unread:
		what = "unread"
	}
	return what + " since " + day(*f.Since)
}

// RowChangesAt is when f's row, drawn at now, next reads differently
// through time alone: when daysAgo counts one day more.
func RowChangesAt(f *models.FindingView, now time.Time) time.Time {
	if f.Since == nil {
		return time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	days := max(int(now.Sub(*f.Since).Hours()/24), 0)
	return f.Since.Add(time.Duration(days+1) * 24 * time.Hour)
}

// daysAgo is how long ago t was, in whole days.
func daysAgo(t *time.Time, now time.Time) string {
	if t == nil {
		return ""
	}
	days := int(now.Sub(*t).Hours() / 24)
	switch {
	case days < 1:
		return "today"
	case days == 1:
		return "1 day ago"
	}
	return strconv.Itoa(days) + " days ago"
}

func size(n *int64) string {
	if n == nil {
		return "size unknown"
	}
	return views.Bytes(n)
}

func bytesOf(n int64) string { return views.Bytes(&n) }

func itoa(n int) string { return strconv.Itoa(n) }

// isAssets reports whether the current group lists assets (not products).
func (d ListData) isAssets() bool {
	return d.Filter.Group == models.GroupDarkData || d.Filter.Group == models.GroupUsageUnknown
}

// url is the list for filter f; defaults are left out so addresses stay
// short and shareable.
func listURL(f models.FindingFilter) string {
	v := url.Values{}
	if f.Group != "" && f.Group != models.GroupDarkData {
		v.Set("group", f.Group)
	}
	for _, kv := range [][2]string{{"domain", f.Domain}, {"source", f.Source}, {"reason", f.Reason}, {"size", f.MinSize}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	if f.Status != "" && f.Status != models.FindingOpen {
		v.Set("status", f.Status)
	}
	if f.Sort != "" && f.Sort != "size" {
		v.Set("sort", f.Sort)
	}
	if f.PerPage != 0 && f.PerPage != 50 {
		v.Set("per_page", strconv.Itoa(f.PerPage))
	}
	if f.Page > 1 {
		v.Set("page", strconv.Itoa(f.Page))
	}
	if len(v) == 0 {
		return "/findings"
	}
	return "/findings?" + v.Encode()
}

// tabURL switches group, keeping the filters that apply to it (reason only
// applies to assets).
func (d ListData) tabURL(group string) string {
	f := d.Filter
	f.Group, f.Page = group, 1
	if group != models.GroupDarkData && group != models.GroupUsageUnknown {
		f.Reason = ""
	}
	return listURL(f)
}

func (d ListData) pageURL(page int) string {
	f := d.Filter
	f.Page = page
	return listURL(f)
}

// byDomainURL and bySourceURL narrow the current list to one domain or
// source.
func (d ListData) byDomainURL(slug string) string {
	f := d.Filter
	f.Domain, f.Page = slug, 1
	return listURL(f)
}

func (d ListData) bySourceURL(slug string) string {
	f := d.Filter
	f.Source, f.Page = slug, 1
	return listURL(f)
}

func (d ListData) tabCount(group string) string {
	if d.Result.Groups == nil {
		return ""
	}
	return strconv.Itoa(d.Result.Groups[group])
}

func (d ListData) domainOptions() []views.Option {
	opts := []views.Option{{Value: "", Label: "All domains"}}
	for _, dom := range d.Domains {
		opts = append(opts, views.Option{Value: dom.Slug, Label: dom.Name})
	}
	return opts
}

func (d ListData) sourceOptions() []views.Option {
	opts := []views.Option{{Value: "", Label: "All sources"}}
	for _, src := range d.Sources {
		opts = append(opts, views.Option{Value: src.Slug, Label: src.Name})
	}
	return opts
}

func reasonOptions() []views.Option {
	return []views.Option{{Value: "", Label: "Any reason"}, {Value: models.ReasonUnowned, Label: "Unowned"},
		{Value: models.ReasonUnread, Label: "Unread"}, {Value: models.ReasonBoth, Label: "Unowned and unread"}}
}

func sizeOptions() []views.Option {
	opts := []views.Option{{Value: "", Label: "Any size"}}
	for _, s := range models.FindingSizeOptions() {
		opts = append(opts, views.Option{Value: s, Label: "At least " + s[:len(s)-2] + " " + s[len(s)-2:]})
	}
	return opts
}

func statusOptions() []views.Option {
	return []views.Option{{Value: models.FindingOpen, Label: "Open"}, {Value: models.FindingKept, Label: "Kept as archive"},
		{Value: models.FindingIgnored, Label: "Ignored"}, {Value: models.FindingClosed, Label: "Closed"}, {Value: "all", Label: "Any status"}}
}

func sortOptions() []views.Option {
	return []views.Option{{Value: "size", Label: "Largest first"}, {Value: "cost", Label: "Costliest first"},
		{Value: "age", Label: "Oldest first"}, {Value: "name", Label: "By name"}}
}

// totalsLine sums the list: "3 assets, 5.5 GB, about 0.55 USD per month".
func (d ListData) totalsLine() string {
	noun := "asset"
	if !d.isAssets() {
		noun = "product"
	}
	n := d.Result.Sum.Findings
	if n != 1 {
		noun += "s"
	}
	return fmt.Sprintf("%d %s, %s, an estimated %s per month", n, noun, bytesOf(d.Result.Sum.Bytes), Cost(d.Result.Sum.Cost, d.Rules.Currency))
}

func (d ListData) summary() string {
	r := d.Result
	if len(r.Findings) == 0 {
		return fmt.Sprintf("There is no page %d; the last page is %d.", r.Page, r.Pages())
	}
	first := (r.Page-1)*r.PerPage + 1
	return fmt.Sprintf("Showing %d–%d of %d", first, first+len(r.Findings)-1, r.Total)
}

// emptyText says what an empty list means for the group.
func (d ListData) emptyText() string {
	status := d.Filter.Status
	if status == "all" {
		status = ""
	} else {
		status += " "
	}
	switch d.Filter.Group {
	case models.GroupDarkData:
		return "No " + status + "dark data matches: the crawled assets that store data are owned by a product and read."
	case models.GroupUsageUnknown:
		return "No " + status + "unowned assets in sources without read statistics match."
	case models.GroupStale:
		return "No " + status + "stale products match."
	case models.GroupContracts:
		return "No " + status + "contract drift or failed quality checks match."
	}
	return "No " + status + "unused products match."
}

func groupHelp(group string, unreadDays int) string {
	switch group {
	case models.GroupDarkData:
		return fmt.Sprintf("Tables, partitions, materialized views and file datasets that no data product's output port points at (unowned), "+
			"or that nobody has read for %d days (unread; a domain may set its own number of days).", unreadDays)
	case models.GroupUsageUnknown:
		return "These assets are owned by no product, but their source keeps no read statistics (SQLite files, MySQL without performance_schema, " +
			"file systems mounted noatime), so meshport cannot tell whether anyone reads them. They are not counted as unused, nor in the dark-data totals."
	case models.GroupStale:
		return "Active and deprecated products whose data is older than their freshness SLA allows."
	case models.GroupContracts:
		return "Output ports whose data contract disagrees with the crawled table (a property missing, another type, nullable where the contract requires a value, the table gone), or whose quality checks failed."
	}
	return fmt.Sprintf("Active products none of whose crawled ports has been read for %d days (a domain may set its own number of days).", unreadDays)
}

// statusText is a finding's status with its decision: "kept until 2027-01-31".
func statusText(f *models.FindingView) string {
	switch f.Status {
	case models.FindingKept, models.FindingIgnored:
		if f.Until != nil {
			return f.Status + " until " + day(*f.Until)
		}
	}
	return f.Status
}

func statusClass(status string) string {
	switch status {
	case models.FindingOpen:
		return "badge badge-health-stale"
	case models.FindingKept:
		return "badge badge-active"
	case models.FindingIgnored:
		return "badge badge-draft"
	}
	return "badge badge-retired"
}

func reasonClass(reason string) string {
	switch reason {
	case "unowned":
		return "badge badge-port-not-seen"
	case "unread", "stale":
		return "badge badge-health-stale"
	}
	return "badge"
}

// ---- the finding page ----

func (d ShowData) subjectURL() string { return SubjectURL(&d.Finding) }

func (d ShowData) decideURL() string { return URL(d.Finding.ID) + "/decide" }

func (d ShowData) claimURL() string {
	return "/products/new?claim=" + strconv.FormatUint(uint64(d.Finding.ID), 10)
}

func (d ShowData) isDark() bool { return d.Finding.Kind == models.FindingDarkData }

func (d ShowData) decided() bool {
	return d.Finding.Status == models.FindingKept || d.Finding.Status == models.FindingIgnored
}

// field is a decision form's control, with the typed value and message
// when that form was the one submitted.
func (d ShowData) field(action, name, label string, required bool) views.Field {
	f := views.Field{ID: action + "-" + name, Name: name, Label: label, Required: required}
	if d.Form.Action == action {
		f.Error = d.Errors[name]
		switch name {
		case "note":
			f.Value = d.Form.Note
		case "until":
			f.Value = d.Form.Until
		}
	}
	if name == "until" {
		f.Type = "date"
		f.Hint = "The finding is judged again from this day (UTC)."
		if !required {
			f.Hint = "The finding is judged again from this day (UTC); without one it stays ignored until the decision is undone."
		}
		f.Attrs = map[string]any{"min": day(d.Now.AddDate(0, 0, 1))}
	}
	return f
}

// reasonsExplained says in words why the finding was raised.
func (d ShowData) reasonsExplained() []string {
	f := &d.Finding
	var out []string
	switch f.Kind {
	case models.FindingStaleProduct:
		out = append(out, "The product's data is older than its freshness SLA allows"+sinceClause(f.Since, "; it went stale on ")+".")
		return out
	case models.FindingUnusedProduct:
		out = append(out, fmt.Sprintf("None of the product's crawled ports has been read for %d days, the unread threshold of %s%s.",
			d.UnreadDays, d.Domain.Name, sinceClause(f.Since, "; no read since ")))
		return out
	case models.FindingContractDrift:
		return append(out, "The contract of "+f.Title+" disagrees with the table the last crawl found: "+f.Detail+".")
	case models.FindingQuality:
		return append(out, "Quality checks of "+f.Title+" failed: "+f.Detail+".")
	}
	if f.Unowned {
		out = append(out, "Unowned: no data product's output port points at this asset (or at the table it is a partition of), so nobody answers for it.")
	}
	if f.Unread {
		out = append(out, fmt.Sprintf("Unread: nobody has read it for %d days or more, the unread threshold of %s%s.",
			d.UnreadDays, d.Domain.Name, sinceClause(f.Since, "; no read seen since ")))
	}
	if !f.UsageKnown {
		out = append(out, "Its source keeps no read statistics, so whether anyone reads it is unknown: it is listed under usage unknown, not counted as unused or in the dark-data totals.")
	}
	return out
}

func sinceClause(t *time.Time, prefix string) string {
	if t == nil {
		return ""
	}
	return prefix + day(*t)
}

// priceNote says what the costs are estimated at.
func (d ListData) priceNote() string {
	note := "Costs are estimates at " + Cost(d.Rules.PricePerGBMonth, d.Rules.Currency) + " per GB-month"
	if len(d.Rules.KindPrices) > 0 {
		note += ", or the price set for the source's kind"
	}
	return note + "."
}

func (d ShowData) price() string {
	return fmt.Sprintf("%.3f %s per GB-month", d.Rules.PriceFor(d.Finding.SourceKind), d.Rules.Currency)
}

func actor(a string) string {
	if a == "" {
		return "meshport"
	}
	return a
}

func isContractFinding(f *models.FindingView) bool {
	return f.Kind == models.FindingContractDrift || f.Kind == models.FindingQuality
}
