package pages

import (
	"fmt"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views"
	"github.com/meshport/meshport/views/trends"
)

// HomeData is the dashboard.
type HomeData struct {
	Page   views.Page
	Dash   models.Dashboard
	Health models.HealthCounts
	Trends trends.Data
}

// LoginData is the local development sign-in page.
type LoginData struct {
	Page  views.Page
	Users []models.User
	Next  string
	Error string
}

// ErrorData is a styled error page.
type ErrorData struct {
	Page    views.Page
	Status  int
	Heading string
	Message string
}

func count(n int64) string { return fmt.Sprint(n) }

// SSOLoginData is the sign-in page when an identity provider is configured.
type SSOLoginData struct {
	Page      views.Page
	Provider  string // the provider's host, shown on the button
	StartURL  string
	SignedOut bool
}

// SignInProblemData explains a sign-in that failed and offers to try again.
type SignInProblemData struct {
	Page     views.Page
	Heading  string
	Message  string
	RetryURL string
}

func productPath(p models.Product) string {
	if p.Domain == nil {
		return "/products"
	}
	return "/products/" + p.Domain.Slug + "/" + p.Slug
}

func domainName(p models.Product) string {
	if p.Domain == nil {
		return ""
	}
	return p.Domain.Name
}
