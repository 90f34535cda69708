package models

import (
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
	Status      string     `gorm:"size:16;not null;default:active" json:"status"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// DomainInput is what a user submits to create or edit a domain.
type DomainInput struct {
	Name        string   `json:"name" form:"name"`
	Slug        string   `json:"slug" form:"slug"`
	Description string   `json:"description" form:"description"`
	Owners      []string `json:"owners" form:"-"`
	// Status, when set on an update, retires or reactivates the domain in
	// the same transaction; empty keeps the current status.
	Status string `json:"status" form:"-"`
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
	if in.Status != "" && in.Status != DomainActive && in.Status != DomainRetired {
		errs.Add("status", "A domain is either active or retired.")
	}
	return errs
}

// InputFrom returns the editable fields of d as an input.
func (d *Domain) Input() DomainInput {
	return DomainInput{Name: d.Name, Slug: d.Slug, Description: d.Description, Owners: append([]string(nil), d.Owners...), Status: d.Status}
}

func (d *Domain) apply(in DomainInput) {
	d.Name, d.Slug, d.Description, d.Owners = in.Name, in.Slug, in.Description, StringList(in.Owners)
	if in.Status != "" {
		d.Status = in.Status
	}
}

// auditFields lists the fields recorded in the audit log, by their form names.
func (d *Domain) auditFields() map[string]string {
	return map[string]string{
		"name": d.Name, "slug": d.Slug, "description": d.Description,
		"owners": strings.Join(d.Owners, ", "), "status": d.Status,
	}
}
