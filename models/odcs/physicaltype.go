package odcs

import (
	"strconv"
	"strings"
)

// physical is a database type split into a family and its size arguments.
type physical struct {
	family string // int, string, decimal, float, or the type name itself
	rank   int    // size within the family, for int and float
	args   []int  // varchar(20) -> [20]; numeric(10,2) -> [10 2]
	text   bool   // unbounded string (text, varchar without length)
}

// Aliases of the same type in the three dialects meshport crawls.
var intRanks = map[string]int{
	"tinyint": 1, "int1": 1,
	"smallint": 2, "int2": 2, "smallserial": 2, "serial2": 2,
	"mediumint": 3,
	"int":       4, "integer": 4, "int4": 4, "serial": 4, "serial4": 4,
	"bigint": 8, "int8": 8, "bigserial": 8, "serial8": 8,
}

var floatRanks = map[string]int{
	"real": 4, "float4": 4, "float": 8, "double": 8, "float8": 8, "double precision": 8,
}

var stringTypes = map[string]bool{
	"varchar": true, "character varying": true, "char": true, "character": true,
	"nvarchar": true, "nchar": true, "bpchar": true, "string": true,
	"text": true, "tinytext": true, "mediumtext": true, "longtext": true, "clob": true,
}

func parsePhysical(s string) physical {
	t := strings.ToLower(strings.Join(strings.Fields(s), " "))
	base, args := t, ""
	if i := strings.IndexByte(t, '('); i >= 0 && strings.HasSuffix(t, ")") {
		base, args = strings.TrimSpace(t[:i]), t[i+1:len(t)-1]
	}
	base = strings.TrimSuffix(base, " unsigned")
	p := physical{family: base}
	for _, a := range strings.Split(args, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(a)); err == nil {
			p.args = append(p.args, n)
		}
	}
	switch {
	case intRanks[base] > 0:
		p.family, p.rank = "int", intRanks[base]
	case floatRanks[base] > 0:
		p.family, p.rank = "float", floatRanks[base]
	case base == "numeric" || base == "decimal" || base == "dec":
		p.family = "decimal"
	case stringTypes[base]:
		p.family = "string"
		p.text = len(p.args) == 0 && base != "char" && base != "character" && base != "nchar" && base != "bpchar"
		if base == "char" || base == "character" || base == "nchar" || base == "bpchar" {
			if len(p.args) == 0 {
				p.args = []int{1} // SQL: CHAR is CHAR(1)
			}
		}
	}
	return p
}

// physicalBreaking reports whether changing a column's physicalType from
// old to new can break a consumer: the rule is that every value the old
// type holds must still fit the new one. Widening (varchar(10) ->
// varchar(20) or text, integer -> bigint or numeric, real -> double,
// numeric(10,2) -> numeric(12,2)) is not breaking; narrowing, and any
// change between unrelated types (or types this does not know), is.
func physicalBreaking(oldType, newType string) bool {
	o, n := parsePhysical(oldType), parsePhysical(newType)
	if o.family == n.family && equalInts(o.args, n.args) && o.rank == n.rank && o.text == n.text {
		return false // the same type spelled differently (INT, int4, integer)
	}
	switch {
	case o.family == "int" && n.family == "int":
		return n.rank < o.rank
	case o.family == "int" && n.family == "decimal":
		// numeric without precision holds any integer; numeric(p,s) holds
		// p-s digits: 3 for tinyint, 5 smallint, 10 integer, 19 bigint.
		if len(n.args) == 0 {
			return false
		}
		digits := map[int]int{1: 3, 2: 5, 3: 8, 4: 10, 8: 19}[o.rank]
		return intDigits(n.args) < digits
	case o.family == "float" && n.family == "float":
		return n.rank < o.rank
	case o.family == "decimal" && n.family == "decimal":
		if len(n.args) == 0 {
			return false
		}
		if len(o.args) == 0 {
			return true
		}
		return intDigits(n.args) < intDigits(o.args) || scale(n.args) < scale(o.args)
	case o.family == "string" && n.family == "string":
		if n.text {
			return false
		}
		if o.text {
			return true
		}
		return len(n.args) == 0 || len(o.args) == 0 || n.args[0] < o.args[0]
	}
	return true
}

func intDigits(args []int) int {
	if len(args) == 0 {
		return 0
	}
	return args[0] - scale(args)
}

func scale(args []int) int {
	if len(args) > 1 {
		return args[1]
	}
	return 0
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
