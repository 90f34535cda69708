// Package connectors reads what a data source holds: its tables, views and
// file datasets with their size, rows, columns and the statistics counters
// from which the crawler derives freshness and usage. Each kind of source
// (PostgreSQL, MySQL/MariaDB, SQLite, files) implements Connector; the
// crawler knows only this interface. What a connector reads it hands over
// as models values (models.CrawlSnapshot, models.ConnectionTest), and its
// failures as *models.SourceError; it dials only what the operator's
// models.SourcePolicy allows.
//
// Imports: models only (and drivers); never handlers, views or the rest of
// jobs.
//
// Connectors only read: every query runs in a read-only transaction with a
// statement timeout, under the caller's context deadline, and needs no more
// than the statistics views and catalogs.
package connectors
