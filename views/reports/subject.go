package reports

import (
	"fmt"
	"strings"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views"
)

// Subject is a report's headline: "3 stale products, 42.0 GB of dark data
// in Checkout". Sizes are written as on the pages (views.Bytes).
func Subject(r *models.Report) string {
	var parts []string
	if n := r.StaleCount(); n > 0 {
		parts = append(parts, plural(n, "stale product", "stale products"))
	}
	if r.DarkTotals.Findings > 0 {
		parts = append(parts, views.Bytes(&r.DarkTotals.Bytes)+" of dark data")
	}
	if n := r.UnusedCount(); n > 0 {
		parts = append(parts, plural(n, "unused product", "unused products"))
	}
	if n := len(r.ExpiringWaivers); n > 0 {
		parts = append(parts, plural(n, "waiver ending", "waivers ending"))
	}
	if n := len(r.Proposals); n > 0 {
		parts = append(parts, plural(n, "proposal awaiting your vote", "proposals awaiting your vote"))
	}
	where := ""
	switch len(r.Domains) {
	case 0:
	case 1:
		where = " in " + r.Domains[0].Domain.Name
	default:
		where = fmt.Sprintf(" in %d domains", len(r.Domains))
	}
	if len(parts) == 0 {
		if !r.Owns() {
			return "meshport: you own no data products yet"
		}
		return "Nothing to act on" + where
	}
	return strings.Join(parts, ", ") + where
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
