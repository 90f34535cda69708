package odcs

import (
	"errors"
	"strings"
	"testing"

	"github.com/meshport/meshport/models/bitol"
)

const editable = `apiVersion: v3.0.2
kind: DataContract
id: orders-contract
version: 1.0.0
status: draft
name: orders
description:
  purpose: Orders of the shop.
  usage: Reporting.
schema:
  - name: orders
    physicalName: public.orders
    quality:
      - metric: rowCount
        mustBeGreaterThan: 0
    properties:
      - name: id
        logicalType: integer
        required: true
      - name: email
        logicalType: string
        logicalTypeOptions:
          format: email
        classification: restricted
        customProperties:
          - property: pii
            value: true
        quality:
          - metric: nullValues
            mustBe: 0
      - name: legacy
        logicalType: string
`

func TestWithEdit(t *testing.T) {
	c := mustParse(t, []byte(editable))
	e, err := c.WithEdit(Edit{
		Version: "1.1.0", Status: "active", Name: "shop orders", Purpose: "Every order.",
		Objects: []ObjectEdit{{
			Index: 0, Name: "orders", PhysicalName: "public.orders", Description: "The orders.",
			Properties: []PropertyEdit{
				{Name: "id", LogicalType: "integer", PhysicalType: "bigint", Required: true, PrimaryKey: true},
				{Name: "customer_email", OriginalName: "email", LogicalType: "string", Classification: "confidential"},
				{Name: "placed_at", LogicalType: "timestamp"},
			},
		}, {Index: -1, Name: "customers"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if e.Version() != "1.1.0" || e.Status() != "active" || e.Name() != "shop orders" || e.Description().Purpose != "Every order." || e.Description().Usage != "Reporting." {
		t.Errorf("header = %s %s %s %+v", e.Version(), e.Status(), e.Name(), e.Description())
	}
	objs := e.Objects()
	if len(objs) != 2 || objs[1].Name != "customers" || objs[0].Description != "The orders." || len(objs[0].Quality) != 1 {
		t.Fatalf("objects = %+v", objs)
	}
	props := objs[0].Properties
	if len(props) != 3 || props[0].Name != "id" || props[1].Name != "customer_email" || props[2].Name != "placed_at" {
		t.Fatalf("properties = %+v", props)
	}
	if !props[0].PrimaryKey || props[0].PhysicalType != "bigint" || !props[0].Required {
		t.Errorf("id = %+v", props[0])
	}
	email := e.Document()["schema"].([]any)[0].(map[string]any)["properties"].([]any)[1].(map[string]any)
	if cps, ok := email["customProperties"].([]any); !ok || len(cps) != 1 {
		t.Errorf("customProperties of the renamed property were lost: %#v", email)
	}
	if props[1].Classification != "confidential" || props[1].LogicalTypeOptions["format"] != "email" || len(props[1].Quality) != 1 {
		t.Errorf("customer_email = %+v", props[1])
	}
	if _, ok := email["unique"]; ok {
		t.Error("a false flag was added where the document had none")
	}
	// The original is unchanged.
	if c.Version() != "1.0.0" || len(c.Objects()[0].Properties) != 3 || c.Objects()[0].Properties[1].Name != "email" {
		t.Error("WithEdit changed the original contract")
	}
	// The edit exports and parses back.
	back := mustParse(t, e.YAML())
	if string(withoutAPIVersion(back)) != string(withoutAPIVersion(e)) {
		t.Error("the edit does not round trip")
	}
	// The breaking change shows.
	if cmp := Compare(c, e); cmp.RequiredBump() != Major {
		t.Errorf("bump = %s: %+v", cmp.RequiredBump(), cmp.Changes)
	}
}

func TestWithEditKeepsSchemaWhenObjectsNil(t *testing.T) {
	c := mustParse(t, []byte(editable))
	e, err := c.WithEdit(Edit{Name: "orders", Purpose: "Orders of the shop."})
	if err != nil {
		t.Fatal(err)
	}
	if string(e.Canonical()) != string(c.Canonical()) {
		t.Errorf("an empty edit changed the contract:\n%s\n%s", e.Canonical(), c.Canonical())
	}
}

func TestWithEditInvalid(t *testing.T) {
	c := mustParse(t, []byte(editable))
	_, err := c.WithEdit(Edit{Objects: []ObjectEdit{{Index: 0, Name: "orders", Properties: []PropertyEdit{{Name: "id", LogicalType: "money"}}}}})
	var be *bitol.Error
	if !errors.As(err, &be) || be.Kind != bitol.KindInvalid || be.Problems[0].Path != "schema[0].properties[0].logicalType" {
		t.Fatalf("err = %v", err)
	}
	_, err = c.WithEdit(Edit{Objects: []ObjectEdit{{Index: 0, Name: ""}}})
	if err == nil || !strings.Contains(err.Error(), "missing property 'name'") {
		t.Errorf("err = %v", err)
	}
	_, err = c.WithEdit(Edit{Objects: []ObjectEdit{{Index: 7, Name: "x"}}})
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("err = %v", err)
	}
}

func TestSetVersionStatus(t *testing.T) {
	c := mustParse(t, []byte(editable))
	n := c.SetVersion("2.0.0").SetStatus("active")
	if n.Version() != "2.0.0" || n.Status() != "active" || c.Version() != "1.0.0" {
		t.Errorf("%s %s %s", n.Version(), n.Status(), c.Version())
	}
}

func TestNew(t *testing.T) {
	c := New("c-1", "orders", "1.0.0")
	back := mustParse(t, c.YAML())
	if back.ID() != "c-1" || back.Name() != "orders" || back.Version() != "1.0.0" || back.Status() != "draft" || back.APIVersion() != "v3.1.0" {
		t.Errorf("New = %s", c.YAML())
	}
}

func TestFromTable(t *testing.T) {
	yes, no := true, false
	cols := []Column{
		{Name: "id", Type: "bigint", Nullable: &no},
		{Name: "email", Type: "character varying(255)", Nullable: &yes},
		{Name: "active", Type: "boolean"},
		{Name: "placed_at", Type: "timestamp with time zone"},
		{Name: "total", Type: "numeric(10,2)"},
		{Name: "tags", Type: "text[]"},
		{Name: "meta", Type: "jsonb"},
		{Name: "born", Type: "date"},
		{Name: "opens", Type: "time"},
	}
	c := FromTable("c-1", "orders", "public.orders", cols, "postgres")
	if _, err := Parse(c.YAML()); err != nil {
		t.Fatalf("FromTable output does not validate: %v\n%s", err, c.YAML())
	}
	o, ok := c.ObjectFor("public.orders")
	if !ok || o.Name != "orders" || o.PhysicalName != "public.orders" || o.PhysicalType != "table" {
		t.Fatalf("object = %+v", o)
	}
	want := []string{"integer", "string", "boolean", "timestamp", "number", "array", "object", "date", "time"}
	for i, p := range o.Properties {
		if p.LogicalType != want[i] || p.PhysicalType != cols[i].Type {
			t.Errorf("%s: %s %s, want %s", p.Name, p.LogicalType, p.PhysicalType, want[i])
		}
	}
	if !o.Properties[0].Required || o.Properties[1].Required {
		t.Error("required does not follow nullable")
	}
	if _, ok := c.Document()["schema"].([]any)[0].(map[string]any)["properties"].([]any)[2].(map[string]any)["required"]; ok {
		t.Error("required written though nullability is unknown")
	}
}

func TestLogicalType(t *testing.T) {
	for _, tt := range []struct{ dialect, typ, want string }{
		{"mysql", "tinyint(1)", "boolean"},
		{"mysql", "int(11) unsigned", "integer"},
		{"mysql", "datetime(6)", "timestamp"},
		{"mysql", "decimal(10,2)", "number"},
		{"mysql", "json", "object"},
		{"mysql", "enum('a','b')", "string"},
		{"postgres", "_int4", "array"},
		{"postgres", "double precision", "number"},
		{"postgres", "timestamp(3) without time zone", "timestamp"},
		{"postgres", "uuid", "string"},
		{"sqlite", "INTEGER", "integer"},
		{"sqlite", "VARCHAR(20)", "string"},
		{"sqlite", "DATETIME", "timestamp"},
		{"sqlite", "BOOLEAN", "boolean"},
		{"sqlite", "REAL", "number"},
		{"sqlite", "", "string"},
		{"sqlite", "DECIMAL(5,2)", "number"},
	} {
		if got := LogicalType(tt.dialect, tt.typ); got != tt.want {
			t.Errorf("LogicalType(%s, %q) = %s, want %s", tt.dialect, tt.typ, got, tt.want)
		}
	}
}
