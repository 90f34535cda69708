package contractcheck

import "testing"

func TestNormalizeType(t *testing.T) {
	for _, tc := range []struct{ dialect, in, want string }{
		{Postgres, "character varying(20)", "varchar(20)"},
		{Postgres, "varchar(20)", "varchar(20)"},
		{Postgres, "VARCHAR( 20 )", "varchar(20)"},
		{Postgres, "timestamp with time zone", "timestamptz"},
		{Postgres, "timestamptz", "timestamptz"},
		{Postgres, "timestamp(3) with time zone", "timestamptz(3)"},
		{Postgres, "timestamp without time zone", "timestamp"},
		{Postgres, "integer", "int4"},
		{Postgres, "int4", "int4"},
		{Postgres, "int", "int4"},
		{Postgres, "serial", "int4"},
		{Postgres, "bigint", "int8"},
		{Postgres, "int8", "int8"},
		{Postgres, "smallint", "int2"},
		{Postgres, "numeric(10,2)", "numeric(10,2)"},
		{Postgres, "decimal(10, 2)", "numeric(10,2)"},
		{Postgres, "text[]", "_text"},
		{Postgres, "_text", "_text"},
		{Postgres, "integer[][]", "_int4"},
		{Postgres, "character varying(20)[]", "_varchar(20)"},
		{Postgres, "boolean", "bool"},
		{Postgres, "bool", "bool"},
		{Postgres, "double precision", "float8"},
		{Postgres, "float8", "float8"},
		{Postgres, "float", "float8"},
		{Postgres, "float(10)", "float4"},
		{Postgres, "real", "float4"},
		{Postgres, "character(3)", "bpchar(3)"},
		{Postgres, "time with time zone", "timetz"},
		{Postgres, "mpaa_rating", "mpaa_rating"},
		{Postgres, `public."Mood"`, "public.Mood"},
		{MySQL, "int(11)", "int"},
		{MySQL, "int", "int"},
		{MySQL, "INTEGER", "int"},
		{MySQL, "int(10) unsigned", "int unsigned"},
		{MySQL, "int unsigned", "int unsigned"},
		{MySQL, "tinyint(1)", "tinyint(1)"},
		{MySQL, "boolean", "tinyint(1)"},
		{MySQL, "bool", "tinyint(1)"},
		{MySQL, "tinyint(4)", "tinyint"},
		{MySQL, "varchar(255)", "varchar(255)"},
		{MySQL, "VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", "varchar(255)"},
		{MySQL, "enum('a','b')", "enum('a','b')"},
		{MySQL, "ENUM('A', 'b')", "enum('A','b')"},
		{MySQL, "decimal(10,2)", "decimal(10,2)"},
		{MySQL, "numeric(10,2)", "decimal(10,2)"},
		{MySQL, "decimal", "decimal(10,0)"},
		{MySQL, "decimal(8)", "decimal(8,0)"},
		{MySQL, "bigint(20) unsigned zerofill", "bigint unsigned"},
		{MySQL, "double precision", "double"},
		{MySQL, "char", "char(1)"},
		{SQLite, "VARCHAR(20)", "TEXT"},
		{SQLite, "text", "TEXT"},
		{SQLite, "NVARCHAR(100)", "TEXT"},
		{SQLite, "CLOB", "TEXT"},
		{SQLite, "INT", "INTEGER"},
		{SQLite, "BIGINT", "INTEGER"},
		{SQLite, "UNSIGNED BIG INT", "INTEGER"},
		{SQLite, "FLOATING POINT", "INTEGER"}, // "INT" comes first: SQLite's own example
		{SQLite, "REAL", "REAL"},
		{SQLite, "DOUBLE PRECISION", "REAL"},
		{SQLite, "FLOAT", "REAL"},
		{SQLite, "BLOB", "BLOB"},
		{SQLite, "", "BLOB"},
		{SQLite, "DECIMAL(10,5)", "NUMERIC"},
		{SQLite, "BOOLEAN", "NUMERIC"},
		{SQLite, "DATETIME", "NUMERIC"},
		{SQLite, "STRING", "NUMERIC"}, // not TEXT: no CHAR, CLOB or TEXT in it
	} {
		if got := NormalizeType(tc.dialect, tc.in); got != tc.want {
			t.Errorf("NormalizeType(%s, %q) = %q, want %q", tc.dialect, tc.in, got, tc.want)
		}
	}
}

func TestPhysicalTypesEqual(t *testing.T) {
	for _, tc := range []struct {
		dialect, contract, column string
		want                      bool
	}{
		{Postgres, "varchar(20)", "character varying(20)", true},
		{Postgres, "varchar(30)", "character varying(20)", false},
		{Postgres, "varchar", "character varying(20)", true}, // no length in the contract: any
		{Postgres, "timestamptz", "timestamp with time zone", true},
		{Postgres, "timestamp", "timestamp with time zone", false},
		{Postgres, "int", "integer", true},
		{Postgres, "int4", "integer", true},
		{Postgres, "int8", "bigint", true},
		{Postgres, "int", "bigint", false},
		{Postgres, "decimal(10,2)", "numeric(10,2)", true},
		{Postgres, "numeric", "numeric(10,2)", true},
		{Postgres, "numeric(12,2)", "numeric(10,2)", false},
		{Postgres, "text[]", "_text", true},
		{Postgres, "_text", "text[]", true},
		{Postgres, "text", "text[]", false},
		{Postgres, "boolean", "bool", true},
		{Postgres, "double precision", "float8", true},
		{Postgres, "mpaa_rating", "mpaa_rating", true},
		{Postgres, "mpaa_rating", "public.mpaa_rating", true},
		{Postgres, "other.mpaa_rating", "public.mpaa_rating", false},
		{MySQL, "int", "int(11)", true},
		{MySQL, "INT(11)", "int", true},
		{MySQL, "int", "int(10) unsigned", false},
		{MySQL, "int unsigned", "int(10) unsigned", true},
		{MySQL, "boolean", "tinyint(1)", true},
		{MySQL, "tinyint", "tinyint(1)", true},
		{MySQL, "boolean", "tinyint(4)", false},
		{MySQL, "varchar(255)", "varchar(255)", true},
		{MySQL, "VARCHAR(255)", "varchar(100)", false},
		{MySQL, "varchar", "varchar(100)", true},
		{MySQL, "enum('a','b')", "enum('a','b')", true},
		{MySQL, "enum('a', 'b')", "enum('a','b','c')", false},
		{MySQL, "decimal(10,2)", "decimal(10,2)", true},
		{MySQL, "numeric(10,2)", "decimal(10,2)", true},
		{MySQL, "decimal", "decimal(12,4)", true},
		{MySQL, "decimal(10,2)", "decimal(12,2)", false},
		{SQLite, "VARCHAR(20)", "TEXT", true},
		{SQLite, "INTEGER", "INT", true},
		{SQLite, "INTEGER", "TEXT", false},
		{SQLite, "BOOLEAN", "INTEGER", false},
		{SQLite, "REAL", "DOUBLE", true},
	} {
		if got := PhysicalTypesEqual(tc.dialect, tc.contract, tc.column); got != tc.want {
			t.Errorf("PhysicalTypesEqual(%s, %q, %q) = %v, want %v", tc.dialect, tc.contract, tc.column, got, tc.want)
		}
	}
}

func TestLogicalType(t *testing.T) {
	for _, tc := range []struct{ dialect, in, want string }{
		{Postgres, "integer", LogicalInteger},
		{Postgres, "bigint", LogicalInteger},
		{Postgres, "smallint", LogicalInteger},
		{Postgres, "numeric(10,2)", LogicalNumber},
		{Postgres, "double precision", LogicalNumber},
		{Postgres, "real", LogicalNumber},
		{Postgres, "money", LogicalNumber},
		{Postgres, "character varying(20)", LogicalString},
		{Postgres, "text", LogicalString},
		{Postgres, "character(3)", LogicalString},
		{Postgres, "uuid", LogicalString},
		{Postgres, "boolean", LogicalBoolean},
		{Postgres, "date", LogicalDate},
		{Postgres, "timestamp with time zone", LogicalTimestamp},
		{Postgres, "timestamp without time zone", LogicalTimestamp},
		{Postgres, "time without time zone", LogicalTime},
		{Postgres, "jsonb", LogicalObject},
		{Postgres, "json", LogicalObject},
		{Postgres, "text[]", LogicalArray},
		{Postgres, "_int4", LogicalArray},
		{Postgres, "mpaa_rating", LogicalString}, // a user enum
		{Postgres, "bytea", ""},
		{Postgres, "point", ""},
		{MySQL, "tinyint(1)", LogicalBoolean},
		{MySQL, "bit(1)", LogicalBoolean},
		{MySQL, "tinyint(4)", LogicalInteger},
		{MySQL, "int(11)", LogicalInteger},
		{MySQL, "int unsigned", LogicalInteger},
		{MySQL, "bigint(20)", LogicalInteger},
		{MySQL, "year(4)", LogicalInteger},
		{MySQL, "decimal(10,2)", LogicalNumber},
		{MySQL, "double", LogicalNumber},
		{MySQL, "float", LogicalNumber},
		{MySQL, "varchar(255)", LogicalString},
		{MySQL, "longtext", LogicalString},
		{MySQL, "enum('a','b')", LogicalString},
		{MySQL, "set('a','b')", LogicalString},
		{MySQL, "date", LogicalDate},
		{MySQL, "datetime(3)", LogicalTimestamp},
		{MySQL, "timestamp", LogicalTimestamp},
		{MySQL, "time", LogicalTime},
		{MySQL, "json", LogicalObject},
		{MySQL, "blob", ""},
		{MySQL, "varbinary(16)", ""},
		{SQLite, "INTEGER", LogicalInteger},
		{SQLite, "INT", LogicalInteger},
		{SQLite, "VARCHAR(20)", LogicalString},
		{SQLite, "TEXT", LogicalString},
		{SQLite, "REAL", LogicalNumber},
		{SQLite, "DECIMAL(10,2)", LogicalNumber},
		{SQLite, "BOOLEAN", LogicalBoolean},
		{SQLite, "DATE", LogicalDate},
		{SQLite, "DATETIME", LogicalTimestamp},
		{SQLite, "TIMESTAMP", LogicalTimestamp},
		{SQLite, "TIME", LogicalTime},
		{SQLite, "JSON", LogicalObject},
		{SQLite, "BLOB", ""},
		{SQLite, "", ""},
	} {
		if got := LogicalType(tc.dialect, tc.in); got != tc.want {
			t.Errorf("LogicalType(%s, %q) = %q, want %q", tc.dialect, tc.in, got, tc.want)
		}
	}
}

func TestLogicalFits(t *testing.T) {
	for _, tc := range []struct {
		dialect, want, column string
		fits                  bool
	}{
		{Postgres, LogicalNumber, "integer", true},
		{Postgres, LogicalInteger, "numeric(10,2)", false},
		{Postgres, LogicalArray, "jsonb", true},
		{Postgres, LogicalString, "integer", false},
		{Postgres, LogicalTimestamp, "date", false},
		{MySQL, LogicalBoolean, "tinyint(1)", true},
		{MySQL, LogicalBoolean, "int", false},
		{MySQL, LogicalObject, "longtext", true}, // MariaDB's JSON
		{MySQL, LogicalObject, "varchar(20)", false},
		{SQLite, LogicalTimestamp, "TEXT", true},
		{SQLite, LogicalDate, "INTEGER", true},
		{SQLite, LogicalBoolean, "INTEGER", true},
		{SQLite, LogicalInteger, "TEXT", false},
		{SQLite, LogicalString, "INTEGER", false},
	} {
		got := logicalFits(tc.dialect, tc.want, LogicalType(tc.dialect, tc.column), tc.column)
		if got != tc.fits {
			t.Errorf("logicalFits(%s, %s, %q) = %v, want %v", tc.dialect, tc.want, tc.column, got, tc.fits)
		}
	}
}
