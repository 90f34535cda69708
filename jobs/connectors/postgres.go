package connectors

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/meshport/meshport/models"
)

// pgMaxConnectTimeout bounds connecting (name lookup, TCP, TLS and
// authentication) whatever the caller's context allows. A variable for the
// tests.
var pgMaxConnectTimeout = 10 * time.Second

// pgMaxLockTimeout bounds how long a query waits for a lock another session
// holds (a table being altered or vacuumed in full): the crawl fails with a
// timeout rather than queueing behind it. A variable for the tests.
var pgMaxLockTimeout = 5 * time.Second

// pgProgressEvery is how many assets are read between progress calls.
const pgProgressEvery = 250

// pgAllowedKeys are the connection settings a source address may carry.
// Keys that make the driver read files on the portal's own machine
// (passfile, service, servicefile, sslkey, sslcert, sslrootcert) are not
// among them: whoever registers a source must not make the portal read its
// files or use its credentials.
var pgAllowedKeys = []string{
	"host", "port", "dbname", "database", "user", "password",
	"sslmode", "sslsni", "sslnegotiation", "connect_timeout",
	"application_name", "target_session_attrs", "channel_binding",
}

// Type oids of the columns a freshness max() understands.
const (
	pgOIDDate        = 1082
	pgOIDTimestamp   = 1114
	pgOIDTimestamptz = 1184
)

// pgConnector reads a PostgreSQL database. It holds no connection between
// calls: Test and Crawl each open one and close it when they return.
type pgConnector struct {
	s        models.SourceSettings
	p        models.SourcePolicy
	cfg      *pgx.ConnConfig
	password string // only to scrub it from driver messages

	mu     sync.Mutex
	conns  map[*pgx.Conn]struct{}
	closed bool
}

func openPostgres(s models.SourceSettings, p models.SourcePolicy) (Connector, error) {
	if s.StatementTimeout <= 0 {
		s.StatementTimeout = 30 * time.Second
	}
	c := &pgConnector{s: s, p: p, conns: map[*pgx.Conn]struct{}{}}
	cfg, password, err := pgParseDSN(s.DSN)
	if err != nil {
		return nil, err
	}
	c.cfg, c.password = cfg, password
	return c, nil
}

func pgInvalid(format string, args ...any) *models.SourceError {
	return &models.SourceError{Reason: models.FailureInvalid, Message: fmt.Sprintf(format, args...)}
}

// pgParseDSN parses a postgres:// URL. The password in the result is the
// one the URL carries and nothing else: the driver would otherwise take
// PGPASSWORD or the portal's ~/.pgpass and send the operator's credentials
// to whatever host the URL names.
func pgParseDSN(dsn string) (*pgx.ConnConfig, string, error) {
	const shape = "it should look like postgres://user:password@host:5432/database"
	dsn = strings.TrimSpace(dsn)
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return nil, "", pgInvalid("The PostgreSQL address must start with postgres://; %s.", shape)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		// url's own message repeats the whole address, password included.
		return nil, "", pgInvalid("The PostgreSQL address cannot be understood; %s.", shape)
	}
	// The user is required: pgx would otherwise take PGUSER or the portal's
	// own operating-system user.
	if u.User == nil || u.User.Username() == "" {
		return nil, "", pgInvalid("The PostgreSQL address names no user; %s.", shape)
	}
	password, _ := u.User.Password()
	q := u.Query()
	if pw := q.Get("password"); pw != "" {
		password = pw
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		allowed := false
		for _, a := range pgAllowedKeys {
			if k == a {
				allowed = true
			}
		}
		if !allowed {
			return nil, "", pgInvalid("The setting %q is not accepted in a PostgreSQL source address (accepted: %s).",
				k, strings.Join(pgAllowedKeys, ", "))
		}
	}
	cfg, err := pgx.ParseConfigWithOptions(dsn, pgx.ParseConfigOptions{
		ParseConfigOptions: pgconn.ParseConfigOptions{ConnStringAllowedKeys: pgAllowedKeys},
	})
	if err != nil {
		return nil, "", &models.SourceError{Reason: models.FailureInvalid,
			Message: fmt.Sprintf("The PostgreSQL address cannot be understood; %s.", shape),
			Err:     pgScrubbed(err, password)}
	}
	cfg.Password = password
	// Never present the portal's own client certificate (~/.postgresql,
	// PGSSLCERT/PGSSLKEY) to a host a user registered.
	for _, tc := range append([]*tls.Config{cfg.TLSConfig}, fallbackTLS(cfg)...) {
		if tc != nil {
			tc.Certificates, tc.GetClientCertificate = nil, nil
		}
	}
	for _, h := range pgHosts(cfg) {
		if strings.HasPrefix(h.host, "/") || strings.HasPrefix(h.host, "@") {
			return nil, "", &models.SourceError{Reason: models.FailurePolicy,
				Message: "Sources must name a host: local Unix sockets are not allowed (" + h.host + ")."}
		}
		if h.host == "" {
			return nil, "", pgInvalid("The PostgreSQL address names no host; %s.", shape)
		}
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	if cfg.RuntimeParams["application_name"] == "" {
		cfg.RuntimeParams["application_name"] = "meshport crawler"
	}
	return cfg, password, nil
}

func fallbackTLS(cfg *pgx.ConnConfig) []*tls.Config {
	var out []*tls.Config
	for _, f := range cfg.Fallbacks {
		out = append(out, f.TLSConfig)
	}
	return out
}

type pgHostPort struct {
	host string
	port uint16
}

func (h pgHostPort) String() string {
	return net.JoinHostPort(h.host, strconv.Itoa(int(h.port)))
}

// pgHosts lists the distinct hosts a config may dial (the main one and the
// fallbacks that sslmode=prefer and multi-host URLs add).
func pgHosts(cfg *pgx.ConnConfig) []pgHostPort {
	out := []pgHostPort{{cfg.Host, cfg.Port}}
	for _, fb := range cfg.Fallbacks {
		h := pgHostPort{fb.Host, fb.Port}
		dup := false
		for _, o := range out {
			dup = dup || o == h
		}
		if !dup {
			out = append(out, h)
		}
	}
	return out
}

func (c *pgConnector) hostsText() string {
	hs := pgHosts(c.cfg)
	if len(hs) == 1 {
		return fmt.Sprintf("host %s did not answer on port %d", hs[0].host, hs[0].port)
	}
	return "hosts (" + c.hostsList() + ") did not answer"
}

// connect checks every host against the policy, then connects with the
// policy's dialer so the check also holds for the addresses actually
// dialled.
func (c *pgConnector) connect(ctx context.Context) (*pgx.Conn, error) {
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return nil, &models.SourceError{Reason: models.FailureOther, Message: "The PostgreSQL connector is closed."}
	}
	for _, h := range pgHosts(c.cfg) {
		if err := c.p.CheckHost(ctx, h.host); err != nil {
			return nil, c.scrubError(err)
		}
	}
	timeout := pgMaxConnectTimeout
	if c.cfg.ConnectTimeout > 0 && c.cfg.ConnectTimeout < timeout {
		timeout = c.cfg.ConnectTimeout
	}
	cfg := c.cfg.Copy()
	cfg.ConnectTimeout = timeout
	cfg.DialFunc = c.p.Dialer(timeout).DialContext
	// When the caller's context ends during a query, ask the server to
	// cancel it (through the same policy dialer) instead of leaving it
	// running; the socket deadline a second later is the fallback.
	cfg.BuildContextWatcherHandler = func(pc *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: pc, DeadlineDelay: time.Second}
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	conn, err := pgx.ConnectConfig(cctx, cfg)
	if err != nil {
		return nil, c.connectError(ctx, err, time.Since(start))
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		_ = conn.Close(context.Background())
		return nil, &models.SourceError{Reason: models.FailureOther, Message: "The PostgreSQL connector is closed."}
	}
	c.conns[conn] = struct{}{}
	c.mu.Unlock()
	return conn, nil
}

func (c *pgConnector) release(conn *pgx.Conn) {
	c.mu.Lock()
	delete(c.conns, conn)
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = conn.Close(ctx)
}

// Close closes any connection a running Test or Crawl holds; later calls
// fail.
func (c *pgConnector) Close() error {
	c.mu.Lock()
	c.closed = true
	conns := make([]*pgx.Conn, 0, len(c.conns))
	for conn := range c.conns {
		conns = append(conns, conn)
	}
	c.conns = map[*pgx.Conn]struct{}{}
	c.mu.Unlock()
	for _, conn := range conns {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_ = conn.Close(ctx)
		cancel()
	}
	return nil
}

// pgInfo is what one query tells about the server and the session.
type pgInfo struct {
	versionNum  int
	version     string // "15.4"
	user        string
	database    string
	superuser   bool
	trackCounts bool
	epoch       string
}

// beginReadOnly opens a read-only transaction with the statement and lock
// timeouts set for it alone (SET LOCAL).
func (c *pgConnector) beginReadOnly(ctx context.Context, conn *pgx.Conn) (pgx.Tx, error) {
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return nil, c.queryError(ctx, err, "")
	}
	st := c.s.StatementTimeout
	lt := st
	if lt > pgMaxLockTimeout {
		lt = pgMaxLockTimeout
	}
	ms := func(d time.Duration) string {
		n := d.Milliseconds()
		if n < 1 {
			n = 1
		}
		return strconv.FormatInt(n, 10)
	}
	if _, err := tx.Exec(ctx, `SELECT set_config('statement_timeout', $1, true), set_config('lock_timeout', $2, true)`,
		ms(st), ms(lt)); err != nil {
		_ = tx.Rollback(ctx)
		return nil, c.queryError(ctx, err, "")
	}
	return tx, nil
}

// begin opens the read-only transaction every query runs in, with the
// statement and lock timeouts set for it alone, and reads the server facts.
func (c *pgConnector) begin(ctx context.Context, conn *pgx.Conn) (pgx.Tx, *pgInfo, error) {
	tx, err := c.beginReadOnly(ctx, conn)
	if err != nil {
		return nil, nil, err
	}
	var info pgInfo
	var version string
	err = tx.QueryRow(ctx, `SELECT current_setting('server_version_num')::int,
		current_setting('server_version'),
		current_user::text, current_database()::text,
		current_setting('is_superuser') = 'on',
		current_setting('track_counts') = 'on',
		extract(epoch FROM pg_postmaster_start_time())::text || '/' ||
			coalesce((SELECT extract(epoch FROM d.stats_reset)::text
			          FROM pg_stat_database d WHERE d.datname = current_database()), '')`).
		Scan(&info.versionNum, &version, &info.user, &info.database, &info.superuser, &info.trackCounts, &info.epoch)
	if err != nil {
		_ = tx.Rollback(ctx)
		return nil, nil, c.queryError(ctx, err, "pg_stat_database")
	}
	if f := strings.Fields(version); len(f) > 0 {
		version = f[0]
	}
	info.version = version
	return tx, &info, nil
}

// pgRelFilter is the WHERE clause of the relations the connector reports:
// tables, partitioned tables, views, materialized views and foreign tables
// outside the system schemas (pg_catalog, pg_toast, the pg_temp_N schemas:
// user schemas may not start with pg_) and information_schema.
const pgRelFilter = `c.relkind IN ('r', 'p', 'v', 'm', 'f')
	AND c.relpersistence <> 't'
	AND n.nspname <> 'information_schema'
	AND n.nspname NOT LIKE 'pg\_%'`

// Test connects and counts what the settings would crawl.
func (c *pgConnector) Test(ctx context.Context) (models.ConnectionTest, error) {
	conn, err := c.connect(ctx)
	if err != nil {
		return models.ConnectionTest{}, err
	}
	defer c.release(conn)
	tx, info, err := c.begin(ctx, conn)
	if err != nil {
		return models.ConnectionTest{}, err
	}
	defer func() { _ = tx.Rollback(context.Background()) }()

	rows, err := tx.Query(ctx, `SELECT n.nspname::text, c.relname::text
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE `+pgRelFilter)
	if err != nil {
		return models.ConnectionTest{}, c.queryError(ctx, err, "pg_class")
	}
	schemas := map[string]bool{}
	assets := 0
	for rows.Next() {
		var schema, name string
		if err := rows.Scan(&schema, &name); err != nil {
			rows.Close()
			return models.ConnectionTest{}, c.queryError(ctx, err, "pg_class")
		}
		if !c.wanted(schema + "." + name) {
			continue
		}
		schemas[schema] = true
		assets++
	}
	if err := rows.Err(); err != nil {
		return models.ConnectionTest{}, c.queryError(ctx, err, "pg_class")
	}
	var one int
	err = tx.QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM pg_stat_user_tables LIMIT 1) s`).Scan(&one)
	if err != nil {
		return models.ConnectionTest{}, c.queryError(ctx, err, "pg_stat_user_tables")
	}
	stats := "statistics readable"
	if !info.trackCounts {
		stats = "statistics readable, but the server does not collect them (track_counts is off)"
	}
	plural := func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.Itoa(n) + " " + many
	}
	version := "PostgreSQL " + info.version
	return models.ConnectionTest{
		ServerVersion: version,
		Summary: fmt.Sprintf("Connected as %s to %s on %s: %s, %s visible; %s.",
			info.user, info.database, version,
			plural(len(schemas), "schema", "schemas"),
			plural(assets, "table or view", "tables and views"), stats),
		Assets: assets,
	}, nil
}

// wanted applies Include and Exclude to "schema.name": an exclude wins, and
// without includes everything is included.
func (c *pgConnector) wanted(key string) bool {
	for _, g := range c.s.Exclude {
		if ok, _ := path.Match(g, key); ok {
			return false
		}
	}
	if len(c.s.Include) == 0 {
		return true
	}
	for _, g := range c.s.Include {
		if ok, _ := path.Match(g, key); ok {
			return true
		}
	}
	return false
}

// pgRelationsQuery reads every relation with its size, row estimate and
// counters in one query. pg_total_relation_size counts the table, its
// indexes and TOAST; a partitioned table has no storage of its own, so it
// is what PostgreSQL says (0), and each partition is its own asset.
func pgRelationsQuery(versionNum int) string {
	isPartition := "c.relispartition"
	if versionNum < 100000 {
		isPartition = "false"
	}
	lastRead := "NULL::timestamptz"
	if versionNum >= 160000 {
		lastRead = "GREATEST(s.last_seq_scan, s.last_idx_scan)"
	}
	return `SELECT c.oid, n.nspname::text, c.relname::text, c.relkind::text, ` + isPartition + `,
		coalesce(pn.nspname::text, ''), coalesce(pc.relname::text, ''),
		NULL::int8, -- sizes are measured in parallel (pgSizes)
		CASE WHEN c.relkind IN ('r', 'p', 'm') AND c.reltuples >= 0 THEN c.reltuples::float8 END,
		s.n_tup_ins, s.n_tup_upd, s.n_tup_del, s.seq_scan,
		CASE WHEN s.relid IS NOT NULL THEN coalesce(s.idx_scan, 0) END,
		` + lastRead + `
	FROM pg_class c
	JOIN pg_namespace n ON n.oid = c.relnamespace
	LEFT JOIN pg_inherits i ON ` + isPartition + ` AND i.inhrelid = c.oid
	LEFT JOIN pg_class pc ON pc.oid = i.inhparent
	LEFT JOIN pg_namespace pn ON pn.oid = pc.relnamespace
	LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
	WHERE ` + pgRelFilter + `
	ORDER BY n.nspname, c.relname`
}

// pgColumnsQuery reads the columns of the given relations in one query.
// attnotnull is what NOT NULL (and a primary key) set on the column; views
// and materialized views never have it, so their columns' nullability is
// left unknown rather than reported as nullable.
const pgColumnsQuery = `SELECT a.attrelid, a.attname::text, format_type(a.atttypid, a.atttypmod), a.atttypid, a.attnotnull
	FROM pg_attribute a
	WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
	ORDER BY a.attrelid, a.attnum`

// pgViewDepsQuery lists what the given views and materialized views read,
// in one query: the relations their ON SELECT rewrite rule (the view's
// query, "_RETURN") depends on. The rule also depends on the view itself
// (left out) and on functions and types (other catalogs, left out); rules
// for INSERT, UPDATE or DELETE say where a view writes, not what it reads.
// A relation the crawl does not report (system catalogs, excluded, a
// sequence) is dropped by the caller.
const pgViewDepsQuery = `SELECT DISTINCT r.ev_class, d.refobjid
	FROM pg_rewrite r
	JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass
	WHERE r.ev_class = ANY($1::oid[]) AND r.ev_type = '1' AND d.refobjid <> r.ev_class`

// viewDeps sets DependsOn of the crawled views and materialized views, with
// one query for all of them (none without views). byOID finds a crawled
// relation's index in snap.Assets.
func (c *pgConnector) viewDeps(ctx context.Context, tx pgx.Tx, snap *models.CrawlSnapshot, byOID map[uint32]int) error {
	var views []uint32
	for oid, i := range byOID {
		if k := snap.Assets[i].Kind; k == models.AssetView || k == models.AssetMaterializedView {
			views = append(views, oid)
		}
	}
	if len(views) == 0 {
		return nil
	}
	rows, err := tx.Query(ctx, pgViewDepsQuery, views)
	if err != nil {
		return c.queryError(ctx, err, "pg_depend")
	}
	defer rows.Close()
	for rows.Next() {
		var view, ref uint32
		if err := rows.Scan(&view, &ref); err != nil {
			return c.queryError(ctx, err, "pg_depend")
		}
		vi, ok := byOID[view]
		ri, ok2 := byOID[ref]
		if !ok || !ok2 {
			continue
		}
		o := &snap.Assets[vi]
		o.DependsOn = append(o.DependsOn, snap.Assets[ri].Key())
	}
	if err := rows.Err(); err != nil {
		return c.queryError(ctx, err, "pg_depend")
	}
	for i := range snap.Assets {
		if deps := snap.Assets[i].DependsOn; len(deps) > 1 {
			slices.Sort(deps)
			snap.Assets[i].DependsOn = slices.Compact(deps)
		}
	}
	return nil
}

// Crawl reads every wanted relation: one query for relations and their
// statistics, one for all columns, one for what the views read, then one
// max() per configured freshness column.
func (c *pgConnector) Crawl(ctx context.Context, progress func(assets int)) (*models.CrawlSnapshot, error) {
	if progress == nil {
		progress = func(int) {}
	}
	conn, err := c.connect(ctx)
	if err != nil {
		return nil, err
	}
	defer c.release(conn)
	tx, info, err := c.begin(ctx, conn)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback(context.Background()) }()

	snap := &models.CrawlSnapshot{
		ServerVersion: "PostgreSQL " + info.version,
		CountersEpoch: info.epoch,
		UsageKnown:    info.trackCounts,
	}
	if !info.trackCounts {
		snap.UsageNote = "the server does not collect table statistics (track_counts is off)"
	}

	rows, err := tx.Query(ctx, pgRelationsQuery(info.versionNum))
	if err != nil {
		return nil, c.queryError(ctx, err, "pg_stat_all_tables")
	}
	var oids []uint32
	for rows.Next() {
		var (
			oid                   uint32
			schema, name, relkind string
			isPartition           bool
			pSchema, pName        string
			size                  *int64
			tuples                *float64
			ins, upd, del, seq    *int64
			idx                   *int64
			lastRead              *time.Time
		)
		if err := rows.Scan(&oid, &schema, &name, &relkind, &isPartition, &pSchema, &pName,
			&size, &tuples, &ins, &upd, &del, &seq, &idx, &lastRead); err != nil {
			rows.Close()
			return nil, c.queryError(ctx, err, "pg_stat_all_tables")
		}
		if !c.wanted(schema + "." + name) {
			continue
		}
		o := models.ObservedAsset{Schema: schema, Name: name, SizeBytes: size,
			Inserts: ins, Updates: upd, Deletes: del, SeqScans: seq, IdxScans: idx, LastRead: lastRead}
		switch relkind {
		case "r":
			o.Kind = models.AssetTable
		case "p":
			o.Kind = models.AssetPartitionedTable
		case "v":
			o.Kind = models.AssetView
		case "m":
			o.Kind = models.AssetMaterializedView
		case "f":
			o.Kind = models.AssetForeignTable
		}
		if isPartition && pName != "" {
			o.Kind = models.AssetPartition
			o.Parent = pName
			if pSchema != schema {
				o.Parent = pSchema + "." + pName
			}
		}
		if tuples != nil {
			n := int64(math.Round(*tuples))
			o.RowEstimate = &n
		}
		if o.LastRead != nil {
			t := o.LastRead.UTC()
			o.LastRead = &t
		}
		snap.Assets = append(snap.Assets, o)
		oids = append(oids, oid)
		if len(snap.Assets)%pgProgressEvery == 0 {
			progress(len(snap.Assets))
		}
	}
	if err := rows.Err(); err != nil {
		return nil, c.queryError(ctx, err, "pg_stat_all_tables")
	}
	progress(len(snap.Assets))

	var sized []uint32
	for i, o := range snap.Assets {
		if o.Kind != models.AssetView && o.Kind != models.AssetForeignTable {
			sized = append(sized, oids[i])
		}
	}
	sizesDone := make(chan struct{})
	var sizes map[uint32]int64
	var sizesErr error
	go func() {
		defer close(sizesDone)
		sizes, sizesErr = c.sizes(ctx, sized)
	}()
	// Whatever happens below, the size workers end before Crawl returns.
	defer func() { <-sizesDone }()

	byOID := make(map[uint32]int, len(oids))
	for i, oid := range oids {
		byOID[oid] = i
	}
	colTypes := make([]map[string]uint32, len(oids))
	rows, err = tx.Query(ctx, pgColumnsQuery, oids)
	if err != nil {
		return nil, c.queryError(ctx, err, "pg_attribute")
	}
	for rows.Next() {
		var (
			rel, typ   uint32
			name, fmtd string
			notNull    bool
		)
		if err := rows.Scan(&rel, &name, &fmtd, &typ, &notNull); err != nil {
			rows.Close()
			return nil, c.queryError(ctx, err, "pg_attribute")
		}
		i, ok := byOID[rel]
		if !ok {
			continue
		}
		col := models.Column{Name: name, Type: fmtd}
		if k := snap.Assets[i].Kind; k != models.AssetView && k != models.AssetMaterializedView {
			col.Nullable = nullable(!notNull)
		}
		snap.Assets[i].Columns = append(snap.Assets[i].Columns, col)
		if colTypes[i] == nil {
			colTypes[i] = map[string]uint32{}
		}
		colTypes[i][name] = typ
	}
	if err := rows.Err(); err != nil {
		return nil, c.queryError(ctx, err, "pg_attribute")
	}

	if err := c.viewDeps(ctx, tx, snap, byOID); err != nil {
		return nil, err
	}

	if err := c.freshness(ctx, tx, info, snap, colTypes); err != nil {
		return nil, err
	}
	<-sizesDone
	var noConn *sizeConnectError
	if errors.As(sizesErr, &noConn) {
		// A role with a connection limit (or a tight pooler) may not get
		// the extra connections: measure in this transaction instead.
		sizes = map[uint32]int64{}
		sizesErr = c.sizesIn(ctx, tx, sized, func(oid uint32, n int64) { sizes[oid] = n })
	}
	if sizesErr != nil {
		return nil, sizesErr
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, c.queryError(ctx, err, "")
	}
	for i, oid := range oids {
		if n, ok := sizes[oid]; ok {
			snap.Assets[i].SizeBytes = &n
		}
	}
	progress(len(snap.Assets))
	return snap, nil
}

// pgSizeWorkers is how many connections share measuring sizes:
// pg_total_relation_size looks at every file of every relation, which is
// most of a crawl's time on a big database, and splits well.
const pgSizeWorkers = 2

// sizes measures pg_total_relation_size of the relations, split over
// pgSizeWorkers connections of their own. A relation dropped meanwhile has
// no size.
func (c *pgConnector) sizes(ctx context.Context, oids []uint32) (map[uint32]int64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	parts := make([][]uint32, pgSizeWorkers)
	for i, oid := range oids {
		parts[i%pgSizeWorkers] = append(parts[i%pgSizeWorkers], oid)
	}
	var mu sync.Mutex
	out := make(map[uint32]int64, len(oids))
	errs := make(chan error, pgSizeWorkers)
	var wg sync.WaitGroup
	for _, part := range parts {
		if len(part) == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := c.sizesOf(ctx, part, func(oid uint32, n int64) {
				mu.Lock()
				out[oid] = n
				mu.Unlock()
			})
			if err != nil {
				errs <- err
				cancel() // the other worker need not go on
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	return out, nil
}

// sizeConnectError is a size worker that could not get its connection.
type sizeConnectError struct{ err error }

func (e *sizeConnectError) Error() string { return e.err.Error() }
func (e *sizeConnectError) Unwrap() error { return e.err }

func (c *pgConnector) sizesOf(ctx context.Context, oids []uint32, found func(oid uint32, n int64)) error {
	conn, err := c.connect(ctx)
	if err != nil {
		return &sizeConnectError{err}
	}
	defer c.release(conn)
	tx, _, err := c.begin(ctx, conn)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(context.Background()) }()
	return c.sizesIn(ctx, tx, oids, found)
}

// sizesIn measures sizes inside an open transaction.
func (c *pgConnector) sizesIn(ctx context.Context, tx pgx.Tx, oids []uint32, found func(oid uint32, n int64)) error {
	rows, err := tx.Query(ctx, `SELECT r.oid, pg_total_relation_size(r.oid) FROM unnest($1::oid[]) AS r(oid)`, oids)
	if err != nil {
		return c.queryError(ctx, err, "pg_total_relation_size")
	}
	defer rows.Close()
	for rows.Next() {
		var oid uint32
		var n *int64
		if err := rows.Scan(&oid, &n); err != nil {
			return c.queryError(ctx, err, "pg_total_relation_size")
		}
		if n != nil {
			found(oid, *n)
		}
	}
	if err := rows.Err(); err != nil {
		return c.queryError(ctx, err, "pg_total_relation_size")
	}
	return nil
}

// freshness sets FreshnessValue from max(column) for every asset that has a
// freshness column. A column that is missing, not a date or timestamp, not
// readable or too slow to read leaves the value nil and the crawl goes on.
//
// Where the user may (a superuser, or on PostgreSQL 15+ a role granted SET
// ON PARAMETER track_counts), the max() queries run with track_counts off so
// that the crawler's own reads do not count as use of the tables.
func (c *pgConnector) freshness(ctx context.Context, tx pgx.Tx, info *pgInfo, snap *models.CrawlSnapshot, colTypes []map[string]uint32) error {
	if len(c.s.FreshnessColumns) == 0 {
		return nil
	}
	type job struct {
		i   int
		col string
		typ uint32
	}
	var jobs []job
	for i := range snap.Assets {
		col, ok := c.s.FreshnessColumns[snap.Assets[i].Key()]
		if !ok || col == "" {
			continue
		}
		typ, ok := colTypes[i][col]
		switch {
		case !ok:
			snap.Assets[i].FreshnessNote = freshnessNote(col, "does not exist")
			continue
		case typ != pgOIDDate && typ != pgOIDTimestamp && typ != pgOIDTimestamptz:
			snap.Assets[i].FreshnessNote = freshnessNote(col, "is not a date or timestamp")
			continue
		}
		jobs = append(jobs, job{i, col, typ})
	}
	if len(jobs) == 0 {
		return nil
	}

	mayMute := info.superuser
	if !mayMute && info.versionNum >= 150000 {
		if err := tx.QueryRow(ctx, `SELECT has_parameter_privilege('track_counts', 'SET')`).Scan(&mayMute); err != nil {
			return c.queryError(ctx, err, "")
		}
	}
	if mayMute {
		if _, err := tx.Exec(ctx, `SELECT set_config('track_counts', 'off', true)`); err != nil {
			return c.queryError(ctx, err, "")
		}
	}

	for _, j := range jobs {
		if err := ctx.Err(); err != nil {
			return c.queryError(ctx, err, "")
		}
		o := &snap.Assets[j.i]
		q := "SELECT max(" + pgx.Identifier{j.col}.Sanitize() + ") FROM " + pgx.Identifier{o.Schema, o.Name}.Sanitize()
		// A savepoint per query: a failed or cancelled max() (no SELECT
		// privilege, statement timeout) must not abort the transaction.
		sp, err := tx.Begin(ctx)
		if err != nil {
			return c.queryError(ctx, err, "")
		}
		var t *time.Time
		switch j.typ {
		case pgOIDTimestamptz:
			var v pgtype.Timestamptz
			if err = sp.QueryRow(ctx, q).Scan(&v); err == nil && v.Valid && v.InfinityModifier == pgtype.Finite {
				t = &v.Time
			}
		case pgOIDTimestamp:
			var v pgtype.Timestamp
			if err = sp.QueryRow(ctx, q).Scan(&v); err == nil && v.Valid && v.InfinityModifier == pgtype.Finite {
				t = &v.Time
			}
		case pgOIDDate:
			var v pgtype.Date
			if err = sp.QueryRow(ctx, q).Scan(&v); err == nil && v.Valid && v.InfinityModifier == pgtype.Finite {
				t = &v.Time
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				return c.queryError(ctx, err, "")
			}
			if rbErr := sp.Rollback(ctx); rbErr != nil {
				return c.queryError(ctx, rbErr, "")
			}
			why := "could not be read"
			if pe := (*pgconn.PgError)(nil); errors.As(err, &pe) {
				why += ": " + pe.Message // the server's words, no connection details
			}
			o.FreshnessNote = freshnessNote(j.col, why)
			continue
		}
		if err := sp.Commit(ctx); err != nil {
			return c.queryError(ctx, err, "")
		}
		if t != nil {
			u := t.UTC()
			o.FreshnessValue = &u
		} else {
			o.FreshnessNote = freshnessNote(j.col, "has no values yet")
		}
	}
	return nil
}

// pgLogError is a driver error as kept for the logs: its text with the
// password taken out, and the context or server error it came from for
// errors.Is and errors.As.
type pgLogError struct {
	msg   string
	cause error
}

func (e *pgLogError) Error() string { return e.msg }
func (e *pgLogError) Unwrap() error { return e.cause }

var pgURLUserinfo = regexp.MustCompile(`(postgres(?:ql)?://[^:@/\s]*):[^@\s]*@`)

// pgScrubbed returns err's text without the password.
func pgScrubbed(err error, password string) error {
	if err == nil {
		return nil
	}
	msg := pgScrub(err.Error(), password)
	var cause error
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &pgErr):
		cause = pgErr
	case errors.Is(err, context.DeadlineExceeded):
		cause = context.DeadlineExceeded
	case errors.Is(err, context.Canceled):
		cause = context.Canceled
	}
	return &pgLogError{msg: msg, cause: cause}
}

func pgScrub(s, password string) string {
	s = pgURLUserinfo.ReplaceAllString(s, "$1:xxxxx@")
	if password != "" {
		s = strings.ReplaceAll(s, password, "xxxxx")
		if esc := url.QueryEscape(password); esc != password {
			s = strings.ReplaceAll(s, esc, "xxxxx")
		}
		if esc := url.PathEscape(password); esc != password {
			s = strings.ReplaceAll(s, esc, "xxxxx")
		}
	}
	return s
}

// scrubError makes sure a *models.SourceError carries no password, neither in its
// message nor in the error kept for the logs.
func (c *pgConnector) scrubError(err error) error {
	var e *models.SourceError
	if !errors.As(err, &e) {
		return &models.SourceError{Reason: models.FailureOther, Message: pgScrub(err.Error(), c.password), Err: pgScrubbed(err, c.password)}
	}
	return &models.SourceError{Reason: e.Reason, Message: pgScrub(e.Message, c.password), Err: pgScrubbed(e.Err, c.password)}
}

// connectError tells in plain words why connecting failed.
func (c *pgConnector) connectError(ctx context.Context, err error, took time.Duration) error {
	logErr := pgScrubbed(err, c.password)
	mk := func(reason, msg string) error {
		return &models.SourceError{Reason: reason, Message: pgScrub(msg, c.password), Err: logErr}
	}
	var policy *models.SourceError
	if errors.As(err, &policy) {
		return c.scrubError(policy)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case pgErr.Code == "28000" && strings.Contains(pgErr.Message, "pg_hba.conf"):
			return mk(models.FailureAuth, fmt.Sprintf("The server does not accept connections from here as user %s to database %s (pg_hba.conf has no entry for them).",
				c.cfg.User, c.cfg.Database))
		case pgErr.Code == "28P01" || pgErr.Code == "28000":
			return mk(models.FailureAuth, "The server refused the user name or password.")
		case pgErr.Code == "3D000":
			return mk(models.FailureNoDatabase, fmt.Sprintf("The database %q does not exist on the server.", c.cfg.Database))
		case pgErr.Code == "42501":
			return mk(models.FailurePermission, fmt.Sprintf("The user %s may not connect to the database %s; the database owner can allow it with GRANT CONNECT ON DATABASE %s TO %s.",
				c.cfg.User, c.cfg.Database, pgx.Identifier{c.cfg.Database}.Sanitize(), pgx.Identifier{c.cfg.User}.Sanitize()))
		case pgErr.Code == "53300":
			return mk(models.FailureOther, "The server has no connection slot left for the crawler (too many connections).")
		case pgErr.Code == "57P03":
			return mk(models.FailureUnreachable, "The server is starting up or shutting down and does not accept connections yet.")
		}
		return mk(models.FailureOther, fmt.Sprintf("The server refused the connection: %s (SQLSTATE %s).", pgErr.Message, pgErr.Code))
	}
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return mk(models.FailureOther, "Connecting was cancelled.")
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return mk(models.FailureUnreachable, fmt.Sprintf("The host of %s could not be found (DNS).", c.hostsList()))
	}
	var netErr net.Error
	timedOut := errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout())
	switch {
	case timedOut:
		return mk(models.FailureUnreachable, fmt.Sprintf("The %s within %s.", c.hostsText(), pgRound(took)))
	case errors.Is(err, syscall.ECONNREFUSED):
		return mk(models.FailureUnreachable, fmt.Sprintf("The %s: the connection was refused (is PostgreSQL running and listening there?).", c.hostsText()))
	case errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH):
		return mk(models.FailureUnreachable, fmt.Sprintf("The %s: there is no route to it from here.", c.hostsText()))
	case errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE):
		return mk(models.FailureUnreachable, fmt.Sprintf("The %s properly: the connection was closed while connecting (is this a PostgreSQL server?).", c.hostsText()))
	}
	if pgNotPostgres(err) {
		hs := pgHosts(c.cfg)
		return mk(models.FailureUnreachable, fmt.Sprintf("The host %s answered on port %d, but not as a PostgreSQL server.", hs[0].host, hs[0].port))
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return mk(models.FailureUnreachable, fmt.Sprintf("The %s: %v.", c.hostsText(), opErr.Err))
	}
	return mk(models.FailureOther, fmt.Sprintf("Could not connect to PostgreSQL at %s: %s.", c.hostsList(), pgInnermost(err)))
}

// pgNotPostgres tells whether connecting failed because what answered does
// not speak PostgreSQL's protocol (a web server, a proxy, another database)
// or hung up before greeting.
func pgNotPostgres(err error) bool {
	var tooLong *pgproto3.ExceededMaxBodyLenErr
	if errors.As(err, &tooLong) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{"invalid message length", "unknown message type", "received unexpected message"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

func (c *pgConnector) hostsList() string {
	hs := pgHosts(c.cfg)
	names := make([]string, len(hs))
	for i, h := range hs {
		names[i] = h.String()
	}
	return strings.Join(names, ", ")
}

// pgInnermost is the last line of a driver error: the cause without the
// driver's prefixes.
func pgInnermost(err error) string {
	lines := strings.Split(strings.TrimSpace(err.Error()), "\n")
	s := strings.TrimSpace(lines[len(lines)-1])
	if i := strings.LastIndex(s, ": "); i >= 0 && i+2 < len(s) {
		s = s[i+2:]
	}
	return strings.TrimSuffix(s, ".")
}

func pgRound(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(100 * time.Millisecond)
}

// queryError tells in plain words why a query failed; what names the
// catalog or statistics view being read, for permission errors.
func (c *pgConnector) queryError(ctx context.Context, err error, what string) error {
	logErr := pgScrubbed(err, c.password)
	mk := func(reason, msg string) error {
		return &models.SourceError{Reason: reason, Message: pgScrub(msg, c.password), Err: logErr}
	}
	// The caller's context first: when it ends, the server answers the
	// cancel request with 57014 like a statement timeout.
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		if errors.Is(ctx.Err(), context.Canceled) {
			return mk(models.FailureOther, "The crawl was cancelled.")
		}
		return mk(models.FailureTimeout, "The crawl took longer than allowed.")
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "42501":
			if what == "" {
				what = "the catalogs"
			}
			user := pgx.Identifier{c.cfg.User}.Sanitize()
			return mk(models.FailurePermission, fmt.Sprintf("The user %s may not read %s; grant it the statistics role: GRANT pg_read_all_stats TO %s (or GRANT pg_monitor TO %s).",
				c.cfg.User, what, user, user))
		case "57014":
			return mk(models.FailureTimeout, fmt.Sprintf("A query took longer than the statement timeout of %s.", c.s.StatementTimeout))
		case "55P03":
			return mk(models.FailureTimeout, "A table the crawl must read is locked by another session (for example ALTER TABLE or VACUUM FULL); try again later.")
		case "57P01", "57P02", "57P03":
			return mk(models.FailureUnreachable, "The server shut down during the crawl.")
		}
		return mk(models.FailureOther, fmt.Sprintf("PostgreSQL answered: %s (SQLSTATE %s).", pgErr.Message, pgErr.Code))
	}
	if pgconn.Timeout(err) {
		return mk(models.FailureTimeout, "The crawl took longer than allowed.")
	}
	var netErr net.Error
	if errors.As(err, &netErr) || errors.Is(err, syscall.ECONNRESET) {
		return mk(models.FailureUnreachable, fmt.Sprintf("The connection to %s broke during the crawl.", c.hostsList()))
	}
	return mk(models.FailureOther, fmt.Sprintf("Reading the database failed: %s.", pgInnermost(err)))
}
