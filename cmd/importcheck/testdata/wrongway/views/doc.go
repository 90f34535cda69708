// Package views renders.
//
// Imports: models.
package views
