// Package odcs reads, edits, compares and writes data contracts in the
// Open Data Contract Standard (ODCS, Bitol), v3.0.x and v3.1.0.
//
// A Contract keeps the whole document, so everything ODCS allows (servers,
// team, roles, SLAs, custom properties...) survives an edit and an export
// unchanged; accessors read the parts meshport uses. Documents are
// validated against the embedded v3.1.0 JSON Schema whatever v3 version
// they declare, as the standard's own CI does, and exported as v3.1.0.
//
// Compare tells which changes between two versions of a contract are
// breaking, and CheckVersion whether the new version number says so.
//
// Imports: models/bitol only of meshport (and semver); models imports it.
package odcs
