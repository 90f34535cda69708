package models_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

// failAuditWrites makes every insert into audit_entries fail on s's
// database handle, to prove a write and its audit entry commit together.
func failAuditWrites(t *testing.T, s *models.Store) {
	t.Helper()
	err := s.DB().Callback().Create().Before("gorm:create").Register("test:fail_audit", func(db *gorm.DB) {
		if db.Statement.Table == "audit_entries" {
			_ = db.AddError(errors.New("injected audit failure"))
		}
	})
	mustOK(t, err, "register failing callback")
}

func TestWritesRollBackWhenAuditFails(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		createDomain(t, s, "Checkout", "checkout-team")
		in := productInput("checkout", "Orders")
		in.OutputPorts = []models.PortInput{{Name: "a", Type: "table", Location: "s.a"}, {Name: "b", Type: "table", Location: "s.b"}}
		_, err := s.CreateProduct(ctx, admin, in)
		mustOK(t, err, "create product")
		createProduct(t, s, "checkout", "Carts", models.StatusDraft)
		failAuditWrites(t, s)

		writes := map[string]func() error{
			"create domain": func() error {
				_, err := s.CreateDomain(ctx, admin, models.DomainInput{Name: "Logistics", Owners: []string{"x"}})
				return err
			},
			"update domain": func() error {
				_, err := s.UpdateDomain(ctx, admin, "checkout", models.DomainInput{Name: "Shop", Slug: "shop", Owners: []string{"x"}})
				return err
			},
			"create product": func() error {
				_, err := s.CreateProduct(ctx, admin, productInput("checkout", "Payments"))
				return err
			},
			"update product": func() error {
				upd := in
				upd.Slug, upd.OutputPorts = "", []models.PortInput{{Name: "c", Type: "table", Location: "s.c"}}
				_, err := s.UpdateProduct(ctx, admin, "checkout", "orders", upd)
				return err
			},
			"set product status": func() error {
				_, err := s.SetProductStatus(ctx, admin, "checkout", "orders", models.StatusActive)
				return err
			},
			"delete product": func() error { return s.DeleteProduct(ctx, admin, "checkout", "carts") },
		}
		for name, write := range writes {
			before := rowCounts(t, s)
			err := write()
			if models.ErrorCode(err) != models.EINTERNAL {
				t.Errorf("%s with a failing audit log: error %v, want an internal error", name, err)
			}
			assertNothingWritten(t, s, before)
		}

		// Everything is as before the failures.
		d, err := s.GetDomain(ctx, "checkout")
		mustOK(t, err, "get domain")
		if d.Name != "Checkout" {
			t.Errorf("a rolled back update renamed the domain to %q", d.Name)
		}
		p, err := s.GetProduct(ctx, "checkout", "orders")
		mustOK(t, err, "get product")
		if p.Status != models.StatusDraft || !reflect.DeepEqual(portStrings(p.OutputPorts), []string{"a table s.a", "b table s.b"}) {
			t.Errorf("rolled back writes changed the product: status %q, ports %q", p.Status, portStrings(p.OutputPorts))
		}
		if _, err := s.GetProduct(ctx, "checkout", "carts"); err != nil {
			t.Errorf("a rolled back delete removed the product: %v", err)
		}
	})
}

// TestConcurrentDuplicates races writers for one slug: exactly one wins and
// every other gets a conflict, never an internal error, whether the store's
// check or the database's unique index catches it.
func TestConcurrentDuplicates(t *testing.T) {
	t.Parallel()
	const writers = 12
	race := func(t *testing.T, what string, write func() error) {
		t.Helper()
		errs := make([]error, writers)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[i] = write()
			}()
		}
		close(start)
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch models.ErrorCode(err) {
			case "":
				won++
			case models.ECONFLICT:
				if _, ok := models.ErrorFields(err)["slug"]; !ok {
					t.Errorf("%s: conflict without a slug message: %v", what, err)
				}
			default:
				t.Errorf("%s: a losing writer got %v, want a conflict", what, err)
			}
		}
		if won != 1 {
			t.Errorf("%s: %d writers won, want exactly 1", what, won)
		}
	}
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		race(t, "domains", func() error {
			_, err := s.CreateDomain(ctx, admin, models.DomainInput{Name: "Checkout", Owners: []string{"checkout-team"}})
			return err
		})
		race(t, "products", func() error {
			_, err := s.CreateProduct(ctx, admin, productInput("checkout", "Orders"))
			return err
		})
		if n := countRows(t, s, "audit_entries"); n != 2 {
			t.Errorf("the races left %d audit entries, want 2 (one per winner)", n)
		}
		if n := countRows(t, s, "output_ports"); n != 1 {
			t.Errorf("the races left %d output ports, want the winner's 1", n)
		}
	})
}

// TestStatusChangeKeepsConcurrentPortEdit: a status change that commits
// after another request replaced the product's ports must not bring the old
// ports back. (PostgreSQL only: SQLite runs one write transaction at a time,
// so the edit cannot slip in between.)
func TestStatusChangeKeepsConcurrentPortEdit(t *testing.T) {
	t.Parallel()
	s := storetest.Postgres(t)
	createDomain(t, s, "Checkout", "checkout-team")
	in := productInput("checkout", "Orders")
	in.OutputPorts = []models.PortInput{{Name: "old", Type: "table", Location: "s.old"}}
	_, err := s.CreateProduct(ctx, admin, in)
	mustOK(t, err, "create product")

	// Right before the status change writes, another request starts to
	// replace the ports. The row lock makes it wait for the status change to
	// commit, then it applies on top: neither change is lost.
	var fired atomic.Bool
	var editErr error
	editDone := make(chan struct{})
	err = s.DB().Callback().Update().Before("gorm:save_before_associations").Register("test:concurrent_edit", func(db *gorm.DB) {
		if db.Statement.Table != "products" || !fired.CompareAndSwap(false, true) {
			return
		}
		go func() {
			defer close(editDone)
			edit := in
			edit.Status = models.StatusActive
			edit.OutputPorts = []models.PortInput{{Name: "new", Type: "table", Location: "s.new"}}
			_, editErr = s.UpdateProduct(ctx, admin, "checkout", "orders", edit)
		}()
		time.Sleep(200 * time.Millisecond) // let the edit reach the row lock
	})
	mustOK(t, err, "register callback")

	_, err = s.SetProductStatus(ctx, admin, "checkout", "orders", models.StatusActive)
	mustOK(t, err, "set status")
	if !fired.Load() {
		t.Fatalf("the concurrent edit never ran")
	}
	<-editDone
	mustOK(t, editErr, "concurrent edit")
	p, err := s.GetProduct(ctx, "checkout", "orders")
	mustOK(t, err, "get product")
	if got := portStrings(p.OutputPorts); !reflect.DeepEqual(got, []string{"new table s.new"}) || p.Status != models.StatusActive {
		t.Errorf("after the status change the product has ports %q and status %q; want only the edit's port, active", got, p.Status)
	}
}

// TestConcurrentPatchesKeepBothFields: two clients patching different fields
// of one product at the same time both keep their change.
func TestConcurrentPatchesKeepBothFields(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		createDomain(t, s, "Checkout", "checkout-team")
		createProduct(t, s, "checkout", "Orders", models.StatusDraft)
		const rounds = 10
		errs := make(chan error, 2*rounds)
		for i := range rounds {
			go func() {
				_, err := s.PatchProduct(ctx, admin, "checkout", "orders", func(in *models.ProductInput) error {
					in.Description = fmt.Sprintf("description %d", i)
					return nil
				})
				errs <- err
			}()
			go func() {
				_, err := s.PatchProduct(ctx, admin, "checkout", "orders", func(in *models.ProductInput) error {
					in.Tags = append(in.Tags, fmt.Sprintf("tag%d", i))
					return nil
				})
				errs <- err
			}()
		}
		for range 2 * rounds {
			mustOK(t, <-errs, "patch")
		}
		p, err := s.GetProduct(ctx, "checkout", "orders")
		mustOK(t, err, "get product")
		if len(p.Tags) != rounds {
			t.Errorf("after %d concurrent tag patches the product has tags %v: some patches were lost", rounds, p.Tags)
		}
		if !strings.HasPrefix(p.Description, "description ") {
			t.Errorf("description patches lost: %q", p.Description)
		}
	})
}

// TestLongTokenActorIsRecorded: the audit actor of a token with a long email
// and name fits the column on every database.
func TestLongTokenActorIsRecorded(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		p := admin
		p.Email = strings.Repeat("a", 240) + "@example.com"
		p.Via = "token " + strings.Repeat("n", 100)
		_, err := s.CreateDomain(ctx, p, models.DomainInput{Name: "Long", Owners: []string{"x"}})
		mustOK(t, err, "create with a long actor")
		if got := lastAudit(t, s).Actor; len([]rune(got)) > 300 || !strings.HasPrefix(got, "aaaa") {
			t.Errorf("actor recorded as %q (%d characters)", got, len([]rune(got)))
		}
	})
}
