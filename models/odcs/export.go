package odcs

import (
	"github.com/meshport/meshport/models/bitol"
)

// Key orders of the export: the order of the ODCS documentation where it
// has one; keys not listed follow in the author's order.
var (
	topOrder = []string{
		"apiVersion", "kind", "id", "name", "version", "status", "tenant",
		"domain", "dataProduct", "tags", "description", "schema", "servers",
		"team", "roles", "support", "price", "slaDefaultElement",
		"slaProperties", "authoritativeDefinitions", "customProperties",
		"contractCreatedTs",
	}
	objectOrder = []string{
		"id", "name", "physicalName", "physicalType", "logicalType",
		"businessName", "description", "dataGranularityDescription", "tags",
		"authoritativeDefinitions", "relationships", "properties", "quality",
		"customProperties",
	}
	propertyOrder = []string{
		"id", "name", "physicalName", "logicalType", "logicalTypeOptions",
		"physicalType", "businessName", "description", "required", "unique",
		"primaryKey", "primaryKeyPosition", "partitioned",
		"partitionKeyPosition", "classification", "criticalDataElement",
		"encryptedName", "transformSourceObjects", "transformLogic",
		"transformDescription", "examples", "tags", "authoritativeDefinitions",
		"relationships", "items", "properties", "quality", "customProperties",
	}
	qualityOrder = []string{
		"id", "name", "type", "description", "dimension", "metric", "rule",
		"arguments", "query", "engine", "implementation", "mustBe",
		"mustNotBe", "mustBeGreaterThan", "mustBeGreaterOrEqualTo",
		"mustBeLessThan", "mustBeLessOrEqualTo", "mustBeBetween",
		"mustNotBeBetween", "unit", "severity", "businessImpact", "method",
		"schedule", "scheduler", "tags", "authoritativeDefinitions",
		"customProperties",
	}
)

// exported is the document as meshport writes it: apiVersion v3.1.0 (the
// v3.0 forms it keeps, such as a team list, are still valid v3.1.0) and
// keys in the standard's order.
func (c *Contract) exported() *bitol.Map {
	root := c.root().Reordered(topOrder)
	root.Set("apiVersion", APIVersion)
	if list := root.List("schema"); list != nil {
		objs := make([]any, len(list))
		for i, v := range list {
			objs[i] = orderObject(v)
		}
		root.Set("schema", objs)
	}
	return root
}

func orderObject(v any) any {
	m, ok := v.(*bitol.Map)
	if !ok {
		return v
	}
	m = m.Reordered(objectOrder)
	orderList(m, "properties", orderProperty)
	orderList(m, "quality", orderQuality)
	return m
}

func orderProperty(v any) any {
	m, ok := v.(*bitol.Map)
	if !ok {
		return v
	}
	m = m.Reordered(propertyOrder)
	orderList(m, "properties", orderProperty)
	if items, ok := m.Value("items").(*bitol.Map); ok {
		m.Set("items", orderProperty(items))
	}
	orderList(m, "quality", orderQuality)
	return m
}

func orderQuality(v any) any {
	if m, ok := v.(*bitol.Map); ok {
		return m.Reordered(qualityOrder)
	}
	return v
}

// orderList reorders the items of a list in place of m (m is a copy).
func orderList(m *bitol.Map, key string, f func(any) any) {
	list := m.List(key)
	if list == nil {
		return
	}
	out := make([]any, len(list))
	for i, v := range list {
		out[i] = f(v)
	}
	m.Set(key, out)
}

// YAML is the contract as ODCS v3.1.0 YAML. Comments of the original are
// not kept.
func (c *Contract) YAML() []byte { return bitol.YAML(c.exported()) }

// JSON is the contract as ODCS v3.1.0 JSON, indented.
func (c *Contract) JSON() []byte { return bitol.JSON(c.exported()) }

// Canonical is the document as it is (apiVersion included) in compact JSON
// with sorted keys: equal contracts give equal bytes.
func (c *Contract) Canonical() []byte { return bitol.Canonical(c.root()) }
