package models

import (
	"strings"
	"time"

	"github.com/meshport/meshport/models/policy"
)

// Policy scopes, severities, kinds of subject and states.
const (
	ScopeGlobal = "global"
	ScopeDomain = "domain"

	SeverityBlocking = "blocking"
	SeverityWarning  = "warning"

	AppliesToProduct = "product"

	PolicyProposed = "proposed"
	PolicyAdopted  = "adopted"
	PolicyRejected = "rejected"
	PolicyRetired  = "retired"
)

// PolicyLevels are the maturity levels a policy may carry, lowest first: a
// product reaches a level when every policy of that level and below passes.
func PolicyLevels() []string { return []string{"bronze", "silver", "gold"} }

// PolicySeverities are the severities, strongest first.
func PolicySeverities() []string { return []string{SeverityBlocking, SeverityWarning} }

// PolicyStates are the states a policy can be in.
func PolicyStates() []string {
	return []string{PolicyProposed, PolicyAdopted, PolicyRejected, PolicyRetired}
}

// PolicyFields are the product form's fields a policy may point at, so its
// message shows beside that field when it blocks a save.
func PolicyFields() []string {
	return []string{"name", "owner", "description", "purpose", "status", "classification",
		"contains_pii", "tags", "freshness_sla", "output_ports"}
}

// PolicySpec is what one version of a policy says.
type PolicySpec struct {
	Name        string `gorm:"size:100;not null" json:"name"`
	Description string `gorm:"size:2000;not null;default:''" json:"description"`
	Severity    string `gorm:"size:16;not null" json:"severity"`
	AppliesTo   string `gorm:"size:16;not null;default:product" json:"applies_to"`
	Condition   string `gorm:"type:text;not null;default:''" json:"condition"`
	Rule        string `gorm:"type:text;not null" json:"rule"`
	Message     string `gorm:"type:text;not null;default:''" json:"message"`
	// Field is the product field the message belongs beside ("" for none).
	Field string `gorm:"size:32;not null;default:''" json:"field"`
	Level string `gorm:"size:16;not null;default:''" json:"level"`
	// EnforceFrom: a blocking policy only warns before this day (UTC).
	EnforceFrom *time.Time `json:"enforce_from"`
}

func (s PolicySpec) cel() policy.Spec {
	return policy.Spec{Condition: s.Condition, Rule: s.Rule, Message: s.Message}
}

// fallbackMessage is said of a failing product when the policy's message
// says nothing.
func (s PolicySpec) fallbackMessage() string { return "Fails \u201c" + s.Name + "\u201d." }

// equal reports whether two specs say the same; the enforce-from days are
// compared as instants, since a database may read them back in another
// location than they were written in.
func (s PolicySpec) equal(o PolicySpec) bool {
	a, b := s.EnforceFrom, o.EnforceFrom
	s.EnforceFrom, o.EnforceFrom = nil, nil
	if s != o || (a == nil) != (b == nil) {
		return false
	}
	return a == nil || a.Equal(*b)
}

// Blocks reports whether the spec blocks activation at now: blocking, and
// past its enforce-from day if it has one.
func (s PolicySpec) Blocks(now time.Time) bool {
	return s.Severity == SeverityBlocking && (s.EnforceFrom == nil || !now.Before(*s.EnforceFrom))
}

// Policy is a governance rule as code. Scope global applies to every
// domain and is decided by the domains; scope domain applies to one domain
// and is decided by its owners. The spec columns hold the adopted version
// (or, for a policy never adopted, what was proposed).
type Policy struct {
	ID       uint    `gorm:"primaryKey" json:"id"`
	Key      string  `gorm:"size:63;not null;uniqueIndex:idx_policies_key" json:"key"`
	Scope    string  `gorm:"size:16;not null" json:"scope"`
	DomainID *uint   `gorm:"index:idx_policies_domain" json:"-"`
	Domain   *Domain `gorm:"constraint:OnDelete:CASCADE" json:"-"`
	PolicySpec
	State string `gorm:"size:16;not null;index:idx_policies_state" json:"state"`
	// Version counts adopted versions; 0 for a policy never adopted.
	Version int `gorm:"not null;default:0" json:"version"`
	// Starter marks a policy of the built-in starter pack.
	Starter   bool      `gorm:"not null;default:false" json:"starter"`
	CreatedBy string    `gorm:"size:300;not null;default:''" json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// InForce reports whether the policy is judged at all (adopted, not retired).
func (p *Policy) InForce() bool { return p.State == PolicyAdopted }

// DomainSlug is the slug of the policy's domain, "" for a global policy.
func (p *Policy) DomainSlug() string {
	if p.Domain == nil {
		return ""
	}
	return p.Domain.Slug
}

// PolicyInput is a policy as submitted through the form, the API or a
// policies file. EnforceFrom is a day (2027-01-31) or empty.
type PolicyInput struct {
	Key         string `json:"key" yaml:"key"`
	Name        string `json:"name" yaml:"name"`
	Description string `json:"description" yaml:"description,omitempty"`
	Scope       string `json:"scope" yaml:"scope"`
	Domain      string `json:"domain,omitempty" yaml:"domain,omitempty"`
	Severity    string `json:"severity" yaml:"severity"`
	AppliesTo   string `json:"applies_to" yaml:"applies_to,omitempty"`
	Condition   string `json:"condition" yaml:"condition,omitempty"`
	Rule        string `json:"rule" yaml:"rule"`
	Message     string `json:"message" yaml:"message,omitempty"`
	Field       string `json:"field" yaml:"field,omitempty"`
	Level       string `json:"level" yaml:"level,omitempty"`
	EnforceFrom string `json:"enforce_from" yaml:"enforce_from,omitempty"`
	// State "adopted" asks an admin's global change to take effect at once;
	// empty lets the portal decide (a proposal for anyone else).
	State string `json:"state,omitempty" yaml:"-"`
	// Comment explains a proposal to the voters.
	Comment string `json:"comment,omitempty" yaml:"-"`
}

// Normalize trims the input and fills defaults.
func (in *PolicyInput) Normalize() {
	in.Name = strings.TrimSpace(in.Name)
	in.Key = strings.ToLower(strings.TrimSpace(in.Key))
	if in.Key == "" {
		in.Key = Slugify(in.Name)
	}
	in.Description = strings.TrimSpace(in.Description)
	in.Scope = strings.ToLower(strings.TrimSpace(in.Scope))
	in.Domain = strings.ToLower(strings.TrimSpace(in.Domain))
	if in.Scope == "" {
		in.Scope = ScopeGlobal
		if in.Domain != "" {
			in.Scope = ScopeDomain
		}
	}
	in.Severity = strings.ToLower(strings.TrimSpace(in.Severity))
	if in.Severity == "" {
		in.Severity = SeverityWarning
	}
	in.AppliesTo = strings.ToLower(strings.TrimSpace(in.AppliesTo))
	if in.AppliesTo == "" {
		in.AppliesTo = AppliesToProduct
	}
	in.Condition = strings.TrimSpace(in.Condition)
	in.Rule = strings.TrimSpace(in.Rule)
	in.Message = strings.TrimSpace(in.Message)
	in.Field = strings.ToLower(strings.TrimSpace(in.Field))
	in.Level = strings.ToLower(strings.TrimSpace(in.Level))
	in.EnforceFrom = strings.TrimSpace(in.EnforceFrom)
	in.State = strings.ToLower(strings.TrimSpace(in.State))
	in.Comment = strings.TrimSpace(in.Comment)
}

// Validate checks the input's own rules, compiling its CEL; the domain's
// existence is checked by the store.
func (in *PolicyInput) Validate() FieldErrors {
	errs := FieldErrors{}
	validateName(errs, "name", in.Name)
	validateSlug(errs, "key", in.Key)
	validateMaxLen(errs, "description", in.Description, 2000)
	validateMaxLen(errs, "comment", in.Comment, 2000)
	switch in.Scope {
	case ScopeGlobal:
		if in.Domain != "" {
			errs.Add("domain", "A global policy has no domain; choose scope domain to limit it to one.")
		}
	case ScopeDomain:
		if in.Domain == "" {
			errs.Add("domain", "Choose the domain this policy applies to.")
		}
	default:
		errs.Add("scope", "Choose global or domain.")
	}
	if !oneOf(in.Severity, PolicySeverities()) {
		errs.Add("severity", "Choose blocking or warning.")
	}
	if in.AppliesTo != AppliesToProduct {
		errs.Add("applies_to", "Policies apply to products.")
	}
	if in.Field != "" && !oneOf(in.Field, PolicyFields()) {
		errs.Add("field", "Choose one of: "+strings.Join(PolicyFields(), ", ")+".")
	}
	if in.Level != "" && !oneOf(in.Level, PolicyLevels()) {
		errs.Add("level", "Choose one of: "+strings.Join(PolicyLevels(), ", ")+", or none.")
	}
	if in.EnforceFrom != "" {
		if _, err := parseDay(in.EnforceFrom); err != nil {
			errs.Add("enforce_from", "Give a day as 2027-01-31.")
		} else if in.Severity != SeverityBlocking {
			errs.Add("enforce_from", "Only a blocking policy has an enforce-from day.")
		}
	}
	if in.State != "" && in.State != PolicyAdopted && in.State != PolicyProposed {
		errs.Add("state", "Ask for adopted or proposed; a policy is rejected or retired by a decision.")
	}
	for part, src := range map[string]string{"condition": in.Condition, "rule": in.Rule, "message": in.Message} {
		if len(src) > policy.MaxSourceLength {
			errs.Add(part, "Use at most 4000 characters.")
		}
	}
	if !errs.Has("condition") && !errs.Has("rule") && !errs.Has("message") {
		if _, problems := policy.Compile(policy.Spec{Condition: in.Condition, Rule: in.Rule, Message: in.Message}); problems != nil {
			for part, msg := range problems {
				errs.Add(part, msg)
			}
		}
	}
	return errs
}

// spec is the validated input as a spec.
func (in *PolicyInput) spec() PolicySpec {
	var from *time.Time
	if t, err := parseDay(in.EnforceFrom); err == nil && in.EnforceFrom != "" {
		from = &t
	}
	return PolicySpec{Name: in.Name, Description: in.Description, Severity: in.Severity, AppliesTo: in.AppliesTo,
		Condition: in.Condition, Rule: in.Rule, Message: in.Message, Field: in.Field, Level: in.Level, EnforceFrom: from}
}

// Input returns the policy as an input, for forms and policies files.
func (p *Policy) Input() PolicyInput {
	return p.PolicySpec.input(p.Key, p.Scope, p.DomainSlug())
}

func (s PolicySpec) input(key, scope, domain string) PolicyInput {
	in := PolicyInput{Key: key, Name: s.Name, Description: s.Description, Scope: scope, Domain: domain,
		Severity: s.Severity, AppliesTo: s.AppliesTo, Condition: s.Condition, Rule: s.Rule, Message: s.Message,
		Field: s.Field, Level: s.Level}
	if s.EnforceFrom != nil {
		in.EnforceFrom = s.EnforceFrom.UTC().Format(time.DateOnly)
	}
	return in
}

func (s PolicySpec) auditFields() map[string]string {
	in := s.input("", "", "")
	return map[string]string{"name": in.Name, "description": in.Description, "severity": in.Severity,
		"condition": in.Condition, "rule": in.Rule, "message": in.Message, "field": in.Field,
		"level": in.Level, "enforce_from": in.EnforceFrom}
}

// parseDay reads 2027-01-31 (or a full RFC 3339 time) as a UTC day.
func parseDay(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	return t.UTC(), err
}
