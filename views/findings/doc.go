// Package findings renders the findings pages: dark data, assets whose
// usage is unknown, stale and unused products, with their totals, and one
// finding with its history and the owners' decision.
//
// Imports: views and models (and templ); never handlers or jobs.
package findings
