package models_test

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

var ctx = context.Background()

// Shorthands for the principals of storetest.
var (
	admin  = storetest.Admin()
	viewer = storetest.Viewer()
)

// dataTables are the tables a failed domain or product write must not touch.
var dataTables = []string{"domains", "products", "output_ports", "audit_entries"}

// countRows counts the rows of table.
func countRows(t *testing.T, s *models.Store, table string) int64 {
	t.Helper()
	var n int64
	if err := s.DB().Table(table).Count(&n).Error; err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// rowCounts counts the rows of each table, to compare before and after an
// operation that must write nothing.
func rowCounts(t *testing.T, s *models.Store, tables ...string) map[string]int64 {
	t.Helper()
	if len(tables) == 0 {
		tables = dataTables
	}
	counts := map[string]int64{}
	for _, table := range tables {
		counts[table] = countRows(t, s, table)
	}
	return counts
}

// assertNothingWritten fails when any table's row count differs from before.
func assertNothingWritten(t *testing.T, s *models.Store, before map[string]int64) {
	t.Helper()
	tables := make([]string, 0, len(before))
	for table := range before {
		tables = append(tables, table)
	}
	after := rowCounts(t, s, tables...)
	if !reflect.DeepEqual(before, after) {
		t.Errorf("a failed write changed the database: row counts before %v, after %v", before, after)
	}
}

// assertErr checks err is a models error with the given code and, when field
// is not empty, a message for that field.
func assertErr(t *testing.T, err error, code, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s (field %q)", code, field)
	}
	if got := models.ErrorCode(err); got != code {
		t.Fatalf("error code = %q, want %q; error: %v", got, code, err)
	}
	if field == "" {
		return
	}
	fields := models.ErrorFields(err)
	if _, ok := fields[field]; !ok {
		t.Fatalf("error has no message for field %q; fields: %v", field, fields)
	}
}

// mustOK fails the test at once on an unexpected error.
func mustOK(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: unexpected error: %v", what, err)
	}
}

// createDomain registers a domain as admin; the slug derives from name.
func createDomain(t *testing.T, s *models.Store, name string, owners ...string) *models.Domain {
	t.Helper()
	d, err := s.CreateDomain(ctx, admin, models.DomainInput{Name: name, Owners: owners})
	mustOK(t, err, "create domain "+name)
	return d
}

// productInput is a valid product for domain; callers change what they test.
func productInput(domain, name string) models.ProductInput {
	return models.ProductInput{
		Name: name, Domain: domain, Owner: "data-team@example.com",
		Description: "Test data about " + name, Classification: models.ClassInternal,
		OutputPorts: []models.PortInput{{Name: "main", Type: "table", Location: "analytics.main"}},
	}
}

// createProduct registers a product as admin and walks it to status along
// allowed transitions.
func createProduct(t *testing.T, s *models.Store, domain, name, status string) *models.Product {
	t.Helper()
	p, err := s.CreateProduct(ctx, admin, productInput(domain, name))
	mustOK(t, err, "create product "+name)
	for _, st := range pathTo(status) {
		p, err = s.SetProductStatus(ctx, admin, domain, p.Slug, st)
		mustOK(t, err, fmt.Sprintf("set %s to %s", name, st))
	}
	return p
}

// pathTo lists the status changes that take a new draft product to status.
func pathTo(status string) []string {
	switch status {
	case models.StatusDraft, "":
		return nil
	case models.StatusActive:
		return []string{models.StatusActive}
	case models.StatusDeprecated:
		return []string{models.StatusActive, models.StatusDeprecated}
	case models.StatusRetired:
		return []string{models.StatusActive, models.StatusDeprecated, models.StatusRetired}
	}
	panic("unknown status " + status)
}

// lastAudit returns the newest audit entry of the whole log.
func lastAudit(t *testing.T, s *models.Store) models.AuditEntry {
	t.Helper()
	var e models.AuditEntry
	if err := s.DB().Order("id DESC").Take(&e).Error; err != nil {
		t.Fatalf("read last audit entry: %v", err)
	}
	return e
}

// changesByField indexes an entry's changes.
func changesByField(e models.AuditEntry) map[string]models.AuditChange {
	m := map[string]models.AuditChange{}
	for _, c := range e.Changes {
		m[c.Field] = c
	}
	return m
}

// changedFields lists the fields an entry records, sorted.
func changedFields(e models.AuditEntry) []string {
	var fields []string
	for _, c := range e.Changes {
		fields = append(fields, c.Field)
	}
	sort.Strings(fields)
	return fields
}

// assertChange checks one field's before and after in an audit entry.
func assertChange(t *testing.T, e models.AuditEntry, field, before, after string) {
	t.Helper()
	c, ok := changesByField(e)[field]
	if !ok {
		t.Errorf("audit entry %q has no change of %q; changes: %+v", e.Action, field, e.Changes)
		return
	}
	if c.Before != before || c.After != after {
		t.Errorf("audit entry %q: %s changed %q -> %q, want %q -> %q", e.Action, field, c.Before, c.After, before, after)
	}
}

// clock is a controllable time source for models.NewStore.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock {
	return &clock{t: time.Date(2030, 6, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// withClock returns a store on the same database whose clock is c.
func withClock(s *models.Store, c *clock) *models.Store {
	return models.NewStore(s.DB(), models.Options{Clock: c.Now})
}

// rowsContaining returns the rows of table in which some column's text
// contains needle, to prove a secret was not stored.
func rowsContaining(t *testing.T, s *models.Store, table, needle string) int {
	t.Helper()
	var rows []map[string]any
	if err := s.DB().Table(table).Find(&rows).Error; err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	if len(rows) == 0 {
		t.Fatalf("table %s is empty; the test expects rows to search", table)
	}
	n := 0
	for _, row := range rows {
		for _, v := range row {
			var text string
			switch v := v.(type) {
			case []byte:
				text = string(v)
			default:
				text = fmt.Sprint(v)
			}
			if strings.Contains(text, needle) {
				n++
				break
			}
		}
	}
	return n
}
