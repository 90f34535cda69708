// Package storetest gives tests stores.
//
// Imports: models.
package storetest
