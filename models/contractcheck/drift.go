package contractcheck

import (
	"fmt"
	"strings"
)

// Expected is one property of a contract's schema object.
type Expected struct {
	Name         string
	LogicalType  string // ODCS logicalType: string, integer, number, …
	PhysicalType string // the database type the contract names, if any
	Required     bool
}

// Actual is one column as the crawler saw it: the same shape (and JSON
// names) as models.Column, so a models.Column is assignable to it.
// Nullable nil means unknown.
type Actual = struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Nullable *bool  `json:"nullable,omitempty"`
}

// Mismatch is one property whose column has another type than promised.
type Mismatch struct {
	Name     string // the contract's property name
	Expected string // the contract's physicalType, or its logicalType
	Actual   string // the column's type as the database reports it
	Why      string // one plain sentence
}

// NamePair is a contract property and the column whose name differs from
// it only in case.
type NamePair struct {
	Contract, Table string
}

// Drift is how a table differs from its contract.
type Drift struct {
	// Missing are properties of the contract with no column, in contract
	// order.
	Missing []string
	// CaseOnly says, for the missing properties of a case-sensitive
	// database (PostgreSQL), which column differs only in case; those
	// columns are in NotInContract too.
	CaseOnly []NamePair
	// TypeMismatch are properties whose column has another type.
	TypeMismatch []Mismatch
	// NullableButRequired are required properties whose column allows
	// NULL.
	NullableButRequired []string
	// NotInContract are columns the contract does not name, in table
	// order: information, not drift.
	NotInContract []string
	// Unchecked are properties whose type could not be compared (the
	// column's type has no ODCS logical type and the contract gives no
	// physicalType): information, not drift.
	Unchecked []Mismatch
}

// Any says whether there is drift: missing columns, other types, or
// required columns that allow NULL.
func (d Drift) Any() bool {
	return len(d.Missing) > 0 || len(d.TypeMismatch) > 0 || len(d.NullableButRequired) > 0
}

// caseInsensitive says whether the dialect's column names ignore case.
func caseInsensitive(dialect string) bool { return dialect == MySQL || dialect == SQLite }

// foldName is the name as the dialect compares it ignoring case: SQLite
// folds ASCII letters only, MySQL (and the PostgreSQL hint) all letters.
func foldName(dialect, name string) string {
	if dialect == SQLite {
		b := []byte(name)
		for i, c := range b {
			if 'A' <= c && c <= 'Z' {
				b[i] = c + 'a' - 'A'
			}
		}
		return string(b)
	}
	return strings.ToLower(name)
}

// Compare matches a contract's properties with a table's columns; see the
// package comment for the rules. dialect is Postgres, MySQL or SQLite.
func Compare(dialect string, expected []Expected, actual []Actual) Drift {
	var d Drift
	exact := make(map[string]int, len(actual))
	for i := range actual {
		if _, dup := exact[actual[i].Name]; !dup {
			exact[actual[i].Name] = i
		}
	}
	var folded map[string]int // built on the first name that is not exact
	used := make([]bool, len(actual))
	for _, e := range expected {
		i, ok := exact[e.Name]
		if !ok {
			if folded == nil {
				folded = make(map[string]int, len(actual))
				for j := range actual {
					k := foldName(dialect, actual[j].Name)
					if _, dup := folded[k]; !dup {
						folded[k] = j
					}
				}
			}
			j, near := folded[foldName(dialect, e.Name)]
			switch {
			case near && caseInsensitive(dialect):
				i, ok = j, true
			case near:
				d.Missing = append(d.Missing, e.Name)
				d.CaseOnly = append(d.CaseOnly, NamePair{Contract: e.Name, Table: actual[j].Name})
				continue
			default:
				d.Missing = append(d.Missing, e.Name)
				continue
			}
		}
		used[i] = true
		a := &actual[i]
		if m, unchecked := compareType(dialect, e, a.Type); m != nil {
			if unchecked {
				d.Unchecked = append(d.Unchecked, *m)
			} else {
				d.TypeMismatch = append(d.TypeMismatch, *m)
			}
		}
		if e.Required && a.Nullable != nil && *a.Nullable {
			d.NullableButRequired = append(d.NullableButRequired, e.Name)
		}
	}
	for i := range actual {
		if !used[i] {
			d.NotInContract = append(d.NotInContract, actual[i].Name)
		}
	}
	return d
}

// compareType compares one property's type with its column's; nil when
// they agree or the contract names no type. unchecked is true when the
// column's type could not be judged.
func compareType(dialect string, e Expected, dbTypeName string) (m *Mismatch, unchecked bool) {
	switch {
	case strings.TrimSpace(e.PhysicalType) != "":
		if PhysicalTypesEqual(dialect, e.PhysicalType, dbTypeName) {
			return nil, false
		}
		why := fmt.Sprintf("the contract says %s, the column is %s", e.PhysicalType, dbTypeName)
		switch dialect {
		case SQLite:
			why = fmt.Sprintf("the contract's %s has %s affinity, the column's %q has %s affinity (SQLite compares types by affinity)",
				e.PhysicalType, sqliteAffinity(e.PhysicalType), dbTypeName, sqliteAffinity(dbTypeName))
		case Postgres, MySQL:
			why = fmt.Sprintf("the contract says %s (%s), the column is %s (%s)", e.PhysicalType, NormalizeType(dialect, e.PhysicalType),
				dbTypeName, NormalizeType(dialect, dbTypeName))
		}
		return &Mismatch{Name: e.Name, Expected: e.PhysicalType, Actual: dbTypeName, Why: why}, false
	case strings.TrimSpace(e.LogicalType) != "":
		want := strings.ToLower(strings.TrimSpace(e.LogicalType))
		got := LogicalType(dialect, dbTypeName)
		if got == "" {
			return &Mismatch{Name: e.Name, Expected: e.LogicalType, Actual: dbTypeName,
				Why: fmt.Sprintf("the column's type %q has no ODCS logical type; give a physicalType to check it", dbTypeName)}, true
		}
		if logicalFits(dialect, want, got, dbTypeName) {
			return nil, false
		}
		why := fmt.Sprintf("the contract says %s, the column is %s (%s)", want, dbTypeName, got)
		if !odcsLogical[want] {
			why = fmt.Sprintf("%q is not an ODCS logical type (string, integer, number, boolean, date, timestamp, time, object, array); the column is %s (%s)",
				e.LogicalType, dbTypeName, got)
		}
		return &Mismatch{Name: e.Name, Expected: e.LogicalType, Actual: dbTypeName, Why: why}, false
	}
	return nil, false
}

// Summary is the drift in plain words, for a page or a notification:
// "2 columns missing: email, customerid (the table has "CustomerID", which
// differs only in case; PostgreSQL names are case-sensitive). 1 type
// differs: amount (...). …" or "No drift." with what is informational.
func (d Drift) Summary() string {
	var parts []string
	plural := func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %s", n, many)
	}
	if len(d.Missing) > 0 {
		near := map[string]string{}
		for _, p := range d.CaseOnly {
			near[p.Contract] = p.Table
		}
		names := make([]string, len(d.Missing))
		for i, n := range d.Missing {
			names[i] = n
			if t, ok := near[n]; ok {
				names[i] = fmt.Sprintf("%s (the table has %q, which differs only in case; PostgreSQL names are case-sensitive)", n, t)
			}
		}
		parts = append(parts, plural(len(d.Missing), "column missing", "columns missing")+": "+strings.Join(names, ", "))
	}
	if len(d.TypeMismatch) > 0 {
		items := make([]string, len(d.TypeMismatch))
		for i, m := range d.TypeMismatch {
			items[i] = m.Name + " (" + m.Why + ")"
		}
		parts = append(parts, plural(len(d.TypeMismatch), "type differs", "types differ")+": "+strings.Join(items, ", "))
	}
	if len(d.NullableButRequired) > 0 {
		parts = append(parts, plural(len(d.NullableButRequired), "required column allows", "required columns allow")+
			" NULL: "+strings.Join(d.NullableButRequired, ", "))
	}
	var s string
	if len(parts) == 0 {
		s = "No drift."
	} else {
		s = strings.Join(parts, ". ") + "."
	}
	if len(d.NotInContract) > 0 {
		s += " Not in the contract: " + strings.Join(d.NotInContract, ", ") + "."
	}
	if len(d.Unchecked) > 0 {
		names := make([]string, len(d.Unchecked))
		for i, m := range d.Unchecked {
			names[i] = fmt.Sprintf("%s (%s)", m.Name, m.Actual)
		}
		s += " Types not checked: " + strings.Join(names, ", ") + "."
	}
	return s
}
