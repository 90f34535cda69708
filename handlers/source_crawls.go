package handlers

import (
	"context"
	"errors"
	"time"

	"github.com/meshport/meshport/models"
)

// Crawls is the crawler as the handlers see it (jobs.Sources).
type Crawls interface {
	// Start claims a run of the source and crawls it in the background.
	Start(src *models.Source, trigger string, scheduledFor *time.Time, actor string) (*models.CrawlRun, error)
	// TestConnection connects with settings and says what it sees.
	TestConnection(ctx context.Context, settings models.SourceSettings) (models.ConnectionTest, error)
}

// connectorMessage is a connector error in plain words; other errors are
// not shown (they may carry driver details); the crawler logs them.
func connectorMessage(err error) string {
	var ce *models.SourceError
	if errors.As(err, &ce) {
		return ce.Message
	}
	return "The connection failed for a reason meshport cannot describe; check the settings and try again."
}
