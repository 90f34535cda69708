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

// nullable is the Column.Nullable for a column that may (true) or may not
// hold NULL: a pointer of its own, so nobody changing one column's changes
// another's.
func nullable(yes bool) *bool { return &yes }

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
