// Package seed writes demo data.
//
// Imports: models.
package seed
