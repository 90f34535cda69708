// Package jobs runs.
//
// Imports: models, views.
package jobs
