package models

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// bulkWriter inserts many rows with one statement per batch whose only
// parameter is the batch as JSON, unpacked by the database (json_each on
// SQLite, json_populate_recordset on PostgreSQL). A crawl writes one
// observation and one asset update per table, ten thousand of each for a big
// source; binding hundreds of thousands of separate parameters costs more
// than the writes (the SQLite driver binds in quadratic time per
// statement). Table and column names are constants of the caller, never
// user input; values only ever travel inside the JSON parameter.
type bulkWriter struct {
	table    string
	columns  []string
	conflict string // "ON CONFLICT ..." or ""
	postgres bool
}

const bulkBatch = 2000

func newBulkWriter(tx *gorm.DB, table string, columns []string, conflict string) *bulkWriter {
	return &bulkWriter{table: table, columns: columns, conflict: conflict, postgres: tx.Dialector.Name() == "postgres"}
}

// write inserts rows (each with one value per column) in batches.
func (w *bulkWriter) write(ctx context.Context, tx *gorm.DB, rows [][]any) error {
	query := w.query()
	for start := 0; start < len(rows); start += bulkBatch {
		end := min(start+bulkBatch, len(rows))
		payload, err := w.payload(rows[start:end])
		if err != nil {
			return err
		}
		if err := tx.WithContext(ctx).Exec(query, payload).Error; err != nil {
			return fmt.Errorf("bulk insert into %s: %w", w.table, err)
		}
	}
	return nil
}

func (w *bulkWriter) query() string {
	quoted := make([]string, len(w.columns))
	for i, c := range w.columns {
		quoted[i] = `"` + c + `"` // some are keywords (key, schema, columns)
	}
	cols := strings.Join(quoted, ", ")
	if w.postgres {
		// The table's own row type gives every column its type.
		return "INSERT INTO " + w.table + " (" + cols + ") SELECT " + cols +
			" FROM json_populate_recordset(NULL::" + w.table + ", ?::json) " + w.conflict
	}
	extract := make([]string, len(w.columns))
	for i, c := range w.columns {
		extract[i] = "json_extract(value, '$." + c + "')"
	}
	// "WHERE true" lets SQLite tell the upsert clause from a join.
	return "INSERT INTO " + w.table + " (" + cols + ") SELECT " + strings.Join(extract, ", ") +
		" FROM json_each(?) WHERE true " + w.conflict
}

// payload encodes rows as a JSON array of objects keyed by column, with
// times in the form each driver writes them itself, so rows written here
// read back like rows written by GORM.
func (w *bulkWriter) payload(rows [][]any) (string, error) {
	out := make([]map[string]any, len(rows))
	for i, row := range rows {
		obj := make(map[string]any, len(w.columns))
		for c, v := range row {
			obj[w.columns[c]] = w.jsonValue(v)
		}
		out[i] = obj
	}
	b, err := json.Marshal(out)
	return string(b), err
}

func (w *bulkWriter) jsonValue(v any) any {
	switch t := v.(type) {
	case time.Time:
		return w.timeText(t)
	case *time.Time:
		if t == nil {
			return nil
		}
		return w.timeText(*t)
	case bool:
		if !w.postgres {
			if t {
				return 1
			}
			return 0
		}
	}
	return v
}

// timeText is how the SQLite driver stores a time.Time (and PostgreSQL
// reads RFC 3339).
func (w *bulkWriter) timeText(t time.Time) string {
	if w.postgres {
		return t.Format(time.RFC3339Nano)
	}
	return t.Format("2006-01-02 15:04:05.999999999-07:00")
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
