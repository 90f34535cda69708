// Package models is the domain.
//
// Imports: nothing above it.
package models
