package models

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// bulkWriter inserts many rows with multi-row statements prepared once per
// batch size, without RETURNING: a crawl writes one observation and one
// asset update per table, ten thousand of each for a big source, and GORM's
// batches would be re-prepared by the SQLite driver for every batch and
// scan back ids nobody needs. Table and column names are constants of the
// caller, never user input; values are always placeholders.
type bulkWriter struct {
	table    string
	columns  []string
	suffix   string // e.g. an ON CONFLICT clause
	batch    int
	postgres bool
	stmts    map[int]*sql.Stmt
}

func newBulkWriter(tx *gorm.DB, table string, columns []string, suffix string) *bulkWriter {
	postgres := tx.Dialector.Name() == "postgres"
	// The SQLite driver binds in time quadratic in the parameters of one
	// statement, so its batches stay small.
	batch := 500
	if !postgres {
		batch = 40
	}
	return &bulkWriter{table: table, columns: columns, suffix: suffix, batch: batch, postgres: postgres, stmts: map[int]*sql.Stmt{}}
}

// write inserts rows (each with one value per column) in batches.
func (w *bulkWriter) write(ctx context.Context, tx *gorm.DB, rows [][]any) error {
	defer w.close()
	for start := 0; start < len(rows); start += w.batch {
		end := min(start+w.batch, len(rows))
		stmt, err := w.stmt(ctx, tx, end-start)
		if err != nil {
			return err
		}
		args := make([]any, 0, (end-start)*len(w.columns))
		for _, row := range rows[start:end] {
			args = append(args, row...)
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("bulk insert into %s: %w", w.table, err)
		}
	}
	return nil
}

func (w *bulkWriter) stmt(ctx context.Context, tx *gorm.DB, rows int) (*sql.Stmt, error) {
	if st, ok := w.stmts[rows]; ok {
		return st, nil
	}
	var b strings.Builder
	quoted := make([]string, len(w.columns))
	for i, c := range w.columns {
		quoted[i] = `"` + c + `"` // some are keywords (key, schema, columns)
	}
	b.WriteString("INSERT INTO " + w.table + " (" + strings.Join(quoted, ", ") + ") VALUES ")
	n := 1
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range w.columns {
			if c > 0 {
				b.WriteString(", ")
			}
			if w.postgres {
				fmt.Fprintf(&b, "$%d", n)
			} else {
				b.WriteByte('?')
			}
			n++
		}
		b.WriteByte(')')
	}
	b.WriteString(" " + w.suffix)
	st, err := tx.Statement.ConnPool.PrepareContext(ctx, b.String())
	if err != nil {
		return nil, err
	}
	w.stmts[rows] = st
	return st, nil
}

func (w *bulkWriter) close() {
	for _, st := range w.stmts {
		_ = st.Close()
	}
	clear(w.stmts)
}

// excludedUpdates is "col = excluded.col, ..." for an upsert.
func excludedUpdates(columns []string) string {
	parts := make([]string, 0, len(columns))
	for _, c := range columns {
		if c != "id" {
			parts = append(parts, `"`+c+`" = excluded."`+c+`"`)
		}
	}
	return strings.Join(parts, ", ")
}
