package odcs

import (
	"encoding/json"
	stdstrings "strings"

	"github.com/meshport/meshport/models/bitol"
)

// Object is one element of the contract's schema: a table, view, topic or
// file.
type Object struct {
	Name         string
	PhysicalName string
	PhysicalType string
	LogicalType  string
	Description  string
	// Properties are the object's top-level properties (its columns).
	// Properties nested in object or array properties are not listed: drift
	// checks compare database columns, which are flat.
	Properties []Property
	// Quality are the object-level rules (Column "").
	Quality []QualityRule
	// Path is the object's place in the document: schema[0].
	Path string
}

// Table is the name of the object in the data source: its physicalName,
// else its name.
func (o *Object) Table() string {
	if o.PhysicalName != "" {
		return o.PhysicalName
	}
	return o.Name
}

// Property is one property (column) of an object.
type Property struct {
	Name               string
	PhysicalName       string
	LogicalType        string
	PhysicalType       string
	Required           bool
	Unique             bool
	PrimaryKey         bool
	PrimaryKeyPosition int // -1 when not given (ODCS's default)
	Classification     string
	Description        string
	// LogicalTypeOptions are plain values; numbers are float64.
	LogicalTypeOptions map[string]any
	Quality            []QualityRule
	// Path is the property's place in the document: schema[0].properties[1].
	Path string
}

// Column is the name of the property in the data source: its
// physicalName, else its name.
func (p *Property) Column() string {
	if p.PhysicalName != "" {
		return p.PhysicalName
	}
	return p.Name
}

// Objects returns the schema objects, in document order.
func (c *Contract) Objects() []Object {
	list := c.root().List("schema")
	out := make([]Object, 0, len(list))
	for i, v := range list {
		m, ok := v.(*bitol.Map)
		if !ok {
			continue
		}
		out = append(out, readObject(m, bitol.Index("schema", i)))
	}
	return out
}

func readObject(m *bitol.Map, path string) Object {
	o := Object{
		Name:         m.String("name"),
		PhysicalName: m.String("physicalName"),
		PhysicalType: m.String("physicalType"),
		LogicalType:  m.String("logicalType"),
		Description:  m.String("description"),
		Path:         path,
	}
	o.Quality = readQuality(m.List("quality"), bitol.Key(path, "quality"), o.Name, "")
	for i, v := range m.List("properties") {
		pm, ok := v.(*bitol.Map)
		if !ok {
			continue
		}
		o.Properties = append(o.Properties, readProperty(pm, bitol.Index(bitol.Key(path, "properties"), i), o.Name))
	}
	return o
}

func readProperty(m *bitol.Map, path, object string) Property {
	p := Property{
		Name:               m.String("name"),
		PhysicalName:       m.String("physicalName"),
		LogicalType:        m.String("logicalType"),
		PhysicalType:       m.String("physicalType"),
		Classification:     m.String("classification"),
		Description:        m.String("description"),
		PrimaryKeyPosition: -1,
		Path:               path,
	}
	p.Required, _ = m.Bool("required")
	p.Unique, _ = m.Bool("unique")
	p.PrimaryKey, _ = m.Bool("primaryKey")
	if n, ok := number(m.Value("primaryKeyPosition")); ok {
		p.PrimaryKeyPosition = int(n)
	}
	if o, ok := floats(m.Value("logicalTypeOptions")).(map[string]any); ok {
		p.LogicalTypeOptions = o
	}
	p.Quality = readQuality(m.List("quality"), bitol.Key(path, "quality"), object, p.Name)
	return p
}

// ObjectFor finds the object describing a table: case-insensitively by
// physicalName, then by name, also matching on the last dotted part so
// that public.orders finds orders and the other way round.
func (c *Contract) ObjectFor(table string) (*Object, bool) {
	objs := c.Objects()
	last := func(s string) string {
		if i := stdstrings.LastIndexByte(s, '.'); i >= 0 {
			return s[i+1:]
		}
		return s
	}
	matchers := []func(a, b string) bool{
		func(a, b string) bool { return a != "" && stdstrings.EqualFold(a, b) },
		func(a, b string) bool { return a != "" && stdstrings.EqualFold(last(a), last(b)) },
	}
	for _, match := range matchers {
		for _, field := range []func(o *Object) string{
			func(o *Object) string { return o.PhysicalName },
			func(o *Object) string { return o.Name },
		} {
			for i := range objs {
				if match(field(&objs[i]), table) {
					return &objs[i], true
				}
			}
		}
	}
	return nil, false
}

// number reads a json.Number (or float64) as a float64.
func number(v any) (float64, bool) {
	switch t := v.(type) {
	case json.Number:
		f, err := t.Float64()
		return f, err == nil
	case float64:
		return t, true
	}
	return 0, false
}

// floats converts a tree value to plain values with float64 numbers, which
// Go callers compare more easily than json.Number.
func floats(v any) any {
	switch t := v.(type) {
	case *bitol.Map:
		out := make(map[string]any, t.Len())
		for _, k := range t.Keys() {
			out[k] = floats(t.Value(k))
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = floats(x)
		}
		return out
	case json.Number:
		if f, err := t.Float64(); err == nil {
			return f
		}
		return string(t)
	}
	return v
}
