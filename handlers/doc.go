// Package handlers is meshport's HTTP layer: one small handler per action,
// the route list in routes.go, and the middleware every request passes.
//
// Imports: views, models and static; never jobs (the crawler and the
// report sender come in as the Crawls and Reports interfaces, wired by
// cmd/meshport) and never cmd.
package handlers
