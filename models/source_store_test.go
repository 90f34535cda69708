package models_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/secrets"
	"github.com/meshport/meshport/models/storetest"
)

const testSecretKey = "test-secret-key-0123456789-abcdefghij"

// withSources returns a store on the same database, with the same clock,
// that seals DSNs and allows loopback sources and files under roots.
func withSources(t testing.TB, s *models.Store, roots ...string) *models.Store {
	t.Helper()
	return models.NewStore(s.DB(), models.Options{Clock: s.Now, Sealer: testSealer(t),
		SourcePolicy: models.SourcePolicy{AllowLoopback: true, FileRoots: roots}})
}

func testSealer(t testing.TB) *secrets.Sealer {
	t.Helper()
	sealer, err := secrets.NewSealer(testSecretKey)
	if err != nil {
		t.Fatal(err)
	}
	return sealer
}

func sourceInput(domain, name, dsn string) models.SourceInput {
	return models.SourceInput{Name: name, Domain: domain, Kind: "postgres", DSN: dsn, Schedule: "0 2 * * *", TimeZone: "UTC"}
}

func TestSourceSecretsAreSealed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		s = withSources(t, s)
		createDomain(t, s, "Sales", "sales-team")
		src, err := s.CreateSource(ctx, admin, sourceInput("sales", "Sales DB", "postgres://reader:Pa55-w0rd@127.0.0.1:5432/sales?sslmode=disable"))
		mustOK(t, err, "create source")
		if src.DSNHint != "postgres://reader@127.0.0.1:5432/sales" {
			t.Errorf("hint %q", src.DSNHint)
		}
		for _, table := range []string{"sources", "audit_entries"} {
			if n := rowsContaining(t, s, table, "Pa55-w0rd"); n != 0 {
				t.Errorf("the password is stored in clear in %s (%d rows)", table, n)
			}
		}
		dsn, err := s.StoredDSN(src)
		mustOK(t, err, "open DSN")
		if !strings.Contains(dsn, "reader:Pa55-w0rd@") {
			t.Errorf("the stored DSN does not open to the original: %q", dsn)
		}
		// Sealed for this row: copied onto another row it does not open.
		other, err := s.CreateSource(ctx, admin, sourceInput("sales", "Other DB", "postgres://x@127.0.0.1/other"))
		mustOK(t, err, "second source")
		other.DSNSealed = src.DSNSealed
		if _, err := s.StoredDSN(other); err == nil {
			t.Error("a sealed DSN opened on another row")
		}
		// Another secret key cannot open it.
		wrong, _ := secrets.NewSealer("another-secret-key-0123456789-abcdef")
		s2 := models.NewStore(s.DB(), models.Options{Sealer: wrong, SourcePolicy: models.SourcePolicy{AllowLoopback: true}})
		if _, err := s2.StoredDSN(src); err == nil {
			t.Error("a sealed DSN opened with another key")
		}

		// Editing without a password keeps the stored one, for the same
		// server and user only: it is never sent to a host typed in later.
		for _, moved := range []string{"postgres://reader@127.0.0.2:5432/sales", "postgres://reader@127.0.0.1:5433/sales", "postgres://other@127.0.0.1:5432/sales"} {
			in := src.Input()
			in.DSN, in.KeepPassword = moved, true
			before := rowCounts(t, s, "sources", "audit_entries")
			_, err := s.UpdateSource(ctx, admin, src.Slug, in)
			assertErr(t, err, models.EINVALID, "dsn")
			assertNothingWritten(t, s, before)
			if _, err := s.MergeStoredPassword(src, moved); err == nil {
				t.Errorf("the stored password was merged into %s", moved)
			}
		}
		in := src.Input()
		in.DSN, in.KeepPassword = "postgresql://reader@127.0.0.1/sales_v2?sslmode=disable", true
		updated, err := s.UpdateSource(ctx, admin, src.Slug, in)
		mustOK(t, err, "update keeping the password")
		dsn, _ = s.StoredDSN(updated)
		if !strings.Contains(dsn, "reader:Pa55-w0rd@127.0.0.1/sales_v2") {
			t.Errorf("after an edit without password the DSN is %q", dsn)
		}
		// An update without a DSN keeps the connection as it was.
		in = updated.Input()
		in.Name = "Sales warehouse"
		updated, err = s.UpdateSource(ctx, admin, src.Slug, in)
		mustOK(t, err, "rename")
		if dsn2, _ := s.StoredDSN(updated); dsn2 != dsn || updated.DSNHint != "postgresql://reader@127.0.0.1/sales_v2" {
			t.Errorf("rename changed the connection: %q %q", dsn2, updated.DSNHint)
		}
		if n := rowsContaining(t, s, "audit_entries", "Pa55-w0rd"); n != 0 {
			t.Error("the audit log holds the password")
		}
	})
}

func TestSourceBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		root := t.TempDir()
		s = withSources(t, s, root)
		createDomain(t, s, "Sales", "sales-team")
		tables := []string{"sources", "audit_entries"}
		for _, tc := range []struct {
			name, field string
			edit        func(*models.SourceInput)
		}{
			{"no name", "name", func(in *models.SourceInput) { in.Name = "" }},
			{"unknown kind", "kind", func(in *models.SourceInput) { in.Kind = "oracle" }},
			{"unknown domain", "domain", func(in *models.SourceInput) { in.Domain = "nope" }},
			{"dsn not a URL", "dsn", func(in *models.SourceInput) { in.DSN = "host=db user=x" }},
			{"dsn without database", "dsn", func(in *models.SourceInput) { in.DSN = "postgres://x@127.0.0.1" }},
			{"bad port", "dsn", func(in *models.SourceInput) { in.DSN = "postgres://x@127.0.0.1:99999/db" }},
			{"metadata host", "dsn", func(in *models.SourceInput) { in.DSN = "postgres://x@169.254.169.254/db" }},
			{"relative path", "dsn", func(in *models.SourceInput) { in.Kind, in.DSN = "sqlite", "data/x.db" }},
			{"path outside the roots", "dsn", func(in *models.SourceInput) { in.Kind, in.DSN = "files", "/etc" }},
			{"bad schedule", "schedule", func(in *models.SourceInput) { in.Schedule = "every day" }},
			{"too often", "schedule", func(in *models.SourceInput) { in.Schedule = "* * * * *" }},
			{"bad time zone", "time_zone", func(in *models.SourceInput) { in.TimeZone = "Mars/Olympus" }},
			{"bad pattern", "include", func(in *models.SourceInput) { in.Include = []string{"sales.[x"} }},
			{"bad freshness column", "freshness_columns", func(in *models.SourceInput) { in.FreshnessColumns = []string{"sales.orders"} }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := rowCounts(t, s, tables...)
				in := sourceInput("sales", "Sales DB", "postgres://x@127.0.0.1:5432/sales")
				tc.edit(&in)
				_, err := s.CreateSource(ctx, admin, in)
				assertErr(t, err, models.EINVALID, tc.field)
				assertNothingWritten(t, s, before)
			})
		}
		_, err := s.CreateSource(ctx, admin, sourceInput("sales", "Sales DB", "postgres://x@127.0.0.1:5432/sales"))
		mustOK(t, err, "create")
		before := rowCounts(t, s, tables...)
		_, err = s.CreateSource(ctx, admin, sourceInput("sales", "Sales DB", "postgres://x@127.0.0.1:5432/sales"))
		assertErr(t, err, models.ECONFLICT, "slug")
		assertNothingWritten(t, s, before)
	})
}

func TestSourceLoopbackNeedsPermission(t *testing.T) {
	t.Parallel()
	s := storetest.SQLiteWith(t, models.Options{Sealer: testSealer(t)}) // the default policy: no loopback
	createDomain(t, s, "Sales", "sales-team")
	for _, dsn := range []string{"postgres://x@127.0.0.1/db", "postgres://x@localhost/db", "postgres://x@[::1]/db", "postgres://x@[::ffff:127.0.0.1]/db"} {
		_, err := s.CreateSource(ctx, admin, sourceInput("sales", "Local", dsn))
		assertErr(t, err, models.EINVALID, "dsn")
		if msg := models.ErrorFields(err)["dsn"]; !strings.Contains(msg, "MESHPORT_SOURCES_ALLOW_LOOPBACK") {
			t.Errorf("%s: message %q does not say how to allow it", dsn, msg)
		}
	}
}

func TestSourceAuthorization(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		s = withSources(t, s)
		createDomain(t, s, "Sales", "sales-team")
		createDomain(t, s, "Finance", "finance-team")
		owner := storetest.Owner("sales-team")
		tables := []string{"sources", "audit_entries"}

		before := rowCounts(t, s, tables...)
		for name, p := range map[string]models.Principal{"viewer": viewer, "owner of another domain": owner} {
			_, err := s.CreateSource(ctx, p, sourceInput("finance", "Ledger", "postgres://x@127.0.0.1/ledger"))
			if models.ErrorCode(err) != models.EFORBIDDEN {
				t.Errorf("%s creating a source: %v", name, err)
			}
		}
		assertNothingWritten(t, s, before)

		src, err := s.CreateSource(ctx, owner, sourceInput("sales", "Orders DB", "postgres://x@127.0.0.1/orders"))
		mustOK(t, err, "owner creates in own domain")
		if e := lastAudit(t, s); e.Actor != "owner@example.com" || e.EntityType != "source" {
			t.Errorf("audit %+v", e)
		}
		before = rowCounts(t, s, tables...)
		in := src.Input()
		in.Domain = "finance"
		if _, err := s.UpdateSource(ctx, owner, src.Slug, in); models.ErrorCode(err) != models.EFORBIDDEN {
			t.Errorf("owner moving a source into another domain: %v", err)
		}
		if _, err := s.UpdateSource(ctx, viewer, src.Slug, src.Input()); models.ErrorCode(err) != models.EFORBIDDEN {
			t.Errorf("viewer updating: %v", err)
		}
		if err := s.DeleteSource(ctx, viewer, src.Slug); models.ErrorCode(err) != models.EFORBIDDEN {
			t.Errorf("viewer deleting: %v", err)
		}
		assertNothingWritten(t, s, before)

		if err := s.DeleteDomain(ctx, admin, "sales"); models.ErrorCode(err) != models.ECONFLICT {
			t.Errorf("deleting a domain with a source: %v", err)
		}
		mustOK(t, s.DeleteSource(ctx, owner, src.Slug), "owner deletes")
		if n := countRows(t, s, "sources"); n != 0 {
			t.Errorf("%d sources after delete", n)
		}
	})
}

func TestSourcePasswordAsParameterIsKept(t *testing.T) {
	t.Parallel()
	s := withSources(t, storetest.SQLite(t))
	createDomain(t, s, "Sales", "sales-team")
	src, err := s.CreateSource(ctx, admin, sourceInput("sales", "Sales DB", "postgres://crawler@127.0.0.1:5432/db?password=S3cret&sslmode=disable"))
	mustOK(t, err, "create")
	in := src.Input()
	in.DSN, in.KeepPassword = "postgres://crawler@127.0.0.1:5432/db?sslmode=disable", true
	updated, err := s.UpdateSource(ctx, admin, src.Slug, in)
	mustOK(t, err, "update")
	if dsn, _ := s.StoredDSN(updated); !strings.Contains(dsn, "password=S3cret") {
		t.Errorf("a password given as a parameter was dropped: %v", strings.Contains(dsn, "password"))
	}
}

func TestPortsNameASource(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		s = withSources(t, s)
		createDomain(t, s, "Sales", "sales-team")
		src, err := s.CreateSource(ctx, admin, sourceInput("sales", "Sales DB", "postgres://x@127.0.0.1/sales"))
		mustOK(t, err, "source")
		in := productInput("sales", "Orders")
		in.OutputPorts = []models.PortInput{{Name: "orders", Type: "table", Location: "public.orders", Source: "sales-db"},
			{Name: "by-id", Type: "view", Location: "x", Source: fmt.Sprint(src.ID)}}
		p, err := s.CreateProduct(ctx, admin, in)
		mustOK(t, err, "create with port sources")
		got, err := s.GetProduct(ctx, "sales", p.Slug)
		mustOK(t, err, "get")
		for i, port := range got.OutputPorts {
			if port.SourceID == nil || *port.SourceID != src.ID || port.Source == nil || port.Source.Slug != "sales-db" {
				t.Errorf("port %d: source %v", i, port.SourceID)
			}
		}
		if in := got.Input(); in.OutputPorts[1].Source != "sales-db" {
			t.Errorf("input names the source %q", in.OutputPorts[1].Source)
		}
		bad := productInput("sales", "Bad")
		bad.OutputPorts = []models.PortInput{{Name: "x", Type: "table", Location: "a.b", Source: "missing"}}
		before := rowCounts(t, s)
		_, err = s.CreateProduct(ctx, admin, bad)
		assertErr(t, err, models.EINVALID, "output_ports[0].source")
		assertNothingWritten(t, s, before)

		mustOK(t, s.DeleteSource(ctx, admin, "sales-db"), "delete source")
		got, _ = s.GetProduct(ctx, "sales", p.Slug)
		if len(got.OutputPorts) != 2 || got.OutputPorts[0].SourceID != nil {
			t.Errorf("after the source was deleted: %+v", got.OutputPorts)
		}
	})
}

// A patch is laid over the source as it is when written: a change that
// lands between reading and writing is kept, and the patch is applied again
// over it.
func TestPatchSourceKeepsAChangeMadeMeanwhile(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		s = withSources(t, s)
		createDomain(t, s, "Sales", "sales-team")
		_, err := s.CreateSource(ctx, admin, sourceInput("sales", "Sales DB", "postgres://x@127.0.0.1/sales"))
		mustOK(t, err, "source")

		calls := 0
		patched, err := s.PatchSource(ctx, admin, "sales-db", func(in *models.SourceInput) error {
			calls++
			if calls == 1 { // another writer switches crawling off meanwhile
				off := *in
				off.Enabled = new(bool)
				_, err := s.UpdateSource(ctx, admin, "sales-db", off)
				mustOK(t, err, "concurrent update")
			}
			in.Schedule = "0 3 * * *"
			return nil
		})
		mustOK(t, err, "patch")
		if calls != 2 {
			t.Errorf("the patch was applied %d times, want 2 (again over the change)", calls)
		}
		stored, err := s.GetSource(ctx, "sales-db")
		mustOK(t, err, "get source")
		if stored.Schedule != "0 3 * * *" || stored.Enabled || patched.Schedule != "0 3 * * *" || patched.Enabled {
			t.Errorf("stored schedule %q enabled %v (answered %q %v); want both changes", stored.Schedule, stored.Enabled, patched.Schedule, patched.Enabled)
		}

		// A refused patch writes nothing.
		before := stored.UpdatedAt
		_, err = s.PatchSource(ctx, admin, "sales-db", func(in *models.SourceInput) error {
			in.Schedule = "every tuesday"
			return nil
		})
		assertErr(t, err, models.EINVALID, "")
		if again, _ := s.GetSource(ctx, "sales-db"); !again.UpdatedAt.Equal(before) || again.Schedule != "0 3 * * *" {
			t.Errorf("a refused patch changed the source: %q at %v", again.Schedule, again.UpdatedAt)
		}
	})
}

// TestSourceWritesSignalTheSchedules: every committed source write signals
// SourcesChanged, so no caller has to remember to reschedule; a refused
// write signals nothing.
func TestSourceWritesSignalTheSchedules(t *testing.T) {
	t.Parallel()
	s := withSources(t, storetest.SQLite(t))
	createDomain(t, s, "Sales", "sales-team")
	// write does one write and reports whether SourcesChanged fired.
	write := func(what string, do func() error, wantErr bool) bool {
		t.Helper()
		if err := do(); (err != nil) != wantErr {
			t.Fatalf("%s: error %v, want an error: %v", what, err, wantErr)
		}
		select {
		case <-s.SourcesChanged():
			return true
		default:
			return false
		}
	}
	schedule := func(spec string) models.SourceInput {
		in := sourceInput("sales", "Sales DB", "")
		in.Schedule = spec
		return in
	}
	for _, w := range []struct {
		what string
		do   func() error
		fail bool
	}{
		{"create", func() error {
			_, err := s.CreateSource(ctx, admin, sourceInput("sales", "Sales DB", "postgres://x@127.0.0.1/sales"))
			return err
		}, false},
		{"update", func() error { _, err := s.UpdateSource(ctx, admin, "sales-db", schedule("0 3 * * *")); return err }, false},
		{"patch", func() error {
			_, err := s.PatchSource(ctx, admin, "sales-db", func(in *models.SourceInput) error { in.Schedule = "0 4 * * *"; return nil })
			return err
		}, false},
		{"refused update", func() error { _, err := s.UpdateSource(ctx, admin, "sales-db", schedule("not a schedule")); return err }, true},
		{"refused create", func() error {
			_, err := s.CreateSource(ctx, viewer, sourceInput("sales", "Other", "postgres://x@127.0.0.1/other"))
			return err
		}, true},
		{"delete", func() error { return s.DeleteSource(ctx, admin, "sales-db") }, false},
	} {
		if got := write(w.what, w.do, w.fail); got == w.fail {
			t.Errorf("%s: signalled %v", w.what, got)
		}
	}
}
