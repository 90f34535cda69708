package odcs

import (
	"github.com/meshport/meshport/models/bitol"
)

// Edit is what meshport's contract form changes. Version and Status are
// required by ODCS, so "" leaves them as they are; Name and Purpose are
// set as given, "" removing them (a cleared field). Objects nil leaves the
// schema as it is; otherwise it lists every object kept, in order.
type Edit struct {
	Version string
	Status  string
	Name    string
	Purpose string // description.purpose
	Objects []ObjectEdit
}

// ObjectEdit edits one schema object. Keys the form does not show
// (quality, relationships, customProperties...) are kept.
type ObjectEdit struct {
	// Index is the object's position in the current schema, -1 for a new
	// object.
	Index        int
	Name         string
	PhysicalName string
	Description  string
	// Properties nil keeps the object's properties; otherwise it lists
	// every property kept, in order.
	Properties []PropertyEdit
}

// PropertyEdit edits one property. The existing property whose name is
// OriginalName (Name when empty) is the one edited, so that its other keys
// (customProperties, quality, logicalTypeOptions...) are kept.
type PropertyEdit struct {
	Name           string
	OriginalName   string
	LogicalType    string
	PhysicalType   string
	Required       bool
	Unique         bool
	PrimaryKey     bool
	Classification string
	Description    string
}

// WithEdit returns a new contract with e applied; c is not changed. The
// result is validated: an edit that makes the contract invalid returns the
// problems (a *bitol.Error of KindInvalid).
func (c *Contract) WithEdit(e Edit) (*Contract, error) {
	root := c.root().Clone()
	if e.Version != "" {
		root.Set("version", e.Version)
	}
	if e.Status != "" {
		root.Set("status", e.Status)
	}
	root.SetString("name", e.Name)
	desc := root.Map("description")
	if desc == nil && e.Purpose != "" {
		desc = bitol.NewMap()
		root.Set("description", desc)
	}
	if desc != nil {
		desc.SetString("purpose", e.Purpose)
	}
	if e.Objects != nil {
		objs, err := editObjects(root.List("schema"), e.Objects)
		if err != nil {
			return nil, err
		}
		root.Set("schema", objs)
	}
	d := bitol.NewDoc(root)
	if err := validate(d); err != nil {
		return nil, err
	}
	return &Contract{doc: d}, nil
}

func editObjects(old []any, edits []ObjectEdit) ([]any, error) {
	out := make([]any, 0, len(edits))
	for i, oe := range edits {
		var m *bitol.Map
		switch {
		case oe.Index < 0:
			m = bitol.NewMap()
		case oe.Index < len(old):
			m, _ = old[oe.Index].(*bitol.Map)
		}
		if m == nil {
			return nil, bitol.Errorf(bitol.KindInvalid, bitol.Index("schema", oe.Index), 0, "object %d of the edit refers to schema object %d, which does not exist", i, oe.Index)
		}
		m.SetString("name", oe.Name)
		m.SetString("physicalName", oe.PhysicalName)
		m.SetString("description", oe.Description)
		if oe.Properties != nil {
			m.Set("properties", editProperties(m.List("properties"), oe.Properties))
		}
		out = append(out, m)
	}
	return out, nil
}

func editProperties(old []any, edits []PropertyEdit) []any {
	byName := map[string]*bitol.Map{}
	for _, v := range old {
		if m, ok := v.(*bitol.Map); ok {
			if n := m.String("name"); n != "" && byName[n] == nil {
				byName[n] = m
			}
		}
	}
	out := make([]any, 0, len(edits))
	for _, pe := range edits {
		orig := pe.OriginalName
		if orig == "" {
			orig = pe.Name
		}
		m := byName[orig]
		if m == nil {
			m = bitol.NewMap()
		} else {
			delete(byName, orig) // one edit per existing property
		}
		m.SetString("name", pe.Name)
		m.SetString("logicalType", pe.LogicalType)
		m.SetString("physicalType", pe.PhysicalType)
		setFlag(m, "required", pe.Required)
		setFlag(m, "unique", pe.Unique)
		setFlag(m, "primaryKey", pe.PrimaryKey)
		m.SetString("classification", pe.Classification)
		m.SetString("description", pe.Description)
		out = append(out, m)
	}
	return out
}

// setFlag writes true, and false only where the document already says
// something: ODCS defaults these flags to false, and a new property should
// not list every default.
func setFlag(m *bitol.Map, key string, v bool) {
	if v || m.Has(key) {
		m.Set(key, v)
	}
}

// SetVersion returns a copy of c with another version.
func (c *Contract) SetVersion(v string) *Contract { return c.with("version", v) }

// SetStatus returns a copy of c with another status.
func (c *Contract) SetStatus(s string) *Contract { return c.with("status", s) }

// with sets a top-level string, which cannot make a valid contract
// invalid (version and status are plain strings).
func (c *Contract) with(key, v string) *Contract {
	root := c.root().Clone()
	root.Set(key, v)
	return &Contract{doc: bitol.NewDoc(root)}
}
