package odcs

import (
	"strings"
)

// LogicalTypes are the values ODCS v3.1.0 allows for a property's
// logicalType.
var LogicalTypes = []string{"string", "date", "timestamp", "time", "number", "integer", "object", "array", "boolean"}

// LogicalType maps a database column type to an ODCS logicalType. dialect
// is postgres, mysql or sqlite; unknown types are strings, which every
// value can be read as.
func LogicalType(dialect, dbType string) string {
	t := strings.ToLower(strings.TrimSpace(dbType))
	base, args := t, ""
	if i := strings.IndexByte(t, '('); i >= 0 {
		base, args = strings.TrimSpace(t[:i]), t[i:]
		if j := strings.IndexByte(args, ')'); j >= 0 {
			rest := strings.TrimSpace(args[j+1:])
			args = args[:j+1]
			if rest != "" {
				base += " " + rest // "timestamp(3) with time zone"
			}
		}
	}
	base = strings.TrimSuffix(strings.TrimSuffix(base, " unsigned"), " zerofill")
	switch dialect {
	case "sqlite":
		return sqliteType(base)
	case "mysql":
		// MySQL has no boolean: BOOL is TINYINT(1), and BIT(1) a flag.
		if (base == "tinyint" || base == "bit") && args == "(1)" {
			return "boolean"
		}
	case "postgres":
		// Arrays: integer[], _int4 (the udt name).
		if strings.HasSuffix(base, "]") || (strings.HasPrefix(base, "_") && len(base) > 1) {
			return "array"
		}
	}
	return commonType(base)
}

func commonType(base string) string {
	switch base {
	case "smallint", "int", "integer", "bigint", "int2", "int4", "int8",
		"tinyint", "mediumint", "serial", "bigserial", "smallserial",
		"serial2", "serial4", "serial8", "year":
		return "integer"
	case "numeric", "decimal", "dec", "real", "float", "float4", "float8",
		"double", "double precision", "money", "fixed":
		return "number"
	case "bool", "boolean":
		return "boolean"
	case "date":
		return "date"
	case "time", "timetz", "time with time zone", "time without time zone":
		return "time"
	case "timestamp", "timestamptz", "datetime", "timestamp with time zone",
		"timestamp without time zone", "smalldatetime", "datetime2":
		return "timestamp"
	case "json", "jsonb", "hstore":
		return "object"
	case "array":
		return "array"
	}
	return "string"
}

// sqliteType follows SQLite's column affinity rules (a declared type
// containing INT is an integer...), after the names of the types SQLite
// programs use for dates and booleans, which affinity alone would make
// numbers.
func sqliteType(base string) string {
	switch {
	case base == "":
		return "string"
	case strings.Contains(base, "bool"):
		return "boolean"
	case strings.Contains(base, "datetime") || strings.Contains(base, "timestamp"):
		return "timestamp"
	case base == "date":
		return "date"
	case base == "time":
		return "time"
	case strings.Contains(base, "json"):
		return "object"
	case strings.Contains(base, "int"):
		return "integer"
	case strings.Contains(base, "char") || strings.Contains(base, "clob") || strings.Contains(base, "text"):
		return "string"
	case strings.Contains(base, "blob"):
		return "string"
	case strings.Contains(base, "real") || strings.Contains(base, "floa") || strings.Contains(base, "doub"):
		return "number"
	case strings.Contains(base, "num") || strings.Contains(base, "dec"):
		return "number"
	}
	return "string"
}
