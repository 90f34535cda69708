// Package connectors reads what a data source holds: its tables, views and
// file datasets with their size, rows, columns and the statistics counters
// from which the crawler derives freshness and usage. Each kind of source
// (PostgreSQL, MySQL/MariaDB, SQLite, files) implements Connector; the
// crawler knows only this interface. What a connector reads it hands over
// as models values (models.CrawlSnapshot, models.ConnectionTest), and its
// failures as *models.SourceError; it dials only what the operator's
// models.SourcePolicy allows.
//
// Imports: models only (and drivers); never handlers, views or the rest of
// jobs.
//
// Connectors only read: every query runs in a read-only transaction with a
// statement timeout, under the caller's context deadline, and needs no more
// than the statistics views and catalogs.
package connectors

import (
	"context"
	"fmt"
	"time"

	"github.com/meshport/meshport/models"
)

func freshnessNote(col, problem string) string {
	return fmt.Sprintf("freshness column %q %s", col, problem)
}

// Connector reads one source.
type Connector interface {
	// Test connects and says what it can see.
	Test(ctx context.Context) (models.ConnectionTest, error)
	// Crawl reads every asset. progress, when not nil, is called now and
	// then with the number of assets read so far.
	Crawl(ctx context.Context, progress func(assets int)) (*models.CrawlSnapshot, error)
	// Close releases connections.
	Close() error
}

// Open returns the connector for the settings' kind; it does not connect
// yet. The policy decides which hosts and paths may be reached.
func Open(s models.SourceSettings, p models.SourcePolicy) (Connector, error) {
	if s.StatementTimeout <= 0 {
		s.StatementTimeout = 30 * time.Second
	}
	switch s.Kind {
	case models.KindPostgres:
		return openPostgres(s, p)
	case models.KindMySQL:
		return openMySQL(s, p)
	case models.KindSQLite:
		return openSQLite(s, p)
	case models.KindFiles:
		return openFiles(s, p)
	}
	return nil, fmt.Errorf("unknown source kind %q", s.Kind)
}
