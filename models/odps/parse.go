package odps

import (
	"encoding/json"
	"strings"

	"github.com/meshport/meshport/models/bitol"
)

// MaxBytes is the largest document Parse reads.
const MaxBytes = 2 << 20

// Kind is the only kind of document this package reads.
const Kind = "DataProduct"

// APIVersion is the ODPS version meshport writes.
const APIVersion = "v1.0.0"

// APIVersions are the versions Parse accepts, all validated against the
// v1.0.0 schema.
var APIVersions = []string{"v0.9.0", "v1.0.0"}

// Parse reads a data product in YAML or JSON and validates it. Errors are
// *bitol.Error: KindTooLarge, KindSyntax or KindInvalid, with the path and
// line of each problem.
func Parse(data []byte) (*Product, error) {
	if len(data) > MaxBytes {
		return nil, bitol.SizeError(len(data), MaxBytes)
	}
	d, err := bitol.Decode(data, MaxBytes)
	if err != nil {
		return nil, err
	}
	if err := checkHeader(d); err != nil {
		return nil, err
	}
	if err := validate(d); err != nil {
		return nil, err
	}
	return &Product{doc: d}, nil
}

// checkHeader says what is wrong with kind and apiVersion in words, before
// the schema lists every key it does not know.
func checkHeader(d *bitol.Doc) error {
	root := d.Root
	k, ok := root.Get("kind")
	switch {
	case !ok:
		return bitol.Errorf(bitol.KindInvalid, "", d.Line(""), "missing property 'kind': a data product says kind: %s", Kind)
	case k != Kind:
		return bitol.Errorf(bitol.KindInvalid, "kind", d.Line("kind"), "kind must be %s, not %s", Kind, describe(k))
	}
	v, ok := root.Get("apiVersion")
	if !ok {
		return bitol.Errorf(bitol.KindInvalid, "", d.Line(""), "missing property 'apiVersion': one of %s", strings.Join(APIVersions, ", "))
	}
	for _, a := range APIVersions {
		if v == a {
			return nil
		}
	}
	return bitol.Errorf(bitol.KindInvalid, "apiVersion", d.Line("apiVersion"),
		"apiVersion %s is not supported: use one of %s", describe(v), strings.Join(APIVersions, ", "))
}

func describe(v any) string {
	if s, ok := v.(string); ok {
		return "'" + s + "'"
	}
	b, err := json.Marshal(bitol.Plain(v))
	if err != nil {
		return "?"
	}
	return string(b)
}
