package odcs

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/meshport/meshport/models/bitol"
)

// Bumps, from the largest.
const (
	Major = "major"
	Minor = "minor"
	Patch = "patch"
)

// Change kinds.
const (
	TableRemoved          = "table removed"
	TableRenamed          = "table renamed"
	TableAdded            = "added table"
	PropertyRemoved       = "removed property"
	PropertyRenamed       = "property renamed"
	PropertyAdded         = "added property"
	TypeChanged           = "type changed"
	TypeWidened           = "type widened"
	TypeRespelled         = "type respelled"
	NowRequired           = "now required"
	NowOptional           = "now optional"
	ConstraintChanged     = "constraint changed"
	ClassificationChanged = "classification changed"
	QualityChanged        = "quality changed"
	DescriptionChanged    = "description changed"
	DocumentationChanged  = "documentation changed"
	MetadataChanged       = "metadata changed"
	IDChanged             = "id changed"
	StatusChanged         = "status changed"
)

// Change is one difference between two versions of a contract.
type Change struct {
	// Path is where the change is: in the new document, or in the old one
	// for what was removed.
	Path string
	Kind string
	// Breaking changes can break a consumer of the data.
	Breaking bool
	// Bump is the version bump the change needs: major (breaking), minor
	// (additions and other changes to the promise), patch (documentation),
	// "" (none: status).
	Bump string
	// Detail is a sentence for people.
	Detail string
}

// Comparison lists the changes from an old contract to a new one.
type Comparison struct {
	Changes []Change
}

// Breaking returns the breaking changes.
func (cmp Comparison) Breaking() []Change {
	var out []Change
	for _, c := range cmp.Changes {
		if c.Breaking {
			out = append(out, c)
		}
	}
	return out
}

// RequiredBump is the smallest version bump the changes need: "major",
// "minor", "patch", or "" when nothing that needs a new version changed.
func (cmp Comparison) RequiredBump() string {
	return cmp.first().Bump
}

// first returns the change that decides the bump (the first of the largest).
func (cmp Comparison) first() Change {
	best := Change{}
	for _, c := range cmp.Changes {
		if bumpRank(c.Bump) > bumpRank(best.Bump) {
			best = c
		}
	}
	return best
}

func bumpRank(b string) int {
	switch b {
	case Major:
		return 3
	case Minor:
		return 2
	case Patch:
		return 1
	}
	return 0
}

// Compare lists what changed from old to new. Objects are matched by id,
// then name, then physicalName; properties the same way within their
// object, nested properties (of object and array properties) too.
//
// Breaking: removing or renaming a table (its name or physicalName) or a
// property, changing a logicalType, changing a physicalType so that old
// values may not fit (see physicalBreaking), making a property required,
// changing the contract id. Minor: additions, widened types, a property
// made optional, constraints, classification, quality rules, servers, SLAs
// and the other promises. Patch: descriptions, tags, links, team, support.
// Version, apiVersion and status are the versioning itself: a status
// change is listed but needs no new version.
func Compare(old, new *Contract) Comparison {
	var cmp comparer
	cmp.top(old.root(), new.root())
	cmp.objects(old.root().List("schema"), new.root().List("schema"))
	return Comparison{Changes: cmp.changes}
}

type comparer struct {
	changes []Change
}

func (c *comparer) add(path, kind, bump, format string, args ...any) {
	c.changes = append(c.changes, Change{Path: path, Kind: kind, Breaking: bump == Major, Bump: bump, Detail: fmt.Sprintf(format, args...)})
}

// Top-level keys by the bump their change needs.
var topBumps = map[string]string{
	"apiVersion": "", "version": "", "status": "", "kind": "", "schema": "",
	"id":          Major,
	"name":        Patch,
	"description": Patch, "tags": Patch, "authoritativeDefinitions": Patch,
	"team": Patch, "support": Patch, "contractCreatedTs": Patch,
}

func (c *comparer) top(o, n *bitol.Map) {
	if o.String("status") != n.String("status") {
		c.add("status", StatusChanged, "", "the status changed from %s to %s", quoted(o.String("status")), quoted(n.String("status")))
	}
	if o.String("id") != n.String("id") {
		c.add("id", IDChanged, Major, "the contract id changed from %s to %s: it is another contract", quoted(o.String("id")), quoted(n.String("id")))
	}
	for _, k := range unionKeys(o, n) {
		bump, known := topBumps[k]
		if (known && bump == "") || k == "id" || same(o.Value(k), n.Value(k)) {
			continue
		}
		if !known {
			bump = Minor
		}
		kind := MetadataChanged
		switch {
		case k == "description":
			kind = DescriptionChanged
		case bump == Patch:
			kind = DocumentationChanged
		}
		c.add(k, kind, bump, "%s of the contract changed", k)
	}
}

// match pairs the items of two lists of objects or properties, by id, then
// name, then physicalName; -1 marks an item with no partner.
func match(olds, news []*bitol.Map) (oldToNew []int, newToOld []int) {
	oldToNew = fill(len(olds))
	newToOld = fill(len(news))
	for _, key := range []string{"id", "name", "physicalName"} {
		for i, om := range olds {
			if oldToNew[i] >= 0 || om.String(key) == "" {
				continue
			}
			for j, nm := range news {
				if newToOld[j] < 0 && strings.EqualFold(om.String(key), nm.String(key)) && (key != "id" || om.String(key) == nm.String(key)) {
					oldToNew[i], newToOld[j] = j, i
					break
				}
			}
		}
	}
	return oldToNew, newToOld
}

func fill(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = -1
	}
	return s
}

func maps(list []any) []*bitol.Map {
	out := make([]*bitol.Map, 0, len(list))
	for _, v := range list {
		if m, ok := v.(*bitol.Map); ok {
			out = append(out, m)
		} else {
			out = append(out, bitol.NewMap())
		}
	}
	return out
}

func (c *comparer) objects(oldList, newList []any) {
	olds, news := maps(oldList), maps(newList)
	o2n, n2o := match(olds, news)
	for i, om := range olds {
		path := bitol.Index("schema", i)
		if o2n[i] < 0 {
			c.add(path, TableRemoved, Major, "table %s was removed", tableName(om))
			continue
		}
		c.object(om, news[o2n[i]], bitol.Index("schema", o2n[i]))
	}
	for j, nm := range news {
		if n2o[j] < 0 {
			c.add(bitol.Index("schema", j), TableAdded, Minor, "table %s was added", tableName(nm))
		}
	}
}

// renamed reports whether an object or property changed name, or
// physical name (physicalName, else name), and the key to point at.
func renamed(o, n *bitol.Map) (string, bool) {
	switch {
	case o.String("name") != n.String("name"):
		return "name", true
	case tableName(o) != tableName(n):
		return "physicalName", true
	}
	return "", false
}

// describeName is name, with the physical name when it differs.
func describeName(m *bitol.Map) string {
	if p := m.String("physicalName"); p != "" && p != m.String("name") {
		return fmt.Sprintf("%s (%s)", m.String("name"), p)
	}
	return m.String("name")
}

func tableName(m *bitol.Map) string {
	if p := m.String("physicalName"); p != "" {
		return p
	}
	return m.String("name")
}

// Object keys by the bump their change needs; others are minor.
var objectBumps = map[string]string{
	"id": "", "name": "", "physicalName": "", "properties": "",
	"description": Patch, "businessName": Patch, "tags": Patch,
	"authoritativeDefinitions": Patch, "dataGranularityDescription": Patch,
	"quality": Minor,
}

func (c *comparer) object(o, n *bitol.Map, path string) {
	table := tableName(n)
	// A physicalName added or removed that names the same table is no
	// rename; a new name is, as other objects refer to it (tbl.column).
	if k, changed := renamed(o, n); changed {
		c.add(bitol.Key(path, k), TableRenamed, Major, "table %s was renamed to %s", describeName(o), describeName(n))
	}
	for _, k := range unionKeys(o, n) {
		bump, known := objectBumps[k]
		if (known && bump == "") || same(o.Value(k), n.Value(k)) {
			continue
		}
		switch {
		case k == "description":
			c.add(bitol.Key(path, k), DescriptionChanged, Patch, "the description of %s changed", table)
		case k == "quality":
			c.add(bitol.Key(path, k), QualityChanged, Minor, "the quality rules of %s changed", table)
		case bump == Patch:
			c.add(bitol.Key(path, k), DocumentationChanged, Patch, "%s of %s changed", k, table)
		default:
			c.add(bitol.Key(path, k), MetadataChanged, Minor, "%s of %s changed", k, table)
		}
	}
	c.properties(o.List("properties"), n.List("properties"), path, table, "")
}

// properties compares two property lists of table; prefix names nested
// properties (address.city).
func (c *comparer) properties(oldList, newList []any, path, table, prefix string) {
	olds, news := maps(oldList), maps(newList)
	o2n, n2o := match(olds, news)
	for i, om := range olds {
		if o2n[i] < 0 {
			c.add(bitol.Index(bitol.Key(path, "properties"), i), PropertyRemoved, Major, "property %s%s was removed from %s", prefix, om.String("name"), table)
			continue
		}
		c.property(om, news[o2n[i]], bitol.Index(bitol.Key(path, "properties"), o2n[i]), table, prefix)
	}
	for j, nm := range news {
		if n2o[j] < 0 {
			c.add(bitol.Index(bitol.Key(path, "properties"), j), PropertyAdded, Minor, "property %s%s was added to %s", prefix, nm.String("name"), table)
		}
	}
}

// Property keys by the bump their change needs; others are minor.
var propertyBumps = map[string]string{
	"id": "", "name": "", "physicalName": "", "logicalType": "",
	"physicalType": "", "required": "", "properties": "", "items": "",
	"description": Patch, "businessName": Patch, "tags": Patch,
	"authoritativeDefinitions": Patch, "examples": Patch,
	"transformDescription": Patch,
	"classification":       Minor, "quality": Minor,
	"unique": Minor, "primaryKey": Minor, "primaryKeyPosition": Minor,
}

func (c *comparer) property(o, n *bitol.Map, path, table, prefix string) {
	name := prefix + n.String("name")
	if k, changed := renamed(o, n); changed {
		c.add(bitol.Key(path, k), PropertyRenamed, Major, "property %s%s of %s was renamed to %s", prefix, describeName(o), table, describeName(n))
	}
	ol, nl := o.String("logicalType"), n.String("logicalType")
	switch {
	case ol != "" && nl != "" && ol != nl:
		c.add(bitol.Key(path, "logicalType"), TypeChanged, Major, "property %s of %s changed type from %s to %s", name, table, ol, nl)
	case ol != nl:
		c.add(bitol.Key(path, "logicalType"), MetadataChanged, Minor, "the logicalType of property %s of %s changed from %s to %s", name, table, quoted(ol), quoted(nl))
	}
	op, np := o.String("physicalType"), n.String("physicalType")
	switch {
	case op == np:
	case op == "" || np == "":
		c.add(bitol.Key(path, "physicalType"), MetadataChanged, Minor, "the physicalType of property %s of %s changed from %s to %s", name, table, quoted(op), quoted(np))
	case physicalBreaking(op, np):
		c.add(bitol.Key(path, "physicalType"), TypeChanged, Major, "property %s of %s changed type from %s to %s, which may not hold every old value", name, table, op, np)
	case physicalBreaking(np, op):
		c.add(bitol.Key(path, "physicalType"), TypeWidened, Minor, "property %s of %s was widened from %s to %s", name, table, op, np)
	default:
		c.add(bitol.Key(path, "physicalType"), TypeRespelled, Patch, "property %s of %s changed type from %s to %s, the same type", name, table, op, np)
	}
	oreq, _ := o.Bool("required")
	nreq, _ := n.Bool("required")
	switch {
	case !oreq && nreq:
		c.add(bitol.Key(path, "required"), NowRequired, Major, "property %s of %s is now required", name, table)
	case oreq && !nreq:
		c.add(bitol.Key(path, "required"), NowOptional, Minor, "property %s of %s is now optional", name, table)
	}
	for _, k := range unionKeys(o, n) {
		bump, known := propertyBumps[k]
		if (known && bump == "") || same(o.Value(k), n.Value(k)) {
			continue
		}
		kp := bitol.Key(path, k)
		switch {
		case k == "description":
			c.add(kp, DescriptionChanged, Patch, "the description of property %s of %s changed", name, table)
		case k == "classification":
			c.add(kp, ClassificationChanged, Minor, "the classification of property %s of %s changed from %s to %s", name, table, quoted(o.String(k)), quoted(n.String(k)))
		case k == "quality":
			c.add(kp, QualityChanged, Minor, "the quality rules of property %s of %s changed", name, table)
		case k == "unique" || k == "primaryKey" || k == "primaryKeyPosition":
			c.add(kp, ConstraintChanged, Minor, "%s of property %s of %s changed", k, name, table)
		case bump == Patch:
			c.add(kp, DocumentationChanged, Patch, "%s of property %s of %s changed", k, name, table)
		default:
			c.add(kp, MetadataChanged, Minor, "%s of property %s of %s changed", k, name, table)
		}
	}
	// Nested properties: object properties list them, arrays in items.
	c.properties(o.List("properties"), n.List("properties"), path, table, name+".")
	oi, ni := o.Map("items"), n.Map("items")
	switch {
	case oi != nil && ni != nil:
		c.property(oi, ni, bitol.Key(path, "items"), table, name+"[].")
	case oi != nil || ni != nil:
		c.add(bitol.Key(path, "items"), TypeChanged, Major, "the items of property %s of %s changed", name, table)
	}
}

// unionKeys returns the keys of both maps, sorted, for a stable order of
// changes.
func unionKeys(a, b *bitol.Map) []string {
	set := map[string]bool{}
	for _, k := range a.Keys() {
		set[k] = true
	}
	for _, k := range b.Keys() {
		set[k] = true
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// same compares two values whatever their key order.
func same(a, b any) bool {
	return bytes.Equal(canon(a), canon(b))
}

func canon(v any) []byte {
	m := bitol.NewMap()
	m.Set("v", v)
	return bitol.Canonical(m)
}

func quoted(s string) string {
	if s == "" {
		return "none"
	}
	return "'" + s + "'"
}
