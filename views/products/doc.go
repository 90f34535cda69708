// Package products renders the data product pages.
//
// Imports: views and models (and templ); never handlers or jobs.
package products
