// Command importcheck fails when a meshport package imports one it may not,
// or has no doc.go saying what it is for and what it may import. `make lint`
// runs it. The layers (rules.go) are
//
//	cmd -> {handlers, jobs} -> views -> models
//	jobs/connectors -> models
//
// so models, the domain, depends on nothing of ours above it, views render
// models and nothing else, and handlers and jobs never import each other:
// cmd/meshport wires them. Test files follow the same rules, and besides may
// import the test helpers (models/storetest, handlers/oidctest), which
// nothing else may, and the seed data (models/seed), which only cmd may.
//
// Usage: go run ./cmd/importcheck [dir]  (dir: the module root, default ".")
//
// Imports: the standard library only.
package main
