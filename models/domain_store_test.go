package models_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

func TestDomainCreateGetList(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		d, err := s.CreateDomain(ctx, admin, models.DomainInput{
			Name:        "  Données Clients ",
			Description: "  Customer data.  ",
			Owners:      []string{" owner@example.com ", "Équipe Données", "", "OWNER@example.com"},
		})
		mustOK(t, err, "create domain")
		if d.ID == 0 || d.Slug != "donnees-clients" || d.Name != "Données Clients" || d.Status != models.DomainActive {
			t.Errorf("created domain = id %d slug %q name %q status %q; want a stored active domain donnees-clients named \"Données Clients\"",
				d.ID, d.Slug, d.Name, d.Status)
		}

		got, err := s.GetDomain(ctx, "donnees-clients")
		mustOK(t, err, "get domain")
		wantOwners := models.StringList{"owner@example.com", "Équipe Données"}
		if got.ID != d.ID || got.Name != "Données Clients" || got.Description != "Customer data." || !reflect.DeepEqual(got.Owners, wantOwners) {
			t.Errorf("stored domain = %+v; want trimmed name and description, owners %v (blank and duplicate dropped)", got, wantOwners)
		}
		if got.CreatedAt.IsZero() || got.UpdatedAt.IsZero() {
			t.Errorf("stored domain has no timestamps: %+v", got)
		}

		_, err = s.GetDomain(ctx, "nowhere")
		assertErr(t, err, models.ENOTFOUND, "")

		// An explicit slug wins over the name.
		explicit, err := s.CreateDomain(ctx, admin, models.DomainInput{Name: "Web Shop", Slug: " Checkout ", Owners: []string{"checkout-team"}})
		mustOK(t, err, "create domain with explicit slug")
		if explicit.Slug != "checkout" {
			t.Errorf("explicit slug \" Checkout \" stored as %q, want checkout", explicit.Slug)
		}
		createDomain(t, s, "Archive", "archive-team")
		createProduct(t, s, "checkout", "Orders", models.StatusActive)
		createProduct(t, s, "checkout", "Payments", models.StatusActive)
		createProduct(t, s, "checkout", "Carts", models.StatusDraft)
		createProduct(t, s, "archive", "Old stock", models.StatusRetired)

		list, err := s.ListDomains(ctx)
		mustOK(t, err, "list domains")
		var slugs []string
		for _, ds := range list {
			slugs = append(slugs, ds.Slug)
		}
		if want := []string{"archive", "donnees-clients", "checkout"}; !reflect.DeepEqual(slugs, want) {
			t.Fatalf("domains listed as %v, want by name (Archive, Données Clients, Web Shop): %v", slugs, want)
		}
		counts := map[string]struct {
			total    int64
			byStatus map[string]int64
		}{
			"archive":         {1, map[string]int64{"retired": 1}},
			"donnees-clients": {0, nil},
			"checkout":        {3, map[string]int64{"active": 2, "draft": 1}},
		}
		for _, ds := range list {
			want := counts[ds.Slug]
			if ds.Products != want.total || len(ds.ProductsByStat) != len(want.byStatus) ||
				(len(want.byStatus) > 0 && !reflect.DeepEqual(ds.ProductsByStat, want.byStatus)) {
				t.Errorf("domain %s counts = %d %v, want %d %v", ds.Slug, ds.Products, ds.ProductsByStat, want.total, want.byStatus)
			}
		}

		all, err := s.AllDomains(ctx)
		mustOK(t, err, "all domains")
		if len(all) != 3 || all[0].Slug != "archive" {
			t.Errorf("AllDomains = %d domains starting with %q, want 3 by name", len(all), all[0].Slug)
		}

		dash, err := s.Dashboard(ctx)
		mustOK(t, err, "dashboard")
		if dash.Total != 4 || dash.ByStatus["active"] != 2 || dash.ByStatus["draft"] != 1 || dash.ByStatus["retired"] != 1 {
			t.Errorf("dashboard = total %d by status %v; want 4: 2 active, 1 draft, 1 retired", dash.Total, dash.ByStatus)
		}
	})
}

func TestDomainLimitsAccepted(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		owners := make([]string, 20)
		for i := range owners {
			owners[i] = "team-" + string(rune('a'+i))
		}
		in := models.DomainInput{
			Name:        strings.Repeat("n", 100),
			Slug:        strings.Repeat("s", 63),
			Description: strings.Repeat("é", 2000), // runes, not bytes, count
			Owners:      owners,
		}
		d, err := s.CreateDomain(ctx, admin, in)
		mustOK(t, err, "create domain at every limit")
		got, err := s.GetDomain(ctx, d.Slug)
		mustOK(t, err, "get domain")
		if got.Name != in.Name || got.Description != in.Description || len(got.Owners) != 20 {
			t.Errorf("domain at the limits was not stored intact: name %d runes, description %d runes, %d owners",
				len([]rune(got.Name)), len([]rune(got.Description)), len(got.Owners))
		}
	})
}

func TestDomainUpdate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		d := createDomain(t, s, "Checkout", "checkout-team")
		owner := storetest.Owner("checkout-team")

		in := d.Input()
		in.Name = "Checkout & Payments"
		in.Description = "Orders and payments."
		in.Owners = append(in.Owners, "omar@example.com")
		auditBefore := countRows(t, s, "audit_entries")
		updated, err := s.UpdateDomain(ctx, owner, "checkout", in)
		mustOK(t, err, "owner updates domain")
		if updated.Slug != "checkout" || updated.Name != "Checkout & Payments" {
			t.Errorf("updated domain = slug %q name %q; want the slug kept and the new name", updated.Slug, updated.Name)
		}
		got, err := s.GetDomain(ctx, "checkout")
		mustOK(t, err, "get updated domain")
		if got.Description != "Orders and payments." || !reflect.DeepEqual(got.Owners, models.StringList{"checkout-team", "omar@example.com"}) {
			t.Errorf("stored domain after update = %+v", got)
		}

		if n := countRows(t, s, "audit_entries"); n != auditBefore+1 {
			t.Fatalf("update wrote %d audit entries, want 1", n-auditBefore)
		}
		e := lastAudit(t, s)
		if e.Action != "updated" || e.EntityType != "domain" || e.EntityID != d.ID || e.EntityKey != "checkout" || e.Actor != "owner@example.com" {
			t.Errorf("audit entry = %+v; want owner@example.com updated domain checkout", e)
		}
		if want := []string{"description", "name", "owners"}; !reflect.DeepEqual(changedFields(e), want) {
			t.Errorf("audit entry records %v, want exactly %v", changedFields(e), want)
		}
		assertChange(t, e, "name", "Checkout", "Checkout & Payments")
		assertChange(t, e, "description", "", "Orders and payments.")
		assertChange(t, e, "owners", "checkout-team", "checkout-team, omar@example.com")

		// Renaming the slug moves the domain.
		in = got.Input()
		in.Slug = "shop"
		_, err = s.UpdateDomain(ctx, admin, "checkout", in)
		mustOK(t, err, "admin changes slug")
		if _, err := s.GetDomain(ctx, "shop"); err != nil {
			t.Errorf("domain not found under its new slug: %v", err)
		}
		assertErr(t, func() error { _, err := s.GetDomain(ctx, "checkout"); return err }(), models.ENOTFOUND, "")

		// An admin may hand the domain to anyone.
		in.Owners = []string{"new-team"}
		_, err = s.UpdateDomain(ctx, admin, "shop", in)
		mustOK(t, err, "admin hands domain over")

		// Now the old owner has no rights left.
		before := rowCounts(t, s)
		_, err = s.UpdateDomain(ctx, owner, "shop", in)
		assertErr(t, err, models.EFORBIDDEN, "")
		assertNothingWritten(t, s, before)

		_, err = s.UpdateDomain(ctx, admin, "nowhere", in)
		assertErr(t, err, models.ENOTFOUND, "")
	})
}

func TestDomainUpdateBadInput(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		d := createDomain(t, s, "Checkout", "owner@example.com", "checkout-team")
		createDomain(t, s, "Customer", "crm-team")
		owner := storetest.Owner() // owns checkout through their email only

		tests := []struct {
			name   string
			p      models.Principal
			change func(in *models.DomainInput)
			code   string
			field  string
		}{
			{"empty name", admin, func(in *models.DomainInput) { in.Name = "" }, models.EINVALID, "name"},
			{"slug of another domain", admin, func(in *models.DomainInput) { in.Slug = "customer" }, models.ECONFLICT, "slug"},
			{"bad slug", admin, func(in *models.DomainInput) { in.Slug = "Bad Slug!" }, models.EINVALID, "slug"},
			{"no owners", admin, func(in *models.DomainInput) { in.Owners = nil }, models.EINVALID, "owners"},
			{"owner removes themselves", owner, func(in *models.DomainInput) { in.Owners = []string{"checkout-team"} }, models.EINVALID, "owners"},
			{"viewer", viewer, func(in *models.DomainInput) { in.Description = "mine now" }, models.EFORBIDDEN, ""},
			{"read-only admin", readOnly(admin), func(in *models.DomainInput) { in.Description = "x" }, models.EFORBIDDEN, ""},
			// An owner whose email the identity provider did not verify is
			// not an owner.
			{"unverified owner", unverified(owner), func(in *models.DomainInput) { in.Description = "x" }, models.EFORBIDDEN, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := d.Input()
				tt.change(&in)
				before := rowCounts(t, s)
				_, err := s.UpdateDomain(ctx, tt.p, "checkout", in)
				assertErr(t, err, tt.code, tt.field)
				assertNothingWritten(t, s, before)
				got, err := s.GetDomain(ctx, "checkout")
				mustOK(t, err, "get domain after failed update")
				if got.Name != d.Name || got.Description != d.Description || !reflect.DeepEqual(got.Owners, d.Owners) {
					t.Errorf("failed update changed the domain: %+v", got)
				}
			})
		}
	})
}

func TestDomainCreateBadInput(t *testing.T) {
	t.Parallel()
	valid := func() models.DomainInput {
		return models.DomainInput{Name: "Logistics", Description: "Parcels.", Owners: []string{"logistics-team"}}
	}
	tests := []struct {
		name   string
		p      models.Principal
		change func(in *models.DomainInput)
		code   string
		field  string
	}{
		{"empty name", admin, func(in *models.DomainInput) { in.Name = "" }, models.EINVALID, "name"},
		{"blank name", admin, func(in *models.DomainInput) { in.Name = "   "; in.Slug = "logistics" }, models.EINVALID, "name"},
		{"name over 100", admin, func(in *models.DomainInput) { in.Name = strings.Repeat("x", 101) }, models.EINVALID, "name"},
		{"name with a tab", admin, func(in *models.DomainInput) { in.Name = "Logis\ttics" }, models.EINVALID, "name"},
		{"bad slug", admin, func(in *models.DomainInput) { in.Slug = "Bad Slug!" }, models.EINVALID, "slug"},
		{"slug with double dash", admin, func(in *models.DomainInput) { in.Slug = "a--b" }, models.EINVALID, "slug"},
		{"slug over 63", admin, func(in *models.DomainInput) { in.Slug = strings.Repeat("s", 64) }, models.EINVALID, "slug"},
		{"name without slug characters", admin, func(in *models.DomainInput) { in.Name = "日本語" }, models.EINVALID, "slug"},
		{"duplicate slug", admin, func(in *models.DomainInput) { in.Name = "Other"; in.Slug = "checkout" }, models.ECONFLICT, "slug"},
		{"duplicate slug from name", admin, func(in *models.DomainInput) { in.Name = "CHECKOUT" }, models.ECONFLICT, "slug"},
		// A taken slug among other problems is a plain validation failure.
		{"duplicate slug and no owners", admin, func(in *models.DomainInput) { in.Name = "Checkout"; in.Owners = nil }, models.EINVALID, "owners"},
		{"no owners", admin, func(in *models.DomainInput) { in.Owners = nil }, models.EINVALID, "owners"},
		{"only blank owners", admin, func(in *models.DomainInput) { in.Owners = []string{"", "  "} }, models.EINVALID, "owners"},
		{"owner not an email", admin, func(in *models.DomainInput) { in.Owners = []string{"not an email@"} }, models.EINVALID, "owners"},
		{"owner markup", admin, func(in *models.DomainInput) { in.Owners = []string{"team", "<script>"} }, models.EINVALID, "owners"},
		{"owner with display name", admin, func(in *models.DomainInput) { in.Owners = []string{"Ada <ada@example.com>"} }, models.EINVALID, "owners"},
		{"21 owners", admin, func(in *models.DomainInput) { in.Owners = manyOwners(21) }, models.EINVALID, "owners"},
		{"description over 2000", admin, func(in *models.DomainInput) { in.Description = strings.Repeat("d", 2001) }, models.EINVALID, "description"},
		{"viewer", viewer, func(in *models.DomainInput) {}, models.EFORBIDDEN, ""},
		{"owner", storetest.Owner("logistics-team"), func(in *models.DomainInput) {}, models.EFORBIDDEN, ""},
		{"read-only admin", readOnly(admin), func(in *models.DomainInput) {}, models.EFORBIDDEN, ""},
	}
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		createDomain(t, s, "Checkout", "checkout-team")
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := valid()
				tt.change(&in)
				before := rowCounts(t, s)
				d, err := s.CreateDomain(ctx, tt.p, in)
				assertErr(t, err, tt.code, tt.field)
				if d != nil {
					t.Errorf("failed create returned a domain: %+v", d)
				}
				assertNothingWritten(t, s, before)
			})
		}
		// The valid input itself is fine, so each failure above is due to
		// its change.
		_, err := s.CreateDomain(ctx, admin, valid())
		mustOK(t, err, "create the valid domain")
	})
}

func TestDomainRetireReactivate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		d := createDomain(t, s, "Checkout", "checkout-team")
		p := createProduct(t, s, "checkout", "Orders", models.StatusActive)
		createProduct(t, s, "checkout", "Old orders", models.StatusRetired)

		before := rowCounts(t, s)
		_, err := s.SetDomainStatus(ctx, admin, "checkout", models.DomainRetired)
		assertErr(t, err, models.ECONFLICT, "")
		if !strings.Contains(models.ErrorMessage(err), "1 product") {
			t.Errorf("refusal should count the live products: %q", models.ErrorMessage(err))
		}
		assertNothingWritten(t, s, before)

		_, err = s.SetDomainStatus(ctx, storetest.Owner("checkout-team"), "checkout", models.DomainRetired)
		assertErr(t, err, models.EFORBIDDEN, "")
		_, err = s.SetDomainStatus(ctx, admin, "checkout", "archived")
		assertErr(t, err, models.EINVALID, "")
		_, err = s.SetDomainStatus(ctx, admin, "nowhere", models.DomainRetired)
		assertErr(t, err, models.ENOTFOUND, "")
		assertNothingWritten(t, s, before)

		// Deprecated and draft products are not retired either.
		draft := createProduct(t, s, "checkout", "Carts", models.StatusDraft)
		_, err = s.SetProductStatus(ctx, admin, "checkout", p.Slug, models.StatusDeprecated)
		mustOK(t, err, "deprecate product")
		for _, step := range []struct{ slug, status string }{{p.Slug, models.StatusRetired}, {draft.Slug, models.StatusRetired}} {
			before := rowCounts(t, s)
			_, err = s.SetDomainStatus(ctx, admin, "checkout", models.DomainRetired)
			assertErr(t, err, models.ECONFLICT, "")
			assertNothingWritten(t, s, before)
			_, err = s.SetProductStatus(ctx, admin, "checkout", step.slug, step.status)
			mustOK(t, err, "retire product "+step.slug)
		}
		auditBefore := countRows(t, s, "audit_entries")
		retired, err := s.SetDomainStatus(ctx, admin, "checkout", models.DomainRetired)
		mustOK(t, err, "retire domain without live products")
		if retired.Status != models.DomainRetired {
			t.Errorf("retired domain has status %q", retired.Status)
		}
		if got, _ := s.GetDomain(ctx, "checkout"); got == nil || got.Status != models.DomainRetired {
			t.Errorf("stored domain status = %+v, want retired", got)
		}
		e := lastAudit(t, s)
		if countRows(t, s, "audit_entries") != auditBefore+1 || e.Action != "retired" || e.EntityID != d.ID {
			t.Errorf("retiring wrote %+v; want one \"retired\" entry for the domain", e)
		}
		assertChange(t, e, "status", "active", "retired")

		// Retiring again is a no-op without a second audit entry.
		_, err = s.SetDomainStatus(ctx, admin, "checkout", models.DomainRetired)
		mustOK(t, err, "retire twice")
		if n := countRows(t, s, "audit_entries"); n != auditBefore+1 {
			t.Errorf("retiring an already retired domain wrote %d audit entries", n-auditBefore-1)
		}

		back, err := s.SetDomainStatus(ctx, admin, "checkout", models.DomainActive)
		mustOK(t, err, "reactivate domain")
		if back.Status != models.DomainActive {
			t.Errorf("reactivated domain has status %q", back.Status)
		}
		e = lastAudit(t, s)
		if e.Action != "reactivated" {
			t.Errorf("reactivating wrote action %q, want reactivated", e.Action)
		}
		assertChange(t, e, "status", "retired", "active")
	})
}

func TestDomainDelete(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		d := createDomain(t, s, "Checkout", "checkout-team")
		createProduct(t, s, "checkout", "Carts", models.StatusDraft)

		before := rowCounts(t, s)
		assertErr(t, s.DeleteDomain(ctx, admin, "checkout"), models.ECONFLICT, "")
		assertErr(t, s.DeleteDomain(ctx, storetest.Owner("checkout-team"), "checkout"), models.EFORBIDDEN, "")
		assertErr(t, s.DeleteDomain(ctx, admin, "nowhere"), models.ENOTFOUND, "")
		assertNothingWritten(t, s, before)

		mustOK(t, s.DeleteProduct(ctx, admin, "checkout", "carts"), "delete the product")
		auditBefore := countRows(t, s, "audit_entries")
		mustOK(t, s.DeleteDomain(ctx, admin, "checkout"), "delete the empty domain")
		assertErr(t, func() error { _, err := s.GetDomain(ctx, "checkout"); return err }(), models.ENOTFOUND, "")
		if n := countRows(t, s, "domains"); n != 0 {
			t.Errorf("%d domains left after deleting the only one", n)
		}

		// The history outlives the domain.
		if n := countRows(t, s, "audit_entries"); n != auditBefore+1 {
			t.Errorf("deleting wrote %d audit entries, want 1", n-auditBefore)
		}
		log, err := s.AuditLog(ctx, "domain", d.ID, 10)
		mustOK(t, err, "audit log of the deleted domain")
		if len(log) != 2 || log[0].Action != "deleted" || log[1].Action != "created" {
			t.Fatalf("audit log of the deleted domain = %+v; want deleted, created", log)
		}
		assertChange(t, log[0], "name", "Checkout", "")
		assertChange(t, log[0], "owners", "checkout-team", "")

		// The slug is free again.
		createDomain(t, s, "Checkout", "checkout-team")
	})
}

func readOnly(p models.Principal) models.Principal {
	p.ReadOnly = true
	return p
}

func unverified(p models.Principal) models.Principal {
	p.EmailVerified = false
	return p
}

func manyOwners(n int) []string {
	owners := make([]string, n)
	for i := range owners {
		owners[i] = "team-" + strings.Repeat("x", i+1)
	}
	return owners
}
