package connectors

import (
	"sort"
	"strings"
)

// Lineage from a view's SQL text, where the database does not say what a
// view reads (SQLite, and MySQL/MariaDB without VIEW_TABLE_USAGE). The
// parser does not understand SQL: it tokenizes (strings, quoted names and
// comments are never mistaken for keywords) and reads the table references
// that follow FROM, JOIN and the commas of a FROM clause, at every depth of
// parentheses (subqueries, derived tables, parenthesised joins). It leaves
// out common table expressions (an unqualified name a WITH defines),
// table-valued functions (a name followed by "("), and the FROM of
// expressions such as EXTRACT(YEAR FROM d) or IS DISTINCT FROM. What it
// returns is only a candidate: the connector keeps the names that are
// tables or views it crawled, so a misread word is dropped there.

// sqlDialect is how a database quotes and comments.
type sqlDialect int

const (
	// dialectSQLite: "name", `name` and [name] are names; '...' strings;
	// -- and /* */ comments.
	dialectSQLite sqlDialect = iota
	// dialectMySQL: `name` is a name; '...' and "..." are strings with
	// backslash escapes; #, "-- " and /* */ comments.
	dialectMySQL
)

// viewRef is a table or view named in a view's SQL; Schema is "" when the
// name is not qualified.
type viewRef struct {
	Schema, Name string
}

type sqlTokKind int

const (
	tokWord   sqlTokKind = iota // bare word: a keyword or a name
	tokQuoted                   // quoted name
	tokString                   // string literal
	tokNumber
	tokPunct // one character: ( ) , . ; and anything else
)

type sqlTok struct {
	kind sqlTokKind
	text string // a word as written; a quoted name unquoted; a punct's character
}

// upper is a bare word's keyword form, "" for any other token.
func (t sqlTok) upper() string {
	if t.kind != tokWord {
		return ""
	}
	return strings.ToUpper(t.text)
}

func (t sqlTok) isPunct(c string) bool { return t.kind == tokPunct && t.text == c }

func (t sqlTok) isName() bool { return t.kind == tokWord || t.kind == tokQuoted }

func isWordByte(c byte) bool {
	return c == '_' || c == '$' || c >= 0x80 || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// tokenizeSQL splits s into tokens, dropping whitespace and comments. It
// never fails: an unterminated string, name or comment runs to the end.
func tokenizeSQL(s string, d sqlDialect) []sqlTok {
	var toks []sqlTok
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '-' && i+1 < len(s) && s[i+1] == '-' &&
			(d != dialectMySQL || i+2 >= len(s) || s[i+2] <= ' '):
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '#' && d == dialectMySQL:
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				i = len(s)
			} else {
				i += 2 + end + 2
			}
		case c == '\'' || c == '"' && d == dialectMySQL:
			text, n := readQuoted(s[i:], c, d == dialectMySQL)
			toks = append(toks, sqlTok{tokString, text})
			i += n
		case c == '"' || c == '`':
			text, n := readQuoted(s[i:], c, false)
			toks = append(toks, sqlTok{tokQuoted, text})
			i += n
		case c == '[' && d == dialectSQLite:
			end := strings.IndexByte(s[i+1:], ']')
			if end < 0 {
				toks = append(toks, sqlTok{tokQuoted, s[i+1:]})
				i = len(s)
			} else {
				toks = append(toks, sqlTok{tokQuoted, s[i+1 : i+1+end]})
				i += end + 2
			}
		case '0' <= c && c <= '9':
			j := i
			for j < len(s) && (isWordByte(s[j]) || s[j] == '.') {
				j++
			}
			toks = append(toks, sqlTok{tokNumber, s[i:j]})
			i = j
		case isWordByte(c):
			j := i
			for j < len(s) && isWordByte(s[j]) {
				j++
			}
			toks = append(toks, sqlTok{tokWord, s[i:j]})
			i = j
		default:
			toks = append(toks, sqlTok{tokPunct, s[i : i+1]})
			i++
		}
	}
	return toks
}

// readQuoted reads a string or quoted name opening with q at s[0]: a
// doubled q stands for one, and with backslash escapes \x for x. It returns
// the text inside and the bytes read.
func readQuoted(s string, q byte, backslash bool) (string, int) {
	var b strings.Builder
	i := 1
	for i < len(s) {
		c := s[i]
		switch {
		case backslash && c == '\\' && i+1 < len(s):
			b.WriteByte(s[i+1])
			i += 2
		case c == q && i+1 < len(s) && s[i+1] == q:
			b.WriteByte(q)
			i += 2
		case c == q:
			return b.String(), i + 1
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), len(s)
}

// sqlClauseEnds are the keywords that end a FROM clause at their depth.
var sqlClauseEnds = map[string]bool{
	"WHERE": true, "GROUP": true, "HAVING": true, "ORDER": true, "LIMIT": true, "WINDOW": true,
	"UNION": true, "INTERSECT": true, "EXCEPT": true, "MINUS": true, "QUALIFY": true, "RETURNING": true,
	"INTO": true, "FOR": true, "LOCK": true, "PROCEDURE": true, "OFFSET": true, "FETCH": true,
}

// sqlNotTables are keywords that may stand where a table reference starts
// but are none.
var sqlNotTables = map[string]bool{
	"SELECT": true, "WITH": true, "VALUES": true, "DUAL": true,
}

// viewReferences lists the tables and views the SQL of a view (the CREATE
// VIEW statement or its SELECT) reads, each once, in order of first
// mention. Unqualified names of common table expressions are left out.
func viewReferences(sql string, d sqlDialect) []viewRef {
	toks := tokenizeSQL(sql, d)
	// One frame per open parenthesis. select: a SELECT at this depth has
	// not had its FROM yet. from: in a FROM clause at this depth, so a
	// comma starts another table reference. with: in a WITH list at this
	// depth, so a comma starts another common table expression.
	type frame struct{ select_, from, with bool }
	stack := []frame{{}}
	ctes := map[string]bool{}
	var refs []viewRef
	seen := map[viewRef]bool{}
	expectTable := false

	// cteHeader reads "name [(columns)] AS [NOT] [MATERIALIZED]" at i and
	// returns the index of the token after it (the body's parenthesis).
	cteHeader := func(i int) int {
		if i < len(toks) && toks[i].upper() == "RECURSIVE" {
			i++
		}
		if i >= len(toks) || !toks[i].isName() {
			return i
		}
		ctes[strings.ToLower(toks[i].text)] = true
		i++
		if i < len(toks) && toks[i].isPunct("(") { // column list: names only
			depth := 0
			for ; i < len(toks); i++ {
				if toks[i].isPunct("(") {
					depth++
				} else if toks[i].isPunct(")") {
					depth--
					if depth == 0 {
						i++
						break
					}
				}
			}
		}
		if i < len(toks) && toks[i].upper() == "AS" {
			i++
		}
		if i < len(toks) && toks[i].upper() == "NOT" {
			i++
		}
		if i < len(toks) && toks[i].upper() == "MATERIALIZED" {
			i++
		}
		return i
	}

	for i := 0; i < len(toks); {
		t := toks[i]
		top := &stack[len(stack)-1]
		if expectTable {
			expectTable = false
			kw := t.upper()
			switch {
			case t.isPunct("("):
				// A subquery or a parenthesised join: inside, a table
				// reference may start at once; a SELECT turns that off.
				stack = append(stack, frame{from: true})
				expectTable = true
				i++
				continue
			case kw == "LATERAL" || kw == "ONLY":
				expectTable = true
				i++
				continue
			case t.isName() && !sqlNotTables[kw]:
				parts := []string{t.text}
				j := i + 1
				for j+1 < len(toks) && toks[j].isPunct(".") && toks[j+1].isName() {
					parts = append(parts, toks[j+1].text)
					j += 2
				}
				i = j
				if j < len(toks) && toks[j].isPunct("(") {
					continue // a table-valued function
				}
				var r viewRef
				switch len(parts) {
				case 1:
					if ctes[strings.ToLower(parts[0])] {
						continue
					}
					r = viewRef{Name: parts[0]}
				case 2:
					r = viewRef{Schema: parts[0], Name: parts[1]}
				default:
					continue // not a table's name
				}
				if r.Name != "" && !seen[r] {
					seen[r] = true
					refs = append(refs, r)
				}
				continue
			}
		}
		kw := t.upper()
		switch {
		case t.isPunct("("):
			stack = append(stack, frame{})
		case t.isPunct(")"):
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
		case t.isPunct(","):
			switch {
			case top.from:
				expectTable = true
			case top.with:
				i = cteHeader(i + 1)
				continue
			}
		case kw == "WITH":
			top.with, top.from = true, false
			i = cteHeader(i + 1)
			continue
		case kw == "SELECT" || kw == "VALUES":
			top.select_, top.from, top.with = kw == "SELECT", false, false
		case kw == "FROM":
			// Not the FROM of IS [NOT] DISTINCT FROM, nor of EXTRACT(x
			// FROM y) and the like (no SELECT at their depth).
			if top.select_ && (i == 0 || toks[i-1].upper() != "DISTINCT") {
				top.select_, top.from = false, true
				expectTable = true
			}
		case kw == "JOIN" || kw == "STRAIGHT_JOIN":
			top.from = true
			expectTable = true
		case sqlClauseEnds[kw]:
			top.from = false
		}
		i++
	}
	return refs
}

// resolveViewRefs turns the references of one view into the keys of crawled
// assets: lookup finds the key of a schema and name (ok false for what was
// not crawled); schema is the view's own, for unqualified names. The view
// itself is left out; the result is sorted, each key once.
func resolveViewRefs(refs []viewRef, schema, self string, lookup func(schema, name string) (string, bool)) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range refs {
		s := r.Schema
		if s == "" {
			s = schema
		}
		key, ok := lookup(s, r.Name)
		if !ok || key == self || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, key)
	}
	sort.Strings(out)
	return out
}
