package odcs

import (
	"encoding/json"
	"strings"

	"github.com/meshport/meshport/models/bitol"
)

// MaxBytes is the largest document Parse reads. The biggest official
// example is 190 KB; 2 MB leaves room while bounding the memory a request
// can take.
const MaxBytes = 2 << 20

// Kind is the only kind of document this package reads.
const Kind = "DataContract"

// APIVersion is the ODCS version meshport writes.
const APIVersion = "v3.1.0"

// APIVersions are the versions Parse accepts. All are validated against
// the v3.1.0 schema, which accepts their documents.
var APIVersions = []string{"v3.0.0", "v3.0.1", "v3.0.2", "v3.1.0"}

// Parse reads a data contract in YAML or JSON and validates it. Errors are
// *bitol.Error: Kind KindTooLarge (over MaxBytes), KindSyntax (not one
// well-formed document) or KindInvalid (not a valid ODCS v3 contract),
// with the path and line of each problem.
func Parse(data []byte) (*Contract, error) {
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
	return &Contract{doc: d}, nil
}

// checkHeader refuses documents that are not ODCS v3 contracts before the
// schema does, with a message that says what to do rather than listing
// every property the schema does not know.
func checkHeader(d *bitol.Doc) error {
	root := d.Root
	k, ok := root.Get("kind")
	switch {
	case !ok:
		return bitol.Errorf(bitol.KindInvalid, "", d.Line(""), "missing property 'kind': a data contract says kind: %s", Kind)
	case k != Kind:
		return bitol.Errorf(bitol.KindInvalid, "kind", d.Line("kind"), "kind must be %s, not %v", Kind, describe(k))
	}
	v, ok := root.Get("apiVersion")
	if !ok {
		return bitol.Errorf(bitol.KindInvalid, "", d.Line(""), "missing property 'apiVersion': one of %s", strings.Join(APIVersions, ", "))
	}
	s, _ := v.(string)
	for _, a := range APIVersions {
		if s == a {
			return nil
		}
	}
	if strings.HasPrefix(s, "v2.") || strings.HasPrefix(s, "2.") {
		return bitol.Errorf(bitol.KindInvalid, "apiVersion", d.Line("apiVersion"),
			"ODCS %s (v2) is not supported: convert the contract to v3.1.0 first, for example with the datacontract CLI (datacontract import --format odcs) or following the ODCS v2 to v3 migration notes", s)
	}
	return bitol.Errorf(bitol.KindInvalid, "apiVersion", d.Line("apiVersion"),
		"apiVersion %s is not supported: use one of %s", describe(v), strings.Join(APIVersions, ", "))
}

// describe shows a value as it would appear in JSON, for messages.
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
