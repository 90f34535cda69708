// Package models is meshport's domain: the types of the data mesh (domains,
// data products and their output ports, sources, crawled assets and their
// observations, crawl snapshots, findings, users, sessions, tokens, the
// outbox of reports, the audit log) and the Store that keeps them, with
// their validation, authorization and migrations. Everything else is built
// on it.
//
// A Store is made with Options (models.Open, NewStore) and has no setters.
// A write that must be followed by other work does that work itself: source
// writes signal SourcesChanged for the schedules, product and domain writes
// re-evaluate their findings in the same transaction, RecordCrawl refreshes
// the products' health and the source's findings.
//
// Imports: its own subpackages (models/secrets) and libraries only; never
// handlers, views, jobs or cmd. Wording and formatting for people belong in
// views, not here.
package models
