package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/meshport/meshport/jobs"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/secrets"
	"github.com/peterbourgon/ff/v3"
	"github.com/robfig/cron/v3"
)

// Config is meshport's configuration, from flags or MESHPORT_* variables
// (flag --database-url is MESHPORT_DATABASE_URL, and so on).
type Config struct {
	Addr        string
	DatabaseURL string
	SecretKey   string
	BaseURL     string
	Dev         bool
	LogFormat   string
	LogLevel    string
	TimeZone    string

	ShutdownTimeout time.Duration
	SessionIdle     time.Duration
	SessionMax      time.Duration

	OIDCIssuer        string
	OIDCClientID      string
	OIDCClientSecret  string
	OIDCRedirectURL   string
	OIDCScopes        string
	OIDCGroupsClaim   string
	OIDCPostLogoutURL string
	AdminGroups       string
	AdminEmails       string

	SourcesAllowLoopback string
	SourcesFileRoots     string
	CrawlParallel        int
	CrawlTimeout         time.Duration
	DemoWarehouse        bool
	ObservationRetention time.Duration

	UnreadDays      int
	StoragePrice    float64
	StoragePrices   string
	StorageCurrency string

	SMTPHost            string
	SMTPPort            int
	SMTPUsername        string
	SMTPPassword        string
	SMTPFrom            string
	SMTPTLS             string
	ReportSchedule      string
	ReportDailySchedule string
	ReportRetry         time.Duration

	// tuning is set by tests only, never by flags or the environment.
	tuning tuning
}

// tuning is what production leaves at its defaults and tests change.
type tuning struct {
	// reportsPoll is how often the report sender looks for due messages
	// (15 s when zero).
	reportsPoll time.Duration
	// clock replaces the wall clock of the store (crawl times, findings,
	// health), to see months pass in seconds.
	clock func() time.Time
	// catalogRecheck and sessionCacheTTL are models.Options'.
	catalogRecheck, sessionCacheTTL time.Duration
	// startupEvaluated, when set, is called once the start-up evaluation of
	// findings and policies is over, so benchmarks time pages alone.
	startupEvaluated func()
}

// devSecretKey stands in for MESHPORT_SECRET_KEY in local development only,
// where everything runs on loopback with demo data.
const devSecretKey = "meshport-local-development-key-not-for-production"

// registerConfig declares the flags every subcommand shares.
func registerConfig(fs *flag.FlagSet, cfg *Config) {
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "address to listen on (MESHPORT_ADDR)")
	fs.StringVar(&cfg.DatabaseURL, "database-url", "meshport.db", "SQLite file path or postgres:// URL (MESHPORT_DATABASE_URL)")
	fs.StringVar(&cfg.SecretKey, "secret-key", "", "at least 32 random characters, required unless --dev; reserved for encrypting stored secrets such as source passwords (MESHPORT_SECRET_KEY)")
	fs.StringVar(&cfg.BaseURL, "base-url", "", "public URL of the portal, e.g. https://meshport.example.com (MESHPORT_BASE_URL)")
	fs.BoolVar(&cfg.Dev, "dev", false, "local development: demo data and the localhost-only sign-in (MESHPORT_DEV)")
	fs.StringVar(&cfg.LogFormat, "log-format", "auto", "log format: auto (JSON unless on a terminal), json or text (MESHPORT_LOG_FORMAT)")
	fs.StringVar(&cfg.LogLevel, "log-level", "info", "debug, info, warn or error (MESHPORT_LOG_LEVEL)")
	fs.StringVar(&cfg.TimeZone, "time-zone", "UTC", "time zone for schedules (MESHPORT_TIME_ZONE)")
	fs.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", 20*time.Second, "how long in-flight requests may take at shutdown (MESHPORT_SHUTDOWN_TIMEOUT)")
	fs.DurationVar(&cfg.SessionIdle, "session-idle", 8*time.Hour, "sign out after this long without requests (MESHPORT_SESSION_IDLE)")
	fs.DurationVar(&cfg.SessionMax, "session-max", 7*24*time.Hour, "sign out this long after sign-in at the latest (MESHPORT_SESSION_MAX)")

	fs.StringVar(&cfg.OIDCIssuer, "oidc-issuer", "", "OpenID Connect issuer URL; when set, people sign in there (MESHPORT_OIDC_ISSUER)")
	fs.StringVar(&cfg.OIDCClientID, "oidc-client-id", "", "client id registered with the provider (MESHPORT_OIDC_CLIENT_ID)")
	fs.StringVar(&cfg.OIDCClientSecret, "oidc-client-secret", "", "client secret; empty for a public client (MESHPORT_OIDC_CLIENT_SECRET)")
	fs.StringVar(&cfg.OIDCRedirectURL, "oidc-redirect-url", "", "callback URL registered with the provider; default <base-url>/auth/callback (MESHPORT_OIDC_REDIRECT_URL)")
	fs.StringVar(&cfg.OIDCScopes, "oidc-scopes", "openid profile email", "scopes to ask for, space or comma separated (MESHPORT_OIDC_SCOPES)")
	fs.StringVar(&cfg.OIDCGroupsClaim, "oidc-groups-claim", "groups", "claim with the user's groups; a dotted path reaches nested claims (MESHPORT_OIDC_GROUPS_CLAIM)")
	fs.StringVar(&cfg.OIDCPostLogoutURL, "oidc-post-logout-redirect-url", "", "where the provider sends people after sign-out; must be registered there (MESHPORT_OIDC_POST_LOGOUT_REDIRECT_URL)")
	fs.StringVar(&cfg.AdminGroups, "admin-groups", "", "comma-separated groups whose members are admins (MESHPORT_ADMIN_GROUPS)")
	fs.StringVar(&cfg.AdminEmails, "admin-emails", "", "comma-separated verified emails of admins (MESHPORT_ADMIN_EMAILS)")

	fs.StringVar(&cfg.SourcesAllowLoopback, "sources-allow-loopback", "", "true lets sources on this machine (loopback) be registered; default true with --dev, else false (MESHPORT_SOURCES_ALLOW_LOOPBACK)")
	fs.StringVar(&cfg.SourcesFileRoots, "sources-file-roots", "", "comma-separated folders under which SQLite files and file trees may be registered; none: file sources are off (MESHPORT_SOURCES_FILE_ROOTS)")
	fs.BoolVar(&cfg.DemoWarehouse, "demo-warehouse", true, "with --dev and a SQLite database, register a small demo SQLite source beside it and crawl it once (MESHPORT_DEMO_WAREHOUSE)")
	fs.DurationVar(&cfg.ObservationRetention, "observation-retention", 400*24*time.Hour, "how long each crawl's raw observations are kept; assets keep their figures (MESHPORT_OBSERVATION_RETENTION)")
	fs.IntVar(&cfg.UnreadDays, "unread-days", 90, "days without a read after which an asset is dark data and a product unused; domains may set their own (MESHPORT_UNREAD_DAYS)")
	fs.Float64Var(&cfg.StoragePrice, "storage-price", 0.10, "estimated storage price per GB-month, for the cost of dark data (MESHPORT_STORAGE_PRICE)")
	fs.StringVar(&cfg.StoragePrices, "storage-prices", "", "prices per source kind overriding --storage-price, e.g. postgres=0.115,files=0.023 (MESHPORT_STORAGE_PRICES)")
	fs.StringVar(&cfg.StorageCurrency, "storage-currency", "USD", "currency of the storage prices, as shown (MESHPORT_STORAGE_CURRENCY)")
	fs.StringVar(&cfg.SMTPHost, "smtp-host", "", "SMTP server for the ownership reports; none: reports are only previewed (MESHPORT_SMTP_HOST)")
	fs.IntVar(&cfg.SMTPPort, "smtp-port", 587, "SMTP port (MESHPORT_SMTP_PORT)")
	fs.StringVar(&cfg.SMTPUsername, "smtp-username", "", "SMTP user, if the server wants one (MESHPORT_SMTP_USERNAME)")
	fs.StringVar(&cfg.SMTPPassword, "smtp-password", "", "SMTP password; prefer the environment variable (MESHPORT_SMTP_PASSWORD)")
	fs.StringVar(&cfg.SMTPFrom, "smtp-from", "", "sender of the reports, e.g. meshport@example.com (MESHPORT_SMTP_FROM)")
	fs.StringVar(&cfg.SMTPTLS, "smtp-tls", "starttls", "none, starttls (required) or tls (implicit, usually port 465) (MESHPORT_SMTP_TLS)")
	fs.StringVar(&cfg.ReportSchedule, "report-schedule", "0 7 * * 1", "when weekly reports go out, a cron expression in --time-zone (MESHPORT_REPORT_SCHEDULE)")
	fs.StringVar(&cfg.ReportDailySchedule, "report-daily-schedule", "0 7 * * *", "when daily reports go out, for those who chose them (MESHPORT_REPORT_DAILY_SCHEDULE)")
	fs.DurationVar(&cfg.ReportRetry, "report-retry", time.Minute, "first retry delay of a report the SMTP server refused; doubles each time up to 1h (MESHPORT_REPORT_RETRY)")
	fs.IntVar(&cfg.CrawlParallel, "crawl-parallel", 4, "how many sources are crawled at once (MESHPORT_CRAWL_PARALLEL)")
	fs.DurationVar(&cfg.CrawlTimeout, "crawl-timeout", 30*time.Minute, "longest a crawl may take (MESHPORT_CRAWL_TIMEOUT)")
}

// parseConfig reads flags, then MESHPORT_* variables for flags not given.
func parseConfig(fs *flag.FlagSet, args []string) error {
	return ff.Parse(fs, args, ff.WithEnvVarPrefix("MESHPORT"))
}

// validate checks the configuration for serving and fills derived values.
func (c *Config) validate() error {
	var problems []string
	if c.SecretKey == "" && c.Dev {
		c.SecretKey = devSecretKey
	}
	switch {
	case c.SecretKey == "":
		problems = append(problems, "MESHPORT_SECRET_KEY is required (at least 32 random characters, e.g. from `openssl rand -base64 32`); only --dev runs without it")
	case len(c.SecretKey) < 32:
		problems = append(problems, "MESHPORT_SECRET_KEY must be at least 32 characters")
	}
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		problems = append(problems, fmt.Sprintf("MESHPORT_ADDR %q is not host:port", c.Addr))
	} else if c.Dev && !isLoopbackHost(host) {
		problems = append(problems, fmt.Sprintf("--dev seeds demo data and may serve a sign-in without passwords, so it only listens on loopback (127.0.0.1, ::1 or localhost), not %q", c.Addr))
	}
	if c.OIDCIssuer == "" && !c.Dev {
		problems = append(problems, "no sign-in is configured: set MESHPORT_OIDC_ISSUER, MESHPORT_OIDC_CLIENT_ID and MESHPORT_OIDC_CLIENT_SECRET (see README), or run with --dev on a loopback address for the local demo sign-in")
	}
	if c.BaseURL != "" && !isHTTPURL(c.BaseURL) {
		problems = append(problems, fmt.Sprintf("MESHPORT_BASE_URL %q is not an http(s) URL", c.BaseURL))
	}
	problems = append(problems, c.validateOIDC()...)
	problems = append(problems, c.validateSources()...)
	if _, err := time.LoadLocation(c.TimeZone); err != nil {
		problems = append(problems, fmt.Sprintf("MESHPORT_TIME_ZONE %q is not a known time zone", c.TimeZone))
	}
	if c.SessionIdle <= 0 || c.SessionMax < c.SessionIdle {
		problems = append(problems, "session lifetimes must be positive and --session-max at least --session-idle")
	}
	if len(problems) > 0 {
		return errors.New("configuration: " + strings.Join(problems, "; "))
	}
	return nil
}

// validateSources checks the crawler's settings.
func (c *Config) validateSources() []string {
	var problems []string
	switch strings.ToLower(c.SourcesAllowLoopback) {
	case "", "true", "false", "1", "0":
	default:
		problems = append(problems, fmt.Sprintf("MESHPORT_SOURCES_ALLOW_LOOPBACK %q must be true or false", c.SourcesAllowLoopback))
	}
	for _, root := range splitList(c.SourcesFileRoots) {
		if !filepath.IsAbs(root) {
			problems = append(problems, fmt.Sprintf("MESHPORT_SOURCES_FILE_ROOTS: %q is not an absolute path", root))
		}
	}
	if c.CrawlParallel < 1 || c.CrawlParallel > 64 {
		problems = append(problems, "MESHPORT_CRAWL_PARALLEL must be from 1 to 64")
	}
	if c.ObservationRetention < 24*time.Hour*90 {
		problems = append(problems, "MESHPORT_OBSERVATION_RETENTION must be at least 2160h (90 days): health and trends read that far back")
	}
	if c.CrawlTimeout < time.Minute {
		problems = append(problems, "MESHPORT_CRAWL_TIMEOUT must be at least 1m")
	}
	if c.UnreadDays < 1 || c.UnreadDays > 3650 {
		problems = append(problems, "MESHPORT_UNREAD_DAYS must be from 1 to 3650")
	}
	if !validPrice(c.StoragePrice) {
		problems = append(problems, "MESHPORT_STORAGE_PRICE must be a price from 0 to 1000 per GB-month")
	}
	if _, err := parseKindPrices(c.StoragePrices); err != "" {
		problems = append(problems, "MESHPORT_STORAGE_PRICES: "+err)
	}
	problems = append(problems, c.smtpProblems()...)
	if cur := strings.TrimSpace(c.StorageCurrency); cur == "" || len(cur) > 8 {
		problems = append(problems, "MESHPORT_STORAGE_CURRENCY must be a short currency name such as USD or EUR")
	}
	return problems
}

// smtpProblems checks the mail settings; none are needed without a host.
func (c *Config) smtpProblems() []string {
	var problems []string
	for name, spec := range map[string]string{"MESHPORT_REPORT_SCHEDULE": c.ReportSchedule, "MESHPORT_REPORT_DAILY_SCHEDULE": c.ReportDailySchedule} {
		if _, err := cron.ParseStandard(spec); err != nil || strings.HasPrefix(strings.TrimSpace(spec), "@every") {
			problems = append(problems, fmt.Sprintf("%s %q is not a cron expression such as \"0 7 * * 1\"", name, spec))
		}
	}
	if c.ReportRetry < time.Second || c.ReportRetry > time.Hour {
		problems = append(problems, "MESHPORT_REPORT_RETRY must be from 1s to 1h")
	}
	if c.SMTPHost == "" {
		return problems
	}
	if c.SMTPPort < 1 || c.SMTPPort > 65535 {
		problems = append(problems, "MESHPORT_SMTP_PORT must be from 1 to 65535")
	}
	if a, err := mail.ParseAddress(c.SMTPFrom); err != nil || a.Address == "" {
		problems = append(problems, "MESHPORT_SMTP_FROM must be the reports' sender address, e.g. meshport@example.com")
	}
	if !slices.Contains([]string{"none", "starttls", "tls"}, c.SMTPTLS) {
		problems = append(problems, "MESHPORT_SMTP_TLS must be none, starttls or tls")
	}
	if c.BaseURL == "" && !c.Dev {
		problems = append(problems, "MESHPORT_BASE_URL is needed for the links in the reports")
	}
	return problems
}

// reportsOptions are the report service's settings.
func (c *Config) reportsOptions(loc *time.Location, instance string) jobs.ReportsOptions {
	base := c.publicURL()
	return jobs.ReportsOptions{
		SMTP: jobs.SMTP{Host: c.SMTPHost, Port: c.SMTPPort, Username: c.SMTPUsername, Password: c.SMTPPassword,
			From: c.SMTPFrom, TLS: c.SMTPTLS},
		BaseURL: base, Location: loc, RetryBase: c.ReportRetry, Instance: instance,
	}
}

// publicURL is where links in emails point.
func (c *Config) publicURL() string {
	if c.BaseURL == "" {
		return "http://" + c.Addr // --dev only (validate), on loopback
	}
	return strings.TrimSuffix(c.BaseURL, "/")
}

func validPrice(p float64) bool { return p >= 0 && p <= 1000 } // NaN fails both

// parseKindPrices reads "postgres=0.115,files=0.023".
func parseKindPrices(s string) (map[string]float64, string) {
	prices := map[string]float64{}
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		kind, price, ok := strings.Cut(part, "=")
		kind = strings.ToLower(strings.TrimSpace(kind))
		if !ok || !models.IsSourceKind(kind) {
			return nil, fmt.Sprintf("%q: each entry is kind=price, with kind one of postgres, mysql, sqlite, files", part)
		}
		p, err := strconv.ParseFloat(strings.TrimSpace(price), 64)
		if err != nil || !validPrice(p) {
			return nil, fmt.Sprintf("%q: the price must be a number from 0 to 1000", part)
		}
		prices[kind] = p
	}
	return prices, ""
}

// findingRules are the thresholds and prices findings are judged by.
func (c *Config) findingRules() models.FindingRules {
	prices, _ := parseKindPrices(c.StoragePrices) // checked by validate
	return models.FindingRules{UnreadDays: c.UnreadDays, PricePerGBMonth: c.StoragePrice, KindPrices: prices,
		Currency: strings.TrimSpace(c.StorageCurrency)}
}

// storeOptions are the store's settings for serving and seeding; sealer is
// nil where no source is written or read. (migrate and admin token need
// none of them and pass models.Options{}.)
func (c *Config) storeOptions(sealer *secrets.Sealer, policy models.SourcePolicy, log *slog.Logger) models.Options {
	return models.Options{Clock: c.tuning.clock, Sealer: sealer, SourcePolicy: policy, FindingRules: c.findingRules(),
		CatalogRecheck: c.tuning.catalogRecheck, SessionCacheTTL: c.tuning.sessionCacheTTL, Log: log, BaseURL: c.publicURL()}
}

// sourcesPolicy is what registered sources may reach.
func (c *Config) sourcesPolicy() models.SourcePolicy {
	allow := c.Dev // --dev is loopback-only, so local databases are the point
	switch strings.ToLower(c.SourcesAllowLoopback) {
	case "true", "1":
		allow = true
	case "false", "0":
		allow = false
	}
	return models.SourcePolicy{AllowLoopback: allow, FileRoots: splitList(c.SourcesFileRoots)}
}

// validateOIDC checks the provider settings and derives the redirect URL.
func (c *Config) validateOIDC() []string {
	if c.OIDCIssuer == "" {
		return nil
	}
	var problems []string
	if !isHTTPURL(c.OIDCIssuer) {
		problems = append(problems, fmt.Sprintf("MESHPORT_OIDC_ISSUER %q is not an http(s) URL", c.OIDCIssuer))
	}
	if c.OIDCClientID == "" {
		problems = append(problems, "MESHPORT_OIDC_CLIENT_ID is required with MESHPORT_OIDC_ISSUER")
	}
	if c.OIDCRedirectURL == "" && c.BaseURL != "" {
		c.OIDCRedirectURL = strings.TrimSuffix(c.BaseURL, "/") + "/auth/callback"
	}
	switch {
	case c.OIDCRedirectURL == "":
		problems = append(problems, "MESHPORT_OIDC_REDIRECT_URL (or MESHPORT_BASE_URL, from which it is derived as <base>/auth/callback) is required with MESHPORT_OIDC_ISSUER")
	case !isHTTPURL(c.OIDCRedirectURL):
		problems = append(problems, fmt.Sprintf("MESHPORT_OIDC_REDIRECT_URL %q is not an http(s) URL", c.OIDCRedirectURL))
	default:
		u, _ := url.Parse(c.OIDCRedirectURL)
		if u.Path == "" || u.Path == "/" || strings.HasPrefix(u.Path, "/api/") || strings.HasPrefix(u.Path, "/static/") {
			problems = append(problems, fmt.Sprintf("MESHPORT_OIDC_REDIRECT_URL %q needs a path of its own, such as /auth/callback", c.OIDCRedirectURL))
		}
	}
	if !slices.Contains(c.oidcScopes(), "openid") {
		problems = append(problems, "MESHPORT_OIDC_SCOPES must include openid")
	}
	if c.OIDCPostLogoutURL != "" && !isHTTPURL(c.OIDCPostLogoutURL) {
		problems = append(problems, fmt.Sprintf("MESHPORT_OIDC_POST_LOGOUT_REDIRECT_URL %q is not an http(s) URL", c.OIDCPostLogoutURL))
	}
	if strings.TrimSpace(c.OIDCGroupsClaim) == "" {
		c.OIDCGroupsClaim = "groups"
	}
	return problems
}

func (c *Config) oidcScopes() []string {
	return strings.FieldsFunc(c.OIDCScopes, func(r rune) bool { return r == ' ' || r == ',' })
}

// splitList reads a comma-separated setting.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// secureCookies is on when the portal is reached over https.
func (c *Config) secureCookies() bool {
	return strings.HasPrefix(c.BaseURL, "https://") || strings.HasPrefix(c.OIDCRedirectURL, "https://")
}

func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
