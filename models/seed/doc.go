// Package seed writes the data `make run` shows a newcomer (Demo, and
// DemoWarehouse, a small SQLite source to crawl) and the generated data of
// the load tests and benchmarks (Bulk, Assets). Demo data goes through the
// store's ordinary writes, with validation and audit entries; the generated
// data through Store.Load, which skips both for speed. The random seeds are
// fixed, so a seed of the same empty database is repeatable.
//
// Imports: models only (and the SQLite driver for the demo warehouse).
package seed
