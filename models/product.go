package models

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Product is a data product: data a domain serves to others through output ports.
type Product struct {
	ID             uint         `gorm:"primaryKey" json:"-"`
	DomainID       uint         `gorm:"not null;uniqueIndex:idx_products_domain_slug,priority:1" json:"-"`
	Domain         *Domain      `gorm:"constraint:OnDelete:RESTRICT" json:"-"`
	Slug           string       `gorm:"size:63;not null;uniqueIndex:idx_products_domain_slug,priority:2" json:"slug"`
	Name           string       `gorm:"size:100;not null;index:idx_products_name" json:"name"`
	Owner          string       `gorm:"size:254;not null" json:"owner"`
	Description    string       `gorm:"size:2000;not null;default:''" json:"description"`
	Purpose        string       `gorm:"size:2000;not null;default:''" json:"purpose"`
	Status         string       `gorm:"size:16;not null;index:idx_products_status" json:"status"`
	Classification string       `gorm:"size:16;not null;index:idx_products_classification" json:"classification"`
	ContainsPII    bool         `gorm:"column:contains_pii;not null;default:false" json:"contains_pii"`
	Tags           StringList   `gorm:"type:text;not null" json:"tags"`
	FreshnessSLA   FreshnessSLA `gorm:"column:freshness_sla_minutes;not null;default:0" json:"freshness_sla"`
	OutputPorts    []OutputPort `gorm:"constraint:OnDelete:CASCADE" json:"output_ports"`
	// Health is refreshed from the crawled assets of the ports.
	Health HealthSummary `gorm:"serializer:json;type:text;not null;default:'{}'" json:"-"`
	// SearchText is a lower-cased concatenation of the searchable fields, so a
	// text filter is one LIKE over one column on every database.
	SearchText string `gorm:"type:text;not null" json:"-"`
	// PolicyScore is the share of applicable policies passed (blocking ones
	// count double), in percent; nil when no policy applies. PolicyLevel is
	// the highest maturity level reached. Both are kept by the evaluation.
	PolicyScore *int      `gorm:"column:policy_score" json:"-"`
	PolicyLevel string    `gorm:"column:policy_level;size:16;not null;default:''" json:"-"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// OutputPort is where consumers read a product: a table, view, file, API or stream.
type OutputPort struct {
	ID        uint   `gorm:"primaryKey" json:"-"`
	ProductID uint   `gorm:"not null;index:idx_output_ports_product" json:"-"`
	Position  int    `gorm:"not null" json:"-"`
	Name      string `gorm:"size:63;not null" json:"name"`
	Type      string `gorm:"size:16;not null" json:"type"`
	Location  string `gorm:"size:500;not null" json:"location"`
	// SourceID links the port to a crawled source; Location is then the
	// asset's key there (schema.table, or a dataset of a file tree).
	SourceID *uint   `gorm:"index:idx_output_ports_source" json:"-"`
	Source   *Source `gorm:"foreignKey:SourceID;constraint:false" json:"-"`
}

// PortInput is one output port as submitted.
type PortInput struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Location string `json:"location"`
	// Source names the crawled source (slug or id) the location is in;
	// empty for a port no crawler looks at.
	Source string `json:"source,omitempty"`

	source *Source // resolved by the store
}

// ProductInput is what a user submits to create or edit a data product.
type ProductInput struct {
	Name           string      `json:"name"`
	Slug           string      `json:"slug"`
	Domain         string      `json:"domain"` // the domain's slug
	Owner          string      `json:"owner"`
	Description    string      `json:"description"`
	Purpose        string      `json:"purpose"`
	Status         string      `json:"status"`
	Classification string      `json:"classification"`
	ContainsPII    bool        `json:"contains_pii"`
	Tags           []string    `json:"tags"`
	FreshnessSLA   string      `json:"freshness_sla"`
	OutputPorts    []PortInput `json:"output_ports"`
}

// Normalize trims the input, lower-cases tags, drops blank port rows and
// fills defaults (slug from name, draft status).
func (in *ProductInput) Normalize() {
	in.Name = strings.TrimSpace(in.Name)
	in.Slug = strings.ToLower(strings.TrimSpace(in.Slug))
	if in.Slug == "" {
		in.Slug = Slugify(in.Name)
	}
	in.Domain = strings.ToLower(strings.TrimSpace(in.Domain))
	in.Owner = strings.TrimSpace(in.Owner)
	in.Description = strings.TrimSpace(in.Description)
	in.Purpose = strings.TrimSpace(in.Purpose)
	in.Status = strings.ToLower(strings.TrimSpace(in.Status))
	if in.Status == "" {
		in.Status = StatusDraft
	}
	in.Classification = strings.ToLower(strings.TrimSpace(in.Classification))
	tags := make([]string, 0, len(in.Tags))
	for _, t := range in.Tags {
		tags = append(tags, strings.ToLower(t))
	}
	in.Tags = cleanList(tags)
	in.FreshnessSLA = strings.TrimSpace(in.FreshnessSLA)
	ports := in.OutputPorts[:0:0]
	for _, p := range in.OutputPorts {
		p = PortInput{Name: strings.TrimSpace(p.Name), Type: strings.ToLower(strings.TrimSpace(p.Type)), Location: strings.TrimSpace(p.Location),
			Source: strings.ToLower(strings.TrimSpace(p.Source))}
		if p.Name == "" && p.Location == "" {
			continue // a blank row in the form
		}
		ports = append(ports, p)
	}
	in.OutputPorts = ports
}

var (
	portNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$`)
	// schema.table or database.schema.table; identifiers may be double-quoted
	// so that names with capitals, spaces or other characters can be given.
	relationPattern = regexp.MustCompile(`^(?:(?:[A-Za-z_][A-Za-z0-9_$]*|"[^"]+")\.){1,2}(?:[A-Za-z_][A-Za-z0-9_$]*|"[^"]+")$`)
)

// Validate checks the input's own rules; the domain's existence and slug
// uniqueness are checked by the store.
func (in *ProductInput) Validate() FieldErrors {
	errs := FieldErrors{}
	validateName(errs, "name", in.Name)
	validateSlug(errs, "slug", in.Slug)
	if in.Domain == "" {
		errs.Add("domain", "Choose the domain that owns this product.")
	}
	switch {
	case in.Owner == "":
		errs.Add("owner", "Name the owner: an email address or a group.")
	default:
		if msg := ownerProblem(in.Owner); msg != "" {
			errs.Add("owner", msg)
		}
	}
	validateMaxLen(errs, "description", in.Description, 2000)
	validateMaxLen(errs, "purpose", in.Purpose, 2000)
	if !oneOf(in.Status, Statuses()) {
		errs.Add("status", "Choose one of: "+strings.Join(Statuses(), ", ")+".")
	}
	if !oneOf(in.Classification, Classifications()) {
		errs.Add("classification", "Choose one of: "+strings.Join(Classifications(), ", ")+".")
	}
	if len(in.Tags) > 20 {
		errs.Add("tags", "At most 20 tags.")
	}
	for _, t := range in.Tags {
		if !tagPattern.MatchString(t) {
			errs.Add("tags", "\u201c"+truncate(t, 40)+"\u201d is not a valid tag: use letters, digits, . _ -, at most 32 characters.")
		}
	}
	if _, err := ParseFreshnessSLA(in.FreshnessSLA); err != nil {
		errs.Add("freshness_sla", strings.ToUpper(err.Error()[:1])+err.Error()[1:]+".")
	}
	if len(in.OutputPorts) > 20 {
		errs.Add("output_ports", "At most 20 output ports.")
	}
	seen := map[string]bool{}
	for i, p := range in.OutputPorts {
		validatePort(errs, fmt.Sprintf("output_ports[%d]", i), p)
		if seen[strings.ToLower(p.Name)] && p.Name != "" {
			errs.Add(fmt.Sprintf("output_ports[%d].name", i), "Another port already has this name.")
		}
		seen[strings.ToLower(p.Name)] = true
	}
	return errs
}

func validatePort(errs FieldErrors, prefix string, p PortInput) {
	switch {
	case p.Name == "":
		errs.Add(prefix+".name", "Name the port.")
	case !portNamePattern.MatchString(p.Name):
		errs.Add(prefix+".name", "Use letters, digits, . _ - (at most 63).")
	}
	if !oneOf(p.Type, PortTypes()) {
		errs.Add(prefix+".type", "Choose one of: "+strings.Join(PortTypes(), ", ")+".")
		return
	}
	switch loc := p.Location; {
	case loc == "":
		errs.Add(prefix+".location", "Say where the data is.")
	case len(loc) > 500:
		errs.Add(prefix+".location", "Use at most 500 characters.")
	case hasControl(loc):
		errs.Add(prefix+".location", "Remove the control characters.")
	case p.Source != "":
		// In a crawled source the location is the asset's key there, which
		// the store matches once the asset has been seen.
	case (p.Type == "table" || p.Type == "view") && !relationPattern.MatchString(loc):
		errs.Add(prefix+".location", "Give the table as schema.table (or database.schema.table; quote unusual names).")
	case p.Type == "file" && !strings.HasPrefix(loc, "/") && !strings.Contains(loc, "://"):
		errs.Add(prefix+".location", "Give an absolute path (/data/…) or a URL (s3://bucket/prefix).")
	case p.Type == "api":
		if u, err := url.Parse(loc); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs.Add(prefix+".location", "Give the API's http(s) URL.")
		}
	}
}

// Input returns the editable fields of p as an input.
func (p *Product) Input() ProductInput {
	in := ProductInput{
		Name: p.Name, Slug: p.Slug, Owner: p.Owner, Description: p.Description,
		Purpose: p.Purpose, Status: p.Status, Classification: p.Classification,
		ContainsPII: p.ContainsPII, Tags: append([]string(nil), p.Tags...),
		FreshnessSLA: p.FreshnessSLA.String(),
	}
	if p.Domain != nil {
		in.Domain = p.Domain.Slug
	}
	for _, o := range p.OutputPorts {
		port := PortInput{Name: o.Name, Type: o.Type, Location: o.Location}
		if o.Source != nil {
			port.Source = o.Source.Slug
		}
		in.OutputPorts = append(in.OutputPorts, port)
	}
	return in
}

// apply copies a validated input onto p; the domain is set by the store.
func (p *Product) apply(in ProductInput) {
	sla, _ := ParseFreshnessSLA(in.FreshnessSLA) // validated before
	p.Name, p.Slug, p.Owner = in.Name, in.Slug, in.Owner
	p.Description, p.Purpose = in.Description, in.Purpose
	p.Status, p.Classification, p.ContainsPII = in.Status, in.Classification, in.ContainsPII
	p.Tags, p.FreshnessSLA = StringList(in.Tags), sla
	p.OutputPorts = make([]OutputPort, len(in.OutputPorts))
	for i, o := range in.OutputPorts {
		p.OutputPorts[i] = OutputPort{Position: i, Name: o.Name, Type: o.Type, Location: o.Location}
		if o.source != nil {
			p.OutputPorts[i].SourceID, p.OutputPorts[i].Source = &o.source.ID, o.source
		}
	}
	p.SearchText = searchText(p)
}

// searchText is what the text filter matches: the searchable fields, lower
// case, separated so a query cannot match across two fields.
func searchText(p *Product) string {
	return strings.ToLower(strings.Join([]string{p.Name, p.Slug, p.Owner, strings.Join(p.Tags, " "), p.Description}, " \x1f "))
}

func (p *Product) auditFields() map[string]string {
	ports := make([]string, len(p.OutputPorts))
	for i, o := range p.OutputPorts {
		ports[i] = o.Name + " (" + o.Type + "): " + o.Location
		if o.Source != nil {
			ports[i] += " in " + o.Source.Slug
		}
	}
	domain := ""
	if p.Domain != nil {
		domain = p.Domain.Slug
	}
	return map[string]string{
		"name": p.Name, "slug": p.Slug, "domain": domain, "owner": p.Owner,
		"description": p.Description, "purpose": p.Purpose, "status": p.Status,
		"classification": p.Classification, "contains_pii": fmt.Sprint(p.ContainsPII),
		"tags": strings.Join(p.Tags, ", "), "freshness_sla": p.FreshnessSLA.String(),
		"output_ports": strings.Join(ports, "; "),
	}
}
