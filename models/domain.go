package models

import (
	"strconv"
	"strings"
	"time"
)

// Domain is a business domain that owns data products.
type Domain struct {
	ID          uint       `gorm:"primaryKey" json:"-"`
	Slug        string     `gorm:"size:63;not null;uniqueIndex:idx_domains_slug" json:"slug"`
	Name        string     `gorm:"size:100;not null;index:idx_domains_name" json:"name"`
	Description string     `gorm:"size:2000;not null;default:''" json:"description"`
	Owners      StringList `gorm:"type:text;not null" json:"owners"`
	// Representatives vote on global policies for the domain; empty means
	// its owners do.
	Representatives StringList `gorm:"type:text;not null;default:'[]'" json:"representatives"`
	Status          string     `gorm:"size:16;not null;default:active" json:"status"`
	// UnreadDays is how long the domain's data may go unread before it is
	// reported as dark data or an unused product; 0 uses the portal's.
	UnreadDays int       `gorm:"not null;default:0" json:"unread_days"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// DomainInput is what a user submits to create or edit a domain.
type DomainInput struct {
	Name        string   `json:"name" form:"name"`
	Slug        string   `json:"slug" form:"slug"`
	Description string   `json:"description" form:"description"`
	Owners      []string `json:"owners" form:"-"`
	// Representatives vote on global policies for the domain; empty: its
	// owners.
	Representatives []string `json:"representatives" form:"-"`
	// Status, when set on an update, retires or reactivates the domain in
	// the same transaction; empty keeps the current status.
	Status string `json:"status" form:"-"`
	// UnreadDays as typed: empty for the portal's default.
	UnreadDays DaysInput `json:"unread_days" form:"-"`
}

// DaysInput is a number of days as typed in a form, or a JSON number or
// string from the API.
type DaysInput string

// UnmarshalJSON accepts 120, "120", "" and null.
func (d *DaysInput) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		*d = ""
		return nil
	}
	if unquoted, err := strconv.Unquote(s); err == nil {
		s = unquoted
	}
	*d = DaysInput(s)
	return nil
}

// parse reads d: 0 when empty.
func (d DaysInput) parse() (int, bool) {
	s := strings.TrimSpace(string(d))
	if s == "" {
		return 0, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 1 && n <= 3650
}

// Normalize trims the input and derives a missing slug from the name.
func (in *DomainInput) Normalize() {
	in.Name = strings.TrimSpace(in.Name)
	in.Slug = strings.ToLower(strings.TrimSpace(in.Slug))
	if in.Slug == "" {
		in.Slug = Slugify(in.Name)
	}
	in.Description = strings.TrimSpace(in.Description)
	in.Owners = cleanList(in.Owners)
	in.Representatives = cleanRepresentatives(in.Representatives)
	in.Status = strings.ToLower(strings.TrimSpace(in.Status))
}

// Validate checks the input's own rules (uniqueness is the store's job).
func (in *DomainInput) Validate() FieldErrors {
	errs := FieldErrors{}
	validateName(errs, "name", in.Name)
	validateSlug(errs, "slug", in.Slug)
	validateMaxLen(errs, "description", in.Description, 2000)
	switch {
	case len(in.Owners) == 0:
		errs.Add("owners", "Name at least one owner: an email address or a group.")
	case len(in.Owners) > 20:
		errs.Add("owners", "At most 20 owners.")
	}
	for _, o := range in.Owners {
		if msg := ownerProblem(o); msg != "" {
			errs.Add("owners", msg)
		}
	}
	if len(in.Representatives) > 20 {
		errs.Add("representatives", "At most 20 representatives.")
	}
	for _, r := range in.Representatives {
		if msg := ownerProblem(r); msg != "" {
			errs.Add("representatives", msg)
		}
	}
	if in.Status != "" && in.Status != DomainActive && in.Status != DomainRetired {
		errs.Add("status", "A domain is either active or retired.")
	}
	if _, ok := in.UnreadDays.parse(); !ok {
		errs.Add("unread_days", "A whole number of days from 1 to 3650, or empty for the portal's default.")
	}
	return errs
}

// InputFrom returns the editable fields of d as an input.
func (d *Domain) Input() DomainInput {
	in := DomainInput{Name: d.Name, Slug: d.Slug, Description: d.Description, Owners: append([]string(nil), d.Owners...),
		Representatives: append([]string{}, d.Representatives...), Status: d.Status}
	if d.UnreadDays > 0 {
		in.UnreadDays = DaysInput(strconv.Itoa(d.UnreadDays))
	}
	return in
}

func (d *Domain) apply(in DomainInput) {
	d.Name, d.Slug, d.Description, d.Owners = in.Name, in.Slug, in.Description, StringList(in.Owners)
	d.Representatives = append(StringList{}, in.Representatives...)
	if in.Status != "" {
		d.Status = in.Status
	}
	d.UnreadDays, _ = in.UnreadDays.parse() // validated before
}

// auditFields lists the fields recorded in the audit log, by their form names.
func (d *Domain) auditFields() map[string]string {
	return map[string]string{
		"name": d.Name, "slug": d.Slug, "description": d.Description,
		"owners": strings.Join(d.Owners, ", "), "representatives": strings.Join(d.Representatives, ", "), "status": d.Status, "unread_days": string(d.Input().UnreadDays),
	}
}

// cleanRepresentatives trims the entries, lower-cases email addresses
// (group names keep their spelling, as owners do) and drops empty ones and
// duplicates.
func cleanRepresentatives(in []string) []string {
	out := make([]string, 0, len(in))
	for _, v := range in {
		v = strings.TrimSpace(v)
		if strings.Contains(v, "@") {
			v = strings.ToLower(v)
		}
		out = append(out, v)
	}
	return cleanList(out)
}
