// Package views holds the templ components that render meshport's pages.
// Handlers fill plain structs; views never query anything.
//
// Imports: models only (and templ); never handlers or jobs.
package views
