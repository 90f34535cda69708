// Package reports renders the ownership report: an email-safe HTML part
// (tables and inline styles, no scripts, nothing that needs images) and
// its plain-text alternative, from the same data.
//
// Imports: views and models (and templ); never handlers or jobs.
package reports
