package profile

import (
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views"
)

// Data is the profile page.
type Data struct {
	Page   views.Page
	User   models.User
	Tokens []models.APIToken
	// NewToken is the secret just created, shown this once.
	NewToken string
	// The create form as typed, with its errors.
	Name    string
	Expires string
	Errors  models.FieldErrors
	Message string
	// Report is the person's report choice; ReportErrors a refused change.
	Report       models.ReportPreference
	ReportErrors models.FieldErrors
}

func frequencyOptions() []views.Option {
	return []views.Option{{Value: models.ReportWeekly, Label: "Weekly"}, {Value: models.ReportDaily, Label: "Daily"}, {Value: models.ReportNever, Label: "Never"}}
}

// ExpiryOptions are the lifetimes a personal token may have.
func ExpiryOptions() []views.Option {
	return []views.Option{{Value: "30d", Label: "30 days"}, {Value: "90d", Label: "90 days"}, {Value: "365d", Label: "1 year"}, {Value: "never", Label: "No expiry"}}
}

func tokenState(t models.APIToken, now time.Time) string {
	switch {
	case t.RevokedAt != nil:
		return "revoked " + t.RevokedAt.UTC().Format("2 Jan 2006")
	case t.ExpiresAt != nil && now.After(*t.ExpiresAt):
		return "expired " + t.ExpiresAt.UTC().Format("2 Jan 2006")
	case t.ExpiresAt != nil:
		return "active until " + t.ExpiresAt.UTC().Format("2 Jan 2006")
	default:
		return "active, no expiry"
	}
}

func lastUsed(t models.APIToken) string {
	if t.LastUsedAt == nil {
		return "never used"
	}
	return "last used " + t.LastUsedAt.UTC().Format("2 Jan 2006 15:04 UTC")
}
