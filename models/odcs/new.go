package odcs

import (
	"strings"

	"github.com/meshport/meshport/models/bitol"
)

// Column is a database column, as a crawl finds it.
type Column struct {
	Name string
	Type string
	// Nullable is nil when the source does not say.
	Nullable *bool
}

// New returns a minimal valid v3.1.0 draft contract.
func New(id, name, version string) *Contract {
	m := bitol.NewMap()
	m.Set("apiVersion", APIVersion)
	m.Set("kind", Kind)
	m.Set("id", id)
	m.SetString("name", name)
	m.Set("version", version)
	m.Set("status", "draft")
	return &Contract{doc: bitol.NewDoc(m)}
}

// FromTable returns a draft contract describing one table: an object whose
// physicalName is table and a property per column, its physicalType the
// database type and its logicalType mapped from it (see LogicalType).
func FromTable(id, name, table string, cols []Column, dialect string) *Contract {
	c := New(id, name, "0.1.0")
	obj := bitol.NewMap()
	short := table
	if i := strings.LastIndexByte(table, '.'); i >= 0 && i < len(table)-1 {
		short = table[i+1:]
	}
	obj.Set("name", short)
	obj.Set("physicalName", table)
	obj.Set("physicalType", "table")
	props := make([]any, 0, len(cols))
	for _, col := range cols {
		p := bitol.NewMap()
		p.Set("name", col.Name)
		p.Set("logicalType", LogicalType(dialect, col.Type))
		p.SetString("physicalType", col.Type)
		if col.Nullable != nil {
			p.Set("required", !*col.Nullable)
		}
		props = append(props, p)
	}
	obj.Set("properties", props)
	c.root().Set("schema", []any{obj})
	return c
}
