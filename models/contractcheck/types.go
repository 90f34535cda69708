package contractcheck

import (
	"strconv"
	"strings"
)

// Dialects, as the source kinds name them.
const (
	Postgres = "postgres"
	MySQL    = "mysql" // MySQL and MariaDB
	SQLite   = "sqlite"
)

// ODCS v3 logical types.
const (
	LogicalString    = "string"
	LogicalInteger   = "integer"
	LogicalNumber    = "number"
	LogicalBoolean   = "boolean"
	LogicalDate      = "date"
	LogicalTimestamp = "timestamp"
	LogicalTime      = "time"
	LogicalObject    = "object"
	LogicalArray     = "array"
)

// dbType is a column type taken apart: base name, modifiers (the part in
// parentheses: length, precision, enum values), and flags.
type dbType struct {
	base     string // "varchar", "int4", "decimal", "_text" is base "text" with array
	mods     string // "20", "10,2", "'a','b'"
	array    bool   // PostgreSQL arrays
	unsigned bool   // MySQL
}

func (t dbType) String() string {
	s := t.base
	if t.array {
		s = "_" + s
	}
	if t.mods != "" {
		s += "(" + t.mods + ")"
	}
	if t.unsigned {
		s += " unsigned"
	}
	return s
}

// NormalizeType is a column type in one canonical spelling per dialect, so
// that two spellings of one type compare equal:
//
//   - postgres: the internal names, arrays with a leading underscore:
//     "character varying(20)" and "varchar(20)" are "varchar(20)",
//     "timestamp with time zone" is "timestamptz", "integer", "int" and
//     "serial" are "int4", "numeric" and "decimal" "numeric", "text[]" and
//     "_text" "_text", "double precision" "float8", "boolean" "bool"; other
//     names (user enums and domains) as they are, lower case outside quotes.
//   - mysql: lower case, integer display widths dropped ("int(11)" is
//     "int"), except tinyint(1), which is how MySQL spells boolean
//     ("boolean" and "bool" are "tinyint(1)"); "decimal" is "decimal(10,0)";
//     "unsigned" kept, "signed" and "zerofill" dropped; enum and set values
//     as written.
//   - sqlite: the type affinity (INTEGER, TEXT, BLOB, REAL, NUMERIC) by
//     SQLite's rules (https://sqlite.org/datatype3.html#determination_of_column_affinity):
//     "VARCHAR(20)" and "TEXT" are both TEXT.
//
// An unknown dialect gives the type trimmed and in lower case.
func NormalizeType(dialect, typ string) string {
	switch dialect {
	case Postgres:
		return pgType(typ).String()
	case MySQL:
		return mysqlType(typ).String()
	case SQLite:
		return sqliteAffinity(typ)
	}
	return strings.ToLower(strings.TrimSpace(typ))
}

// tidy lowers case outside quotes (quote is the dialect's quote character
// for names or strings kept as they are), collapses white space and drops
// it around parentheses and commas. The quotes stay.
func tidy(s string, quote byte) string {
	var b strings.Builder
	b.Grow(len(s))
	inQuote := false
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inQuote {
			b.WriteByte(c)
			if c == quote {
				inQuote = false
			}
			continue
		}
		switch {
		case c == quote:
			if space && b.Len() > 0 {
				if last := b.String()[b.Len()-1]; last != '(' && last != ',' && last != '[' {
					b.WriteByte(' ')
				}
			}
			space = false
			inQuote = true
			b.WriteByte(c)
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			space = true
		case c == '(' || c == ')' || c == ',' || c == '[' || c == ']':
			space = false
			b.WriteByte(c)
		default:
			if space && b.Len() > 0 {
				last := b.String()[b.Len()-1]
				if last != '(' && last != ',' && last != '[' {
					b.WriteByte(' ')
				}
			}
			space = false
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}

// splitMods takes the first parenthesised part out of s: "timestamp(3)
// with time zone" is "timestamp with time zone" and "3". Quotes (quote)
// inside it may hold parentheses.
func splitMods(s string, quote byte) (rest, mods string) {
	open := -1
	inQuote := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inQuote:
			if c == quote {
				inQuote = false
			}
		case c == quote:
			inQuote = true
		case c == '(' && open < 0:
			open = i
		case c == ')' && open >= 0:
			rest = strings.TrimSpace(strings.TrimSpace(s[:open]) + " " + strings.TrimSpace(s[i+1:]))
			return rest, s[open+1 : i]
		}
	}
	return s, ""
}

var pgAliases = map[string]string{
	"character varying": "varchar", "varchar": "varchar",
	"character": "bpchar", "char": "bpchar", "bpchar": "bpchar",
	"int": "int4", "integer": "int4", "int4": "int4", "serial": "int4", "serial4": "int4",
	"smallint": "int2", "int2": "int2", "smallserial": "int2", "serial2": "int2",
	"bigint": "int8", "int8": "int8", "bigserial": "int8", "serial8": "int8",
	"decimal": "numeric", "numeric": "numeric",
	"real": "float4", "float4": "float4",
	"double precision": "float8", "float8": "float8",
	"boolean": "bool", "bool": "bool",
	"timestamp with time zone": "timestamptz", "timestamptz": "timestamptz",
	"timestamp without time zone": "timestamp", "timestamp": "timestamp",
	"time with time zone": "timetz", "timetz": "timetz",
	"time without time zone": "time", "time": "time",
	"bit varying": "varbit", "varbit": "varbit",
}

func pgType(s string) dbType {
	s = tidy(s, '"')
	var t dbType
	// Arrays: "text[]", "integer[3][]", "integer array", "_text".
	for strings.HasSuffix(s, "]") {
		i := strings.LastIndexByte(s, '[')
		if i < 0 {
			break
		}
		s, t.array = strings.TrimSpace(s[:i]), true
	}
	if strings.HasSuffix(s, " array") {
		s, t.array = strings.TrimSuffix(s, " array"), true
	}
	rest, mods := splitMods(s, '"')
	if strings.HasPrefix(rest, "_") && len(rest) > 1 {
		rest, t.array = rest[1:], true
	}
	t.mods = mods
	if rest == "float" {
		// float(p): real up to 24 bits of precision, double beyond.
		rest = "float8"
		if p, err := strconv.Atoi(mods); err == nil && p <= 24 {
			rest = "float4"
		}
		t.mods = ""
	}
	if a, ok := pgAliases[rest]; ok {
		rest = a
	}
	t.base = strings.ReplaceAll(rest, `"`, "")
	return t
}

var mysqlAliases = map[string]string{
	"integer": "int", "int4": "int", "int1": "tinyint", "int2": "smallint", "int3": "mediumint", "middleint": "mediumint", "int8": "bigint",
	"dec": "decimal", "numeric": "decimal", "fixed": "decimal",
	"double precision": "double", "real": "double", "float8": "double", "float4": "float",
	"character varying": "varchar", "character": "char", "nchar": "char", "nvarchar": "varchar", "national char": "char", "national varchar": "varchar",
	"long varchar": "mediumtext", "long": "mediumtext",
}

var mysqlIntegers = map[string]bool{"tinyint": true, "smallint": true, "mediumint": true, "int": true, "bigint": true}

func mysqlType(s string) dbType {
	s = tidy(s, '\'')
	rest, mods := splitMods(s, '\'')
	var t dbType
	words := strings.Fields(rest)
	kept := words[:0]
	for i := 0; i < len(words); i++ {
		switch words[i] {
		case "unsigned", "zerofill":
			t.unsigned = true
		case "signed":
		case "character", "charset", "collate":
			// "character set utf8mb4", "charset x", "collate y": not the type.
			if words[i] == "character" && i+1 < len(words) && words[i+1] == "set" {
				i += 2
				continue
			}
			if words[i] != "character" {
				i++
				continue
			}
			kept = append(kept, words[i])
		default:
			kept = append(kept, words[i])
		}
	}
	base := strings.Join(kept, " ")
	if a, ok := mysqlAliases[base]; ok {
		base = a
	}
	switch {
	case base == "bool" || base == "boolean":
		base, mods = "tinyint", "1"
	case mysqlIntegers[base]:
		if !(base == "tinyint" && mods == "1") {
			mods = ""
		}
	case base == "decimal":
		switch {
		case mods == "":
			mods = "10,0"
		case !strings.Contains(mods, ","):
			mods += ",0"
		}
	case base == "char" && mods == "":
		mods = "1"
	}
	t.base, t.mods = base, mods
	return t
}

// sqliteAffinity is the affinity SQLite gives a declared type, by the
// rules of https://sqlite.org/datatype3.html in their order.
func sqliteAffinity(declared string) string {
	u := strings.ToUpper(declared)
	switch {
	case strings.Contains(u, "INT"):
		return "INTEGER"
	case strings.Contains(u, "CHAR"), strings.Contains(u, "CLOB"), strings.Contains(u, "TEXT"):
		return "TEXT"
	case strings.Contains(u, "BLOB"), strings.TrimSpace(u) == "":
		return "BLOB"
	case strings.Contains(u, "REAL"), strings.Contains(u, "FLOA"), strings.Contains(u, "DOUB"):
		return "REAL"
	}
	return "NUMERIC"
}

// PhysicalTypesEqual says whether a contract's physicalType is the
// column's type. Both are normalised (NormalizeType); a contract type
// without modifiers matches the column's whatever its length or precision
// ("varchar" matches "varchar(20)", "numeric" matches "numeric(10,2)"). On
// PostgreSQL a user type's schema is compared only when both name one
// ("mood" matches "public.mood").
func PhysicalTypesEqual(dialect, contract, column string) bool {
	if dialect == SQLite {
		return sqliteAffinity(contract) == sqliteAffinity(column)
	}
	var c, a dbType
	switch dialect {
	case Postgres:
		c, a = pgType(contract), pgType(column)
		if strings.Contains(c.base, ".") != strings.Contains(a.base, ".") {
			c.base, a.base = lastPart(c.base), lastPart(a.base)
		}
	case MySQL:
		c, a = mysqlType(contract), mysqlType(column)
		// "decimal" without precision in a contract means "any decimal",
		// not decimal(10,0).
		if c.base == "decimal" && !strings.Contains(strings.ToLower(contract), "(") {
			c.mods = ""
		}
	default:
		return strings.EqualFold(strings.TrimSpace(contract), strings.TrimSpace(column))
	}
	if c.mods == "" {
		a.mods = ""
	}
	return c == a
}

func lastPart(s string) string {
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// pgUnknown are PostgreSQL built-in types that fit no ODCS logical type.
var pgUnknown = map[string]bool{
	"bytea": true, "bit": true, "varbit": true,
	"point": true, "line": true, "lseg": true, "box": true, "path": true, "polygon": true, "circle": true,
	"int4range": true, "int8range": true, "numrange": true, "tsrange": true, "tstzrange": true, "daterange": true,
	"int4multirange": true, "int8multirange": true, "nummultirange": true, "tsmultirange": true, "tstzmultirange": true, "datemultirange": true,
	"oid": true, "xid": true, "xid8": true, "cid": true, "tid": true, "pg_lsn": true, "regclass": true, "regtype": true, "regproc": true,
	"txid_snapshot": true, "pg_snapshot": true,
}

var pgLogical = map[string]string{
	"int2": LogicalInteger, "int4": LogicalInteger, "int8": LogicalInteger,
	"numeric": LogicalNumber, "float4": LogicalNumber, "float8": LogicalNumber, "money": LogicalNumber,
	"bool":      LogicalBoolean,
	"date":      LogicalDate,
	"timestamp": LogicalTimestamp, "timestamptz": LogicalTimestamp,
	"time": LogicalTime, "timetz": LogicalTime,
	"json": LogicalObject, "jsonb": LogicalObject, "hstore": LogicalObject,
	"varchar": LogicalString, "bpchar": LogicalString, "text": LogicalString, "citext": LogicalString, "name": LogicalString,
	"char": LogicalString, "uuid": LogicalString, "xml": LogicalString, "inet": LogicalString, "cidr": LogicalString,
	"macaddr": LogicalString, "macaddr8": LogicalString, "interval": LogicalString, "tsvector": LogicalString, "tsquery": LogicalString,
}

var mysqlLogical = map[string]string{
	"tinyint": LogicalInteger, "smallint": LogicalInteger, "mediumint": LogicalInteger, "int": LogicalInteger, "bigint": LogicalInteger,
	"year":    LogicalInteger,
	"decimal": LogicalNumber, "float": LogicalNumber, "double": LogicalNumber,
	"char": LogicalString, "varchar": LogicalString, "tinytext": LogicalString, "text": LogicalString, "mediumtext": LogicalString,
	"longtext": LogicalString, "enum": LogicalString, "set": LogicalString,
	"date":     LogicalDate,
	"datetime": LogicalTimestamp, "timestamp": LogicalTimestamp,
	"time": LogicalTime,
	"json": LogicalObject,
}

// LogicalType is the ODCS logical type of a database column type, or ""
// when none fits (binary and geometric types, PostgreSQL ranges): a
// contract generated from a table then gives only the physicalType.
//
//   - postgres: integers integer; numeric, real, double and money number;
//     text types, uuid, inet, interval and the like string; json, jsonb
//     and hstore object; arrays array; any other name (a user type, which
//     the crawler reports by its name) is taken for an enum: string.
//   - mysql: tinyint(1) (how MySQL spells boolean) and bit(1) boolean;
//     other integers and year integer; decimal, float, double number;
//     char, varchar, the text types, enum and set string; json object
//     (MariaDB reports its JSON columns as longtext: string).
//   - sqlite: the declared name first (BOOL…: boolean, DATETIME and
//     TIMESTAMP…: timestamp, DATE…: date, TIME…: time, JSON: object), then
//     the affinity: INTEGER integer, TEXT string, REAL and NUMERIC number,
//     BLOB (and no declared type) "".
func LogicalType(dialect, dbTypeName string) string {
	switch dialect {
	case Postgres:
		t := pgType(dbTypeName)
		switch {
		case t.base == "":
			return ""
		case t.array:
			return LogicalArray
		case pgUnknown[t.base]:
			return ""
		}
		if l, ok := pgLogical[t.base]; ok {
			return l
		}
		return LogicalString
	case MySQL:
		t := mysqlType(dbTypeName)
		switch {
		case t.base == "tinyint" && t.mods == "1", t.base == "bit" && (t.mods == "1" || t.mods == ""):
			return LogicalBoolean
		}
		return mysqlLogical[t.base]
	case SQLite:
		u := strings.ToUpper(strings.TrimSpace(dbTypeName))
		switch {
		case strings.Contains(u, "BOOL"):
			return LogicalBoolean
		case strings.HasPrefix(u, "DATETIME"), strings.HasPrefix(u, "TIMESTAMP"):
			return LogicalTimestamp
		case strings.HasPrefix(u, "DATE"):
			return LogicalDate
		case strings.HasPrefix(u, "TIME"):
			return LogicalTime
		case strings.HasPrefix(u, "JSON"):
			return LogicalObject
		}
		switch sqliteAffinity(u) {
		case "INTEGER":
			return LogicalInteger
		case "TEXT":
			return LogicalString
		case "REAL", "NUMERIC":
			return LogicalNumber
		}
		return ""
	}
	return ""
}

// logicalFits says whether a column of logical type got (database type
// dbTypeName) satisfies a contract's logical type want, and if not why.
// Beyond equal families:
//
//   - an integer column is a number;
//   - json and jsonb (PostgreSQL, MySQL) hold arrays as well as objects;
//   - MariaDB stores JSON as longtext: a longtext column fits object and
//     array;
//   - SQLite has no date, time or boolean storage class (dates are TEXT,
//     REAL or INTEGER, booleans 0 and 1): a text or numeric column fits
//     date, timestamp and time, an integer or numeric one boolean.
func logicalFits(dialect, want, got, dbTypeName string) bool {
	if want == got {
		return true
	}
	switch {
	case want == LogicalNumber && got == LogicalInteger:
		return true
	case want == LogicalArray && got == LogicalObject && dialect != SQLite:
		base := pgType(dbTypeName).base
		if dialect == MySQL {
			base = mysqlType(dbTypeName).base
		}
		return base == "json" || base == "jsonb"
	case dialect == MySQL && (want == LogicalObject || want == LogicalArray):
		return mysqlType(dbTypeName).base == "longtext"
	case dialect == SQLite && (want == LogicalDate || want == LogicalTimestamp || want == LogicalTime):
		return got == LogicalString || got == LogicalInteger || got == LogicalNumber
	case dialect == SQLite && want == LogicalBoolean:
		return got == LogicalInteger || got == LogicalNumber
	}
	return false
}

// odcsLogical are the logical types ODCS v3 defines.
var odcsLogical = map[string]bool{
	LogicalString: true, LogicalInteger: true, LogicalNumber: true, LogicalBoolean: true, LogicalDate: true,
	LogicalTimestamp: true, LogicalTime: true, LogicalObject: true, LogicalArray: true,
}
