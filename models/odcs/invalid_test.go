package odcs

import (
	"errors"
	"strings"
	"testing"

	"github.com/meshport/meshport/models/bitol"
)

const valid = `apiVersion: v3.1.0
kind: DataContract
id: orders-contract
version: 1.0.0
status: active
name: orders
schema:
  - name: orders
    physicalName: public.orders
    properties:
      - name: id
        logicalType: integer
      - name: customer_id
        logicalType: integer
      - name: total
        logicalType: number
`

func TestValidBase(t *testing.T) {
	mustParse(t, []byte(valid))
}

func TestInvalidDocuments(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		kind bitol.Kind
		path string
		line int
		msg  string
	}{
		{"unknown top-level key", strings.Replace(valid, "name: orders\n", "name: orders\nowner: ada\n", 1),
			bitol.KindInvalid, "", 7, "property 'owner' is not allowed"},
		{"missing status", strings.Replace(valid, "status: active\n", "", 1),
			bitol.KindInvalid, "", 1, "missing property 'status'"},
		{"wrong apiVersion", strings.Replace(valid, "v3.1.0", "v4.0.0", 1),
			bitol.KindInvalid, "apiVersion", 1, "apiVersion 'v4.0.0' is not supported: use one of v3.0.0, v3.0.1, v3.0.2, v3.1.0"},
		{"v2", strings.Replace(valid, "v3.1.0", "v2.2.0", 1),
			bitol.KindInvalid, "apiVersion", 1, "convert the contract to v3.1.0"},
		{"missing apiVersion", strings.Replace(valid, "apiVersion: v3.1.0\n", "", 1),
			bitol.KindInvalid, "", 1, "missing property 'apiVersion'"},
		{"bad logicalType", strings.Replace(valid, "logicalType: number", "logicalType: money", 1),
			bitol.KindInvalid, "schema[0].properties[2].logicalType", 16, "value must be one of 'string', 'date'"},
		{"broken YAML", strings.Replace(valid, "  - name: orders\n", "  - name: orders\n   bad\n", 1),
			bitol.KindSyntax, "", 10, "YAML syntax error: mapping values are not allowed"},
		{"wrong kind", strings.Replace(valid, "kind: DataContract", "kind: DataProduct", 1),
			bitol.KindInvalid, "kind", 2, "kind must be DataContract, not 'DataProduct'"},
		{"missing kind", strings.Replace(valid, "kind: DataContract\n", "", 1),
			bitol.KindInvalid, "", 1, "missing property 'kind'"},
		{"duplicate key", valid + "status: draft\n",
			bitol.KindSyntax, "status", 17, `duplicate key "status" (first at line 5)`},
		{"alias bomb", valid + aliasBomb(),
			bitol.KindSyntax, "*", 25, "YAML aliases expand to more than 100000 values"},
		{"two documents", valid + "---\n" + valid,
			bitol.KindSyntax, "", 17, "only one YAML document is allowed"},
		{"a list", "- a\n- b\n", bitol.KindInvalid, "", 1, "must be a mapping"},
		{"empty", "", bitol.KindSyntax, "", 0, "the document is empty"},
		{"missing object name", strings.Replace(valid, "  - name: orders\n    physicalName", "  - physicalName", 1),
			bitol.KindInvalid, "schema[0]", 8, "missing property 'name'"},
		{"unknown property key", strings.Replace(valid, "      - name: id\n", "      - name: id\n        colour: red\n", 1),
			bitol.KindInvalid, "schema[0].properties[0]", 12, "property 'colour' is not allowed"},
		{"quality without operator", valid + "    quality:\n      - metric: rowCount\n",
			bitol.KindInvalid, "schema[0].quality[0]", 18, "missing property: one of 'mustBe', 'mustNotBe'"},
		{"wrong type", strings.Replace(valid, "version: 1.0.0", "version: [1]", 1),
			bitol.KindInvalid, "version", 4, "got array, want string"},
		{"infinity", strings.Replace(valid, "version: 1.0.0", "version: .inf", 1),
			bitol.KindInvalid, "version", 4, "infinity"},
		{"team member unknown key", valid + "team:\n  name: t\n  members:\n    - username: ada\n      shoe: 42\n",
			bitol.KindInvalid, "team.members[0]", 21, "property 'shoe' is not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			var be *bitol.Error
			if !errors.As(err, &be) {
				t.Fatalf("err = %v, want a *bitol.Error", err)
			}
			if be.Kind != tt.kind {
				t.Errorf("kind = %v, want %v (%v)", be.Kind, tt.kind, err)
			}
			if len(be.Problems) == 0 {
				t.Fatal("no problems")
			}
			p := be.Problems[0]
			if (p.Path != tt.path && tt.path != "*") || p.Line != tt.line || !strings.Contains(p.Message, tt.msg) {
				t.Errorf("problem = %+v, want path %q line %d message containing %q\nall: %v", p, tt.path, tt.line, tt.msg, err)
			}
		})
	}
}

func aliasBomb() string {
	var sb strings.Builder
	sb.WriteString("customProperties:\n  - property: lol\n    value:\n      a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		sb.WriteString("      " + n + ": &" + n + " [")
		for i := 0; i < 9; i++ {
			if i > 0 {
				sb.WriteString(",")
			}
			sb.WriteString("*" + prev)
		}
		sb.WriteString("]\n")
		prev = n
	}
	return sb.String()
}

func TestTooLarge(t *testing.T) {
	var doc strings.Builder
	doc.WriteString(valid + "customProperties:\n")
	for doc.Len() < 3<<20 {
		doc.WriteString("  - property: padding\n    value: " + strings.Repeat("x", 1000) + "\n")
	}
	_, err := Parse([]byte(doc.String()))
	if !errors.Is(err, bitol.ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	if !strings.Contains(err.Error(), "the limit is 2.0 MB") {
		t.Errorf("message = %v", err)
	}
}

func TestErrorRendering(t *testing.T) {
	_, err := Parse([]byte(strings.Replace(valid, "logicalType: number", "logicalType: money", 1)))
	want := "schema[0].properties[2].logicalType: value must be one of 'string', 'date', 'timestamp', 'time', 'number', 'integer', 'object', 'array', 'boolean' (line 16)"
	if err == nil || err.Error() != want {
		t.Errorf("Error() = %v\nwant %s", err, want)
	}
	if !errors.Is(err, bitol.ErrInvalid) || errors.Is(err, bitol.ErrSyntax) {
		t.Error("errors.Is does not tell the kind")
	}
}

func TestJSONInput(t *testing.T) {
	c := mustParse(t, []byte(`{"apiVersion": "v3.0.2", "kind": "DataContract", "id": "x", "version": "1.0.0", "status": "draft",
	  "schema": [{"name": "t", "properties": [{"name": "a", "logicalType": "date", "examples": ["2024-01-01", 3, 1.5e3]}]}]}`))
	if c.APIVersion() != "v3.0.2" || c.Objects()[0].Properties[0].LogicalType != "date" {
		t.Errorf("parsed = %s", c.Canonical())
	}
	if got := string(c.Canonical()); !strings.Contains(got, `"examples":["2024-01-01",3,1.5e3]`) {
		t.Errorf("canonical = %s", got)
	}
}
