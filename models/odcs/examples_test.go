package odcs

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshport/meshport/models/bitol"
)

// examples returns the official ODCS examples, by path.
func examples(t testing.TB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir("testdata/examples", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return err
		}
		b, err := os.ReadFile(path)
		out[path] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 18 {
		t.Fatalf("found %d examples, want the 18 official ones", len(out))
	}
	return out
}

func mustParse(t testing.TB, data []byte) *Contract {
	t.Helper()
	c, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return c
}

// withoutAPIVersion is the canonical form of a contract, whatever
// apiVersion it declares (the export upgrades it).
func withoutAPIVersion(c *Contract) []byte {
	root := c.root().Clone()
	root.Delete("apiVersion")
	return bitol.Canonical(root)
}

func TestExamplesParseAndRoundTrip(t *testing.T) {
	for path, data := range examples(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			c := mustParse(t, data)
			for format, out := range map[string][]byte{"yaml": c.YAML(), "json": c.JSON()} {
				back, err := Parse(out)
				if err != nil {
					t.Fatalf("%s export does not parse: %v\n%s", format, err, out)
				}
				if back.APIVersion() != APIVersion {
					t.Errorf("%s export apiVersion = %s, want %s", format, back.APIVersion(), APIVersion)
				}
				if got, want := withoutAPIVersion(back), withoutAPIVersion(c); !bytes.Equal(got, want) {
					t.Errorf("%s export differs from the original:\n got %s\nwant %s", format, got, want)
				}
				// A second export is the same bytes: the export is stable.
				again := map[string][]byte{"yaml": back.YAML(), "json": back.JSON()}[format]
				if !bytes.Equal(again, out) {
					t.Errorf("%s export is not stable", format)
				}
			}
		})
	}
}

func TestDatesStayStrings(t *testing.T) {
	// Unquoted in the example: YAML would make them timestamps.
	c := mustParse(t, readExample(t, "fundamentals/table-column-description.odcs.yaml"))
	examples := c.Document()["schema"].([]any)[0].(map[string]any)["properties"].([]any)[0].(map[string]any)["examples"].([]any)
	if examples[0] != "2022-10-03" || examples[1] != "2025-01-28" {
		t.Fatalf("examples = %#v, want the date strings", examples)
	}
	if y := string(c.YAML()); !strings.Contains(y, `- "2022-10-03"`) {
		t.Errorf("the export does not quote the date:\n%s", y)
	}

	full := mustParse(t, readExample(t, "all/full-example.odcs.yaml"))
	member := full.Document()["team"].(map[string]any)["members"].([]any)[0].(map[string]any)
	if member["dateIn"] != "2022-08-02" {
		t.Errorf("dateIn = %#v", member["dateIn"])
	}
	if ts := full.Document()["contractCreatedTs"]; ts != "2022-11-15T02:59:43+00:00" {
		t.Errorf("contractCreatedTs = %#v", ts)
	}
	back := mustParse(t, full.YAML())
	if back.Document()["team"].(map[string]any)["members"].([]any)[0].(map[string]any)["dateIn"] != "2022-08-02" {
		t.Error("dateIn is not a string after a round trip")
	}
}

func readExample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata/examples", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAccessorsFullExample(t *testing.T) {
	c := mustParse(t, readExample(t, "all/full-example.odcs.yaml"))
	if c.APIVersion() != "v3.1.0" || c.ID() != "53581432-6c55-4ba2-a65f-72344a91553a" || c.Version() != "1.1.0" ||
		c.Status() != "active" || c.Domain() != "seller" || c.DataProduct() != "my quantum" || c.Tenant() != "ClimateQuantumInc" {
		t.Errorf("header: %s %s %s %s %s %s %s", c.APIVersion(), c.ID(), c.Version(), c.Status(), c.Domain(), c.DataProduct(), c.Tenant())
	}
	if d := c.Description(); d.Purpose != "Views built on top of the seller tables." || d.Usage != "Predict sales over time" || d.Limitations == "" {
		t.Errorf("description = %+v", d)
	}
	if tags := c.Tags(); len(tags) != 1 || tags[0] != "transactions" {
		t.Errorf("tags = %v", tags)
	}
	if cps := c.CustomProperties(); len(cps) != 3 || cps[0].Property != "refRulesetName" {
		t.Errorf("customProperties = %v", cps)
	}
	objs := c.Objects()
	if len(objs) != 2 {
		t.Fatalf("objects = %d", len(objs))
	}
	o := objs[0]
	if o.Name != "tbl" || o.PhysicalName != "tbl_1" || o.Table() != "tbl_1" || o.PhysicalType != "table" || len(o.Properties) != 3 {
		t.Errorf("object = %+v", o)
	}
	if len(o.Quality) != 1 || o.Quality[0].Metric != "rowCount" || o.Quality[0].Operator != "mustBeGreaterThan" ||
		o.Quality[0].Value != 1000000.0 || o.Quality[0].Column != "" || o.Quality[0].Object != "tbl" || o.Quality[0].Index != "schema[0].quality[0]" {
		t.Errorf("object quality = %+v", o.Quality)
	}
	p := o.Properties[0]
	if p.Name != "transaction_reference_date" || p.PhysicalName != "txn_ref_dt" || p.Column() != "txn_ref_dt" || p.LogicalType != "date" ||
		p.PhysicalType != "date" || p.Required || p.PrimaryKey || p.PrimaryKeyPosition != -1 || p.Classification != "public" {
		t.Errorf("property = %+v", p)
	}
	q := o.Properties[2].Quality
	if len(q) != 1 || q[0].Metric != "nullValues" || q[0].Operator != "mustBe" || q[0].Value != 0.0 || q[0].Type != "library" ||
		q[0].Unit != "rows" || q[0].Severity != "error" || q[0].Dimension != "completeness" || q[0].Column != "rcvr_cntry_code" ||
		q[0].Index != "schema[0].properties[2].quality[0]" {
		t.Errorf("property quality = %+v", q)
	}
	if pk := o.Properties[1]; !pk.PrimaryKey || pk.PrimaryKeyPosition != 1 {
		t.Errorf("rcvr_id = %+v", pk)
	}
	if c.Line("schema[0].properties[1].name") != 93 {
		t.Errorf("line of rcvr_id = %d", c.Line("schema[0].properties[1].name"))
	}
}

func TestQualityRules(t *testing.T) {
	validity := mustParse(t, readExample(t, "quality/column-validity.odcs.yaml")).Objects()[0].Properties[0].Quality[0]
	if validity.Metric != "invalidValues" || validity.Operator != "mustBeLessOrEqualTo" || validity.Value != 5.0 || validity.Unit != "percent" {
		t.Errorf("validity = %+v", validity)
	}
	if vv, ok := validity.Arguments["validValues"].([]any); !ok || len(vv) != 3 || vv[0] != "" || vv[1] != nil || vv[2] != "n/a" {
		t.Errorf("validValues = %#v", validity.Arguments)
	}
	accuracy := mustParse(t, readExample(t, "quality/column-accuracy.odcs.yaml")).Objects()[0].Properties[0].Quality[0]
	if accuracy.Type != "sql" || !strings.HasPrefix(accuracy.Query, "select count(*)") || accuracy.Operator != "mustBe" {
		t.Errorf("accuracy = %+v", accuracy)
	}
	custom := mustParse(t, readExample(t, "quality/column-custom.odcs.yaml")).Objects()[0].Properties[0].Quality
	if custom[0].Type != "custom" || custom[0].Engine != "soda" || custom[0].Operator != "" {
		t.Errorf("custom = %+v", custom[0])
	}
	if _, ok := custom[1].Implementation.(map[string]any); !ok {
		t.Errorf("custom implementation = %#v", custom[1].Implementation)
	}

	between := []byte(`apiVersion: v3.0.2
kind: DataContract
id: x
version: 1.0.0
status: active
schema:
  - name: orders
    quality:
      - metric: rowCount
        mustBeBetween: [10, 20]
`)
	q := mustParse(t, between).Objects()[0].Quality[0]
	if q.Metric != "rowCount" || q.Operator != "mustBeBetween" || len(q.Values) != 2 || q.Values[0] != 10 || q.Values[1] != 20 || q.Type != "library" {
		t.Errorf("between = %+v", q)
	}

	// ODCS v3.0 named the metric "rule" (the v3.1.0 schema wants metric
	// beside it, but a document built in code may have rule alone).
	m := bitol.NewMap()
	m.Set("rule", "duplicateValues")
	if rules := readQuality([]any{m}, "schema[0].quality", "orders", ""); rules[0].Metric != "duplicateValues" {
		t.Errorf("rule = %+v", rules[0])
	}
}

func TestObjectFor(t *testing.T) {
	c := mustParse(t, []byte(`apiVersion: v3.1.0
kind: DataContract
id: x
version: 1.0.0
status: active
schema:
  - name: orders
    physicalName: sales.orders_v2
  - name: Customers
  - name: public.items
`))
	for table, want := range map[string]string{
		"sales.orders_v2": "orders", "ORDERS_V2": "orders", "orders": "orders",
		"customers": "Customers", "crm.customers": "Customers", "items": "public.items", "public.items": "public.items",
	} {
		o, ok := c.ObjectFor(table)
		if !ok || o.Name != want {
			t.Errorf("ObjectFor(%q) = %v, %v; want %s", table, o, ok, want)
		}
	}
	if _, ok := c.ObjectFor("payments"); ok {
		t.Error("ObjectFor(payments) found something")
	}
}
