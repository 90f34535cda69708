package models_test

import (
	"reflect"
	"testing"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

// TestAuditTrail walks a domain and a product through their lives and checks
// each write leaves exactly one entry naming the actor and the changes.
func TestAuditTrail(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		owner := storetest.Owner("checkout-team")
		cli := models.Principal{Name: "nightly import", Admin: true, Via: "cli"}
		token := models.Principal{UserID: 9, Email: "bot@example.com", EmailVerified: true, Admin: true, Via: "token ci"}

		var domainID, productID uint
		steps := []struct {
			name   string
			do     func() error
			action string
			actor  string
			entity string // entity type
			key    string
			fields []string // the changed fields, sorted
			check  func(t *testing.T, e models.AuditEntry)
		}{
			{
				name: "create domain",
				do: func() error {
					d, err := s.CreateDomain(ctx, cli, models.DomainInput{Name: "Checkout", Owners: []string{"checkout-team"}})
					if d != nil {
						domainID = d.ID
					}
					return err
				},
				action: "created", actor: "nightly import (cli)", entity: "domain", key: "checkout",
				fields: []string{"name", "owners", "slug", "status"},
				check: func(t *testing.T, e models.AuditEntry) {
					assertChange(t, e, "name", "", "Checkout")
					assertChange(t, e, "status", "", "active")
				},
			},
			{
				name: "update domain",
				do: func() error {
					_, err := s.UpdateDomain(ctx, owner, "checkout", models.DomainInput{Name: "Checkout", Description: "Shop.", Owners: []string{"checkout-team"}})
					return err
				},
				action: "updated", actor: "owner@example.com", entity: "domain", key: "checkout",
				fields: []string{"description"},
				check: func(t *testing.T, e models.AuditEntry) {
					assertChange(t, e, "description", "", "Shop.")
				},
			},
			{
				name: "create product",
				do: func() error {
					in := productInput("checkout", "Orders")
					in.FreshnessSLA = "24h"
					p, err := s.CreateProduct(ctx, token, in)
					if p != nil {
						productID = p.ID
					}
					return err
				},
				action: "created", actor: "bot@example.com (token ci)", entity: "product", key: "checkout/orders",
				fields: []string{"classification", "contains_pii", "description", "domain", "freshness_sla", "name", "output_ports", "owner", "slug", "status"},
				check: func(t *testing.T, e models.AuditEntry) {
					assertChange(t, e, "domain", "", "checkout")
					assertChange(t, e, "freshness_sla", "", "1d")
					assertChange(t, e, "output_ports", "", "main (table): analytics.main")
					assertChange(t, e, "contains_pii", "", "false")
				},
			},
			{
				name: "update product",
				do: func() error {
					in := productInput("checkout", "Orders")
					in.FreshnessSLA, in.ContainsPII, in.Classification = "24h", true, models.ClassRestricted
					_, err := s.UpdateProduct(ctx, owner, "checkout", "orders", in)
					return err
				},
				action: "updated", actor: "owner@example.com", entity: "product", key: "checkout/orders",
				fields: []string{"classification", "contains_pii"},
				check: func(t *testing.T, e models.AuditEntry) {
					assertChange(t, e, "classification", "internal", "restricted")
					assertChange(t, e, "contains_pii", "false", "true")
				},
			},
			{
				name: "retire product",
				do: func() error {
					_, err := s.SetProductStatus(ctx, admin, "checkout", "orders", models.StatusRetired)
					return err
				},
				action: "status changed", actor: "admin@example.com", entity: "product", key: "checkout/orders",
				fields: []string{"status"},
			},
			{
				name:   "delete product",
				do:     func() error { return s.DeleteProduct(ctx, owner, "checkout", "orders") },
				action: "deleted", actor: "owner@example.com", entity: "product", key: "checkout/orders",
				fields: []string{"classification", "contains_pii", "description", "domain", "freshness_sla", "name", "output_ports", "owner", "slug", "status"},
				check: func(t *testing.T, e models.AuditEntry) {
					assertChange(t, e, "status", "retired", "")
					assertChange(t, e, "domain", "checkout", "")
				},
			},
			{
				name: "retire domain",
				do: func() error {
					_, err := s.SetDomainStatus(ctx, admin, "checkout", models.DomainRetired)
					return err
				},
				action: "retired", actor: "admin@example.com", entity: "domain", key: "checkout",
				fields: []string{"status"},
			},
			{
				name: "reactivate domain",
				do: func() error {
					_, err := s.SetDomainStatus(ctx, admin, "checkout", models.DomainActive)
					return err
				},
				action: "reactivated", actor: "admin@example.com", entity: "domain", key: "checkout",
				fields: []string{"status"},
			},
			{
				name:   "delete domain",
				do:     func() error { return s.DeleteDomain(ctx, admin, "checkout") },
				action: "deleted", actor: "admin@example.com", entity: "domain", key: "checkout",
				fields: []string{"description", "name", "owners", "slug", "status"},
			},
		}
		for _, st := range steps {
			before := countRows(t, s, "audit_entries")
			if err := st.do(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if n := countRows(t, s, "audit_entries"); n != before+1 {
				t.Fatalf("%s wrote %d audit entries, want 1", st.name, n-before)
			}
			e := lastAudit(t, s)
			if e.Action != st.action || e.Actor != st.actor || e.EntityType != st.entity || e.EntityKey != st.key {
				t.Errorf("%s: audit entry %q by %q on %s %q; want %q by %q on %s %q",
					st.name, e.Action, e.Actor, e.EntityType, e.EntityKey, st.action, st.actor, st.entity, st.key)
			}
			if e.At.IsZero() {
				t.Errorf("%s: audit entry has no time", st.name)
			}
			if got := changedFields(e); !reflect.DeepEqual(got, st.fields) {
				t.Errorf("%s: audit entry records changes of %v, want %v", st.name, got, st.fields)
			}
			if st.check != nil {
				st.check(t, e)
			}
		}

		// Per-entity history, newest first, and the limit.
		log, err := s.AuditLog(ctx, "product", productID, 10)
		mustOK(t, err, "product audit log")
		var actions []string
		for _, e := range log {
			actions = append(actions, e.Action)
		}
		// The product was a draft, which retires in one step.
		if want := []string{"deleted", "status changed", "updated", "created"}; !reflect.DeepEqual(actions, want) {
			t.Errorf("product audit log = %v, want %v", actions, want)
		}
		log, err = s.AuditLog(ctx, "domain", domainID, 2)
		mustOK(t, err, "domain audit log")
		if len(log) != 2 || log[0].Action != "deleted" || log[1].Action != "reactivated" {
			t.Errorf("domain audit log limited to 2 = %+v; want deleted, reactivated", log)
		}
	})
}

// TestAuditNothingOnFailure checks that refused writes of every kind leave
// the log untouched, including failures detected late, inside the
// transaction.
func TestAuditNothingOnFailure(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		createDomain(t, s, "Checkout", "checkout-team")
		createDomain(t, s, "Logistics", "logistics-team")
		createProduct(t, s, "checkout", "Orders", models.StatusActive)
		createProduct(t, s, "checkout", "Payments", models.StatusDraft)

		before := rowCounts(t, s)
		failures := map[string]error{}
		_, failures["create domain taken"] = s.CreateDomain(ctx, admin, models.DomainInput{Name: "Checkout", Owners: []string{"x"}})
		_, failures["update domain forbidden"] = s.UpdateDomain(ctx, viewer, "checkout", models.DomainInput{Name: "X", Owners: []string{"x"}})
		_, failures["retire domain with products"] = s.SetDomainStatus(ctx, admin, "checkout", models.DomainRetired)
		failures["delete domain with products"] = s.DeleteDomain(ctx, admin, "checkout")
		_, failures["create product taken"] = s.CreateProduct(ctx, admin, productInput("checkout", "Orders"))
		_, failures["update product to taken slug"] = s.UpdateProduct(ctx, admin, "checkout", "payments", productInput("checkout", "Orders"))
		_, failures["move product forbidden"] = s.UpdateProduct(ctx, storetest.Owner("checkout-team"), "checkout", "payments", productInput("logistics", "Payments"))
		_, failures["bad transition"] = s.SetProductStatus(ctx, admin, "checkout", "orders", models.StatusRetired)
		failures["delete active product"] = s.DeleteProduct(ctx, admin, "checkout", "orders")
		for name, err := range failures {
			if err == nil {
				t.Errorf("%s succeeded; the test expects it to fail", name)
			}
		}
		assertNothingWritten(t, s, before)
	})
}
