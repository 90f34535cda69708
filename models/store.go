package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/meshport/meshport/models/secrets"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Store is the portal's data access: every read and write of domains,
// products, users, sessions, tokens and the audit log goes through it.
type Store struct {
	db       *gorm.DB
	sqlDB    *sql.DB // the same pool, for the few hot queries that skip GORM
	now      func() time.Time
	cat      *versionedCache[catalogSnapshot]
	findings *versionedCache[findingsSnapshot]
	// findingRules are the dark-data thresholds and storage prices.
	findingRules FindingRules
	dashboard    *dashboardMemo
	hot          *hotStatements
	sessions     *sessionCache
	sources      sourceSecrets
	// lastUse writes sessions' and tokens' last use in the background.
	lastUse *lastUse
	log     *slog.Logger
	baseURL string // for links in queued messages
	// sourcesChanged wakes the source schedules after a source write
	// (SourcesChanged).
	sourcesChanged chan struct{}
	// quorum and maxWaiver are the governance settings (Options).
	quorum    float64
	maxWaiver time.Duration
}

// hotStatements are the two queries behind every page view (session and
// catalog version), prepared once per pool: PostgreSQL then skips parsing
// and planning them. (The SQLite driver prepares per query regardless.)
type hotStatements struct {
	mu               sync.Mutex
	version          *sql.Stmt // a row of catalog_versions
	sessionWithOwner *sql.Stmt
}

// statements prepares the hot statements on first use; a failure (say, the
// database is down at that moment) is retried on the next call.
func (s *Store) statements(ctx context.Context) (*hotStatements, error) {
	h := s.hot
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.sessionWithOwner != nil {
		return h, nil
	}
	version, err := s.sqlDB.PrepareContext(ctx, "SELECT version FROM catalog_versions WHERE id = $1")
	if err != nil {
		return nil, err
	}
	session, err := s.sqlDB.PrepareContext(ctx, `SELECT s.id, s.last_seen_at, s.expires_at,
		u.id, u.issuer, u.subject, u.email, u.email_verified, u.name, u.groups, u.admin
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`)
	if err != nil {
		version.Close()
		return nil, err
	}
	h.version, h.sessionWithOwner = version, session
	return h, nil
}

// Open connects to the portal database: a postgres:// URL, or else a SQLite
// file path (pure Go driver, no cgo), and makes a store with opts. It does
// not migrate.
func Open(databaseURL string, opts Options) (*Store, error) {
	dialector, isSQLite := dialectorFor(databaseURL)
	db, err := gorm.Open(dialector, &gorm.Config{
		Logger:                 logger.Discard,
		TranslateError:         true,
		SkipDefaultTransaction: true,
		// No PrepareStmt: inside a transaction GORM prepares on a second
		// pool connection, which deadlocks once every connection is held by
		// a transaction waiting for a row lock. Hot queries are prepared
		// by hand (hotStatements).
		NowFunc: func() time.Time { return time.Now().UTC() },
	})
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", RedactURL(databaseURL), err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if isSQLite {
		// One writer at a time is all SQLite allows; WAL lets readers run
		// beside it, and busy_timeout makes writers wait instead of failing.
		sqlDB.SetMaxOpenConns(8)
		sqlDB.SetMaxIdleConns(8)
	} else {
		// Keep as many idle as open: a PostgreSQL connection costs a
		// process fork, so closing and reopening them under bursts hurts.
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(20)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	}
	return NewStore(db, opts), nil
}

// Options configure a Store when it is made; a Store has no setters, so
// what runs beside it (the findings loop, the crawler, page views) never sees
// a setting change under it. The zero value is a working store: wall clock,
// default finding rules and caches, no secret key (sources cannot be
// stored) and a source policy that allows no loopback hosts or files.
type Options struct {
	// Clock replaces the wall clock (UTC); tests use it to see months pass.
	Clock func() time.Time
	// Sealer encrypts source connections; nil refuses to store sources.
	Sealer *secrets.Sealer
	// SourcePolicy is what registered sources may reach.
	SourcePolicy SourcePolicy
	// FindingRules are the dark-data thresholds and storage prices; the
	// zero value means DefaultFindingRules, and a zero UnreadDays or empty
	// Currency takes the default's.
	FindingRules FindingRules
	// CatalogRecheck is how long a catalog or findings snapshot is trusted
	// before the database's version is compared again (0: 250 ms; negative:
	// on every read).
	CatalogRecheck time.Duration
	// SessionCacheTTL is how long a checked session is trusted without
	// asking the database (0: 5 s; negative: ask every time).
	SessionCacheTTL time.Duration
	// PolicyQuorum is the share of the domains owning products whose
	// representatives must approve a global policy: adopted when more than
	// this share approves (0: one half, so a majority; at most 0.99).
	PolicyQuorum float64
	// MaxWaiver is the longest a policy waiver may run (0: 90 days).
	MaxWaiver time.Duration
	// BaseURL is the portal's public address, for links in the messages
	// the store queues itself (breaking contract changes).
	BaseURL string
	// Log receives what background follow-ups of a write could not do
	// (say, the findings evaluation after a crawl); nil discards it.
	Log *slog.Logger
}

// cacheTime is a cache lifetime from an option: 0 takes def, a negative
// value turns the cache off.
func cacheTime(d, def time.Duration) time.Duration {
	switch {
	case d == 0:
		return def
	case d < 0:
		return 0
	}
	return d
}

// NewStore wraps an open database with opts.
func NewStore(db *gorm.DB, opts Options) *Store {
	now := opts.Clock
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	rules := opts.FindingRules
	if reflect.ValueOf(rules).IsZero() {
		rules = DefaultFindingRules()
	}
	// Each unset field of a partly set rule takes its default (a price of
	// zero is a price: storage someone else pays for).
	defaults := DefaultFindingRules()
	if rules.UnreadDays == 0 {
		rules.UnreadDays = defaults.UnreadDays
	}
	if rules.Currency == "" {
		rules.Currency = defaults.Currency
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	recheck := cacheTime(opts.CatalogRecheck, 250*time.Millisecond)
	quorum := opts.PolicyQuorum
	if quorum <= 0 || quorum > 0.99 {
		quorum = 0.5
	}
	maxWaiver := opts.MaxWaiver
	if maxWaiver <= 0 {
		maxWaiver = 90 * 24 * time.Hour
	}
	sqlDB, _ := db.DB() // only fails for a GORM handle without a pool
	return &Store{db: db, sqlDB: sqlDB, now: now, log: log, hot: &hotStatements{},
		cat: newVersionedCache[catalogSnapshot](recheck), findings: newVersionedCache[findingsSnapshot](recheck),
		findingRules: rules, dashboard: newDashboardMemo(),
		sources:  sourceSecrets{sealer: opts.Sealer, policy: opts.SourcePolicy},
		sessions: &sessionCache{ttl: cacheTime(opts.SessionCacheTTL, 5*time.Second), entries: map[string]cachedSession{}},
		lastUse:  &lastUse{}, sourcesChanged: make(chan struct{}, 1),
		quorum: quorum, maxWaiver: maxWaiver, baseURL: strings.TrimSuffix(opts.BaseURL, "/")}
}

func dialectorFor(databaseURL string) (gorm.Dialector, bool) {
	if strings.HasPrefix(databaseURL, "postgres://") || strings.HasPrefix(databaseURL, "postgresql://") {
		return postgres.Open(databaseURL), false
	}
	path := strings.TrimPrefix(databaseURL, "sqlite://")
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	dsn := path + sep + "_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	return sqlite.Open(dsn), true
}

// RedactURL hides a password in a database URL so it can be logged.
func RedactURL(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			cred := rest[:at]
			if c := strings.Index(cred, ":"); c >= 0 {
				return u[:i+3] + cred[:c] + ":xxxxx" + rest[at:]
			}
		}
	}
	return u
}

// DB exposes the underlying handle for jobs and tests that need it.
func (s *Store) DB() *gorm.DB { return s.db }

// Dialect is "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.db.Dialector.Name() }

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// Ping checks the database answers, for /readyz.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Close closes the database.
func (s *Store) Close() error {
	// The last-use writes queued so far, for a few seconds at most.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.lastUse.close(ctx)
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// internal wraps an unexpected database error with what was being done;
// application errors pass through unchanged. The HTTP layer decides which
// of these mean "database down" (handlers/errors.go).
func internal(op string, err error) error {
	var e *Error
	if err == nil || errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("%s: %w", op, err)
}
