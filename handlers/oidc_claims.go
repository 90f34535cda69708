package handlers

import (
	"strings"

	"github.com/meshport/meshport/models"
)

// userFromClaims maps the provider's claims onto a meshport user: keyed by
// (issuer, subject), email trusted only when verified, groups from the
// configured claim, admin by group or by verified email.
func (o *OIDCSignIn) userFromClaims(issuer, subject string, claims map[string]any) models.User {
	email := strings.TrimSpace(claimString(claims, "email"))
	verified := claimBool(claims, "email_verified")
	name := firstNonEmpty(claimString(claims, "name"),
		strings.TrimSpace(claimString(claims, "given_name")+" "+claimString(claims, "family_name")),
		claimString(claims, "preferred_username"), email, subject)
	raw, _ := claimAt(claims, o.cfg.GroupsClaim)
	groups := claimList(raw)
	return models.User{
		Issuer: issuer, Subject: subject, Email: email, EmailVerified: verified,
		Name: truncate(name, 190), Groups: models.StringList(groups),
		Admin: anyFold(groups, o.cfg.AdminGroups) || (verified && email != "" && anyFold([]string{email}, o.cfg.AdminEmails)),
	}
}

// claimAt follows a dotted path ("realm_access.roles") into nested claims;
// a claim whose own name contains the dots is found first.
func claimAt(claims map[string]any, path string) (any, bool) {
	if v, ok := claims[path]; ok {
		return v, true
	}
	var cur any = claims
	for _, part := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// claimList reads groups given as a JSON list or as one string (some
// providers send a single group unwrapped, or several separated by commas).
func claimList(v any) []string {
	var out []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" && len(out) < 500 {
			out = append(out, s)
		}
	}
	switch v := v.(type) {
	case string:
		for _, part := range strings.Split(v, ",") {
			add(part)
		}
	case []any:
		for _, item := range v {
			if s, ok := item.(string); ok {
				add(s)
			}
		}
	}
	return out
}

func claimString(claims map[string]any, name string) string {
	s, _ := claims[name].(string)
	return s
}

// claimBool accepts true and "true": some providers send booleans as strings.
func claimBool(claims map[string]any, name string) bool {
	switch v := claims[name].(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(v, "true")
	}
	return false
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func anyFold(have, want []string) bool {
	for _, h := range have {
		for _, w := range want {
			if strings.EqualFold(h, w) {
				return true
			}
		}
	}
	return false
}
