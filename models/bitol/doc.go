// Package bitol holds what the Bitol standards packages (odcs for data
// contracts, odps for data products) share: decoding a YAML or JSON document
// into an ordered tree that remembers the line of every value, validating
// that tree with a JSON Schema, and writing it back as YAML or JSON.
//
// The tree is made of *Map (a JSON object that keeps its key order), []any,
// string, json.Number, bool and nil, so that a document exported after an
// edit keeps the author's order and numbers keep their exact spelling.
// Dates stay the strings they were: YAML would turn an unquoted 2022-10-03
// into a timestamp, which the standards' schemas (type: string) refuse.
//
// Imports: nothing of meshport (yaml and jsonschema only); models,
// odcs and odps import it.
package bitol
