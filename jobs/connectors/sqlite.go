package connectors

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	sqlite "github.com/glebarez/go-sqlite" // pure-Go driver "sqlite" (modernc.org/sqlite underneath)

	"github.com/meshport/meshport/models"
)

// sqliteSchema is the schema every SQLite asset is in: asset keys, Include,
// Exclude and FreshnessColumns read "main.orders".
const sqliteSchema = "main"

const sqliteUsageNote = "SQLite keeps no read statistics"

// sqliteConnector reads one SQLite file, opened read-only.
type sqliteConnector struct {
	s    models.SourceSettings
	p    models.SourcePolicy
	path string // as registered; resolved against the policy on each use
}

// openSQLite checks the path against the policy; the file is opened on
// Test or Crawl.
func openSQLite(s models.SourceSettings, p models.SourcePolicy) (Connector, error) {
	if s.StatementTimeout <= 0 {
		s.StatementTimeout = 30 * time.Second
	}
	if err := checkAssetGlobs(s.Include, s.Exclude); err != nil {
		return nil, err
	}
	path, err := sqlitePathFromDSN(s.DSN)
	if err != nil {
		return nil, err
	}
	c := &sqliteConnector{s: s, p: p, path: path}
	if _, _, err := c.resolve(); err != nil {
		return nil, err
	}
	return c, nil
}

// sqlitePathFromDSN accepts a path or a file: URL (file:/data/x.db,
// file:///data/x.db); URL parameters are ignored, the connector sets its own.
func sqlitePathFromDSN(dsn string) (string, error) {
	dsn = strings.TrimSpace(dsn)
	if dsn == "" {
		return "", &models.SourceError{Reason: models.FailureInvalid, Message: "The SQLite source needs the path of its file."}
	}
	if !strings.HasPrefix(strings.ToLower(dsn), "file:") {
		return dsn, nil
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", &models.SourceError{Reason: models.FailureInvalid, Message: fmt.Sprintf("%q is not a file: address; give the file's path.", dsn), Err: err}
	}
	if u.Host != "" && u.Host != "localhost" {
		return "", &models.SourceError{Reason: models.FailureInvalid, Message: fmt.Sprintf("%q names another machine; give the path of a file on this one.", dsn)}
	}
	p := u.Path
	if p == "" {
		p = u.Opaque
		if unescaped, err := url.PathUnescape(p); err == nil {
			p = unescaped
		}
	}
	if p == "" {
		return "", &models.SourceError{Reason: models.FailureInvalid, Message: fmt.Sprintf("%q names no file.", dsn)}
	}
	return p, nil
}

// resolve checks the path against the policy and that it is a file.
func (c *sqliteConnector) resolve() (string, os.FileInfo, error) {
	real, err := c.p.CheckPath(c.path)
	if err != nil {
		return "", nil, err
	}
	fi, err := os.Stat(real)
	if err != nil {
		return "", nil, c.fail(err, real)
	}
	if !fi.Mode().IsRegular() {
		return "", nil, &models.SourceError{Reason: models.FailureInvalid, Message: fmt.Sprintf("%q is not a file: give the path of a SQLite database file.", c.path)}
	}
	return real, fi, nil
}

// sqliteURI is the driver's DSN opening path read-only: mode=ro never
// creates or writes the file, query_only refuses any write statement.
func sqliteURI(path string) string {
	r := strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23")
	return "file:" + r.Replace(path) + "?mode=ro&_pragma=query_only(1)&_pragma=busy_timeout(5000)"
}

type sqliteSession struct {
	db      *sql.DB
	tx      *sql.Tx
	path    string
	fi      os.FileInfo
	version string
}

func (m *sqliteSession) close() {
	if m.tx != nil {
		_ = m.tx.Rollback()
	}
	_ = m.db.Close()
}

// begin opens the file read-only in a read transaction, so every query
// sees the same state of the file.
func (c *sqliteConnector) begin(ctx context.Context) (*sqliteSession, error) {
	real, fi, err := c.resolve()
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", sqliteURI(real))
	if err != nil {
		return nil, c.fail(err, real)
	}
	db.SetMaxOpenConns(1)
	m := &sqliteSession{db: db, path: real, fi: fi}
	m.tx, err = db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		m.close()
		return nil, c.fail(err, real)
	}
	if err := c.queryRow(ctx, m, "SELECT sqlite_version()").Scan(&m.version); err != nil {
		m.close()
		return nil, c.fail(err, real)
	}
	return m, nil
}

// stmtCtx bounds one statement by the statement timeout.
func (c *sqliteConnector) stmtCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.s.StatementTimeout)
}

// queryRow runs a one-row query under the statement timeout; the row is
// scanned before the timeout's context ends.
func (c *sqliteConnector) queryRow(ctx context.Context, m *sqliteSession, q string, args ...any) sqliteRow {
	sctx, cancel := c.stmtCtx(ctx)
	return sqliteRow{row: m.tx.QueryRowContext(sctx, q, args...), cancel: cancel}
}

type sqliteRow struct {
	row    *sql.Row
	cancel context.CancelFunc
}

func (r sqliteRow) Scan(dest ...any) error {
	defer r.cancel()
	return r.row.Scan(dest...)
}

// sqliteObject is one row of sqlite_master.
type sqliteObject struct {
	typ, name, table, sql string
	root                  int64 // first page of its b-tree; 0 for views and virtual tables
}

func (c *sqliteConnector) objects(ctx context.Context, m *sqliteSession) ([]sqliteObject, error) {
	sctx, cancel := c.stmtCtx(ctx)
	defer cancel()
	rows, err := m.tx.QueryContext(sctx, `SELECT type, name, tbl_name, COALESCE(sql, ''), COALESCE(rootpage, 0) FROM sqlite_master
		WHERE type IN ('table', 'view', 'index') AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return nil, c.fail(err, m.path)
	}
	defer rows.Close()
	var out []sqliteObject
	for rows.Next() {
		var o sqliteObject
		if err := rows.Scan(&o.typ, &o.name, &o.table, &o.sql, &o.root); err != nil {
			return nil, c.fail(err, m.path)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, c.fail(err, m.path)
	}
	return out, nil
}

// sqliteWithoutRowid finds WITHOUT ROWID among the table options after the
// column list's closing parenthesis ("...) WITHOUT ROWID, STRICT").
var sqliteWithoutRowid = regexp.MustCompile(`(?is)\)[\s,A-Z]*\bWITHOUT\s+ROWID\b[\s,A-Z]*;?\s*$`)

// sqliteTableFlags are what a table's CREATE statement says beyond its
// columns.
type sqliteTableFlags struct {
	virtual, withoutRowid bool
}

// assets lists the tables and views the settings select.
func (c *sqliteConnector) assets(objs []sqliteObject) (assets []models.ObservedAsset, flags map[string]sqliteTableFlags) {
	flags = map[string]sqliteTableFlags{}
	for _, o := range objs {
		var kind models.AssetKind
		switch o.typ {
		case "table":
			kind = models.AssetTable
			flags[o.name] = sqliteTableFlags{
				virtual:      strings.HasPrefix(strings.ToUpper(strings.TrimSpace(o.sql)), "CREATE VIRTUAL TABLE"),
				withoutRowid: sqliteWithoutRowid.MatchString(o.sql),
			}
		case "view":
			kind = models.AssetView
		default:
			continue
		}
		a := models.ObservedAsset{Schema: sqliteSchema, Name: o.name, Kind: kind}
		if keepAsset(a.Key(), c.s.Include, c.s.Exclude) {
			assets = append(assets, a)
		}
	}
	return assets, flags
}

// sqliteViewDeps sets DependsOn of every view among assets from its CREATE
// VIEW statement (viewReferences): the tables and views of the file it
// names that were crawled. SQLite matches names ignoring case; a schema
// other than main (an attached database, temp) is not this file.
func sqliteViewDeps(objs []sqliteObject, assets []models.ObservedAsset) {
	keys := make(map[string]string, len(assets))
	for i := range assets {
		keys[strings.ToLower(assets[i].Name)] = assets[i].Key()
	}
	lookup := func(schema, name string) (string, bool) {
		if !strings.EqualFold(schema, sqliteSchema) {
			return "", false
		}
		key, ok := keys[strings.ToLower(name)]
		return key, ok
	}
	sqlOf := make(map[string]string, len(objs))
	for _, o := range objs {
		if o.typ == "view" {
			sqlOf[o.name] = o.sql
		}
	}
	for i := range assets {
		o := &assets[i]
		if o.Kind != models.AssetView {
			continue
		}
		o.DependsOn = resolveViewRefs(viewReferences(sqlOf[o.Name], dialectSQLite), sqliteSchema, o.Key(), lookup)
	}
}

// Test opens the file and says what it holds.
func (c *sqliteConnector) Test(ctx context.Context) (models.ConnectionTest, error) {
	m, err := c.begin(ctx)
	if err != nil {
		return models.ConnectionTest{}, err
	}
	defer m.close()
	objs, err := c.objects(ctx, m)
	if err != nil {
		return models.ConnectionTest{}, err
	}
	assets, _ := c.assets(objs)
	return models.ConnectionTest{
		ServerVersion: "SQLite " + m.version,
		Summary: fmt.Sprintf("Opened %s (SQLite %s, %s) read-only: %d tables and views visible; usage: %s.",
			m.path, m.version, humanBytes(m.fi.Size()), len(assets), sqliteUsageNote),
		Assets: len(assets),
	}, nil
}

// Crawl reads every table and view the settings select.
func (c *sqliteConnector) Crawl(ctx context.Context, progress func(assets int)) (*models.CrawlSnapshot, error) {
	m, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer m.close()
	objs, err := c.objects(ctx, m)
	if err != nil {
		return nil, err
	}
	assets, flags := c.assets(objs)
	sqliteViewDeps(objs, assets)
	if progress != nil {
		progress(len(assets))
	}
	sizes, err := c.sizes(ctx, m, objs)
	if err != nil {
		return nil, err
	}
	// The file's mtime is the only change time SQLite has: it is the same
	// for every table. In WAL mode, writes reach the -wal file first.
	mtime := m.fi.ModTime()
	if wal, err := os.Stat(m.path + "-wal"); err == nil && wal.ModTime().After(mtime) {
		mtime = wal.ModTime()
	}
	mtime = mtime.UTC()
	for i := range assets {
		o := &assets[i]
		if err := c.columns(ctx, m, o, flags[o.Name]); err != nil {
			return nil, err
		}
		if o.Kind == models.AssetTable {
			if size, ok := sizes[o.Name]; ok {
				o.SizeBytes = &size
			}
			if err := c.count(ctx, m, o, flags[o.Name].virtual); err != nil {
				return nil, err
			}
			t := mtime
			o.LastModified = &t
		}
		if err := c.freshness(ctx, m, o); err != nil {
			return nil, err
		}
		if progress != nil && (i+1)%50 == 0 {
			progress(i + 1)
		}
	}
	if progress != nil {
		progress(len(assets))
	}
	return &models.CrawlSnapshot{
		ServerVersion: "SQLite " + m.version,
		UsageKnown:    false,
		UsageNote:     sqliteUsageNote,
		Assets:        assets,
	}, nil
}

// Close has nothing to release: each Test and Crawl opens and closes the file.
func (c *sqliteConnector) Close() error { return nil }

// sizes is the bytes of each table's pages, its indexes' included: from the
// dbstat virtual table where the build has it, otherwise by walking the
// b-trees in the file. nil when neither can be done (a WAL database with
// changes not yet in the file, or out of time).
func (c *sqliteConnector) sizes(ctx context.Context, m *sqliteSession, objs []sqliteObject) (map[string]int64, error) {
	owner := map[string]string{} // b-tree name -> table
	for _, o := range objs {
		if o.typ == "table" || o.typ == "index" {
			owner[o.name] = o.table
		}
	}
	sizes, err := c.dbstatSizes(ctx, m, owner)
	if err == nil || ctx.Err() != nil {
		return sizes, err
	}
	sizes, err = c.walkedSizes(ctx, m, objs)
	if ctx.Err() != nil {
		return nil, c.fail(ctx.Err(), m.path)
	}
	if err != nil {
		return nil, nil
	}
	return sizes, nil
}

// dbstatSizes reads dbstat; an error means it could not (no such table in
// this build, or out of time).
func (c *sqliteConnector) dbstatSizes(ctx context.Context, m *sqliteSession, owner map[string]string) (map[string]int64, error) {
	sctx, cancel := c.stmtCtx(ctx)
	defer cancel()
	rows, err := m.tx.QueryContext(sctx, "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
	if err != nil {
		if ctx.Err() != nil {
			return nil, c.fail(ctx.Err(), m.path)
		}
		return nil, err
	}
	defer rows.Close()
	sizes := map[string]int64{}
	for rows.Next() {
		var name string
		var size int64
		if err := rows.Scan(&name, &size); err != nil {
			return nil, err
		}
		if table, ok := owner[name]; ok {
			sizes[table] += size
		}
	}
	if err := rows.Err(); err != nil {
		if ctx.Err() != nil {
			return nil, c.fail(ctx.Err(), m.path)
		}
		return nil, err
	}
	return sizes, nil
}

// walkedSizes counts the pages of every table's and index's b-tree in the
// file itself. The read transaction holds SQLite's shared lock, so no
// writer changes the file meanwhile; in WAL mode the file is complete only
// while the -wal file is empty.
func (c *sqliteConnector) walkedSizes(ctx context.Context, m *sqliteSession, objs []sqliteObject) (map[string]int64, error) {
	var mode string
	var pageCount int64
	if err := c.queryRow(ctx, m, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return nil, err
	}
	if err := c.queryRow(ctx, m, "PRAGMA page_count").Scan(&pageCount); err != nil {
		return nil, err
	}
	if strings.EqualFold(mode, "wal") {
		if fi, err := os.Stat(m.path + "-wal"); err == nil && fi.Size() > 0 {
			return nil, errors.New("WAL database with frames not yet in the file")
		}
	}
	var roots []int64
	for _, o := range objs {
		if o.root > 0 && (o.typ == "table" || o.typ == "index") {
			roots = append(roots, o.root)
		}
	}
	sctx, cancel := c.stmtCtx(ctx)
	defer cancel()
	bytes, err := sqliteBtreeBytes(sctx, m.path, pageCount, roots)
	if err != nil {
		return nil, err
	}
	sizes := map[string]int64{}
	for _, o := range objs {
		if o.root > 0 && (o.typ == "table" || o.typ == "index") {
			sizes[o.table] += bytes[o.root]
		}
	}
	return sizes, nil
}

// sqliteBtreeBytes reads the SQLite file at path (https://sqlite.org/fileformat2.html)
// and returns, for each root page, the bytes of the b-tree's pages:
// interior, leaf and the overflow pages of large rows. Page numbers beyond
// pageCount, pages seen twice and unknown page types are errors (a damaged
// file or one changed meanwhile), never a panic.
func sqliteBtreeBytes(ctx context.Context, path string, pageCount int64, roots []int64) (map[int64]int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var hdr [100]byte
	if _, err := f.ReadAt(hdr[:], 0); err != nil {
		return nil, err
	}
	if string(hdr[:16]) != "SQLite format 3\x00" {
		return nil, errors.New("not a SQLite file")
	}
	pageSize := int(hdr[16])<<8 | int(hdr[17])
	if pageSize == 1 {
		pageSize = 65536
	}
	if pageSize < 512 || pageSize&(pageSize-1) != 0 {
		return nil, fmt.Errorf("page size %d", pageSize)
	}
	usable := pageSize - int(hdr[20])
	if usable < 480 {
		return nil, fmt.Errorf("usable page size %d", usable)
	}
	be16 := func(b []byte) int { return int(b[0])<<8 | int(b[1]) }
	be32 := func(b []byte) int64 { return int64(b[0])<<24 | int64(b[1])<<16 | int64(b[2])<<8 | int64(b[3]) }
	// overflow is how many overflow pages a payload of p bytes needs.
	overflow := func(p int64, table bool) int64 {
		u := int64(usable)
		x := (u-12)*64/255 - 23
		if table {
			x = u - 35
		}
		if p <= x {
			return 0
		}
		mm := (u-12)*32/255 - 23
		k := mm + (p-mm)%(u-4)
		local := mm
		if k <= x {
			local = k
		}
		return (p - local + u - 5) / (u - 4)
	}
	seen := map[int64]bool{}
	buf := make([]byte, pageSize)
	out := map[int64]int64{}
	visited := 0
	for _, root := range roots {
		var pages int64
		stack := []int64{root}
		for len(stack) > 0 {
			pg := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if pg < 1 || pg > pageCount || seen[pg] {
				return nil, fmt.Errorf("page %d out of place", pg)
			}
			seen[pg] = true
			pages++
			if visited++; visited%256 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			if _, err := f.ReadAt(buf, (pg-1)*int64(pageSize)); err != nil {
				return nil, err
			}
			h := 0
			if pg == 1 {
				h = 100
			}
			typ := buf[h]
			cells := be16(buf[h+3:])
			ptrs := h + 8
			switch typ {
			case 0x02, 0x05: // interior index, interior table
				ptrs = h + 12
				stack = append(stack, be32(buf[h+8:]))
			case 0x0a, 0x0d: // leaf index, leaf table
			default:
				return nil, fmt.Errorf("page %d has type %d", pg, typ)
			}
			if ptrs+2*cells > usable {
				return nil, fmt.Errorf("page %d has %d cells", pg, cells)
			}
			for i := 0; i < cells; i++ {
				off := be16(buf[ptrs+2*i:])
				if off < ptrs || off+4 > usable {
					return nil, fmt.Errorf("page %d: cell at %d", pg, off)
				}
				cell := buf[off:usable]
				switch typ {
				case 0x05:
					stack = append(stack, be32(cell))
				case 0x0d:
					p, _ := sqliteVarint(cell)
					pages += overflow(p, true)
				case 0x0a:
					p, _ := sqliteVarint(cell)
					pages += overflow(p, false)
				case 0x02:
					stack = append(stack, be32(cell))
					p, _ := sqliteVarint(cell[4:])
					pages += overflow(p, false)
				}
			}
		}
		out[root] = pages * int64(pageSize)
	}
	return out, nil
}

// sqliteVarint decodes SQLite's big-endian variable-length integer.
func sqliteVarint(b []byte) (int64, int) {
	var v int64
	for i := 0; i < 9 && i < len(b); i++ {
		if i == 8 {
			return v<<8 | int64(b[i]), 9
		}
		v = v<<7 | int64(b[i]&0x7f)
		if b[i]&0x80 == 0 {
			return v, i + 1
		}
	}
	return v, len(b)
}

// columns reads the columns of a table or view with their nullability:
//
//   - NOT NULL (notnull = 1) is not nullable;
//   - a rowid table's INTEGER PRIMARY KEY is the rowid itself and can never
//     be NULL (inserting NULL picks the next rowid);
//   - every other primary key column of a rowid table is nullable unless
//     declared NOT NULL: SQLite, for compatibility with its early versions,
//     lets them hold NULL (https://sqlite.org/lang_createtable.html);
//   - the primary key columns of a WITHOUT ROWID table are NOT NULL;
//   - a view's columns are unknown (nil): SQLite reports notnull = 0 for
//     all of them, whatever the tables underneath say.
func (c *sqliteConnector) columns(ctx context.Context, m *sqliteSession, o *models.ObservedAsset, flags sqliteTableFlags) error {
	sctx, cancel := c.stmtCtx(ctx)
	defer cancel()
	rows, err := m.tx.QueryContext(sctx, "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?, 'main') ORDER BY cid", o.Name)
	if err == nil {
		defer rows.Close()
		var pkCols int
		rowidAlias := -1
		for rows.Next() {
			var col models.Column
			var notNull bool
			var pk int
			if err = rows.Scan(&col.Name, &col.Type, &notNull, &pk); err != nil {
				break
			}
			if o.Kind != models.AssetView {
				col.Nullable = nullable(!notNull && !(pk > 0 && flags.withoutRowid))
				if pk > 0 {
					pkCols++
					if strings.EqualFold(strings.TrimSpace(col.Type), "INTEGER") && !flags.withoutRowid && !flags.virtual {
						rowidAlias = len(o.Columns)
					}
				}
			}
			o.Columns = append(o.Columns, col)
		}
		if err == nil {
			err = rows.Err()
		}
		// Only a primary key of one column typed exactly INTEGER is the
		// rowid ("INTEGER PRIMARY KEY DESC" is a quirk left aside).
		if err == nil && pkCols == 1 && rowidAlias >= 0 {
			o.Columns[rowidAlias].Nullable = nullable(false)
		}
	}
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return c.fail(ctx.Err(), m.path)
	case flags.virtual || o.Kind == models.AssetView:
		// A view over a table that is gone, or a virtual table whose
		// module this build lacks: columns unknown, the rest still read.
		o.Columns = nil
		return nil
	}
	return c.fail(err, m.path)
}

// count sets the exact row count: SQLite keeps no estimate. A count cut off
// by the statement timeout leaves it unknown.
func (c *sqliteConnector) count(ctx context.Context, m *sqliteSession, o *models.ObservedAsset, virtual bool) error {
	var n int64
	err := c.queryRow(ctx, m, "SELECT COUNT(*) FROM "+quoteSQLiteIdent(sqliteSchema)+"."+quoteSQLiteIdent(o.Name)).Scan(&n)
	switch {
	case err == nil:
		o.RowEstimate = &n
		return nil
	case ctx.Err() != nil:
		return c.fail(ctx.Err(), m.path)
	case errors.Is(err, context.DeadlineExceeded) || sqliteCode(err) == 9 || virtual: // 9: SQLITE_INTERRUPT
		return nil
	}
	return c.fail(err, m.path)
}

// freshness reads max(freshness column) when one is set for the asset and
// the column exists.
func (c *sqliteConnector) freshness(ctx context.Context, m *sqliteSession, o *models.ObservedAsset) error {
	col, ok := c.s.FreshnessColumns[o.Key()]
	if !ok || col == "" {
		return nil
	}
	// SQLite takes a double-quoted name that is no column for a string
	// literal, so check the column first.
	found := false
	for _, have := range o.Columns {
		found = found || strings.EqualFold(have.Name, col)
	}
	if !found {
		o.FreshnessNote = freshnessNote(col, "does not exist")
		return nil
	}
	var v any
	err := c.queryRow(ctx, m, "SELECT MAX("+quoteSQLiteIdent(col)+") FROM "+
		quoteSQLiteIdent(sqliteSchema)+"."+quoteSQLiteIdent(o.Name)).Scan(&v)
	switch {
	case err == nil:
		o.FreshnessValue = timeFromValue(v)
		o.FreshnessNote = noteOfValue(col, v, o.FreshnessValue)
		return nil
	case ctx.Err() != nil:
		return c.fail(ctx.Err(), m.path)
	case errors.Is(err, context.DeadlineExceeded) || sqliteCode(err) == 9:
		o.FreshnessNote = freshnessNote(col, "could not be read in time")
		return nil
	}
	return c.fail(err, m.path)
}

// quoteSQLiteIdent quotes a name in double quotes, doubling any in it.
func quoteSQLiteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// sqliteCode is the primary SQLite result code of err, or -1.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() & 0xff
	}
	return -1
}

func (c *sqliteConnector) fail(err error, path string) error {
	var ce *models.SourceError
	if errors.As(err, &ce) {
		return ce
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return &models.SourceError{Reason: models.FailureTimeout, Err: err, Message: fmt.Sprintf("Reading %s took longer than allowed.", path)}
	case errors.Is(err, context.Canceled):
		return &models.SourceError{Reason: models.FailureOther, Err: err, Message: "Reading the source was cancelled."}
	case errors.Is(err, os.ErrNotExist):
		return &models.SourceError{Reason: models.FailureNoDatabase, Err: err, Message: fmt.Sprintf("The file %s does not exist.", path)}
	case errors.Is(err, os.ErrPermission):
		return &models.SourceError{Reason: models.FailurePermission, Err: err, Message: fmt.Sprintf("The portal may not read %s.", path)}
	}
	switch sqliteCode(err) {
	case 14: // SQLITE_CANTOPEN
		if _, serr := os.Stat(path); errors.Is(serr, os.ErrNotExist) {
			return &models.SourceError{Reason: models.FailureNoDatabase, Err: err, Message: fmt.Sprintf("The file %s does not exist.", path)}
		}
		return &models.SourceError{Reason: models.FailurePermission, Err: err, Message: fmt.Sprintf(
			"%s cannot be opened: the portal needs to read the file (and, for a database in WAL mode, its folder).", path)}
	case 26: // SQLITE_NOTADB
		return &models.SourceError{Reason: models.FailureInvalid, Err: err, Message: fmt.Sprintf("%s is not a SQLite database.", path)}
	case 11: // SQLITE_CORRUPT
		return &models.SourceError{Reason: models.FailureOther, Err: err, Message: fmt.Sprintf("%s is damaged (SQLite says the database disk image is malformed).", path)}
	case 5, 6: // SQLITE_BUSY, SQLITE_LOCKED
		return &models.SourceError{Reason: models.FailureTimeout, Err: err, Message: fmt.Sprintf("%s is locked by a program writing to it; the next crawl will try again.", path)}
	case 3, 23: // SQLITE_PERM, SQLITE_AUTH
		return &models.SourceError{Reason: models.FailurePermission, Err: err, Message: fmt.Sprintf("The portal may not read %s.", path)}
	case 9: // SQLITE_INTERRUPT
		return &models.SourceError{Reason: models.FailureTimeout, Err: err, Message: fmt.Sprintf("Reading %s took longer than allowed.", path)}
	}
	return &models.SourceError{Reason: models.FailureOther, Err: err, Message: fmt.Sprintf("Reading %s failed: %v", path, err)}
}

// freshnessTimeLayouts are the text forms of times found in freshness columns.
var freshnessTimeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999 -0700 MST", // Go's time.Time.String()
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02",
}

// timeFromValue turns max(freshness column) into a time: time values as
// they are, text in the usual layouts (UTC when it has no zone), integers as
// Unix seconds (milliseconds from 10^11 on) and, for SQLite, reals below
// 10^7 as Julian days. Anything else, and NULL, is nil.
// noteOfValue is the freshness note for max(col) = v read as t: why no
// time came of it, or "".
func noteOfValue(col string, v any, t *time.Time) string {
	switch {
	case t != nil:
		return ""
	case v == nil:
		return freshnessNote(col, "has no values yet")
	}
	return freshnessNote(col, "holds no date or time")
}

func timeFromValue(v any) *time.Time {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case []byte:
		return timeFromValue(string(x))
	case string:
		s := strings.TrimSpace(x)
		ok := false
		for _, layout := range freshnessTimeLayouts {
			if parsed, err := time.Parse(layout, s); err == nil {
				t, ok = parsed, true
				break
			}
		}
		if !ok {
			return nil
		}
	case int64:
		if x <= 0 {
			return nil
		}
		if x >= 1e11 {
			t = time.UnixMilli(x)
		} else {
			t = time.Unix(x, 0)
		}
	case float64:
		switch {
		case x <= 0:
			return nil
		case x < 1e7: // Julian day number, as julianday() gives
			ms := int64((x - 2440587.5) * 86400000)
			t = time.UnixMilli(ms)
		default:
			t = time.UnixMilli(int64(x * 1000))
		}
	default:
		return nil
	}
	t = t.UTC()
	return &t
}
