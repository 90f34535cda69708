package odcs

import (
	"github.com/meshport/meshport/models/bitol"
)

// Contract is a parsed (or built) data contract. It is immutable: edits
// return a new Contract, so one parsed contract can be shared.
type Contract struct {
	doc *bitol.Doc
}

// Description is the contract's description block.
type Description struct {
	Purpose     string
	Usage       string
	Limitations string
}

func (c *Contract) root() *bitol.Map { return c.doc.Root }

// APIVersion is the ODCS version the document declares.
func (c *Contract) APIVersion() string { return c.root().String("apiVersion") }

// ID is the contract's id (often a UUID).
func (c *Contract) ID() string { return c.root().String("id") }

// Name is the contract's name ("" when it has none).
func (c *Contract) Name() string { return c.root().String("name") }

// Version is the contract's own version, semver by convention.
func (c *Contract) Version() string { return c.root().String("version") }

// Status is the lifecycle status: proposed, draft, active, deprecated,
// retired (ODCS lists these as examples, any string is valid).
func (c *Contract) Status() string { return c.root().String("status") }

// Domain is the logical data domain.
func (c *Contract) Domain() string { return c.root().String("domain") }

// DataProduct is the data product's name (deprecated since ODCS v3.1.0).
func (c *Contract) DataProduct() string { return c.root().String("dataProduct") }

// Tenant is the organisation the data belongs to.
func (c *Contract) Tenant() string { return c.root().String("tenant") }

// Tags are the contract's top-level tags.
func (c *Contract) Tags() []string { return stringList(c.root().List("tags")) }

// Description returns purpose, usage and limitations.
func (c *Contract) Description() Description {
	d := c.root().Map("description")
	return Description{Purpose: d.String("purpose"), Usage: d.String("usage"), Limitations: d.String("limitations")}
}

// CustomProperties are the top-level custom properties.
func (c *Contract) CustomProperties() []bitol.CustomProperty {
	return bitol.CustomProperties(c.root().List("customProperties"))
}

// Line is the line of a path (schema[0].properties[1]) in the parsed
// document, 0 for a contract built or edited in code.
func (c *Contract) Line(path string) int { return c.doc.Line(path) }

// Document returns a copy of the whole document as plain values
// (map[string]any...), for callers that need what accessors do not give.
func (c *Contract) Document() map[string]any {
	m, _ := bitol.Plain(c.root()).(map[string]any)
	return m
}

func stringList(list []any) []string {
	var out []string
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
