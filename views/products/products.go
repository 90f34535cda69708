package products

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views"
)

// ListData is the filtered, paginated product list.
type ListData struct {
	Page      views.Page
	Filter    models.ProductFilter
	Results   models.ProductPage
	Domains   []models.Domain
	CanCreate bool
	Now       time.Time
}

func sortOptions() []views.Option {
	return []views.Option{{Value: "", Label: "By name"}, {Value: "stale", Label: "Stale first"},
		{Value: "reads", Label: "Most read"}, {Value: "size", Label: "Largest"},
		{Value: "score", Label: "Lowest policy score"}}
}

// pageURL is the list URL for the current filter at another page, so that
// pagination keeps the filter and the address stays shareable.
func (d ListData) pageURL(page int) string {
	v := url.Values{}
	f := d.Filter
	if f.Q != "" {
		v.Set("q", f.Q)
	}
	if f.Domain != "" {
		v.Set("domain", f.Domain)
	}
	if f.Status != "" {
		v.Set("status", f.Status)
	}
	if f.Classification != "" {
		v.Set("classification", f.Classification)
	}
	if f.Sort != "" {
		v.Set("sort", f.Sort)
	}
	if f.PerPage != 0 && f.PerPage != 50 {
		v.Set("per_page", strconv.Itoa(f.PerPage))
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return "/products"
	}
	return "/products?" + v.Encode()
}

func (d ListData) domainOptions() []views.Option {
	opts := []views.Option{{Value: "", Label: "All domains"}}
	for _, dom := range d.Domains {
		opts = append(opts, views.Option{Value: dom.Slug, Label: dom.Name})
	}
	return opts
}

func withAll(label string, values []string) []views.Option {
	return append([]views.Option{{Value: "", Label: label}}, views.Options(values...)...)
}

func resultSummary(r models.ProductPage) string {
	if r.Total == 0 {
		return "No data products match."
	}
	if len(r.Items) == 0 {
		return fmt.Sprintf("There is no page %d; the last page is %d.", r.Page, r.Pages())
	}
	first := (r.Page-1)*r.PerPage + 1
	last := first + len(r.Items) - 1
	return fmt.Sprintf("Showing %d–%d of %d data products", first, last, r.Total)
}

func productURL(p models.Product) string {
	if p.Domain == nil {
		return "/products"
	}
	return "/products/" + p.Domain.Slug + "/" + p.Slug
}

// ShowData is one product's page.
type ShowData struct {
	Page    views.Page
	Product models.Product
	Audit   []models.AuditEntry
	CanEdit bool
	// PortAssets are the crawled assets of the ports, by port position.
	PortAssets map[int]models.Asset
	Health     models.ProductHealth
	Now        time.Time
	// Findings are the product's stale or unused findings not closed.
	Findings []models.FindingView
	// Scorecard is the product's standing against the policies.
	Scorecard *ScorecardData
	// Contracts are the ports' contracts, by lower-cased port name.
	Contracts map[string]models.PortContractSummary
	// Reads and ReadBy are the products upstream and downstream, from the
	// crawled lineage of the ports.
	Reads, ReadBy []models.ProductRef
}

func (d ShowData) contractOf(port string) (models.PortContractSummary, bool) {
	c, ok := d.Contracts[strings.ToLower(port)]
	return c, ok
}

func contractURL(p models.Product, port string) string {
	return productURL(p) + "/ports/" + port + "/contract"
}

// findingLine says what a product finding is about.
func findingLine(f models.FindingView) string {
	var line string
	switch f.Kind {
	case models.FindingStaleProduct:
		line = "Stale"
		if f.Since != nil {
			line += " since " + f.Since.UTC().Format("2 Jan 2006 15:04 UTC")
		}
	case models.FindingContractDrift:
		line = "Contract drift (" + f.Title + "): " + f.Detail
	case models.FindingQuality:
		line = "Quality (" + f.Title + "): " + f.Detail
	default:
		line = "Unused: no port read"
		if f.Since != nil {
			line += " since " + f.Since.UTC().Format("2 Jan 2006")
		}
	}
	switch f.Status {
	case models.FindingKept, models.FindingIgnored:
		line += " (" + f.Status + ": " + f.Note + ")"
	}
	return line
}

// FormData is the create/edit form with the user's values and errors.
type FormData struct {
	Page     views.Page
	Input    models.ProductInput
	Tags     string
	Errors   models.FieldErrors
	Message  string
	Domains  []models.Domain // those the user may put products in
	Statuses []string        // statuses the product may be given
	Editing  *models.Product
	// PortKeys are the row keys of Input.OutputPorts, so errors find their row.
	PortKeys []string
	// Sources are the crawled sources a port can name.
	Sources []views.Option
	// Policies are the policies the product as entered fails.
	Policies []models.PolicyVerdict
}

// Action is where the form posts.
func (f FormData) Action() string {
	if f.Editing != nil {
		return productURL(*f.Editing)
	}
	return "/products"
}

// ValidateURL is where fields post for live validation.
func (f FormData) ValidateURL() string { return f.Action() + "/validate" }

func (f FormData) domainOptions() []views.Option {
	opts := []views.Option{{Value: "", Label: "Choose a domain"}}
	for _, d := range f.Domains {
		opts = append(opts, views.Option{Value: d.Slug, Label: d.Name})
	}
	return opts
}

// PortRow is one repeatable output-port row of the form.
type PortRow struct {
	Key      string // stable id of the row in the page
	Port     models.PortInput
	Errors   models.FieldErrors // keyed "name", "type", "location", "source"
	Validate string
	Sources  []views.Option
}

// SourceOptions are the choices of a port's source: none, or a source.
func SourceOptions(list []models.Source) []views.Option {
	opts := []views.Option{{Value: "", Label: "Not crawled"}}
	for _, src := range list {
		opts = append(opts, views.Option{Value: src.Slug, Label: src.Name})
	}
	return opts
}

func (f FormData) portRows() []PortRow {
	rows := make([]PortRow, len(f.Input.OutputPorts))
	for i, p := range f.Input.OutputPorts {
		key := strconv.Itoa(i)
		if i < len(f.PortKeys) {
			key = f.PortKeys[i]
		}
		prefix := fmt.Sprintf("output_ports[%d].", i)
		errs := models.FieldErrors{}
		for k, v := range f.Errors {
			if strings.HasPrefix(k, prefix) {
				errs[strings.TrimPrefix(k, prefix)] = v
			}
		}
		rows[i] = PortRow{Key: key, Port: p, Errors: errs, Validate: f.ValidateURL(), Sources: f.Sources}
	}
	return rows
}

// PortFieldID is the element id of a port row's field.
func PortFieldID(key, field string) string { return "port-" + key + "-" + field }

func portTypeOptions() []views.Option { return views.Options(models.PortTypes()...) }

func itoa(n int) string { return strconv.Itoa(n) }

func classificationOptions() []views.Option { return views.Options(models.Classifications()...) }

// portAsset describes what the crawler saw at a port's location.
func (d ShowData) portAsset(i int, port models.OutputPort) (state, detail string, asset *models.Asset) {
	if port.Source == nil {
		return "", "", nil
	}
	a, ok := d.PortAssets[i]
	switch {
	case !ok:
		return "not-seen", "not seen in " + port.Source.Name + " yet", nil
	case a.GoneAt != nil:
		return "gone", "gone from " + port.Source.Name + " since " + a.GoneAt.UTC().Format("2006-01-02"), &a
	default:
		return "found", "", &a
	}
}
