package odcs

import (
	"strings"
	"testing"
)

func TestCompare(t *testing.T) {
	base := mustParse(t, []byte(`apiVersion: v3.1.0
kind: DataContract
id: c1
version: 1.2.3
status: active
schema:
  - name: orders
    physicalName: public.orders
    description: All orders.
    properties:
      - name: id
        logicalType: integer
        physicalType: integer
        required: true
      - name: customer_id
        logicalType: integer
        physicalType: int4
      - name: note
        logicalType: string
        physicalType: varchar(10)
        description: Free text.
      - name: amount
        logicalType: number
        physicalType: numeric(10,2)
`))
	tests := []struct {
		name     string
		from, to string // replaced in the base document
		kind     string
		breaking bool
		bump     string
		detail   string
	}{
		{"removed property", "      - name: customer_id\n        logicalType: integer\n        physicalType: int4\n", "",
			PropertyRemoved, true, Major, "property customer_id was removed from public.orders"},
		{"added property", "      - name: amount\n", "      - name: discount\n        logicalType: number\n      - name: amount\n",
			PropertyAdded, false, Minor, "property discount was added to public.orders"},
		{"logicalType changed", "        logicalType: integer\n        physicalType: int4", "        logicalType: string\n        physicalType: int4",
			TypeChanged, true, Major, "property customer_id of public.orders changed type from integer to string"},
		{"varchar widened", "varchar(10)", "varchar(20)", TypeWidened, false, Minor, "widened from varchar(10) to varchar(20)"},
		{"varchar to text", "varchar(10)", "text", TypeWidened, false, Minor, ""},
		{"varchar narrowed", "varchar(10)", "varchar(5)", TypeChanged, true, Major, "changed type from varchar(10) to varchar(5)"},
		{"integer to bigint", "physicalType: int4", "physicalType: bigint", TypeWidened, false, Minor, ""},
		{"bigint to integer", "physicalType: integer\n", "physicalType: smallint\n", TypeChanged, true, Major, ""},
		{"integer to numeric", "physicalType: int4", "physicalType: numeric(12)", TypeWidened, false, Minor, ""},
		{"integer to text", "physicalType: int4", "physicalType: text", TypeChanged, true, Major, ""},
		{"numeric widened", "numeric(10,2)", "numeric(12,2)", TypeWidened, false, Minor, ""},
		{"numeric scale narrowed", "numeric(10,2)", "numeric(10,1)", TypeChanged, true, Major, ""},
		{"same type respelled", "physicalType: int4", "physicalType: INTEGER", TypeRespelled, false, Patch, ""},
		{"now required", "        physicalType: int4\n", "        physicalType: int4\n        required: true\n",
			NowRequired, true, Major, "property customer_id of public.orders is now required"},
		{"now optional", "        required: true\n", "        required: false\n", NowOptional, false, Minor, ""},
		{"table renamed", "physicalName: public.orders", "physicalName: public.sales_orders", TableRenamed, true, Major, "table orders (public.orders) was renamed to orders (public.sales_orders)"},
		{"object name changed", "  - name: orders\n", "  - name: sales\n", TableRenamed, true, Major, ""},
		{"table removed", "schema:\n  - name: orders\n    physicalName: public.orders\n", "schema:\n  - name: other\n    physicalName: public.other\n",
			TableRemoved, true, Major, "table public.orders was removed"},
		{"description changed", "Free text.", "Anything the customer wrote.", DescriptionChanged, false, Patch, "the description of property note of public.orders changed"},
		{"object description changed", "All orders.", "Every order.", DescriptionChanged, false, Patch, "the description of public.orders changed"},
		{"classification", "        description: Free text.\n", "        description: Free text.\n        classification: restricted\n",
			ClassificationChanged, false, Minor, ""},
		{"status only", "status: active", "status: deprecated", StatusChanged, false, "", ""},
		{"contract tags", "status: active\n", "status: active\ntags: [sales]\n", DocumentationChanged, false, Patch, ""},
		{"servers", "status: active\n", "status: active\nservers:\n  - server: s3\n    type: s3\n    location: s3://bucket/orders\n", MetadataChanged, false, Minor, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := string(base.YAML())
			if !strings.Contains(doc, tt.from) {
				t.Fatalf("%q is not in the base document", tt.from)
			}
			next := mustParse(t, []byte(strings.Replace(doc, tt.from, tt.to, 1)))
			cmp := Compare(base, next)
			var found *Change
			for i := range cmp.Changes {
				if cmp.Changes[i].Kind == tt.kind {
					found = &cmp.Changes[i]
				}
			}
			if found == nil {
				t.Fatalf("no %q change in %+v", tt.kind, cmp.Changes)
			}
			if found.Breaking != tt.breaking || !strings.Contains(found.Detail, tt.detail) {
				t.Errorf("change = %+v, want breaking %v, detail %q", found, tt.breaking, tt.detail)
			}
			if got := cmp.RequiredBump(); got != tt.bump {
				t.Errorf("RequiredBump = %q, want %q (%+v)", got, tt.bump, cmp.Changes)
			}
		})
	}
}

func TestCompareSame(t *testing.T) {
	for path, data := range examples(t) {
		a, b := mustParse(t, data), mustParse(t, data)
		b = mustParse(t, b.YAML()) // reordered, upgraded: not a change
		if cmp := Compare(a, b); len(cmp.Changes) != 0 || cmp.RequiredBump() != "" {
			t.Errorf("%s: changes %+v", path, cmp.Changes)
		}
	}
}

func TestCompareNested(t *testing.T) {
	doc := `apiVersion: v3.1.0
kind: DataContract
id: c1
version: 1.0.0
status: active
schema:
  - name: events
    properties:
      - name: payload
        logicalType: object
        properties:
          - name: city
            logicalType: string
          - name: zip
            logicalType: string
`
	old := mustParse(t, []byte(doc))
	next := mustParse(t, []byte(strings.Replace(doc, "          - name: zip\n            logicalType: string\n", "", 1)))
	cmp := Compare(old, next)
	if len(cmp.Changes) != 1 || cmp.Changes[0].Kind != PropertyRemoved || cmp.Changes[0].Detail != "property payload.zip was removed from events" ||
		cmp.Changes[0].Path != "schema[0].properties[0].properties[1]" {
		t.Errorf("changes = %+v", cmp.Changes)
	}
}

func TestPhysicalBreaking(t *testing.T) {
	for _, tt := range []struct {
		old, new string
		breaking bool
	}{
		{"varchar(10)", "VARCHAR(20)", false},
		{"varchar(10)", "character varying(10)", false},
		{"char(2)", "varchar(2)", false},
		{"text", "varchar(100)", true},
		{"smallint", "integer", false},
		{"bigint", "int", true},
		{"int", "numeric", false},
		{"bigint", "numeric(10)", true},
		{"real", "double precision", false},
		{"double", "float4", true},
		{"date", "timestamp", true},
		{"uuid", "text", true},
		{"jsonb", "jsonb", false},
		{"tinyint unsigned", "int", false},
	} {
		if got := physicalBreaking(tt.old, tt.new); got != tt.breaking {
			t.Errorf("physicalBreaking(%q, %q) = %v, want %v", tt.old, tt.new, got, tt.breaking)
		}
	}
}
