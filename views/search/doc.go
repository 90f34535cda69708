// Package search renders the search page (results with their facets and
// highlights) and the header's typeahead suggestions.
//
// Imports: views and models (and templ); never handlers or jobs.
package search
