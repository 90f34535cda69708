package users

import (
	"fmt"
	"strings"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views"
)

// Data is the users page.
type Data struct {
	Page  views.Page
	Users []models.UserSummary
}

func lastSignIn(t *time.Time) string {
	if t == nil {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func revokeURL(id uint) string { return fmt.Sprintf("/users/%d/sessions/revoke", id) }

func groups(u models.User) string { return strings.Join(u.Groups, ", ") }

func sessions(n int64) string { return fmt.Sprint(n) }
