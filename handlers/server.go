package handlers

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo-contrib/echoprometheus"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/static"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Config is what the HTTP layer needs to know about its deployment.
type Config struct {
	// SecureCookies marks cookies Secure; on when the base URL is https.
	SecureCookies bool
	Sessions      models.SessionLifetime
	// BodyLimit caps request bodies, e.g. "1M".
	BodyLimit string
	// Reports previews and sends ownership reports (nil: none).
	Reports Reports
	// Checks runs contracts' quality checks against their sources (nil:
	// none).
	Checks Checks
}

// Checks runs the quality rules of one contract and records the results.
type Checks interface {
	RunChecks(ctx context.Context, target models.CheckTarget, trigger string) ([]models.CheckResult, error)
}

// Reports is the report service the pages use.
type Reports interface {
	Preview(ctx context.Context, email string) (*models.Report, string, string, error)
	QueueNow(ctx context.Context, p models.Principal, email string) (*models.OutboxMessage, error)
	// Retry puts a failed or waiting message back to be sent now.
	Retry(ctx context.Context, p models.Principal, id uint) (*models.OutboxMessage, error)
	SMTPConfigured() bool
}

// Server holds the dependencies of every handler.
type Server struct {
	store   *models.Store
	log     *slog.Logger
	cfg     Config
	signIn  SignIn
	crawls  Crawls
	buffers sync.Pool // *bytes.Buffer for rendering pages
	charts  drawnCharts
	rows    drawnRows
	assets  map[string]string // static files' content hashes, by name
}

// New builds the portal's HTTP handler: middleware, routes and error pages.
func New(store *models.Store, log *slog.Logger, cfg Config, signIn SignIn, crawls Crawls) *echo.Echo {
	if cfg.BodyLimit == "" {
		cfg.BodyLimit = "1M"
	}
	if cfg.Sessions.Idle == 0 {
		cfg.Sessions = models.SessionLifetime{Idle: 8 * time.Hour, Absolute: 7 * 24 * time.Hour}
	}
	s := &Server{store: store, log: log, cfg: cfg, signIn: signIn, crawls: crawls,
		buffers: sync.Pool{New: func() any { return new(bytes.Buffer) }}}
	if assets, err := static.Fingerprints(); err != nil {
		log.Error("static files cannot be fingerprinted; pages link them without", "error", err)
	} else {
		s.assets = assets
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = echo.ExtractIPDirect() // no proxy headers are trusted by default

	registry := prometheus.NewRegistry()
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	e.Use(
		s.logRequests,
		s.recoverPanics,
		echoprometheus.NewMiddlewareWithConfig(echoprometheus.MiddlewareConfig{
			Namespace: "meshport", Subsystem: "http", Registerer: registry, DoNotUseRequestPathFor404: true,
			Skipper: func(c echo.Context) bool { return c.Path() == "/metrics" },
			// The same status the error handler will send, not a 500 for
			// every error that is not an *echo.HTTPError.
			StatusCodeResolver: func(c echo.Context, err error) int {
				if err == nil {
					return c.Response().Status
				}
				return statusOf(appError(err).Code)
			},
			// The Host header is the client's to choose; as a label it
			// would let anyone create unbounded series.
			LabelFuncs: map[string]echoprometheus.LabelValueFunc{
				"host": func(echo.Context, error) string { return "" },
			},
		}),
		middleware.SecureWithConfig(middleware.SecureConfig{
			ContentTypeNosniff:    "nosniff",
			XFrameOptions:         "DENY",
			ReferrerPolicy:        "same-origin",
			HSTSMaxAge:            31536000,
			ContentSecurityPolicy: contentSecurityPolicy(signIn),
		}),
		s.bodyLimit(cfg.BodyLimit),
		middleware.CSRFWithConfig(middleware.CSRFConfig{
			Skipper:        isMachineEndpoint,
			TokenLookup:    "header:X-CSRF-Token,form:_csrf",
			CookieName:     "_csrf",
			CookiePath:     "/",
			CookieHTTPOnly: true,
			CookieSecure:   cfg.SecureCookies,
			CookieSameSite: http.SameSiteLaxMode,
			ErrorHandler: func(err error, c echo.Context) error {
				return models.Errorf(EFORMEXPIRED, "This form has expired or did not come from meshport. Reload the page and try again.")
			},
		}),
		s.identify,
	)
	s.routes(e, echoprometheus.NewHandlerWithConfig(echoprometheus.HandlerConfig{Gatherer: registry}))
	return e
}

// EFORMEXPIRED is a failed CSRF check, shown as 403 with a hint to reload.
const EFORMEXPIRED = "form_expired"

// isMachineEndpoint says which paths are used by programs, not browsers:
// they take no cookies, so they need no CSRF token.
func isMachineEndpoint(c echo.Context) bool {
	p := c.Request().URL.Path
	return strings.HasPrefix(p, "/api/") || p == "/healthz" || p == "/readyz" || p == "/metrics" || strings.HasPrefix(p, "/static/")
}

// contentSecurityPolicy allows nothing from elsewhere, except that the
// sign-out form may be redirected to the identity provider's logout.
func contentSecurityPolicy(signIn SignIn) string {
	formAction := "'self'"
	if u, err := url.Parse(signIn.SignOutURL()); err == nil && u.Scheme != "" && u.Host != "" {
		formAction += " " + u.Scheme + "://" + u.Host
	}
	return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action " +
		formAction + "; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
}
