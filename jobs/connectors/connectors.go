// Package connectors reads what a data source holds: its tables, views and
// file datasets with their size, rows, columns and the statistics counters
// from which the crawler derives freshness and usage. Each kind of source
// (PostgreSQL, MySQL/MariaDB, SQLite, files) implements Connector; the
// crawler, the scheduler and the pages know only this interface.
//
// Connectors only read: every query runs in a read-only transaction with a
// statement timeout, under the caller's context deadline, and needs no more
// than the statistics views and catalogs.
package connectors

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Kind names a connector, as in the API's "kind" field.
type Kind string

const (
	Postgres Kind = "postgres"
	MySQL    Kind = "mysql"
	SQLite   Kind = "sqlite"
	Files    Kind = "files"
)

// Kinds are all kinds, in the order forms offer them.
func Kinds() []Kind { return []Kind{Postgres, MySQL, SQLite, Files} }

// Settings is one registered source, decrypted.
type Settings struct {
	Kind Kind
	// DSN is a URL (postgres://, mysql://user:pass@host:port/db) or a path
	// (SQLite file, directory tree). It holds the password: never log it.
	DSN string
	// Include and Exclude filter assets by "schema.name" (databases) or by
	// path relative to the root (files), with path.Match globs ("sales.*",
	// "tmp_*"). For files, each Include glob is one dataset; without
	// includes, each top-level folder (and each top-level file) is one.
	Include, Exclude []string
	// FreshnessColumns names, per "schema.name", a timestamp column whose
	// max() is the asset's last change (databases only).
	FreshnessColumns map[string]string
	// StatementTimeout bounds each query; 0 means 30 s.
	StatementTimeout time.Duration
}

// AssetKind is what an asset is.
type AssetKind string

const (
	Table            AssetKind = "table"
	PartitionedTable AssetKind = "partitioned table"
	Partition        AssetKind = "partition"
	View             AssetKind = "view"
	MaterializedView AssetKind = "materialized view"
	ForeignTable     AssetKind = "foreign table"
	FileDataset      AssetKind = "file dataset"
)

// Column is one column of a table or view.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Observation is one asset as seen by one crawl: identity, size and the raw
// counters. A nil pointer means the source does not tell (not zero).
type Observation struct {
	Schema string // database schema; for files, "" (Name is the path)
	Name   string
	Kind   AssetKind
	Parent string // a partition's parent table (same schema)

	SizeBytes   *int64
	RowEstimate *int64
	FileCount   *int64 // file datasets
	Columns     []Column

	// Write counters (PostgreSQL n_tup_ins/upd/del; MySQL/MariaDB
	// performance_schema COUNT_INSERT/UPDATE/DELETE).
	Inserts, Updates, Deletes *int64
	// Read counters: PostgreSQL seq_scan and idx_scan; MySQL/MariaDB
	// performance_schema COUNT_READ goes into Reads.
	SeqScans, IdxScans, Reads *int64
	// LastRead is when the source last saw a read (PostgreSQL 16+
	// last_seq_scan/last_idx_scan; files: atime where the mount keeps it).
	LastRead *time.Time
	// LastModified is a change time the source keeps itself (MySQL
	// UPDATE_TIME, file mtime, SQLite file mtime).
	LastModified *time.Time
	// FreshnessValue is max(freshness column) when one is configured.
	FreshnessValue *time.Time
	// FreshnessNote says why a configured freshness column gave no time
	// ("freshness column \"x\" does not exist"), for the run's warnings.
	FreshnessNote string
}

// Key is the asset's identity within its source.
func (o *Observation) Key() string {
	if o.Schema == "" {
		return o.Name
	}
	return o.Schema + "." + o.Name
}

// Snapshot is everything one crawl saw.
type Snapshot struct {
	// ServerVersion is for the run history ("PostgreSQL 15.4").
	ServerVersion string
	// CountersEpoch changes whenever the source's counters restart from
	// zero (server restart, statistics reset), so the crawler never turns a
	// reset into negative or invented usage. Empty when unknown.
	CountersEpoch string
	// UsageKnown says whether read counters are available at all; when
	// false, UsageNote says why in plain words (for example
	// "performance_schema is off").
	UsageKnown bool
	UsageNote  string
	Assets     []Observation
	// Warnings are problems the crawl went on past, for the run's history
	// (see FreshnessWarnings).
	Warnings []string
}

// FreshnessWarnings lists every configured freshness column (by asset key)
// that gave no time in snap: the asset's note, or that no such asset was
// crawled. Without them a mistyped column would silently leave freshness
// to the change counters.
func FreshnessWarnings(columns map[string]string, snap *Snapshot) []string {
	crawled := make(map[string]bool, len(snap.Assets))
	var out []string
	for i := range snap.Assets {
		o := &snap.Assets[i]
		crawled[o.Key()] = true
		if o.FreshnessNote != "" {
			out = append(out, o.Key()+": "+o.FreshnessNote)
		}
	}
	for key, col := range columns {
		if col != "" && !crawled[key] {
			out = append(out, fmt.Sprintf("%s: freshness column %q is set, but no such table or view was crawled (missing or excluded)", key, col))
		}
	}
	slices.Sort(out)
	return out
}

func freshnessNote(col, problem string) string {
	return fmt.Sprintf("freshness column %q %s", col, problem)
}

// TestResult is what "Test connection" reports on success.
type TestResult struct {
	ServerVersion string
	// Summary is one plain sentence: "Connected as meshport to sales on
	// PostgreSQL 15.4: 3 schemas, 42 tables and views visible; usage
	// statistics readable."
	Summary string
	Assets  int
}

// Connector reads one source.
type Connector interface {
	// Test connects and says what it can see.
	Test(ctx context.Context) (TestResult, error)
	// Crawl reads every asset. progress, when not nil, is called now and
	// then with the number of assets read so far.
	Crawl(ctx context.Context, progress func(assets int)) (*Snapshot, error)
	// Close releases connections.
	Close() error
}

// Open returns the connector for the settings' kind; it does not connect
// yet. The policy decides which hosts and paths may be reached.
func Open(s Settings, p Policy) (Connector, error) {
	if s.StatementTimeout <= 0 {
		s.StatementTimeout = 30 * time.Second
	}
	switch s.Kind {
	case Postgres:
		return openPostgres(s, p)
	case MySQL:
		return openMySQL(s, p)
	case SQLite:
		return openSQLite(s, p)
	case Files:
		return openFiles(s, p)
	}
	return nil, fmt.Errorf("unknown source kind %q", s.Kind)
}

// Error is a connector failure told in plain words for the person who
// registered the source; the driver's own message is kept for the logs.
type Error struct {
	// Reason is one of the Reason* constants.
	Reason  string
	Message string
	Err     error
}

const (
	ReasonAuth        = "auth"        // wrong user or password
	ReasonUnreachable = "unreachable" // host does not answer, refused, DNS
	ReasonNoDatabase  = "no-database" // database or path does not exist
	ReasonPermission  = "permission"  // cannot read the catalogs or statistics
	ReasonPolicy      = "policy"      // host or path refused by the network/file policy
	ReasonTimeout     = "timeout"     // took longer than allowed
	ReasonInvalid     = "invalid"     // the DSN cannot be understood
	ReasonOther       = "other"
)

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return e.Err }
