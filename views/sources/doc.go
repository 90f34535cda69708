// Package sources renders the pages of data sources: the list, the
// registration form, and a source's runs and assets.
//
// Imports: views and models (and templ); never handlers or jobs.
package sources
