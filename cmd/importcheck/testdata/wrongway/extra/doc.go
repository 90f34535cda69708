// Package extra has no layer.
//
// Imports: anything.
package extra
