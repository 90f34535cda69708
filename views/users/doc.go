// Package users renders the admins' list of people known to the portal.
//
// Imports: views and models (and templ); never handlers or jobs.
package users
