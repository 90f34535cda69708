package models

import (
	"fmt"
	"slices"
	"time"
)

// What a crawl sees of a source, as the connectors (jobs/connectors) hand it
// over: the source's kind and decrypted settings, each asset observed with
// its size, columns and raw counters, and the crawl's snapshot. RecordCrawl
// turns a snapshot into stored assets, freshness and usage.

// SourceKind names a connector, as in the API's "kind" field.
type SourceKind string

const (
	KindPostgres SourceKind = "postgres"
	KindMySQL    SourceKind = "mysql"
	KindSQLite   SourceKind = "sqlite"
	KindFiles    SourceKind = "files"
)

// SourceKinds are all kinds, in the order forms offer them.
func SourceKinds() []SourceKind { return []SourceKind{KindPostgres, KindMySQL, KindSQLite, KindFiles} }

// SourceSettings is one registered source, decrypted.
type SourceSettings struct {
	Kind SourceKind
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
	AssetTable            AssetKind = "table"
	AssetPartitionedTable AssetKind = "partitioned table"
	AssetPartition        AssetKind = "partition"
	AssetView             AssetKind = "view"
	AssetMaterializedView AssetKind = "materialized view"
	AssetForeignTable     AssetKind = "foreign table"
	AssetFileDataset      AssetKind = "file dataset"
)

// Column is one column of a table or view, as the database reports it.
// Nullable is nil where the crawl did not say (assets crawled before it
// recorded nullability, file datasets), so contract drift never guesses.
type Column struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Nullable *bool  `json:"nullable,omitempty"`
}

// ObservedAsset is one asset as seen by one crawl: identity, size and the raw
// counters. A nil pointer means the source does not tell (not zero).
type ObservedAsset struct {
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

	// DependsOn lists, for a view or materialized view, the keys (as Key
	// builds them: "schema.name") of the tables and views it reads, each
	// once, sorted; other schemas of the same database count. Objects of
	// other databases, functions and what the crawl did not see (excluded
	// or unknown) are left out, and so is the view itself. nil for tables
	// and for sources that cannot tell. RecordCrawl stores them as the
	// source's asset edges (AssetLineage).
	DependsOn []string
}

// Key is the asset's identity within its source.
func (o *ObservedAsset) Key() string {
	if o.Schema == "" {
		return o.Name
	}
	return o.Schema + "." + o.Name
}

// CrawlSnapshot is everything one crawl saw.
type CrawlSnapshot struct {
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
	Assets     []ObservedAsset
	// Warnings are problems the crawl went on past, for the run's history
	// (see FreshnessWarnings).
	Warnings []string
}

// FreshnessWarnings lists every configured freshness column (by asset key)
// that gave no time in snap: the asset's note, or that no such asset was
// crawled. Without them a mistyped column would silently leave freshness
// to the change counters.
func FreshnessWarnings(columns map[string]string, snap *CrawlSnapshot) []string {
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

// ConnectionTest is what "Test connection" reports on success.
type ConnectionTest struct {
	ServerVersion string
	// Summary is one plain sentence: "Connected as meshport to sales on
	// PostgreSQL 15.4: 3 schemas, 42 tables and views visible; usage
	// statistics readable."
	Summary string
	Assets  int
}
