// Package odps reads and writes data products in the Open Data Product
// Standard (ODPS, Bitol), v0.9.0 and v1.0.0.
//
// A Product keeps the whole document so that an export keeps everything
// ODPS allows; accessors read what meshport shows. Documents are validated
// against the embedded v1.0.0 JSON Schema, which accepts the v0.9.0
// official examples, and exported as v1.0.0. Build makes the document of
// a meshport data product.
//
// Imports: models/bitol only of meshport; models imports it.
package odps
