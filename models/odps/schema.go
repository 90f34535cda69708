package odps

import (
	_ "embed"

	"github.com/meshport/meshport/models/bitol"
)

// The official ODPS v1.0.0 schema, unchanged (see schema/README.md).
//
//go:embed schema/odps-json-schema-v1.0.0.json
var schemaJSON []byte

var schema = bitol.NewSchema("https://bitol.io/odps/odps-json-schema-v1.0.0.json", schemaJSON)

func validate(d *bitol.Doc) error {
	if ps := schema.Validate(d); len(ps) > 0 {
		return &bitol.Error{Kind: bitol.KindInvalid, Problems: ps}
	}
	return nil
}
