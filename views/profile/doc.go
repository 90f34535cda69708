// Package profile renders the signed-in person's own page: who they are and
// their personal API tokens.
//
// Imports: views and models (and templ); never handlers or jobs.
package profile
