package views

import (
	"net/url"

	"github.com/meshport/meshport/models"
)

// Addresses of pages that several packages link to.

// SourceURL is the page of one source.
func SourceURL(src models.Source) string { return "/sources/" + src.Slug }

// AssetURL is the page of one asset.
func AssetURL(src models.Source, key string) string {
	return SourceURL(src) + "/asset?key=" + url.QueryEscape(key)
}
