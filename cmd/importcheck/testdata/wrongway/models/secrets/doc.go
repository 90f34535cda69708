// Package secrets seals.
//
// Imports: nothing.
package secrets
