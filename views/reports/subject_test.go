package reports

import (
	"testing"

	"github.com/meshport/meshport/models"
)

func TestSubject(t *testing.T) {
	checkout := models.ReportDomain{Domain: models.Domain{Name: "Checkout"}}
	stale := models.ReportProduct{Freshness: models.Stale}
	for _, tc := range []struct {
		report models.Report
		want   string
	}{
		{models.Report{}, "meshport: you own no data products yet"},
		{models.Report{Domains: []models.ReportDomain{checkout}}, "Nothing to act on in Checkout"},
		{models.Report{Domains: []models.ReportDomain{checkout}, Products: []models.ReportProduct{stale},
			DarkTotals: models.FindingSum{Findings: 2, Bytes: 5_500_000_000}}, "1 stale product, 5.5 GB of dark data in Checkout"},
		// Sizes as the pages write them: one decimal, also from ten units up.
		{models.Report{Domains: []models.ReportDomain{checkout, checkout}, Products: []models.ReportProduct{stale, stale},
			DarkTotals: models.FindingSum{Findings: 9, Bytes: 42_000_000_000}}, "2 stale products, 42.0 GB of dark data in 2 domains"},
	} {
		if got := Subject(&tc.report); got != tc.want {
			t.Errorf("Subject = %q, want %q", got, tc.want)
		}
	}
}
