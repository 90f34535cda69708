package models

import "strings"

// Principal is who is acting: a signed-in user, an API token or the CLI.
// Every authorization decision is a method here, so pages, htmx fragments,
// the API and the views (which hide buttons) all ask the same question.
type Principal struct {
	UserID uint
	Email  string
	// EmailVerified says the identity provider vouched for Email; only a
	// verified email matches domain owners.
	EmailVerified bool
	Name          string
	Groups        []string
	Admin         bool
	// ReadOnly principals (viewer tokens) may read but never write.
	ReadOnly bool
	// Via says how the principal authenticated, for the audit log.
	Via string
	// Issuer is who vouched for the user (DevIssuer for the development
	// sign-in, whose sessions and tokens count only while it exists).
	Issuer string
}

// Label names the principal in the audit log.
func (p Principal) Label() string {
	who := p.Email
	if who == "" {
		who = p.Name
	}
	if p.Via != "" && p.Via != "session" {
		who += " (" + p.Via + ")"
	}
	return who
}

// SignedIn reports whether the principal is anyone at all.
func (p Principal) SignedIn() bool { return p.UserID != 0 || p.Via == "cli" }

// Owns reports whether the principal is listed among the domain's owners,
// by verified email or by one of its groups.
func (p Principal) Owns(d *Domain) bool { return p.listedIn(d.Owners) }

func (p Principal) listedIn(owners []string) bool {
	for _, o := range owners {
		if p.EmailVerified && p.Email != "" && strings.EqualFold(o, p.Email) {
			return true
		}
		for _, g := range p.Groups {
			if strings.EqualFold(o, g) {
				return true
			}
		}
	}
	return false
}

// CanCreateDomain: only admins register domains.
func (p Principal) CanCreateDomain() bool { return !p.ReadOnly && p.Admin }

// CanEditDomain: admins and the domain's owners edit its details.
func (p Principal) CanEditDomain(d *Domain) bool {
	return !p.ReadOnly && (p.Admin || p.Owns(d))
}

// CanDeleteDomain: retiring or deleting a whole domain is for admins.
func (p Principal) CanDeleteDomain(d *Domain) bool { return !p.ReadOnly && p.Admin }

// CanManageProducts: admins and domain owners create, edit, retire and
// delete the domain's products.
func (p Principal) CanManageProducts(d *Domain) bool {
	return !p.ReadOnly && (p.Admin || p.Owns(d))
}

// CanCreateProducts reports whether the principal may create a product in
// at least one of the given domains (to show the "New product" button).
func (p Principal) CanCreateProducts(domains []Domain) bool {
	for i := range domains {
		if domains[i].Status == DomainActive && p.CanManageProducts(&domains[i]) {
			return true
		}
	}
	return false
}
