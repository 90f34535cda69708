package connectors

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/meshport/meshport/models"
)

// mysqlSystemSchemas are the server's own databases, left out when the DSN
// names no database.
var mysqlSystemSchemas = []string{"mysql", "information_schema", "performance_schema", "sys"}

// Usage notes for MySQL/MariaDB, shown when reads cannot be counted.
const (
	mysqlNotePSOff        = "performance_schema is off on this server, so reads cannot be counted"
	mysqlNotePSUnreadable = "performance_schema is not readable: grant SELECT on performance_schema, so reads can be counted"
)

// mysqlConnector reads a MySQL or MariaDB server through information_schema
// and performance_schema.
type mysqlConnector struct {
	s   models.SourceSettings
	p   models.SourcePolicy
	cfg *mysql.Config

	mu sync.Mutex
	db *sql.DB
}

// openMySQL understands the DSN and prepares the connection; it connects
// only on Test or Crawl.
func openMySQL(s models.SourceSettings, p models.SourcePolicy) (Connector, error) {
	if s.StatementTimeout <= 0 {
		s.StatementTimeout = 30 * time.Second
	}
	if err := checkAssetGlobs(s.Include, s.Exclude); err != nil {
		return nil, err
	}
	cfg, err := parseMySQLDSN(s.DSN)
	if err != nil {
		return nil, err
	}
	// Parameters the driver does not know it sends as "SET name = value"
	// unescaped, which could change the server (SET GLOBAL ..., SET
	// PASSWORD ...): the connector sets its own session and takes none.
	if len(cfg.Params) > 0 {
		names := make([]string, 0, len(cfg.Params))
		for k := range cfg.Params {
			names = append(names, k)
		}
		sort.Strings(names)
		return nil, &models.SourceError{Reason: models.FailureInvalid, Message: fmt.Sprintf(
			"The MySQL address sets server variables (%s): the connector sets its own read-only session, so leave them out.",
			strings.Join(names, ", "))}
	}
	// Whatever the DSN asked for: only TCP through the policy's dialer, no
	// local files handed to the server (LOAD DATA LOCAL INFILE), one
	// statement per query, times in UTC.
	timeout := s.StatementTimeout
	cfg.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		return p.Dialer(timeout).DialContext(ctx, network, addr)
	}
	cfg.Timeout = timeout
	cfg.AllowAllFiles = false
	cfg.MultiStatements = false
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.Logger = &mysql.NopLogger{}
	return &mysqlConnector{s: s, p: p, cfg: cfg}, nil
}

// parseMySQLDSN reads mysql://user:pass@host:port/db?param=... (also
// mariadb://) or the driver's own user:pass@tcp(host:port)/db form. Its
// errors never contain the password.
func parseMySQLDSN(dsn string) (*mysql.Config, error) {
	dsn = strings.TrimSpace(dsn)
	const example = "It should look like mysql://user:password@host:3306/database."
	lower := strings.ToLower(dsn)
	if strings.HasPrefix(lower, "mysql://") || strings.HasPrefix(lower, "mariadb://") {
		u, err := url.Parse(dsn)
		if err != nil {
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err // url.Error repeats the whole DSN, password included
			}
			return nil, &models.SourceError{Reason: models.FailureInvalid, Message: "The MySQL address could not be read. " + example,
				Err: errors.New(hideSecret(err.Error(), dsnUserinfoGuess(dsn)))}
		}
		if u.Hostname() == "" {
			return nil, &models.SourceError{Reason: models.FailureInvalid, Message: "The MySQL address names no host. " + example}
		}
		pass, _ := u.User.Password()
		// The driver reads the parameters (tls=true, charset=...); user,
		// password, address and database come from the URL.
		cfg, err := mysql.ParseDSN("/?" + u.RawQuery)
		if u.RawQuery == "" {
			cfg, err = mysql.ParseDSN("/")
		}
		if err != nil {
			return nil, &models.SourceError{Reason: models.FailureInvalid,
				Message: "A parameter of the MySQL address is not understood: " + hideSecret(err.Error(), pass) + ".",
				Err:     errors.New(hideSecret(err.Error(), pass))}
		}
		cfg.User = u.User.Username()
		cfg.Passwd = pass
		cfg.Net = "tcp"
		port := u.Port()
		if port == "" {
			port = "3306"
		}
		if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
			return nil, &models.SourceError{Reason: models.FailureInvalid, Message: fmt.Sprintf("The port %q is not a port number. %s", port, example)}
		}
		cfg.Addr = net.JoinHostPort(u.Hostname(), port)
		db := strings.TrimPrefix(u.Path, "/")
		if strings.Contains(db, "/") {
			return nil, &models.SourceError{Reason: models.FailureInvalid, Message: fmt.Sprintf("%q is not a database name: name one database after the host, or none for all. %s", db, example)}
		}
		cfg.DBName = db
		return cfg, nil
	}
	if strings.Contains(dsn, "://") {
		return nil, &models.SourceError{Reason: models.FailureInvalid, Message: "A MySQL address starts with mysql://. " + example}
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		guess := ""
		if at := strings.LastIndex(dsn, "@"); at > 0 {
			if colon := strings.Index(dsn[:at], ":"); colon >= 0 {
				guess = dsn[colon+1 : at]
			}
		}
		return nil, &models.SourceError{Reason: models.FailureInvalid, Message: "The MySQL address could not be read. " + example,
			Err: errors.New(hideSecret(err.Error(), guess))}
	}
	switch cfg.Net {
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, &models.SourceError{Reason: models.FailurePolicy, Message: fmt.Sprintf("Connections over %q are not allowed for sources; give a host and port (tcp).", cfg.Net)}
	}
	return cfg, nil
}

// dsnUserinfoGuess returns what stands between "user:" and the last "@" of
// a URL that could not be parsed: the password, as far as it can be told.
func dsnUserinfoGuess(dsn string) string {
	rest := dsn
	if i := strings.Index(rest, "://"); i >= 0 {
		rest = rest[i+3:]
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return ""
	}
	if colon := strings.Index(rest[:at], ":"); colon >= 0 {
		return rest[colon+1 : at]
	}
	return ""
}

// mysqlSession is what one read-only transaction learned of the server.
type mysqlSession struct {
	tx      *sql.Tx
	version string // VERSION(), e.g. "10.11.19-MariaDB-0+deb12u1"
	mariadb bool
}

// display is "MariaDB 10.11.19" or "MySQL 8.0.36".
func (m *mysqlSession) display() string {
	v := strings.TrimPrefix(m.version, "5.5.5-")
	num := v
	if i := strings.IndexAny(v, "-+ "); i >= 0 {
		num = v[:i]
	}
	if m.mariadb {
		return "MariaDB " + num
	}
	return "MySQL " + num
}

// short is "MariaDB 10.11".
func (m *mysqlSession) short() string {
	d := m.display()
	sp := strings.IndexByte(d, ' ')
	parts := strings.SplitN(d[sp+1:], ".", 3)
	if len(parts) >= 2 {
		return d[:sp+1] + parts[0] + "." + parts[1]
	}
	return d
}

func (c *mysqlConnector) target() string {
	if c.cfg.DBName != "" {
		return c.cfg.DBName
	}
	return "the server at " + c.cfg.Addr
}

// connect checks the host against the policy, opens the pool once and pings.
func (c *mysqlConnector) connect(ctx context.Context) (*sql.DB, error) {
	host, _, err := net.SplitHostPort(c.cfg.Addr)
	if err != nil {
		return nil, &models.SourceError{Reason: models.FailureInvalid, Message: fmt.Sprintf("The address %q is not host:port.", c.cfg.Addr), Err: err}
	}
	if err := c.p.CheckHost(ctx, host); err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.db == nil {
		conn, err := mysql.NewConnector(c.cfg)
		if err != nil {
			c.mu.Unlock()
			return nil, &models.SourceError{Reason: models.FailureInvalid, Message: "The MySQL settings are not usable.", Err: errors.New(hideSecret(err.Error(), c.cfg.Passwd))}
		}
		c.db = sql.OpenDB(conn)
		c.db.SetMaxOpenConns(1)
		c.db.SetMaxIdleConns(1)
		c.db.SetConnMaxLifetime(10 * time.Minute)
	}
	db := c.db
	c.mu.Unlock()
	if err := db.PingContext(ctx); err != nil {
		return nil, c.fail(err, true)
	}
	return db, nil
}

// begin starts the read-only transaction every query runs in and bounds
// each statement with the statement timeout.
func (c *mysqlConnector) begin(ctx context.Context) (*mysqlSession, error) {
	db, err := c.connect(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, c.fail(err, false)
	}
	m := &mysqlSession{tx: tx}
	if err := tx.QueryRowContext(ctx, "SELECT VERSION()").Scan(&m.version); err != nil {
		_ = tx.Rollback()
		return nil, c.fail(err, false)
	}
	m.mariadb = strings.Contains(m.version, "MariaDB")
	var set string
	if m.mariadb {
		set = fmt.Sprintf("SET SESSION max_statement_time = %.3f, time_zone = '+00:00'", c.s.StatementTimeout.Seconds())
	} else {
		set = fmt.Sprintf("SET SESSION max_execution_time = %d, time_zone = '+00:00'", c.s.StatementTimeout.Milliseconds())
	}
	if _, err := tx.ExecContext(ctx, set); err != nil {
		var me *mysql.MySQLError
		if !errors.As(err, &me) || me.Number != 1193 {
			_ = tx.Rollback()
			return nil, c.fail(err, false)
		}
		// Unknown system variable: a server older than the statement
		// timeout (MySQL 5.6, MariaDB 10.0); the context still bounds it.
		if _, err := tx.ExecContext(ctx, "SET SESSION time_zone = '+00:00'"); err != nil {
			_ = tx.Rollback()
			return nil, c.fail(err, false)
		}
	}
	if !m.mariadb {
		// MySQL 8 caches table statistics in information_schema for a day
		// by default; ask for current ones (5.7 has no such variable).
		_, _ = tx.ExecContext(ctx, "SET SESSION information_schema_stats_expiry = 0")
	}
	return m, nil
}

// Test connects and says what it can see.
func (c *mysqlConnector) Test(ctx context.Context) (models.ConnectionTest, error) {
	m, err := c.begin(ctx)
	if err != nil {
		return models.ConnectionTest{}, err
	}
	defer m.tx.Rollback()
	assets, err := c.discover(ctx, m)
	if err != nil {
		return models.ConnectionTest{}, err
	}
	known, note, err := c.usageAvailable(ctx, m)
	if err != nil {
		return models.ConnectionTest{}, err
	}
	usage := "usage statistics readable"
	switch {
	case known:
	case note == mysqlNotePSOff:
		usage = "usage: performance_schema is off, reads cannot be counted"
	case note == mysqlNotePSUnreadable:
		usage = "usage: performance_schema is not readable (grant SELECT on performance_schema)"
	default:
		usage = "usage: " + note
	}
	user := c.cfg.User
	if user == "" {
		user = "an anonymous user"
	}
	return models.ConnectionTest{
		ServerVersion: m.display(),
		Summary: fmt.Sprintf("Connected as %s to %s on %s: %d tables and views visible; %s.",
			user, c.target(), m.short(), len(assets), usage),
		Assets: len(assets),
	}, nil
}

// Crawl reads every asset the settings select.
func (c *mysqlConnector) Crawl(ctx context.Context, progress func(assets int)) (*models.CrawlSnapshot, error) {
	m, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer m.tx.Rollback()
	assets, err := c.discover(ctx, m)
	if err != nil {
		return nil, err
	}
	if err := c.columns(ctx, m, assets); err != nil {
		return nil, err
	}
	if progress != nil {
		progress(len(assets))
	}
	snap := &models.CrawlSnapshot{ServerVersion: m.display()}
	if err := c.viewDeps(ctx, m, assets, snap); err != nil {
		return nil, err
	}
	known, note, err := c.usageAvailable(ctx, m)
	if err != nil {
		return nil, err
	}
	snap.UsageKnown, snap.UsageNote = known, note
	if known {
		rows, err := c.ioCounters(ctx, m)
		var me *mysql.MySQLError
		switch {
		case errors.As(err, &me) && isMySQLPermission(me.Number):
			snap.UsageKnown, snap.UsageNote = false, mysqlNotePSUnreadable
		case err != nil:
			return nil, c.fail(err, false)
		default:
			applyMySQLIOCounters(assets, rows)
		}
	}
	for i := range assets {
		if err := c.freshness(ctx, m, &assets[i]); err != nil {
			return nil, err
		}
		if progress != nil && (i+1)%50 == 0 {
			progress(len(assets))
		}
	}
	snap.CountersEpoch = c.epoch(ctx, m)
	if err := m.tx.Commit(); err != nil {
		return nil, c.fail(err, false)
	}
	snap.Assets = assets
	if progress != nil {
		progress(len(assets))
	}
	return snap, nil
}

// Close releases the connection.
func (c *mysqlConnector) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.db == nil {
		return nil
	}
	err := c.db.Close()
	c.db = nil
	return err
}

// schemaCond is the WHERE condition on column col naming the databases read.
func (c *mysqlConnector) schemaCond(col string) (string, []any) {
	if c.cfg.DBName != "" {
		return col + " = ?", []any{c.cfg.DBName}
	}
	return col + " NOT IN ('" + strings.Join(mysqlSystemSchemas, "', '") + "')", nil
}

// discover lists tables and views with size, rows and update time.
func (c *mysqlConnector) discover(ctx context.Context, m *mysqlSession) ([]models.ObservedAsset, error) {
	cond, args := c.schemaCond("TABLE_SCHEMA")
	rows, err := m.tx.QueryContext(ctx, `SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, DATA_LENGTH, INDEX_LENGTH,
		TABLE_ROWS, UPDATE_TIME, CREATE_OPTIONS FROM information_schema.TABLES WHERE `+cond, args...)
	if err != nil {
		return nil, c.fail(err, false)
	}
	defer rows.Close()
	var assets []models.ObservedAsset
	for rows.Next() {
		var schema, name, typ string
		var data, index, tableRows sql.NullInt64
		var updated sql.NullTime
		var options sql.NullString
		if err := rows.Scan(&schema, &name, &typ, &data, &index, &tableRows, &updated, &options); err != nil {
			return nil, c.fail(err, false)
		}
		kind, ok := mysqlKind(typ, options.String)
		if !ok {
			continue
		}
		o := models.ObservedAsset{Schema: schema, Name: name, Kind: kind}
		if !keepAsset(o.Key(), c.s.Include, c.s.Exclude) {
			continue
		}
		if kind != models.AssetView {
			if data.Valid || index.Valid {
				size := data.Int64 + index.Int64
				o.SizeBytes = &size
			}
			if tableRows.Valid {
				n := tableRows.Int64
				o.RowEstimate = &n
			}
			if updated.Valid {
				t := updated.Time.UTC()
				o.LastModified = &t
			}
		}
		assets = append(assets, o)
	}
	if err := rows.Err(); err != nil {
		return nil, c.fail(err, false)
	}
	sort.Slice(assets, func(i, j int) bool {
		if assets[i].Schema != assets[j].Schema {
			return assets[i].Schema < assets[j].Schema
		}
		return assets[i].Name < assets[j].Name
	})
	return assets, nil
}

// mysqlKind maps information_schema.TABLES.TABLE_TYPE (and CREATE_OPTIONS)
// to an asset kind; false for what is no data asset (sequences, system
// views, temporary tables).
func mysqlKind(tableType, createOptions string) (models.AssetKind, bool) {
	switch tableType {
	case "BASE TABLE", "SYSTEM VERSIONED":
		if strings.Contains(strings.ToLower(createOptions), "partitioned") {
			return models.AssetPartitionedTable, true
		}
		return models.AssetTable, true
	case "VIEW":
		return models.AssetView, true
	}
	return "", false
}

// columns fills in every asset's columns from one query.
func (c *mysqlConnector) columns(ctx context.Context, m *mysqlSession, assets []models.ObservedAsset) error {
	byKey := make(map[[2]string]*models.ObservedAsset, len(assets))
	for i := range assets {
		byKey[[2]string{assets[i].Schema, assets[i].Name}] = &assets[i]
	}
	cond, args := c.schemaCond("TABLE_SCHEMA")
	// IS_NULLABLE is YES or NO, for views too (derived from the columns and
	// expressions they select).
	rows, err := m.tx.QueryContext(ctx, `SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE
		FROM information_schema.COLUMNS WHERE `+cond+` ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`, args...)
	if err != nil {
		return c.fail(err, false)
	}
	defer rows.Close()
	for rows.Next() {
		var schema, table, name, typ, isNullable string
		if err := rows.Scan(&schema, &table, &name, &typ, &isNullable); err != nil {
			return c.fail(err, false)
		}
		if o := byKey[[2]string{schema, table}]; o != nil {
			col := models.Column{Name: name, Type: typ}
			switch strings.ToUpper(isNullable) {
			case "YES":
				col.Nullable = nullable(true)
			case "NO":
				col.Nullable = nullable(false)
			}
			o.Columns = append(o.Columns, col)
		}
	}
	if err := rows.Err(); err != nil {
		return c.fail(err, false)
	}
	return nil
}

// viewDeps sets DependsOn of every view among assets. Where the server has
// information_schema.VIEW_TABLE_USAGE (MySQL 8.0.13+), it says; otherwise
// (MariaDB, older MySQL) the tables are read from VIEW_DEFINITION, which the
// server keeps normalised, every name as `db`.`table`. A definition the
// user may not see (it needs SHOW VIEW) comes back empty: such views get no
// dependencies and the crawl warns once.
func (c *mysqlConnector) viewDeps(ctx context.Context, m *mysqlSession, assets []models.ObservedAsset, snap *models.CrawlSnapshot) error {
	views := 0
	exact := make(map[[2]string]string, len(assets))
	folded := make(map[[2]string]string, len(assets))
	for i := range assets {
		o := &assets[i]
		if o.Kind == models.AssetView {
			views++
		}
		exact[[2]string{o.Schema, o.Name}] = o.Key()
		folded[[2]string{strings.ToLower(o.Schema), strings.ToLower(o.Name)}] = o.Key()
	}
	if views == 0 {
		return nil
	}
	// Names compare as written, or ignoring case where the server stores
	// them folded (lower_case_table_names) and a definition keeps the case
	// it was written in.
	lookup := func(schema, name string) (string, bool) {
		if key, ok := exact[[2]string{schema, name}]; ok {
			return key, true
		}
		key, ok := folded[[2]string{strings.ToLower(schema), strings.ToLower(name)}]
		return key, ok
	}
	var usage int
	if err := m.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM information_schema.TABLES
		WHERE TABLE_SCHEMA = 'information_schema' AND TABLE_NAME = 'VIEW_TABLE_USAGE'`).Scan(&usage); err != nil {
		return c.fail(err, false)
	}
	refs := map[[2]string][]viewRef{}
	var unreadable []string
	if usage > 0 {
		cond, args := c.schemaCond("VIEW_SCHEMA")
		rows, err := m.tx.QueryContext(ctx, `SELECT VIEW_SCHEMA, VIEW_NAME, TABLE_SCHEMA, TABLE_NAME
			FROM information_schema.VIEW_TABLE_USAGE WHERE `+cond, args...)
		if err != nil {
			return c.fail(err, false)
		}
		defer rows.Close()
		for rows.Next() {
			var vs, vn, ts, tn string
			if err := rows.Scan(&vs, &vn, &ts, &tn); err != nil {
				return c.fail(err, false)
			}
			v := [2]string{vs, vn}
			refs[v] = append(refs[v], viewRef{Schema: ts, Name: tn})
		}
		if err := rows.Err(); err != nil {
			return c.fail(err, false)
		}
	} else {
		cond, args := c.schemaCond("TABLE_SCHEMA")
		rows, err := m.tx.QueryContext(ctx, `SELECT TABLE_SCHEMA, TABLE_NAME, VIEW_DEFINITION
			FROM information_schema.VIEWS WHERE `+cond, args...)
		if err != nil {
			return c.fail(err, false)
		}
		defer rows.Close()
		for rows.Next() {
			var vs, vn string
			var def sql.NullString
			if err := rows.Scan(&vs, &vn, &def); err != nil {
				return c.fail(err, false)
			}
			if _, crawled := exact[[2]string{vs, vn}]; !crawled {
				continue
			}
			if strings.TrimSpace(def.String) == "" {
				unreadable = append(unreadable, vs+"."+vn)
				continue
			}
			refs[[2]string{vs, vn}] = viewReferences(def.String, dialectMySQL)
		}
		if err := rows.Err(); err != nil {
			return c.fail(err, false)
		}
	}
	for i := range assets {
		o := &assets[i]
		if o.Kind == models.AssetView {
			o.DependsOn = resolveViewRefs(refs[[2]string{o.Schema, o.Name}], o.Schema, o.Key(), lookup)
		}
	}
	if len(unreadable) > 0 {
		sort.Strings(unreadable)
		more := ""
		if len(unreadable) > 5 {
			more = fmt.Sprintf(" and %d more", len(unreadable)-5)
			unreadable = unreadable[:5]
		}
		snap.Warnings = append(snap.Warnings, fmt.Sprintf(
			"the definitions of %s%s are not readable, so what they read is unknown: grant the crawler SHOW VIEW",
			strings.Join(unreadable, ", "), more))
	}
	return nil
}

// usageAvailable says whether performance_schema is on and readable.
func (c *mysqlConnector) usageAvailable(ctx context.Context, m *mysqlSession) (bool, string, error) {
	var on sql.NullString
	err := m.tx.QueryRowContext(ctx, "SELECT @@performance_schema").Scan(&on)
	var me *mysql.MySQLError
	switch {
	case errors.As(err, &me) && me.Number == 1193: // unknown system variable: built without it
		return false, mysqlNotePSOff, nil
	case err != nil:
		return false, "", c.fail(err, false)
	}
	if v := strings.ToUpper(on.String); v != "1" && v != "ON" {
		return false, mysqlNotePSOff, nil
	}
	var one int
	err = m.tx.QueryRowContext(ctx, "SELECT 1 FROM performance_schema.table_io_waits_summary_by_table LIMIT 1").Scan(&one)
	switch {
	case err == nil || errors.Is(err, sql.ErrNoRows):
		return true, "", nil
	case errors.As(err, &me) && (isMySQLPermission(me.Number) || me.Number == 1146):
		return false, mysqlNotePSUnreadable, nil
	}
	return false, "", c.fail(err, false)
}

// mysqlIORow is one row of performance_schema.table_io_waits_summary_by_table.
type mysqlIORow struct {
	Schema, Name                           string
	Reads, Fetches, Inserts, Updates, Dels int64
}

func (c *mysqlConnector) ioCounters(ctx context.Context, m *mysqlSession) ([]mysqlIORow, error) {
	cond, args := c.schemaCond("OBJECT_SCHEMA")
	rows, err := m.tx.QueryContext(ctx, `SELECT OBJECT_SCHEMA, OBJECT_NAME, COUNT_READ, COUNT_FETCH,
		COUNT_INSERT, COUNT_UPDATE, COUNT_DELETE
		FROM performance_schema.table_io_waits_summary_by_table WHERE OBJECT_TYPE = 'TABLE' AND `+cond, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []mysqlIORow
	for rows.Next() {
		var r mysqlIORow
		if err := rows.Scan(&r.Schema, &r.Name, &r.Reads, &r.Fetches, &r.Inserts, &r.Updates, &r.Dels); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// applyMySQLIOCounters sets the read and write counters of tables from the
// performance_schema rows. A table without a row has not been touched since
// the server started (its counters are 0); views have no counters.
func applyMySQLIOCounters(assets []models.ObservedAsset, rows []mysqlIORow) {
	byKey := make(map[[2]string]mysqlIORow, len(rows))
	for _, r := range rows {
		byKey[[2]string{r.Schema, r.Name}] = r
	}
	for i := range assets {
		o := &assets[i]
		if o.Kind == models.AssetView || o.Kind == models.AssetMaterializedView {
			continue
		}
		r := byKey[[2]string{o.Schema, o.Name}]
		reads := r.Reads
		if reads == 0 {
			reads = r.Fetches
		}
		ins, upd, del := r.Inserts, r.Updates, r.Dels
		o.Reads, o.Inserts, o.Updates, o.Deletes = &reads, &ins, &upd, &del
	}
}

// freshness reads max(freshness column) of the asset, when one is set. A
// column that does not exist or a query that runs out of time leaves the
// value unknown rather than failing the whole crawl.
func (c *mysqlConnector) freshness(ctx context.Context, m *mysqlSession, o *models.ObservedAsset) error {
	col, ok := c.s.FreshnessColumns[o.Key()]
	if !ok || col == "" {
		return nil
	}
	q := "SELECT MAX(" + quoteMySQLIdent(col) + ") FROM " + quoteMySQLIdent(o.Schema) + "." + quoteMySQLIdent(o.Name)
	var v any
	err := m.tx.QueryRowContext(ctx, q).Scan(&v)
	var me *mysql.MySQLError
	switch {
	case err == nil:
		o.FreshnessValue = timeFromValue(v)
		o.FreshnessNote = noteOfValue(col, v, o.FreshnessValue)
		return nil
	case errors.As(err, &me) && me.Number == 1054:
		o.FreshnessNote = freshnessNote(col, "does not exist")
		return nil
	case errors.As(err, &me) && (me.Number == 1969 || me.Number == 3024): // statement timeout (MariaDB, MySQL)
		o.FreshnessNote = freshnessNote(col, "could not be read in time")
		return nil
	case errors.As(err, &me) && me.Number == 1146: // the table went away during the crawl
		return nil
	}
	return c.fail(err, false)
}

// epoch is the server's start time rounded to the minute: the
// performance_schema counters start from zero then.
func (c *mysqlConnector) epoch(ctx context.Context, m *mysqlSession) string {
	var start int64
	// One statement, so that UNIX_TIMESTAMP() and Uptime are read at the
	// same instant and their difference is exact.
	for _, q := range []string{
		"SELECT UNIX_TIMESTAMP() - CAST(VARIABLE_VALUE AS SIGNED) FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'UPTIME'",
		"SELECT UNIX_TIMESTAMP() - CAST(VARIABLE_VALUE AS SIGNED) FROM performance_schema.global_status WHERE VARIABLE_NAME = 'Uptime'",
	} {
		if err := m.tx.QueryRowContext(ctx, q).Scan(&start); err == nil && start > 0 {
			return mysqlEpochString(start)
		}
	}
	var name string
	var uptime, now int64
	if err := m.tx.QueryRowContext(ctx, "SHOW GLOBAL STATUS LIKE 'Uptime'").Scan(&name, &uptime); err != nil {
		return ""
	}
	if err := m.tx.QueryRowContext(ctx, "SELECT UNIX_TIMESTAMP()").Scan(&now); err != nil {
		return ""
	}
	return mysqlEpochString(now - uptime)
}

func mysqlEpochString(start int64) string {
	return "started " + time.Unix(start, 0).UTC().Round(time.Minute).Format(time.RFC3339)
}

// quoteMySQLIdent quotes a name in backticks, doubling any backtick in it.
func quoteMySQLIdent(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

func isMySQLPermission(n uint16) bool {
	switch n {
	case 1044, 1142, 1143, 1227, 1370:
		return true
	}
	return false
}

// fail turns a driver error into a plain one; connecting says whether it
// happened while connecting.
func (c *mysqlConnector) fail(err error, connecting bool) error {
	var ce *models.SourceError
	if errors.As(err, &ce) {
		return ce
	}
	user, addr := c.cfg.User, c.cfg.Addr
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		switch {
		case me.Number == 1045 || me.Number == 1698:
			return &models.SourceError{Reason: models.FailureAuth, Err: err, Message: fmt.Sprintf(
				"The server at %s refused the user %q with this password (access denied). Check the user name and password.", addr, user)}
		case me.Number == 1049:
			return &models.SourceError{Reason: models.FailureNoDatabase, Err: err, Message: fmt.Sprintf(
				"The database %q does not exist on the server at %s.", c.cfg.DBName, addr)}
		case isMySQLPermission(me.Number):
			return &models.SourceError{Reason: models.FailurePermission, Err: err, Message: fmt.Sprintf(
				"The user %q may not read everything needed on %s: grant it SELECT on the database, and for usage statistics SELECT on performance_schema and the PROCESS privilege.", user, c.target())}
		case me.Number == 1969 || me.Number == 3024:
			return &models.SourceError{Reason: models.FailureTimeout, Err: err, Message: fmt.Sprintf(
				"A query on %s took longer than the statement timeout (%s).", c.target(), c.s.StatementTimeout)}
		case me.Number == 1040 || me.Number == 1203:
			return &models.SourceError{Reason: models.FailureUnreachable, Err: err, Message: fmt.Sprintf(
				"The server at %s has too many connections and refused another one; try again later.", addr)}
		}
		return &models.SourceError{Reason: models.FailureOther, Err: err, Message: fmt.Sprintf(
			"The server at %s answered with an error: %s", addr, hideSecret(me.Message, c.cfg.Passwd))}
	}
	var ne net.Error
	timedOut := errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
	switch {
	case timedOut && connecting:
		return &models.SourceError{Reason: models.FailureUnreachable, Err: err, Message: fmt.Sprintf(
			"The server at %s did not answer in time.", addr)}
	case timedOut:
		return &models.SourceError{Reason: models.FailureTimeout, Err: err, Message: fmt.Sprintf(
			"Reading %s took longer than allowed.", c.target())}
	case errors.Is(err, context.Canceled):
		return &models.SourceError{Reason: models.FailureOther, Err: err, Message: "Reading the source was cancelled."}
	case errors.Is(err, syscall.ECONNREFUSED):
		return &models.SourceError{Reason: models.FailureUnreachable, Err: err, Message: fmt.Sprintf(
			"The server at %s refused the connection: nothing is listening on that port.", addr)}
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return &models.SourceError{Reason: models.FailureUnreachable, Err: err, Message: fmt.Sprintf(
			"The host of %s could not be found (DNS).", addr)}
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return &models.SourceError{Reason: models.FailureUnreachable, Err: err, Message: fmt.Sprintf(
			"The server at %s cannot be reached.", addr)}
	}
	if connecting && (errors.Is(err, mysql.ErrInvalidConn) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, mysql.ErrMalformPkt)) {
		return &models.SourceError{Reason: models.FailureUnreachable, Err: err, Message: fmt.Sprintf(
			"The server at %s closed the connection: is it a MySQL or MariaDB server?", addr)}
	}
	return &models.SourceError{Reason: models.FailureOther, Err: err, Message: fmt.Sprintf(
		"Reading %s failed: %s", c.target(), hideSecret(err.Error(), c.cfg.Passwd))}
}

// hideSecret removes secret from text, for messages built from errors that
// might echo it.
func hideSecret(text, secret string) string {
	if secret == "" {
		return text
	}
	return strings.ReplaceAll(text, secret, "xxxxx")
}
