package odps

import (
	"github.com/meshport/meshport/models/bitol"
)

// topOrder is the order of the ODPS documentation; other keys follow in
// the author's order.
var topOrder = []string{
	"apiVersion", "kind", "id", "name", "version", "status", "domain",
	"tenant", "authoritativeDefinitions", "description", "customProperties",
	"tags", "inputPorts", "outputPorts", "managementPorts", "support", "team",
	"productCreatedTs",
}

func (p *Product) exported() *bitol.Map {
	root := p.root().Reordered(topOrder)
	root.Set("apiVersion", APIVersion)
	return root
}

// YAML is the product as ODPS v1.0.0 YAML (comments are not kept).
func (p *Product) YAML() []byte { return bitol.YAML(p.exported()) }

// JSON is the product as ODPS v1.0.0 JSON, indented.
func (p *Product) JSON() []byte { return bitol.JSON(p.exported()) }

// Canonical is the document as it is in compact JSON with sorted keys.
func (p *Product) Canonical() []byte { return bitol.Canonical(p.root()) }

// Validate checks the product against the ODPS v1.0.0 schema.
func (p *Product) Validate() error { return validate(bitol.NewDoc(p.exported())) }
