// Package domains renders the domain pages.
//
// Imports: views, views/trends and models (and templ); never handlers or jobs.
package domains
