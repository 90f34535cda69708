package contractcheck

import (
	"strings"
	"testing"
)

func TestCheckReadOnlyQueryAccepts(t *testing.T) {
	for _, tc := range []struct{ dialect, q string }{
		{Postgres, "SELECT count(*) FROM orders WHERE amount < 0"},
		{Postgres, "select count(*) from Air_Quality where DataValue <= 0 or DataValue >= 500;"},
		{Postgres, "  WITH x AS (SELECT * FROM t) SELECT count(*) FROM x ;  \n"},
		{Postgres, "SELECT count(*) FROM t WHERE note = 'DELETE FROM t; DROP TABLE t'"},
		{Postgres, `SELECT count(*) FROM "delete" WHERE "update" IS NULL`},
		{Postgres, "SELECT count(*) FROM t WHERE s ~ $$^a;b$$"},
		{Postgres, "SELECT count(*) FROM t WHERE s ~ $re$--$re$"},
		{Postgres, "SELECT substring(s FROM 1 FOR 2) FROM t"},
		{Postgres, "SELECT pg_sleep(1)"},
		{Postgres, "SELECT count(*) FROM t WHERE s = E'it\\'s'"},
		{MySQL, "SELECT COUNT(*) FROM `orders` WHERE `status` NOT IN ('a', \"b\")"},
		{MySQL, "SELECT COUNT(*) FROM t WHERE s REGEXP '^[0-9]+$'"},
		{MySQL, "SELECT COUNT(*) FROM t WHERE s = 'a''b'"},
		{SQLite, `SELECT COUNT(*) FROM [order] WHERE "x" = 'it''s' AND ` + "`y` > 0"},
		{SQLite, "SELECT COUNT(*) FROM t WHERE s = 'a\\'"}, // SQLite: a backslash is a character
	} {
		if err := CheckReadOnlyQuery(tc.dialect, tc.q); err != nil {
			t.Errorf("%s %q refused: %v", tc.dialect, tc.q, err)
		}
	}
}

func TestCheckReadOnlyQueryRefuses(t *testing.T) {
	for _, tc := range []struct{ dialect, q, why string }{
		{Postgres, "", "empty"},
		{Postgres, "   ;", "starts with ;"},
		{Postgres, "DELETE FROM t", "starts with DELETE"},
		{Postgres, "SELECT 1; DROP TABLE t", "more than one statement"},
		{Postgres, "SELECT 1;;", "more than one statement"},
		{Postgres, "WITH x AS (DELETE FROM t RETURNING *) SELECT count(*) FROM x", "DELETE"},
		{Postgres, "WITH x AS (UPDATE t SET a = 1 RETURNING *) SELECT count(*) FROM x", "UPDATE"},
		{Postgres, "WITH x AS (INSERT INTO t VALUES (1) RETURNING *) SELECT 1", "INSERT"},
		{Postgres, "SELECT * INTO copy FROM t", "INTO"},
		{Postgres, "SELECT * FROM t FOR UPDATE", "UPDATE"},
		{Postgres, "SELECT * FROM t FOR SHARE", "locks rows"},
		{Postgres, "SELECT * FROM t FOR KEY SHARE", "locks rows"},
		{Postgres, "SELECT 1 -- ; DROP TABLE t", "comments"},
		{Postgres, "SELECT 1 /* */", "comments"},
		{Postgres, "SELECT set_config('default_transaction_read_only', 'off', false)", "set_config"},
		{Postgres, "SELECT pg_terminate_backend(123)", "pg_terminate_backend"},
		{Postgres, "SELECT pg_catalog.pg_read_file('/etc/passwd')", "pg_read_file"},
		{Postgres, "SELECT lo_import('/etc/passwd')", "lo_import"},
		{Postgres, "SELECT query_to_xml('DELETE FROM t', true, true, '')", "query_to_xml"},
		{Postgres, "SELECT nextval('s')", "nextval"},
		{Postgres, `SELECT "pg_read_file"('/etc/passwd')`, "quoted name"},
		{Postgres, "SELECT 1 WHERE 'a' = 'b", "never closed"},
		{Postgres, "SELECT $$abc", "never closed"},
		// standard_conforming_strings off: 'a\' ; DROP…' is one string
		// there, two statements here: refused either way.
		{Postgres, "SELECT 'a\\'; DROP TABLE t; SELECT '", "refused"},
		{Postgres, "SELECT 'a\\' ; DROP TABLE t; SELECT 'x'", "more than one statement"},
		{Postgres, "COPY t TO '/tmp/x'", "starts with COPY"},
		{Postgres, "CALL p()", "starts with CALL"},
		{Postgres, "DO $$ BEGIN END $$", "starts with DO"},
		{Postgres, "SET ROLE postgres", "starts with SET"},
		{Postgres, "GRANT ALL ON t TO public", "starts with GRANT"},
		{Postgres, "EXPLAIN ANALYZE DELETE FROM t", "starts with EXPLAIN"},
		{MySQL, "SELECT 1 # comment", "comments"},
		{MySQL, "SELECT /*! DROP TABLE t */ 1", "comments"},
		{MySQL, "SELECT * FROM t INTO OUTFILE '/tmp/x'", "INTO"},
		{MySQL, "SELECT * FROM t LOCK IN SHARE MODE", "LOCK"},
		{MySQL, "SELECT LOAD_FILE('/etc/passwd')", "load_file"},
		{MySQL, "SELECT GET_LOCK('x', 10)", "get_lock"},
		// With backslash escapes, 'a\'' is one string; without, it ends
		// early and DROP is code: both readings must pass.
		{MySQL, "SELECT 'a\\'; DROP TABLE t; SELECT 1 '", "refused"},
		{MySQL, "SELECT 'a\\' ; DROP TABLE t; SELECT 1 ''", "more than one statement"},
		{MySQL, "SELECT \"a\\\"; DROP TABLE t; SELECT 1 \"", "refused"},
		{SQLite, "ATTACH DATABASE '/tmp/x' AS x", "starts with ATTACH"},
		{SQLite, "PRAGMA writable_schema = 1", "starts with PRAGMA"},
		{SQLite, "SELECT load_extension('x')", "load_extension"},
		{SQLite, "SELECT writefile('/tmp/x', 'y')", "writefile"},
		{SQLite, "SELECT 1; VACUUM INTO '/tmp/x'", "more than one statement"},
		{"oracle", "SELECT 1 FROM dual", "unknown dialect"},
		{Postgres, "SELECT '\xff'", "UTF-8"},
		{Postgres, "SELECT '\x00'", "NUL"},
	} {
		err := CheckReadOnlyQuery(tc.dialect, tc.q)
		if err == nil || !strings.Contains(err.Error(), tc.why) {
			t.Errorf("%s %q: %v, want an error mentioning %q", tc.dialect, tc.q, err, tc.why)
		}
	}
}

func FuzzCheckReadOnlyQuery(f *testing.F) {
	for _, s := range []string{
		"SELECT 1", "SELECT 1; DROP TABLE t", "WITH x AS (DELETE FROM t RETURNING *) SELECT 1", "SELECT $a$ ; $a$",
		"SELECT 'a\\'; DELETE FROM t; --'", "SELECT `x` FROM [y]", "SELECT E'\\'' ", "SELECT $1, ?, $$", "SELECT \"a\"\"b\"(1)",
	} {
		f.Add(0, s)
		f.Add(1, s)
		f.Add(2, s)
	}
	dialects := []string{Postgres, MySQL, SQLite}
	f.Fuzz(func(t *testing.T, d int, q string) {
		dialect := dialects[(d%3+3)%3]
		if err := CheckReadOnlyQuery(dialect, q); err != nil {
			return
		}
		// Accepted: starts with SELECT or WITH, and has no statement
		// keyword of its own outside literals.
		head := strings.ToUpper(strings.TrimSpace(q))
		if !strings.HasPrefix(head, "SELECT") && !strings.HasPrefix(head, "WITH") {
			t.Fatalf("accepted %q", q)
		}
		for _, backslash := range []bool{false, true} {
			toks, err := scanSQL(dialect, q, backslash)
			if err != nil {
				t.Fatalf("accepted %q, but it does not scan: %v", q, err)
			}
			for i, tk := range toks {
				if tk.punct == ';' && i != len(toks)-1 {
					t.Fatalf("accepted %q with a statement after ;", q)
				}
				if _, bad := deniedWords[tk.word]; bad {
					t.Fatalf("accepted %q with %s", q, tk.word)
				}
			}
		}
	})
}
