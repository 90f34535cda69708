// Package trends renders the health dashboards of the home and domain
// pages: dark data, stale and unused products, and their trends over time
// as server-drawn SVG (readable without JavaScript).
//
// Imports: views and models (and templ); never handlers or jobs.
package trends
