package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/handlers"
	"github.com/meshport/meshport/jobs"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/secrets"
	"github.com/meshport/meshport/models/seed"
)

// App is the whole portal wired together: configuration, database, HTTP
// handler and scheduler. main and the end-to-end tests build it the same way.
type App struct {
	Config    Config
	Log       *slog.Logger
	Store     *models.Store
	HTTP      *echo.Echo
	Scheduler *jobs.Scheduler
	Sources   jobs.Sources
	Reports   *jobs.Reports
	// background holds the loops Serve starts beside the scheduler (report
	// sender, source schedules, the first evaluation); they stop with the
	// scheduler's context.
	background sync.WaitGroup
	// demoSource is crawled once at start in --dev when it never was.
	demoSource *models.Source
}

// NewApp opens and migrates the database, seeds demo data in development,
// and builds the HTTP handler and the scheduler. It starts nothing.
func NewApp(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	sealer, err := secrets.NewSealer(cfg.SecretKey) // validate checked its length
	if err != nil {
		return nil, err
	}
	policy := cfg.sourcesPolicy()
	warehouse := demoWarehousePath(cfg)
	if warehouse != "" && len(policy.FileRoots) == 0 {
		policy.FileRoots = []string{filepath.Dir(warehouse)} // the demo's own folder, nothing else
	}
	store, err := models.Open(cfg.DatabaseURL, cfg.storeOptions(sealer, policy, log))
	if err != nil {
		return nil, err
	}
	if err := store.Migrate(ctx); err != nil {
		store.Close()
		return nil, fmt.Errorf("database %s: %w", models.RedactURL(cfg.DatabaseURL), err)
	}
	if cfg.Dev {
		if err := seed.Demo(ctx, store); err != nil {
			store.Close()
			return nil, fmt.Errorf("seed demo data: %w", err)
		}
	}
	if err := store.WarmCatalog(ctx); err != nil {
		store.Close()
		return nil, err
	}
	signIn, err := newSignIn(ctx, cfg)
	if err != nil {
		store.Close()
		return nil, err
	}
	var demo *models.Source
	if warehouse != "" {
		if demo, err = seed.DemoWarehouse(ctx, store, warehouse); err != nil {
			log.Warn("demo warehouse not seeded", "error", err)
		}
	}

	loc, _ := time.LoadLocation(cfg.TimeZone) // checked by validate
	scheduler := jobs.NewScheduler(log, loc)
	checks := jobs.NewChecks(store, log)
	crawler := jobs.NewCrawler(store, log, jobs.CrawlerOptions{Parallel: cfg.CrawlParallel, Timeout: cfg.CrawlTimeout, AfterCrawl: checks.AfterCrawl})
	sources := jobs.Sources{Crawler: crawler, SourceSchedules: jobs.NewSourceSchedules(store, crawler, scheduler)}
	sessions := models.SessionLifetime{Idle: cfg.SessionIdle, Absolute: cfg.SessionMax}
	reports := jobs.NewReports(store, log, cfg.reportsOptions(loc, crawler.Instance()))
	app := &App{
		Config: cfg, Log: log, Store: store, Scheduler: scheduler, Sources: sources, Reports: reports, demoSource: demo,
		HTTP: handlers.New(store, log, handlers.Config{SecureCookies: cfg.secureCookies(), Sessions: sessions, Reports: reports, Checks: checks}, signIn, sources),
	}
	if err := app.addJobs(sessions); err != nil {
		store.Close()
		return nil, err
	}
	return app, nil
}

// addJobs schedules the portal's own housekeeping; each source's crawls are
// scheduled by Sources.
func (a *App) addJobs(sessions models.SessionLifetime) error {
	jobs := []struct {
		name, spec string
		fn         func(context.Context) error
	}{
		{"session-cleanup", "@every 1h", func(ctx context.Context) error {
			_, err := a.Store.DeleteExpiredSessions(ctx, sessions)
			return err
		}},
		{"interrupted-crawls", "@every 1m", a.Sources.InterruptOrphans},
		// Time alone makes data unread and products stale, and ends keep
		// and ignore decisions; crawls and edits re-evaluate their own part
		// at once.
		{"findings", "*/5 * * * *", a.evaluateFindings},
		// Enforce-from days come, waivers end and rules over time (unread
		// for 90 days) change their verdict with no write to trigger them.
		{"policies", "*/10 * * * *", a.evaluatePolicies},
		{"observation-retention", "@daily", func(ctx context.Context) error {
			_, err := a.Store.PruneObservations(ctx, a.Config.ObservationRetention)
			return err
		}},
	}
	if a.Reports.SMTPConfigured() {
		jobs = append(jobs, []struct {
			name, spec string
			fn         func(context.Context) error
		}{
			{"reports-weekly", a.Config.ReportSchedule, func(ctx context.Context) error { return a.queueReports(ctx, models.ReportWeekly) }},
			{"reports-daily", a.Config.ReportDailySchedule, func(ctx context.Context) error { return a.queueReports(ctx, models.ReportDaily) }},
		}...)
	}
	for _, j := range jobs {
		if err := a.Scheduler.Add(j.name, j.spec, j.fn); err != nil {
			return err
		}
	}
	return nil
}

// queueReports queues the due reports once per tick across replicas; the
// sender (on every replica) delivers them.
func (a *App) queueReports(ctx context.Context, frequency string) error {
	mine, err := a.Store.ClaimJobTick(ctx, "reports-"+frequency, a.Store.Now(), a.Sources.Crawler.Instance())
	if err != nil || !mine {
		return err
	}
	_, err = a.Reports.Queue(ctx, frequency, "schedule")
	return err
}

// newSignIn picks how people sign in: the company's OpenID Provider when an
// issuer is configured, else (validate made sure: --dev on loopback) the
// local demo sign-in.
func newSignIn(ctx context.Context, cfg Config) (handlers.SignIn, error) {
	if cfg.OIDCIssuer == "" {
		return handlers.DevSignIn{}, nil
	}
	return handlers.NewOIDCSignIn(ctx, handlers.OIDCConfig{
		Issuer: cfg.OIDCIssuer, ClientID: cfg.OIDCClientID, ClientSecret: cfg.OIDCClientSecret,
		RedirectURL: cfg.OIDCRedirectURL, Scopes: cfg.oidcScopes(), GroupsClaim: cfg.OIDCGroupsClaim,
		AdminGroups: splitList(cfg.AdminGroups), AdminEmails: splitList(cfg.AdminEmails),
		PostLogoutRedirectURL: cfg.OIDCPostLogoutURL, SecretKey: cfg.SecretKey,
	})
}

// Serve listens on the configured address until ctx ends, then lets
// in-flight requests finish (up to the shutdown timeout) and stops.
func (a *App) Serve(ctx context.Context) error {
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.Config.Addr, err)
	}
	return a.ServeListener(ctx, ln)
}

// ServeListener is Serve on a listener the caller opened (tests use port 0).
func (a *App) ServeListener(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.HTTP,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	if err := a.Sources.InterruptOrphans(context.Background()); err != nil {
		a.Log.Error("mark interrupted crawls", "error", err)
	}
	if err := a.Sources.Sync(context.Background()); err != nil {
		a.Log.Error("schedule sources", "error", err)
	}
	a.Scheduler.Start()
	jobsCtx := a.Scheduler.Context()
	a.background.Go(func() { a.Sources.Run(jobsCtx, 30*time.Second) })
	a.crawlDemoOnce()
	a.background.Go(func() {
		poll := a.Config.tuning.reportsPoll
		if poll == 0 {
			poll = 15 * time.Second
		}
		a.Reports.Run(jobsCtx, poll)
	})
	a.background.Go(func() { // the trends start today, not at the first tick
		if err := a.evaluateFindings(jobsCtx); err != nil && jobsCtx.Err() == nil {
			a.Log.Error("evaluate findings", "error", err)
		}
		if err := a.evaluatePolicies(jobsCtx); err != nil && jobsCtx.Err() == nil {
			a.Log.Error("evaluate policies", "error", err)
		}
		if done := a.Config.tuning.startupEvaluated; done != nil {
			done()
		}
	})
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	a.Log.Info("meshport listening", "addr", ln.Addr().String(), "database", a.Store.Dialect(), "dev", a.Config.Dev)

	select {
	case err := <-errc:
		a.Scheduler.Stop(context.Background())
		a.Sources.Shutdown(context.Background())
		a.background.Wait()
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down", "timeout_ms", a.Config.ShutdownTimeout.Milliseconds())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	a.Scheduler.Stop(shutdownCtx)
	a.Sources.Shutdown(shutdownCtx)
	stopped := make(chan struct{})
	go func() { a.background.Wait(); close(stopped) }()
	select { // the loops stop with the scheduler's context
	case <-stopped:
	case <-shutdownCtx.Done():
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// demoWarehousePath is where --dev keeps the demo source: beside a SQLite
// portal database ("" for PostgreSQL, or when an operator chose file roots
// that do not include that folder).
func demoWarehousePath(cfg Config) string {
	if !cfg.Dev || !cfg.DemoWarehouse || strings.Contains(cfg.DatabaseURL, "://") {
		return ""
	}
	abs, err := filepath.Abs(cfg.DatabaseURL)
	if err != nil {
		return ""
	}
	path := filepath.Join(filepath.Dir(abs), "meshport-demo-warehouse.db")
	if roots := splitList(cfg.SourcesFileRoots); len(roots) > 0 && !slices.Contains(roots, filepath.Dir(path)) {
		return ""
	}
	return path
}

// crawlDemoOnce crawls the demo source at start if it never was crawled, so
// a newcomer sees assets at once.
func (a *App) crawlDemoOnce() {
	if a.demoSource == nil {
		return
	}
	runs, err := a.Store.ListRuns(context.Background(), a.demoSource.ID, 1)
	if err != nil || len(runs) > 0 {
		return
	}
	if _, err := a.Sources.Start(a.demoSource, models.TriggerManual, nil, "demo seed"); err != nil {
		a.Log.Warn("demo crawl not started", "error", err)
	}
}

// Close releases the database.
func (a *App) Close() error { return a.Store.Close() }

// evaluatePolicies is the scheduled re-evaluation of every product against
// the policies in force, once per tick across replicas; it also records the
// day's compliance for the governance trend.
func (a *App) evaluatePolicies(ctx context.Context) error {
	mine, err := a.Store.ClaimJobTick(ctx, "policies", a.Store.Now(), a.Sources.Crawler.Instance())
	if err != nil || !mine {
		return err
	}
	return a.Store.EvaluatePolicies(ctx)
}

// evaluateFindings is the scheduled re-evaluation of every finding, once
// per tick across replicas, followed by today's totals for the trends.
func (a *App) evaluateFindings(ctx context.Context) error {
	mine, err := a.Store.ClaimJobTick(ctx, "findings", a.Store.Now(), a.Sources.Crawler.Instance())
	if err != nil || !mine {
		return err
	}
	if _, err := a.Store.EvaluateFindings(ctx); err != nil {
		return err
	}
	return a.Store.RecordHealthDay(ctx)
}
