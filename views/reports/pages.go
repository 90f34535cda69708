package reports

import (
	"net/url"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views"
)

// PreviewData is the report preview page.
type PreviewData struct {
	Page    views.Page
	Report  *models.Report
	Text    string
	Email   string
	CanSend bool
}

func (d PreviewData) frameURL() string {
	return "/reports/preview/html?email=" + url.QueryEscape(d.Email)
}

// DeliveriesData is the admins' delivery page.
type DeliveriesData struct {
	Page     views.Page
	Messages []models.OutboxMessage
	Counts   models.OutboxCounts
	Status   string
	SMTP     bool
	// SendEmail and SendError are a refused "Send now" as typed.
	SendEmail, SendError string
}

func statuses() []string {
	return []string{models.OutboxQueued, models.OutboxSending, models.OutboxSent, models.OutboxFailed}
}

func stamp(t *time.Time) string {
	if t == nil {
		return "–"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func count(n int64) string { return itoa(int(n)) }

func canRetry(m models.OutboxMessage) bool {
	return m.Status == models.OutboxFailed || m.Status == models.OutboxQueued
}
