package sources

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

// ListData is the list of sources.
type ListData struct {
	Page      views.Page
	Filter    models.ListSearch
	Results   models.ListPage[models.SourceOverview]
	Errors    models.FieldErrors // the refused search (422)
	CanCreate bool
	Now       time.Time
}

// summary says what the list shows: "Showing 1–50 of 120 sources".
func (d ListData) summary() string {
	return views.ListSummary(d.Results, d.Filter.Q, "source", "sources")
}

// pageURL is the list's address for page n, with the search kept.
func (d ListData) pageURL(n int) string { return views.SearchPageURL("/sources", d.Filter.Q, n) }

// FormData fills the source form.
type FormData struct {
	Page    views.Page
	Form    FormValues
	Domains []models.Domain
	Editing *models.Source
	Errors  models.FieldErrors
	Message string
	Preview SchedulePreview
}

// FormValues are the form's fields as typed (the password is never sent
// back to the browser).
type FormValues struct {
	Name, Slug, Domain, Kind                  string
	Host, Port, Database, User, Options, Path string
	PasswordStored                            bool
	Include, Exclude, FreshnessColumns        string
	Schedule, TimeZone                        string
	Enabled                                   bool
}

// SchedulePreview is the words and next runs beside the schedule field.
type SchedulePreview struct {
	Description string
	NextRuns    []time.Time
	Error       string
}

// TestResult is the answer of "Test connection".
type TestResult struct {
	OK      bool
	Message string
}

// ShowData is one source with its runs and a page of its assets.
type ShowData struct {
	Page       views.Page
	Source     models.Source
	Runs       []models.CrawlRun
	Running    bool
	Assets     models.AssetPage
	Filter     models.AssetFilter
	AssetCount int64
	TotalBytes int64
	Preview    SchedulePreview
	CanManage  bool
	Now        time.Time
}

// Action is where the form posts.
func (f FormData) Action() string {
	if f.Editing != nil {
		return "/sources/" + f.Editing.Slug
	}
	return "/sources"
}

// ValidateURL is where live validation posts the form.
func (f FormData) ValidateURL() string { return f.Action() + "/validate" }

// TestURL is where "Test connection" posts the form.
func (f FormData) TestURL() string { return f.Action() + "/test" }

// connectionFieldsURL swaps the connection fields when the kind changes.
func (f FormData) connectionFieldsURL() string {
	if f.Editing != nil {
		return "/sources/connection-fields?source=" + url.QueryEscape(f.Editing.Slug)
	}
	return "/sources/connection-fields"
}

// connectionAttrs sends a connection field's live check to the one message
// slot of the connection ("dsn"): its parts are only right or wrong together.
func (f FormData) connectionAttrs(a templ.Attributes) templ.Attributes {
	a["hx-target"] = "#dsn-error"
	if f.Errors["dsn"] != "" {
		a["aria-invalid"] = "true"
	}
	return a
}

func (f FormData) domainOptions() []views.Option {
	opts := []views.Option{{Value: "", Label: "Choose a domain"}}
	for _, d := range f.Domains {
		opts = append(opts, views.Option{Value: d.Slug, Label: d.Name})
	}
	return opts
}

func kindOptions() []views.Option {
	labels := map[models.SourceKind]string{models.KindPostgres: "PostgreSQL", models.KindMySQL: "MySQL / MariaDB",
		models.KindSQLite: "SQLite file", models.KindFiles: "Directory of files"}
	var opts []views.Option
	for _, k := range models.SourceKinds() {
		opts = append(opts, views.Option{Value: string(k), Label: labels[k]})
	}
	return opts
}

// KindLabel names a kind for people.
func KindLabel(kind string) string {
	for _, o := range kindOptions() {
		if o.Value == kind {
			return o.Label
		}
	}
	return kind
}

// IsFileKind says whether the kind is reached by a path.
func IsFileKind(kind string) bool {
	return kind == string(models.KindSQLite) || kind == string(models.KindFiles)
}

func defaultPort(kind string) string {
	if kind == string(models.KindMySQL) {
		return "3306"
	}
	return "5432"
}

func pathPlaceholder(kind string) string {
	if kind == string(models.KindFiles) {
		return "/data/exports"
	}
	return "/data/warehouse.db"
}

func sourceURL(s models.Source) string { return views.SourceURL(s) }

func domainName(s models.Source) string {
	if s.Domain == nil {
		return ""
	}
	return s.Domain.Name
}

func count(n *int64) string {
	if n == nil {
		return "unknown"
	}
	return strconv.FormatInt(*n, 10)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

func stampPtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return stamp(*t)
}

func nextRun(t time.Time) string { return t.Format("Mon 2 Jan 15:04 MST") }

func readsPerDay(a models.Asset) string {
	switch {
	case !a.UsageKnown:
		return "unknown"
	case a.ReadsPerDay == nil:
		return "after 2 crawls"
	case *a.ReadsPerDay >= 10:
		return fmt.Sprintf("%.0f", *a.ReadsPerDay)
	default:
		return fmt.Sprintf("%.1f", *a.ReadsPerDay)
	}
}

// lastChange is when the asset last changed; counters need two crawls to
// show a change, so until then it is "no change seen".
func lastChange(a models.Asset, now time.Time) string {
	if a.LastChangeAt == nil {
		return "no change seen"
	}
	return views.Ago(a.LastChangeAt, now)
}

func duration(r models.CrawlRun, now time.Time) string {
	d := r.Duration(now)
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return d.Round(100 * time.Millisecond).String()
}

func runCounts(r models.CrawlRun) string {
	return fmt.Sprintf("%d seen, %d new, %d changed, %d gone", r.AssetsSeen, r.AssetsNew, r.AssetsChanged, r.AssetsGone)
}

// sortURL is the asset list sorted by column, flipping the order when it
// is the current sort.
func (d ShowData) sortURL(column string) string {
	f := d.Filter
	order := "desc"
	if column == "name" {
		order = "asc"
	}
	if f.Sort == column {
		if f.Order == "desc" {
			order = "asc"
		} else {
			order = "desc"
		}
	}
	f.Sort, f.Order, f.Page = column, order, 1
	return d.assetsURL(f)
}

func (d ShowData) sortMark(column string) string {
	if d.Filter.Sort != column {
		return ""
	}
	if d.Filter.Order == "desc" {
		return " ↓"
	}
	return " ↑"
}

func (d ShowData) ariaSort(column string) string {
	if d.Filter.Sort != column {
		return "none"
	}
	if d.Filter.Order == "desc" {
		return "descending"
	}
	return "ascending"
}

func (d ShowData) pageURL(page int) string {
	f := d.Filter
	f.Page = page
	return d.assetsURL(f)
}

func (d ShowData) assetsURL(f models.AssetFilter) string {
	v := url.Values{}
	if f.Q != "" {
		v.Set("q", f.Q)
	}
	if f.Kind != "" {
		v.Set("kind", f.Kind)
	}
	v.Set("sort", f.Sort)
	v.Set("order", f.Order)
	if f.IncludeGone {
		v.Set("include_gone", "true")
	}
	if f.Usage != "" {
		v.Set("usage", f.Usage)
	}
	if f.UnchangedDays > 0 {
		v.Set("unchanged_days", strconv.Itoa(f.UnchangedDays))
	}
	if f.Page > 1 {
		v.Set("page", strconv.Itoa(f.Page))
	}
	return sourceURL(d.Source) + "?" + v.Encode() + "#assets"
}

func assetKindOptions() []views.Option {
	opts := []views.Option{{Value: "", Label: "All kinds"}}
	for _, k := range []models.AssetKind{models.AssetTable, models.AssetPartitionedTable, models.AssetPartition,
		models.AssetView, models.AssetMaterializedView, models.AssetForeignTable, models.AssetFileDataset} {
		opts = append(opts, views.Option{Value: string(k), Label: string(k)})
	}
	return opts
}

func usageOptions() []views.Option {
	return []views.Option{{Value: "", Label: "Any reads"}, {Value: "read", Label: "Read"},
		{Value: "unread", Label: "No reads seen"}, {Value: "unknown", Label: "Reads unknown"}}
}

func unchangedOptions() []views.Option {
	return []views.Option{{Value: "", Label: "Any freshness"}, {Value: "1", Label: "Unchanged for 1 day"},
		{Value: "7", Label: "Unchanged for 7 days"}, {Value: "30", Label: "Unchanged for 30 days"}, {Value: "90", Label: "Unchanged for 90 days"}}
}

func assetSummary(p models.AssetPage) string {
	if p.Total == 0 {
		return "No assets match."
	}
	first := (p.Page-1)*p.PerPage + 1
	last := first + len(p.Items) - 1
	if len(p.Items) == 0 {
		return fmt.Sprintf("There is no page %d.", p.Page)
	}
	return fmt.Sprintf("Showing %d–%d of %d assets", first, last, p.Total)
}

func columnsText(a models.Asset) string {
	cols := a.ColumnList()
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c.Name + " " + c.Type
	}
	return strings.Join(parts, ", ")
}

func runStatusClass(status string) string { return "badge badge-run-" + status }

func joinLines(list []string) string { return strings.Join(list, ", ") }

// AssetData is one asset with its recent observations.
type AssetData struct {
	Page         views.Page
	Source       models.Source
	Asset        models.Asset
	Observations []models.AssetObservation
	Now          time.Time
	// Finding is the asset's dark-data finding, nil when it never had one.
	Finding *models.FindingView
}

// findingText says in a line where the asset stands as dark data.
func findingText(f *models.FindingView) string {
	switch f.Status {
	case models.FindingOpen:
		if !f.UsageKnown {
			return "Owned by no product; its source keeps no read statistics, so whether anyone reads it is unknown."
		}
		return "Dark data: " + f.Reasons() + "."
	case models.FindingKept:
		return "Kept as an archive: " + f.Note
	case models.FindingIgnored:
		return "Ignored: " + f.Note
	}
	return "Was dark data; closed: " + f.CloseReason + "."
}

// newestFirst reverses the observations for the history table.
func newestFirst(obs []models.AssetObservation) []models.AssetObservation {
	out := make([]models.AssetObservation, len(obs))
	for i, o := range obs {
		out[len(obs)-1-i] = o
	}
	return out
}

func delta(v *int64) string {
	if v == nil {
		return "–"
	}
	return "+" + strconv.FormatInt(*v, 10)
}
