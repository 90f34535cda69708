package odcs

import (
	_ "embed"

	"github.com/meshport/meshport/models/bitol"
)

// The official ODCS v3.1.0 schema, unchanged (see schema/README.md).
//
//go:embed schema/odcs-json-schema-v3.1.0.json
var schemaJSON []byte

var schema = bitol.NewSchema("https://bitol.io/odcs/odcs-json-schema-v3.1.0.json", schemaJSON)

// validate returns the schema problems of d as an *bitol.Error, nil when
// it is valid.
func validate(d *bitol.Doc) error {
	if ps := schema.Validate(d); len(ps) > 0 {
		return &bitol.Error{Kind: bitol.KindInvalid, Problems: ps}
	}
	return nil
}
