// Package storetest gives tests of any package a fresh, migrated
// *models.Store on SQLite and on PostgreSQL, so that code is tested against
// both databases the portal supports and no test sees another's data.
//
// Imports: models only; for tests.
package storetest
