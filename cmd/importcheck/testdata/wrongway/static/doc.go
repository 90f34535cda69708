// Package static holds files.
//
// Imports: nothing.
package static
