package models_test

import (
	"slices"
	"testing"

	"github.com/meshport/meshport/models"
)

func TestFreshnessWarnings(t *testing.T) {
	snap := &models.CrawlSnapshot{Assets: []models.ObservedAsset{
		{Schema: "public", Name: "orders"},
		{Schema: "public", Name: "notes", FreshnessNote: `freshness column "body" is not a date or timestamp`},
	}}
	got := models.FreshnessWarnings(map[string]string{"public.orders": "updated_at", "public.gone": "at", "public.notes": "body", "public.blank": ""}, snap)
	want := []string{
		`public.gone: freshness column "at" is set, but no such table or view was crawled (missing or excluded)`,
		`public.notes: freshness column "body" is not a date or timestamp`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("warnings %q, want %q", got, want)
	}
}
