package connectors

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	sqlite "github.com/glebarez/go-sqlite"
	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/contractcheck"
)

// RunChecks runs a contract's quality rules on one table of a source and
// says for each whether it passed. It connects as the connectors do (the
// same address checks and policy dialer) and runs every rule in a
// transaction of its own that cannot write:
//
//   - PostgreSQL: BEGIN READ ONLY, with statement_timeout and lock_timeout
//     SET LOCAL to the source's statement timeout;
//   - MySQL/MariaDB: START TRANSACTION READ ONLY, with max_statement_time
//     (MariaDB, seconds) or max_execution_time (MySQL, milliseconds);
//   - SQLite: the file opened with mode=ro and query_only, each statement
//     under a context deadline.
//
// A rule that cannot be built, or a sql rule that CheckReadOnlyQuery
// refuses, is an "error" and never runs. A rule the user may not read the
// table for is "not run" (never passed nor failed). The error is for a
// source that cannot be reached at all.
func RunChecks(ctx context.Context, s models.SourceSettings, p models.SourcePolicy, t contractcheck.Table, rules []contractcheck.Rule) ([]contractcheck.Result, error) {
	if s.StatementTimeout <= 0 {
		s.StatementTimeout = 30 * time.Second
	}
	var dialect string
	var run func(ctx context.Context, q string, args []any, cols int) ([]float64, error)
	var classify func(err error) (status, message string)
	var done func()
	switch s.Kind {
	case models.KindPostgres:
		c, err := openPostgres(s, p)
		if err != nil {
			return nil, err
		}
		pc := c.(*pgConnector)
		conn, err := pc.connect(ctx)
		if err != nil {
			return nil, err
		}
		dialect, done = contractcheck.Postgres, func() { pc.release(conn) }
		run = func(ctx context.Context, q string, args []any, _ int) ([]float64, error) {
			return pc.checkQuery(ctx, conn, q, args)
		}
		classify = func(err error) (string, string) { return pc.checkError(ctx, err, t) }
	case models.KindMySQL:
		c, err := openMySQL(s, p)
		if err != nil {
			return nil, err
		}
		mc := c.(*mysqlConnector)
		if _, err := mc.connect(ctx); err != nil {
			_ = mc.Close()
			return nil, err
		}
		dialect, done = contractcheck.MySQL, func() { _ = mc.Close() }
		run = func(ctx context.Context, q string, args []any, _ int) ([]float64, error) {
			return mc.checkQuery(ctx, q, args)
		}
		classify = func(err error) (string, string) { return mc.checkError(ctx, err, t) }
	case models.KindSQLite:
		c, err := openSQLite(s, p)
		if err != nil {
			return nil, err
		}
		sc := c.(*sqliteConnector)
		registerSQLiteFuncs()
		m, err := sc.begin(ctx) // opens the file: fails here when it cannot be read at all
		if err != nil {
			return nil, err
		}
		m.close()
		dialect, done = contractcheck.SQLite, func() {}
		run = sc.checkQuery
		classify = func(err error) (string, string) { return sc.checkError(ctx, err) }
	default:
		return nil, fmt.Errorf("quality checks do not run on %s sources", s.Kind)
	}
	defer done()

	out := make([]contractcheck.Result, 0, len(rules))
	for _, r := range rules {
		res := contractcheck.Result{RuleID: r.ID}
		start := time.Now()
		q, args, err := contractcheck.BuildQuery(dialect, t, r)
		if err != nil {
			res.Status, res.Message = contractcheck.StatusError, err.Error()
			out = append(out, res)
			continue
		}
		if err := ctx.Err(); err != nil {
			res.Status, res.Message = contractcheck.StatusError, "not run: the checks were cancelled or ran out of time"
			out = append(out, res)
			continue
		}
		cols := 2 // library metrics: measured and total
		if r.Type == contractcheck.RuleSQL || r.Metric == contractcheck.MetricRowCount {
			cols = 1
		}
		vals, err := run(ctx, q, args, cols)
		res.Took = time.Since(start)
		if err != nil {
			res.Status, res.Message = classify(err)
			out = append(out, res)
			continue
		}
		measured := vals[0]
		text := num(measured)
		if len(vals) == 2 {
			text = fmt.Sprintf("%s of %s rows", num(vals[0]), num(vals[1]))
			if r.Unit == contractcheck.UnitPercent {
				measured = contractcheck.Percent(vals[0], vals[1])
				text = fmt.Sprintf("%s %% (%s of %s rows)", num(math.Round(measured*1000)/1000), num(vals[0]), num(vals[1]))
			}
		} else if r.Metric == contractcheck.MetricRowCount {
			text += " rows"
		}
		res.Measured = &measured
		pass, threshold := contractcheck.Judge(r, measured)
		res.Threshold = threshold
		res.Status = contractcheck.StatusFailed
		if pass {
			res.Status = contractcheck.StatusPassed
		}
		res.Message = "measured " + text + ", want " + threshold
		out = append(out, res)
	}
	return out, nil
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// checkRow reads a check's one row: one or two numbers. Queries that
// return no row, several, NULL or text that is no number are errors.
func checkRow(next func() bool, scan func(dest ...any) error, cols int, rowsErr func() error) ([]float64, error) {
	if cols < 1 {
		// pgx reports a failed query only once its rows are read.
		for next() {
		}
		if err := rowsErr(); err != nil {
			return nil, err
		}
		return nil, errors.New("the query returns no column")
	}
	if !next() {
		if err := rowsErr(); err != nil {
			return nil, err
		}
		return nil, errors.New("the query returned no row; it should return one number")
	}
	raw := make([]any, cols)
	ptrs := make([]any, cols)
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	if err := scan(ptrs...); err != nil {
		return nil, err
	}
	if next() {
		return nil, errors.New("the query returned more than one row; it should return one number")
	}
	if err := rowsErr(); err != nil {
		return nil, err
	}
	n := 1
	if cols >= 2 {
		n = 2 // library metrics: measured and total; sql rules: the first column counts
	}
	out := make([]float64, n)
	for i := 0; i < n; i++ {
		f, err := toFloat(raw[i])
		if err != nil {
			return nil, err
		}
		out[i] = f
	}
	return out, nil
}

func toFloat(v any) (float64, error) {
	switch x := v.(type) {
	case nil:
		return 0, errors.New("the query returned NULL; it should return a number")
	case int64:
		return float64(x), nil
	case int32:
		return float64(x), nil
	case int16:
		return float64(x), nil
	case int8:
		return float64(x), nil
	case int:
		return float64(x), nil
	case uint64:
		return float64(x), nil
	case uint32:
		return float64(x), nil
	case float64:
		return x, nil
	case float32:
		return float64(x), nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case pgtype.Numeric:
		f, err := x.Float64Value()
		if err != nil || !f.Valid {
			return 0, errors.New("the query returned a number that cannot be read")
		}
		return f.Float64, nil
	case []byte:
		return toFloat(string(x))
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return 0, fmt.Errorf("the query returned %q, which is not a number", x)
		}
		return f, nil
	}
	return 0, fmt.Errorf("the query returned a %T, not a number", v)
}

// notRun is the message of a rule the user may not run.
func notRun(t contractcheck.Table, detail string) string {
	msg := "not run: needs SELECT on " + t.String()
	if detail != "" {
		msg += " (" + detail + ")"
	}
	return msg
}

// checkQuery runs one check in a read-only transaction of its own.
func (c *pgConnector) checkQuery(ctx context.Context, conn *pgx.Conn, q string, args []any) ([]float64, error) {
	tx, err := c.beginReadOnly(ctx, conn)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback(context.Background()) }()
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	vals, err := checkRow(rows.Next, func(dest ...any) error {
		v, err := rows.Values()
		if err != nil {
			return err
		}
		for i := range dest {
			*(dest[i].(*any)) = v[i]
		}
		return nil
	}, len(rows.FieldDescriptions()), rows.Err)
	return vals, err
}

// checkError is a failed check's status and message.
func (c *pgConnector) checkError(ctx context.Context, err error, t contractcheck.Table) (string, string) {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "42501":
			return contractcheck.StatusNotRun, notRun(t, pgErr.Message)
		case "57014":
			if ctx.Err() == nil {
				return contractcheck.StatusError, fmt.Sprintf("the query took longer than the statement timeout of %s and was cancelled", c.s.StatementTimeout)
			}
		case "55P03":
			return contractcheck.StatusError, fmt.Sprintf("the table is locked by another session (lock timeout %s)", min(c.s.StatementTimeout, pgMaxLockTimeout))
		case "25006":
			return contractcheck.StatusError, "PostgreSQL refused to write in the read-only transaction: " + pgErr.Message
		}
		return contractcheck.StatusError, fmt.Sprintf("PostgreSQL answered: %s (SQLSTATE %s)", pgErr.Message, pgErr.Code)
	}
	var se *models.SourceError
	if errors.As(err, &se) {
		if strings.Contains(se.Message, "statement timeout") {
			return contractcheck.StatusError, fmt.Sprintf("the query took longer than the statement timeout of %s and was cancelled", c.s.StatementTimeout)
		}
		return contractcheck.StatusError, se.Message
	}
	if ctx.Err() != nil {
		return contractcheck.StatusError, "the checks were cancelled or ran out of time"
	}
	return contractcheck.StatusError, pgScrub(err.Error(), c.password)
}

// checkQuery runs one check in a START TRANSACTION READ ONLY of its own,
// with the session's statement timeout (see begin).
func (c *mysqlConnector) checkQuery(ctx context.Context, q string, args []any) ([]float64, error) {
	m, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer m.tx.Rollback()
	rows, err := m.tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	return checkRow(rows.Next, rows.Scan, len(cols), rows.Err)
}

func (c *mysqlConnector) checkError(ctx context.Context, err error, t contractcheck.Table) (string, string) {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		switch {
		case me.Number == 1142 || me.Number == 1143 || me.Number == 1044:
			return contractcheck.StatusNotRun, notRun(t, hideSecret(me.Message, c.cfg.Passwd))
		case me.Number == 1969 || me.Number == 3024:
			return contractcheck.StatusError, fmt.Sprintf("the query took longer than the statement timeout of %s and was cancelled", c.s.StatementTimeout)
		case me.Number == 1792:
			return contractcheck.StatusError, "MySQL refused to write in the read-only transaction: " + me.Message
		}
		return contractcheck.StatusError, fmt.Sprintf("the server answered: %s (error %d)", hideSecret(me.Message, c.cfg.Passwd), me.Number)
	}
	var se *models.SourceError
	if errors.As(err, &se) {
		if isMySQLPermissionErr(se.Err) {
			return contractcheck.StatusNotRun, notRun(t, "")
		}
		return contractcheck.StatusError, se.Message
	}
	if ctx.Err() != nil {
		return contractcheck.StatusError, "the checks were cancelled or ran out of time"
	}
	return contractcheck.StatusError, hideSecret(err.Error(), c.cfg.Passwd)
}

func isMySQLPermissionErr(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && isMySQLPermission(me.Number)
}

// checkQuery runs one check on the file opened read-only (mode=ro,
// query_only), bounded by the statement timeout. The driver interrupts a
// statement on its context's end only while executing it, not while
// reading rows, so the check runs as one statement that hands its answer
// to a Go function (meshport_check_result) instead of returning rows:
//
//	WITH r(m, t) AS (<check>) SELECT meshport_check_result(?, COUNT(*), m, t) FROM r
//
// cols is how many columns the check returns (sql rules: exactly one).
func (c *sqliteConnector) checkQuery(ctx context.Context, q string, args []any, cols int) ([]float64, error) {
	m, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer m.close()
	sctx, cancel := c.stmtCtx(ctx)
	defer cancel()
	names := "m"
	if cols == 2 {
		names = "m, t"
	}
	token := sqliteCheckToken.Add(1)
	defer sqliteCheckResults.Delete(token)
	q = strings.TrimRight(strings.TrimSpace(q), "; \t\n")
	wrapped := "WITH r(" + names + ") AS (" + q + ") SELECT meshport_check_result(?, COUNT(*), " + names + ") FROM r"
	if _, err := m.tx.ExecContext(sctx, wrapped, append(args[:len(args):len(args)], token)...); err != nil {
		if sctx.Err() != nil && ctx.Err() == nil {
			return nil, context.DeadlineExceeded
		}
		return nil, err
	}
	v, ok := sqliteCheckResults.Load(token)
	if !ok {
		return nil, errors.New("the query gave no result")
	}
	row := v.([]any)
	switch n, _ := row[0].(int64); {
	case n == 0:
		return nil, errors.New("the query returned no row; it should return one number")
	case n > 1:
		return nil, errors.New("the query returned more than one row; it should return one number")
	}
	out := make([]float64, 0, 2)
	for _, x := range row[1:] {
		f, err := toFloat(x)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// What meshport_check_result received, by token.
var (
	sqliteCheckToken   atomic.Int64
	sqliteCheckResults sync.Map // int64 -> []any{count, m[, t]}
)

func (c *sqliteConnector) checkError(ctx context.Context, err error) (string, string) {
	switch {
	case ctx.Err() != nil:
		return contractcheck.StatusError, "the checks were cancelled or ran out of time"
	case errors.Is(err, context.DeadlineExceeded) || sqliteCode(err) == 9:
		return contractcheck.StatusError, fmt.Sprintf("the query took longer than the statement timeout of %s and was cancelled", c.s.StatementTimeout)
	}
	var se *models.SourceError
	if errors.As(err, &se) {
		return contractcheck.StatusError, se.Message
	}
	return contractcheck.StatusError, "SQLite answered: " + err.Error()
}

var sqliteFuncsOnce sync.Once

// registerSQLiteFuncs gives SQLite connections opened from now on the
// regexp(pattern, text) function behind its REGEXP operator, with Go's
// RE2 syntax (SQLite has none of its own; NULL text gives NULL), and
// meshport_check_result(token, count, values...), which keeps what a check
// measured (see checkQuery).
func registerSQLiteFuncs() {
	sqliteFuncsOnce.Do(func() {
		_ = sqlite.RegisterScalarFunction("meshport_check_result", -1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			if len(args) < 3 {
				return nil, errors.New("meshport_check_result needs a token, a count and a value")
			}
			token, ok := args[0].(int64)
			if !ok {
				return nil, errors.New("meshport_check_result needs an integer token")
			}
			row := make([]any, len(args)-1)
			for i, a := range args[1:] {
				if b, ok := a.([]byte); ok {
					a = string(b)
				}
				row[i] = a
			}
			sqliteCheckResults.Store(token, row)
			return nil, nil
		})
		var mu sync.Mutex
		cache := map[string]*regexp.Regexp{}
		_ = sqlite.RegisterDeterministicScalarFunction("regexp", 2, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			pattern, ok := args[0].(string)
			if !ok {
				return nil, errors.New("REGEXP needs a text pattern")
			}
			var text string
			switch v := args[1].(type) {
			case nil:
				return nil, nil
			case string:
				text = v
			case []byte:
				text = string(v)
			default:
				text = fmt.Sprint(v)
			}
			mu.Lock()
			re, ok := cache[pattern]
			if !ok {
				var err error
				if re, err = regexp.Compile(pattern); err != nil {
					mu.Unlock()
					return nil, err
				}
				if len(cache) < 256 {
					cache[pattern] = re
				}
			}
			mu.Unlock()
			if re.MatchString(text) {
				return int64(1), nil
			}
			return int64(0), nil
		})
	})
}
