package contractcheck

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Rule types.
const (
	RuleLibrary = "library"
	RuleSQL     = "sql"
)

// Library metrics of ODCS v3.
const (
	MetricNullValues      = "nullValues"
	MetricMissingValues   = "missingValues"
	MetricInvalidValues   = "invalidValues"
	MetricDuplicateValues = "duplicateValues"
	MetricRowCount        = "rowCount"
)

// Operators of ODCS v3.
const (
	OpMustBe                 = "mustBe"
	OpMustNotBe              = "mustNotBe"
	OpMustBeGreaterThan      = "mustBeGreaterThan"
	OpMustBeGreaterOrEqualTo = "mustBeGreaterOrEqualTo"
	OpMustBeLessThan         = "mustBeLessThan"
	OpMustBeLessOrEqualTo    = "mustBeLessOrEqualTo"
	OpMustBeBetween          = "mustBeBetween"
	OpMustNotBeBetween       = "mustNotBeBetween"
)

// Units.
const (
	UnitRows    = "rows"
	UnitPercent = "percent"
)

// Rule is one ODCS quality rule of a property (Column set) or of the
// schema object (Column "").
type Rule struct {
	ID     string
	Type   string // RuleLibrary or RuleSQL; "" is library when Metric is set
	Metric string // library rules: MetricNullValues, …
	Column string // "" for table-level rules
	// Arguments of library metrics:
	//   - "missingValues": values that count as missing besides NULL
	//     (missingValues);
	//   - "validValues": the values allowed (invalidValues);
	//   - "pattern": a regular expression valid values match
	//     (invalidValues);
	//   - "properties": the columns whose combined values must be unique
	//     (duplicateValues at table level).
	Arguments map[string]any
	Query     string // sql rules: one SELECT returning one number
	Operator  string // OpMustBe, …
	Value     float64
	Values    [2]float64 // between: smallest first
	Unit      string     // UnitRows (default) or UnitPercent
}

// Table is the schema object a rule reads. Schema is the PostgreSQL
// schema, the MySQL database, or "main" for SQLite ("" for none).
type Table struct {
	Schema, Name string
}

func (t Table) String() string {
	if t.Schema == "" {
		return t.Name
	}
	return t.Schema + "." + t.Name
}

// Result statuses.
const (
	StatusPassed = "passed"
	StatusFailed = "failed"
	StatusNotRun = "not run" // not allowed to read the table: neither passed nor failed
	StatusError  = "error"   // the rule is not usable or the query failed
)

// Result is one rule as run on the database.
type Result struct {
	RuleID    string
	Status    string
	Measured  *float64 // nil unless the query answered
	Threshold string   // "≤ 0 rows", "between 1000 and 2000 rows", "< 5 %"
	Message   string
	Took      time.Duration
}

func (r Rule) kind() string {
	if r.Type == "" && r.Metric != "" {
		return RuleLibrary
	}
	return r.Type
}

// Validate says whether the rule can be run at all.
func (r Rule) Validate() error {
	switch r.kind() {
	case RuleLibrary:
		switch r.Metric {
		case MetricRowCount:
			if r.Unit == UnitPercent {
				return errors.New("rowCount counts rows: it has no percent unit")
			}
		case MetricNullValues, MetricMissingValues, MetricInvalidValues:
			if r.Column == "" {
				return fmt.Errorf("%s needs a column: put the rule on a property", r.Metric)
			}
		case MetricDuplicateValues:
		case "":
			return errors.New("a library rule needs a metric (nullValues, missingValues, invalidValues, duplicateValues or rowCount)")
		default:
			return fmt.Errorf("unknown metric %q (known: nullValues, missingValues, invalidValues, duplicateValues, rowCount)", r.Metric)
		}
	case RuleSQL:
		if strings.TrimSpace(r.Query) == "" {
			return errors.New("a sql rule needs a query")
		}
	case "":
		return errors.New("the rule has neither a metric nor a query")
	default:
		return fmt.Errorf("rules of type %q are not run here (only library and sql)", r.Type)
	}
	switch r.Operator {
	case OpMustBe, OpMustNotBe, OpMustBeGreaterThan, OpMustBeGreaterOrEqualTo, OpMustBeLessThan, OpMustBeLessOrEqualTo:
		if math.IsNaN(r.Value) {
			return fmt.Errorf("%s needs a number", r.Operator)
		}
	case OpMustBeBetween, OpMustNotBeBetween:
		if math.IsNaN(r.Values[0]) || math.IsNaN(r.Values[1]) || r.Values[0] > r.Values[1] {
			return fmt.Errorf("%s needs two numbers, the smallest first", r.Operator)
		}
	case "":
		return errors.New("the rule has no operator (mustBe, mustBeLessThan, …)")
	default:
		return fmt.Errorf("unknown operator %q", r.Operator)
	}
	switch r.Unit {
	case "", UnitRows, UnitPercent:
	default:
		return fmt.Errorf("unknown unit %q (rows or percent)", r.Unit)
	}
	return nil
}

// QuoteIdent quotes a name for the dialect: "name" (PostgreSQL, SQLite,
// doubling any " in it) or `name` (MySQL, doubling any `).
func QuoteIdent(dialect, name string) (string, error) {
	if name == "" {
		return "", errors.New("empty name")
	}
	if strings.IndexByte(name, 0) >= 0 {
		return "", errors.New("a name holds a NUL character")
	}
	if !utf8.ValidString(name) {
		return "", errors.New("a name is not valid UTF-8 text")
	}
	switch dialect {
	case Postgres, SQLite:
		return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`, nil
	case MySQL:
		return "`" + strings.ReplaceAll(name, "`", "``") + "`", nil
	}
	return "", fmt.Errorf("unknown dialect %q (postgres, mysql or sqlite)", dialect)
}

// QuoteTable quotes schema.name (name alone when the schema is "").
func QuoteTable(dialect string, t Table) (string, error) {
	name, err := QuoteIdent(dialect, t.Name)
	if err != nil {
		return "", fmt.Errorf("table name: %w", err)
	}
	if t.Schema == "" {
		return name, nil
	}
	schema, err := QuoteIdent(dialect, t.Schema)
	if err != nil {
		return "", fmt.Errorf("schema name: %w", err)
	}
	return schema + "." + name, nil
}

// params collects bind arguments in the dialect's placeholder syntax.
type params struct {
	dialect string
	args    []any
}

func (p *params) add(v any) string {
	p.args = append(p.args, v)
	if p.dialect == Postgres {
		return "$" + strconv.Itoa(len(p.args))
	}
	return "?"
}

// asText casts a column to text so that values from a contract (strings,
// numbers) compare the same way whatever the column's type.
func asText(dialect, col string) string {
	switch dialect {
	case MySQL:
		return "CAST(" + col + " AS CHAR)"
	case SQLite:
		return "CAST(" + col + " AS TEXT)"
	}
	return "CAST(" + col + " AS text)"
}

// valueText is a contract value as text, as a column cast to text shows
// it; ok is false for null (NULL is always missing, never valid or
// invalid).
func valueText(v any) (string, bool, error) {
	switch x := v.(type) {
	case nil:
		return "", false, nil
	case string:
		return x, true, nil
	case bool:
		return strconv.FormatBool(x), true, nil
	case int:
		return strconv.Itoa(x), true, nil
	case int64:
		return strconv.FormatInt(x, 10), true, nil
	case uint64:
		return strconv.FormatUint(x, 10), true, nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true, nil
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32), true, nil
	}
	return "", false, fmt.Errorf("the value %v (%T) is not a string or a number", v, v)
}

// list reads a list argument: []any or []string.
func list(args map[string]any, key string) ([]any, bool, error) {
	v, ok := args[key]
	if !ok || v == nil {
		return nil, false, nil
	}
	switch x := v.(type) {
	case []any:
		return x, true, nil
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out, true, nil
	}
	return nil, false, fmt.Errorf("the argument %s should be a list, not %T", key, v)
}

// inList is "col IN (…)" over the non-null values, "" when there are
// none; it also says whether null was among them.
func inList(p *params, col string, values []any) (cond string, hadNull bool, err error) {
	var ph []string
	for _, v := range values {
		s, ok, err := valueText(v)
		if err != nil {
			return "", false, err
		}
		if !ok {
			hadNull = true
			continue
		}
		ph = append(ph, p.add(s))
	}
	if len(ph) == 0 {
		return "", hadNull, nil
	}
	return asText(p.dialect, col) + " IN (" + strings.Join(ph, ", ") + ")", hadNull, nil
}

// BuildQuery is the one SELECT that measures rule r on table t, with its
// bind arguments. Library metrics return two columns, measured and total
// (all rows of the table, for percentages); rowCount and sql rules return
// one. What is measured:
//
//   - nullValues: rows whose column is NULL;
//   - missingValues: rows whose column is NULL or, as text, one of the
//     missingValues argument;
//   - invalidValues: rows whose column is not NULL and, as text, not one
//     of validValues or not matching pattern (PostgreSQL ~, MySQL REGEXP,
//     SQLite REGEXP, which needs the regexp() function jobs/connectors
//     registers: Go RE2 syntax);
//   - duplicateValues: rows that repeat an earlier row's value of the
//     column, or of the properties argument's columns together; rows with
//     NULL in any of them are not compared, as in a UNIQUE constraint;
//   - rowCount: the rows;
//   - sql: the query's first column, with ${object}, {object}, ${table}
//     and {table} replaced by the quoted table, ${property}, {property},
//     ${column} and {column} by the quoted column. The query must pass
//     CheckReadOnlyQuery.
//
// Values compare as the column's text: a numeric(10,2) column holding 1.5
// reads "1.50" on PostgreSQL and MySQL.
func BuildQuery(dialect string, t Table, r Rule) (query string, args []any, err error) {
	if _, err := QuoteIdent(dialect, "x"); err != nil {
		return "", nil, err
	}
	if err := r.Validate(); err != nil {
		return "", nil, err
	}
	table, err := QuoteTable(dialect, t)
	if err != nil {
		return "", nil, err
	}
	var col string
	if r.Column != "" {
		if col, err = QuoteIdent(dialect, r.Column); err != nil {
			return "", nil, fmt.Errorf("column name: %w", err)
		}
	}
	if r.kind() == RuleSQL {
		return buildSQL(dialect, r.Query, table, col)
	}
	p := &params{dialect: dialect}
	countIf := func(cond string) string {
		return "SELECT COALESCE(SUM(CASE WHEN " + cond + " THEN 1 ELSE 0 END), 0), COUNT(*) FROM " + table
	}
	switch r.Metric {
	case MetricRowCount:
		return "SELECT COUNT(*) FROM " + table, nil, nil
	case MetricNullValues:
		return countIf(col + " IS NULL"), nil, nil
	case MetricMissingValues:
		values, _, err := list(r.Arguments, "missingValues")
		if err != nil {
			return "", nil, err
		}
		in, _, err := inList(p, col, values)
		if err != nil {
			return "", nil, fmt.Errorf("missingValues: %w", err)
		}
		cond := col + " IS NULL"
		if in != "" {
			cond += " OR " + in
		}
		return countIf(cond), p.args, nil
	case MetricInvalidValues:
		values, haveValues, err := list(r.Arguments, "validValues")
		if err != nil {
			return "", nil, err
		}
		pattern, havePattern := r.Arguments["pattern"]
		if !haveValues && !havePattern {
			return "", nil, errors.New("invalidValues needs the argument validValues or pattern")
		}
		var bad []string
		if haveValues {
			in, _, err := inList(p, col, values)
			if err != nil {
				return "", nil, fmt.Errorf("validValues: %w", err)
			}
			if in == "" {
				bad = append(bad, "1 = 1") // only null is valid: every value is invalid
			} else {
				bad = append(bad, "NOT ("+in+")")
			}
		}
		if havePattern {
			re, ok := pattern.(string)
			if !ok || re == "" {
				return "", nil, errors.New("the argument pattern should be a regular expression")
			}
			switch dialect {
			case Postgres:
				bad = append(bad, "NOT ("+asText(dialect, col)+" ~ "+p.add(re)+")")
			case MySQL:
				bad = append(bad, "NOT ("+asText(dialect, col)+" REGEXP "+p.add(re)+")")
			case SQLite:
				if _, err := regexp.Compile(re); err != nil {
					return "", nil, fmt.Errorf("the pattern is not a regular expression SQLite checks can use (Go RE2 syntax): %v", err)
				}
				bad = append(bad, "NOT ("+asText(dialect, col)+" REGEXP "+p.add(re)+")")
			}
		}
		return countIf(col + " IS NOT NULL AND (" + strings.Join(bad, " OR ") + ")"), p.args, nil
	case MetricDuplicateValues:
		var cols []string
		if col != "" {
			cols = append(cols, col)
		}
		props, _, err := list(r.Arguments, "properties")
		if err != nil {
			return "", nil, err
		}
		for _, v := range props {
			name, ok := v.(string)
			if !ok {
				return "", nil, fmt.Errorf("the argument properties should list column names, not %T", v)
			}
			q, err := QuoteIdent(dialect, name)
			if err != nil {
				return "", nil, fmt.Errorf("properties: %w", err)
			}
			cols = append(cols, q)
		}
		if len(cols) == 0 {
			return "", nil, errors.New("duplicateValues needs a column: put the rule on a property or list the argument properties")
		}
		notNull := make([]string, len(cols))
		for i, c := range cols {
			notNull[i] = c + " IS NOT NULL"
		}
		return "SELECT COALESCE(SUM(g.n - 1), 0), (SELECT COUNT(*) FROM " + table + ") FROM (SELECT COUNT(*) AS n FROM " + table +
			" WHERE " + strings.Join(notNull, " AND ") + " GROUP BY " + strings.Join(cols, ", ") + " HAVING COUNT(*) > 1) g", nil, nil
	}
	return "", nil, fmt.Errorf("unknown metric %q", r.Metric)
}

// sqlPlaceholders are the names a sql rule's query may use for its table
// and column. ODCS v3's schema shows ${table} and ${column}; its
// documentation of v3.1 speaks of ${object} and ${property}.
var sqlTablePlaceholders = []string{"${object}", "{object}", "${table}", "{table}"}
var sqlColumnPlaceholders = []string{"${property}", "{property}", "${column}", "{column}"}

func buildSQL(dialect, query, table, col string) (string, []any, error) {
	pairs := make([]string, 0, 16)
	for _, ph := range sqlTablePlaceholders {
		pairs = append(pairs, ph, table)
	}
	for _, ph := range sqlColumnPlaceholders {
		if col == "" && strings.Contains(query, ph) {
			return "", nil, fmt.Errorf("the query uses %s, but the rule is on no column", ph)
		}
		pairs = append(pairs, ph, col)
	}
	q := strings.NewReplacer(pairs...).Replace(query)
	if err := CheckReadOnlyQuery(dialect, q); err != nil {
		return "", nil, err
	}
	return q, nil, nil
}

// Percent is 100 × measured / total; 0 when the table is empty.
func Percent(measured, total float64) float64 {
	if total == 0 {
		return 0
	}
	return 100 * measured / total
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// Judge says whether measured satisfies the rule's operator, and the
// threshold in words: "≤ 0 rows", "between 1000 and 2000 rows", "< 5 %".
// A sql rule's value has no unit unless the rule names one.
func Judge(r Rule, measured float64) (pass bool, threshold string) {
	unit := " rows"
	switch {
	case r.Unit == UnitPercent:
		unit = " %"
	case r.kind() == RuleSQL && r.Unit == "":
		unit = ""
	}
	v := r.Value
	switch r.Operator {
	case OpMustBe:
		return measured == v, "= " + num(v) + unit
	case OpMustNotBe:
		return measured != v, "≠ " + num(v) + unit
	case OpMustBeGreaterThan:
		return measured > v, "> " + num(v) + unit
	case OpMustBeGreaterOrEqualTo:
		return measured >= v, "≥ " + num(v) + unit
	case OpMustBeLessThan:
		return measured < v, "< " + num(v) + unit
	case OpMustBeLessOrEqualTo:
		return measured <= v, "≤ " + num(v) + unit
	case OpMustBeBetween:
		lo, hi := r.Values[0], r.Values[1]
		return lo <= measured && measured <= hi, "between " + num(lo) + " and " + num(hi) + unit
	case OpMustNotBeBetween:
		lo, hi := r.Values[0], r.Values[1]
		return measured < lo || measured > hi, "not between " + num(lo) + " and " + num(hi) + unit
	}
	return false, fmt.Sprintf("unknown operator %q", r.Operator)
}
