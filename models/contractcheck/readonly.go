package contractcheck

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// CheckReadOnlyQuery refuses a sql rule's query unless it is one SELECT (or
// WITH … SELECT) that neither writes nor locks nor reaches beyond the
// data. It is strict on purpose, and defence in depth only: the runner
// also runs every query in a read-only transaction with a timeout.
//
// Refused, outside string literals and quoted names:
//
//   - anything but SELECT or WITH first; a second statement (a ";" followed
//     by anything but white space);
//   - comments of any kind (--, /* */, MySQL #): they can hide text from
//     this check, and MySQL runs /*! … */;
//   - words that write, lock or change the session, wherever they are:
//     INSERT, UPDATE, DELETE, MERGE (so writable CTEs), DROP, CREATE,
//     ALTER, TRUNCATE, GRANT, REVOKE, COPY, CALL, DO, SET, INTO (SELECT …
//     INTO), LOCK, FOR SHARE / FOR KEY SHARE, EXECUTE, PREPARE, VACUUM,
//     ANALYZE, ATTACH, PRAGMA, BEGIN, COMMIT, … — so a column literally
//     named "set" must be quoted, and MySQL's CHARACTER SET in a CAST is
//     refused;
//   - functions with effects beyond the query: pg_terminate_backend,
//     set_config, pg_read_file, lo_import, dblink, pg_advisory_lock,
//     nextval, query_to_xml (which runs a query given as text),
//     load_file, get_lock, load_extension, writefile, ….
//
// String literals are read both with and without backslash escapes
// (PostgreSQL's standard_conforming_strings, MySQL's NO_BACKSLASH_ESCAPES
// and ANSI_QUOTES are the server's to choose), and the query must pass
// both readings. PostgreSQL dollar quoting ($tag$…$tag$) is understood.
func CheckReadOnlyQuery(dialect, q string) error {
	switch dialect {
	case Postgres, MySQL, SQLite:
	default:
		return fmt.Errorf("unknown dialect %q (postgres, mysql or sqlite)", dialect)
	}
	if strings.TrimSpace(q) == "" {
		return errors.New("the query is empty")
	}
	if !utf8.ValidString(q) {
		return errors.New("refused: the query is not valid UTF-8 text")
	}
	if strings.IndexByte(q, 0) >= 0 {
		return errors.New("refused: the query holds a NUL character")
	}
	readings := []bool{false, true}
	if dialect == SQLite {
		readings = readings[:1] // SQLite knows no backslash escapes
	}
	for _, backslash := range readings {
		toks, err := scanSQL(dialect, q, backslash)
		if err != nil {
			return err
		}
		if err := checkTokens(toks); err != nil {
			return err
		}
	}
	return nil
}

// token is a word (unquoted name or keyword, upper case) or one character
// of punctuation; literals and quoted names are left out.
type token struct {
	word  string
	punct byte
}

func isWordByte(c byte) bool {
	return c == '_' || c == '$' || c >= 0x80 || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

// scanSQL splits q into tokens. backslash says whether backslashes escape
// in string literals (and, for MySQL, in double-quoted text).
func scanSQL(dialect, q string, backslash bool) ([]token, error) {
	var toks []token
	n := len(q)
	// skipQuoted skips a literal or quoted name opened at i by quote; esc
	// says whether backslashes escape. It returns the index after it.
	skipQuoted := func(i int, quote byte, esc bool) (int, error) {
		for j := i + 1; j < n; j++ {
			c := q[j]
			if esc && c == '\\' {
				j++
				continue
			}
			if c == quote {
				if j+1 < n && q[j+1] == quote { // doubled: still inside
					j++
					continue
				}
				return j + 1, nil
			}
		}
		return 0, fmt.Errorf("refused: a quote (%c) opened at character %d is never closed", quote, utf8.RuneCountInString(q[:i])+1)
	}
	for i := 0; i < n; {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '-' && i+1 < n && q[i+1] == '-', c == '/' && i+1 < n && q[i+1] == '*', c == '#' && dialect == MySQL:
			return nil, errors.New("refused: comments are not allowed in quality queries (they can hide statements from this check; MySQL even runs /*! … */): remove them")
		case c == '\'':
			// PostgreSQL: backslashes escape only in E'…' strings unless
			// standard_conforming_strings is off; MySQL: unless
			// NO_BACKSLASH_ESCAPES; SQLite: never.
			esc := backslash && dialect != SQLite
			if dialect == Postgres && len(toks) > 0 && toks[len(toks)-1].word == "E" && i > 0 && (q[i-1] == 'E' || q[i-1] == 'e') {
				esc = true
			}
			j, err := skipQuoted(i, '\'', esc)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{punct: '\''})
			i = j
		case c == '"':
			// A name in PostgreSQL and SQLite; in MySQL a string (escapes
			// as for '…') unless ANSI_QUOTES makes it a name.
			j, err := skipQuoted(i, '"', backslash && dialect == MySQL)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{punct: '"'})
			i = j
		case c == '`' && dialect != Postgres:
			j, err := skipQuoted(i, '`', false)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{punct: '"'})
			i = j
		case c == '[' && dialect == SQLite:
			k := strings.IndexByte(q[i+1:], ']')
			if k < 0 {
				return nil, errors.New("refused: a [ name is never closed")
			}
			toks = append(toks, token{punct: '"'})
			i += k + 2
		case c == '$' && dialect == Postgres && (i+1 < n && (q[i+1] == '$' || q[i+1] == '_' || isLetter(q[i+1]))) && (i == 0 || !isWordByte(q[i-1])):
			// Dollar quoting: $$…$$ or $tag$…$tag$.
			k := i + 1
			for k < n && q[k] != '$' && (isWordByte(q[k]) && q[k] != '$') {
				k++
			}
			if k >= n || q[k] != '$' {
				// "$name" without a closing $: not a quote; read it as a word.
				toks = append(toks, token{word: strings.ToUpper(q[i+1 : k])})
				i = k
				continue
			}
			tag := q[i : k+1]
			end := strings.Index(q[k+1:], tag)
			if end < 0 {
				return nil, fmt.Errorf("refused: the dollar quote %s is never closed", tag)
			}
			toks = append(toks, token{punct: '\''})
			i = k + 1 + end + len(tag)
		case isWordByte(c):
			j := i
			for j < n && isWordByte(q[j]) {
				j++
			}
			toks = append(toks, token{word: strings.ToUpper(q[i:j])})
			i = j
		default:
			toks = append(toks, token{punct: c})
			i++
		}
	}
	return toks, nil
}

func isLetter(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || c >= 0x80 }

// deniedWords write, lock, change the session or the server.
var deniedWords = map[string]string{
	"INSERT": "writes", "UPDATE": "writes (or locks, in FOR UPDATE)", "DELETE": "writes", "MERGE": "writes", "UPSERT": "writes",
	"TRUNCATE": "writes", "COPY": "writes or reads files", "INTO": "writes (SELECT … INTO creates a table or a file)",
	"OUTFILE": "writes a file", "DUMPFILE": "writes a file",
	"DROP": "changes the schema", "CREATE": "changes the schema", "ALTER": "changes the schema", "RENAME": "changes the schema",
	"COMMENT": "changes the schema", "REINDEX": "changes the database", "VACUUM": "changes the database", "ANALYZE": "changes the database",
	"CLUSTER": "changes the database", "REFRESH": "changes the database", "OPTIMIZE": "changes the database", "REPAIR": "changes the database",
	"GRANT": "changes privileges", "REVOKE": "changes privileges",
	"CALL": "runs a procedure", "DO": "runs code", "EXECUTE": "runs a prepared statement", "EXEC": "runs code", "PREPARE": "prepares a statement",
	"DEALLOCATE": "changes the session", "PROCEDURE": "runs a procedure", "HANDLER": "opens a handler",
	"SET": "changes settings", "RESET": "changes settings", "DISCARD": "changes the session",
	"LOCK": "locks", "UNLOCK": "locks",
	"LISTEN": "changes the session", "UNLISTEN": "changes the session", "NOTIFY": "sends notifications",
	"BEGIN": "controls the transaction", "COMMIT": "controls the transaction", "ROLLBACK": "controls the transaction",
	"SAVEPOINT": "controls the transaction", "RELEASE": "controls the transaction", "START": "controls the transaction",
	"ATTACH": "opens another database", "DETACH": "closes a database", "PRAGMA": "changes settings",
	"LOAD": "loads code or files", "IMPORT": "loads data", "INSTALL": "loads code", "UNINSTALL": "unloads code",
	"KILL": "ends sessions", "SHUTDOWN": "stops the server", "FLUSH": "changes the server", "PURGE": "changes the server",
	"CHECKPOINT": "changes the server", "SECURITY": "changes privileges", "OWNER": "changes ownership",
}

// deniedFunctions have effects beyond the query (prefixes end in *).
var deniedFunctions = []string{
	"PG_TERMINATE_BACKEND", "PG_CANCEL_BACKEND", "PG_RELOAD_CONF", "PG_ROTATE_LOGFILE", "SET_CONFIG",
	"PG_READ_*", "PG_LS_*", "PG_STAT_FILE", "PG_FILE_*", "LO_*", "DBLINK*", "PG_NOTIFY",
	"PG_ADVISORY_*", "PG_TRY_ADVISORY_*", "PG_SWITCH_*", "PG_CREATE_*", "PG_DROP_*", "PG_PROMOTE",
	"PG_LOGICAL_*", "PG_REPLICATION_*", "PG_IMPORT_*", "PG_WAL_REPLAY_*", "NEXTVAL", "SETVAL",
	"QUERY_TO_XML*", "CURSOR_TO_XML*", "TABLE_TO_XML*", "SCHEMA_TO_XML*", "DATABASE_TO_XML*",
	"LOAD_FILE", "GET_LOCK", "RELEASE_LOCK", "RELEASE_ALL_LOCKS", "MASTER_POS_WAIT", "SOURCE_POS_WAIT", "SYS_EXEC", "SYS_EVAL",
	"LOAD_EXTENSION", "READFILE", "WRITEFILE", "EDIT", "FTS3_TOKENIZER",
}

func deniedFunction(word string) bool {
	for _, f := range deniedFunctions {
		if p, ok := strings.CutSuffix(f, "*"); ok {
			if strings.HasPrefix(word, p) {
				return true
			}
		} else if word == f {
			return true
		}
	}
	return false
}

func checkTokens(toks []token) error {
	if len(toks) == 0 {
		return errors.New("the query is empty")
	}
	if first := toks[0].word; first != "SELECT" && first != "WITH" {
		what := first
		if what == "" {
			what = string(toks[0].punct)
		}
		return fmt.Errorf("refused: a quality query must be one SELECT (or WITH … SELECT); this one starts with %s", what)
	}
	for i, t := range toks {
		if t.punct == ';' {
			if i != len(toks)-1 {
				return errors.New("refused: the query holds more than one statement (text after \";\"); give one SELECT")
			}
			continue
		}
		if t.punct == '"' && i+1 < len(toks) && toks[i+1].punct == '(' {
			return errors.New("refused: the query calls a function by a quoted name, which this check cannot vet; write the name unquoted")
		}
		if t.word == "" {
			continue
		}
		if why, ok := deniedWords[t.word]; ok {
			return fmt.Errorf("refused: the query contains %s, which %s; a quality query may only read", t.word, why)
		}
		if t.word == "FOR" && i+1 < len(toks) {
			switch toks[i+1].word {
			case "SHARE", "KEY", "NO":
				return errors.New("refused: the query locks rows (FOR SHARE / FOR KEY SHARE); a quality query may only read")
			}
		}
		if i+1 < len(toks) && toks[i+1].punct == '(' && deniedFunction(t.word) {
			return fmt.Errorf("refused: the query calls %s, which does more than read the data", strings.ToLower(t.word))
		}
	}
	return nil
}
