// Package pages renders the pages that are not about one kind of entity:
// home, sign-in and errors.
//
// Imports: views, views/trends and models (and templ); never handlers or jobs.
package pages
