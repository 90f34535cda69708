// Package contracts renders a port's data contract: the contract page with
// its drift and checks, the editor, and the versions with their diffs.
//
// Imports: views and models (and templ); never handlers or jobs.
package contracts
