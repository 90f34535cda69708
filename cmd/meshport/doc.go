// Command meshport is the self-serve data mesh portal: one binary that
// serves the web UI and API, migrates its database and runs admin tasks.
//
// Imports: everything else. app.go is the one place that wires the store,
// the HTTP handler and the jobs together; main and the end-to-end tests both
// build the portal through it.
package main
