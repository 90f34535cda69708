package models_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

func TestProductCreateAndGet(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		createDomain(t, s, "Checkout", "checkout-team")
		owner := storetest.Owner("checkout-team")

		in := models.ProductInput{
			Name: " Orders ", Domain: " Checkout ", Owner: "omar@example.com",
			Description: "One row per order line.", Purpose: "Revenue reporting.",
			Classification: " Confidential ", ContainsPII: true,
			Tags:         []string{"Sales", " daily", "sales", ""},
			FreshnessSLA: "24h",
			OutputPorts: []models.PortInput{
				{Name: "orders", Type: "table", Location: "analytics.orders"},
				{}, // a blank form row is dropped
				{Name: "orders-api", Type: "API", Location: "https://data.example.com/orders"},
				{Name: "export", Type: "file", Location: "s3://bucket/orders/"},
				{Name: "quoted", Type: "view", Location: `dwh."Sales Data".orders`},
			},
		}
		created, err := s.CreateProduct(ctx, owner, in)
		mustOK(t, err, "owner creates product")
		if created.ID == 0 || created.Slug != "orders" || created.Status != models.StatusDraft {
			t.Errorf("created product = id %d slug %q status %q; want a stored draft with slug orders", created.ID, created.Slug, created.Status)
		}

		p, err := s.GetProduct(ctx, "checkout", "orders")
		mustOK(t, err, "get product")
		if p.Name != "Orders" || p.Owner != "omar@example.com" || p.Purpose != "Revenue reporting." ||
			p.Classification != models.ClassConfidential || !p.ContainsPII {
			t.Errorf("stored product = %+v", p)
		}
		if p.Domain == nil || p.Domain.Slug != "checkout" {
			t.Errorf("product's domain not loaded: %+v", p.Domain)
		}
		if want := (models.StringList{"sales", "daily"}); !reflect.DeepEqual(p.Tags, want) {
			t.Errorf("tags = %#v, want %#v (lower-cased, blanks and duplicates dropped)", p.Tags, want)
		}
		if p.FreshnessSLA != 1440 || p.FreshnessSLA.String() != "1d" || p.Input().FreshnessSLA != "1d" {
			t.Errorf("SLA 24h stored as %d minutes, shown as %q; want 1440 and 1d", p.FreshnessSLA, p.FreshnessSLA)
		}
		wantPorts := []string{
			"orders table analytics.orders",
			"orders-api api https://data.example.com/orders",
			"export file s3://bucket/orders/",
			`quoted view dwh."Sales Data".orders`,
		}
		if got := portStrings(p.OutputPorts); !reflect.DeepEqual(got, wantPorts) {
			t.Errorf("ports = %q, want %q in this order", got, wantPorts)
		}
		if in := p.Input(); in.Domain != "checkout" || len(in.OutputPorts) != 4 || in.Status != models.StatusDraft {
			t.Errorf("Input() of stored product = %+v", in)
		}

		assertErr(t, func() error { _, err := s.GetProduct(ctx, "checkout", "nothing"); return err }(), models.ENOTFOUND, "")
		assertErr(t, func() error { _, err := s.GetProduct(ctx, "nowhere", "orders"); return err }(), models.ENOTFOUND, "")

		// A product can also start active, and without ports.
		in2 := productInput("checkout", "Payments")
		in2.Status, in2.OutputPorts = "ACTIVE", nil
		p2, err := s.CreateProduct(ctx, admin, in2)
		mustOK(t, err, "create active product without ports")
		if p2.Status != models.StatusActive {
			t.Errorf("product created active has status %q", p2.Status)
		}
	})
}

func TestProductFreshnessSLAStored(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		createDomain(t, s, "Checkout", "checkout-team")
		for i, tt := range []struct{ in, shown string }{
			{"24h", "1d"}, {"90m", "1h30m"}, {"1d12h", "1d12h"}, {"14d", "2w"}, {"", ""}, {"none", ""},
		} {
			in := productInput("checkout", fmt.Sprintf("SLA %d", i))
			in.FreshnessSLA = tt.in
			_, err := s.CreateProduct(ctx, admin, in)
			mustOK(t, err, "create product with SLA "+tt.in)
			p, err := s.GetProduct(ctx, "checkout", fmt.Sprintf("sla-%d", i))
			mustOK(t, err, "get product")
			if p.FreshnessSLA.String() != tt.shown {
				t.Errorf("SLA %q stored and shown as %q, want %q", tt.in, p.FreshnessSLA, tt.shown)
			}
		}
	})
}

func TestProductUpdateReplacesPorts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		createDomain(t, s, "Checkout", "checkout-team")
		in := productInput("checkout", "Orders")
		in.OutputPorts = []models.PortInput{
			{Name: "a", Type: "table", Location: "s.a"},
			{Name: "b", Type: "table", Location: "s.b"},
			{Name: "c", Type: "table", Location: "s.c"},
		}
		p, err := s.CreateProduct(ctx, admin, in)
		mustOK(t, err, "create product")
		other := createProduct(t, s, "checkout", "Payments", models.StatusDraft) // its port must survive

		upd := p.Input()
		upd.Domain = "checkout"
		upd.Description = "Updated."
		upd.Tags = []string{"new"}
		upd.FreshnessSLA = "90m"
		upd.OutputPorts = []models.PortInput{
			{Name: "c", Type: "table", Location: "s.c2"},
			{Name: "d", Type: "stream", Location: "kafka://orders"},
		}
		auditBefore := countRows(t, s, "audit_entries")
		_, err = s.UpdateProduct(ctx, storetest.Owner("checkout-team"), "checkout", "orders", upd)
		mustOK(t, err, "owner updates product")

		got, err := s.GetProduct(ctx, "checkout", "orders")
		mustOK(t, err, "get updated product")
		if want := []string{"c table s.c2", "d stream kafka://orders"}; !reflect.DeepEqual(portStrings(got.OutputPorts), want) {
			t.Errorf("ports after update = %q, want %q", portStrings(got.OutputPorts), want)
		}
		if got.Description != "Updated." || got.FreshnessSLA.String() != "1h30m" || !reflect.DeepEqual(got.Tags, models.StringList{"new"}) {
			t.Errorf("updated product = %+v", got)
		}
		if n := countRows(t, s, "output_ports"); n != 2+int64(len(other.OutputPorts)) {
			t.Errorf("output_ports has %d rows; the old ports of orders must be gone and other products' kept", n)
		}
		if n := countRows(t, s, "audit_entries"); n != auditBefore+1 {
			t.Fatalf("update wrote %d audit entries, want 1", n-auditBefore)
		}
		e := lastAudit(t, s)
		if e.Action != "updated" || e.EntityKey != "checkout/orders" || e.EntityID != p.ID {
			t.Errorf("audit entry = %+v", e)
		}
		if want := []string{"description", "freshness_sla", "output_ports", "tags"}; !reflect.DeepEqual(changedFields(e), want) {
			t.Errorf("audit entry records %v, want %v", changedFields(e), want)
		}
		assertChange(t, e, "output_ports", "a (table): s.a; b (table): s.b; c (table): s.c", "c (table): s.c2; d (stream): kafka://orders")
		assertChange(t, e, "freshness_sla", "", "1h30m")

		// Removing every port.
		upd.OutputPorts = nil
		_, err = s.UpdateProduct(ctx, admin, "checkout", "orders", upd)
		mustOK(t, err, "remove all ports")
		got, _ = s.GetProduct(ctx, "checkout", "orders")
		if len(got.OutputPorts) != 0 {
			t.Errorf("ports after removing all: %q", portStrings(got.OutputPorts))
		}

		// Renaming the slug.
		upd.Slug = "order-lines"
		_, err = s.UpdateProduct(ctx, admin, "checkout", "orders", upd)
		mustOK(t, err, "rename slug")
		if _, err := s.GetProduct(ctx, "checkout", "order-lines"); err != nil {
			t.Errorf("product not found under its new slug: %v", err)
		}

		before := rowCounts(t, s)
		_, err = s.UpdateProduct(ctx, viewer, "checkout", "order-lines", upd)
		assertErr(t, err, models.EFORBIDDEN, "")
		_, err = s.UpdateProduct(ctx, admin, "checkout", "nothing", upd)
		assertErr(t, err, models.ENOTFOUND, "")
		upd.Slug = "payments"
		_, err = s.UpdateProduct(ctx, admin, "checkout", "order-lines", upd)
		assertErr(t, err, models.ECONFLICT, "slug")
		assertNothingWritten(t, s, before)
	})
}

func TestProductList(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		createDomain(t, s, "Checkout", "checkout-team")
		createDomain(t, s, "Logistics", "logistics-team")
		type spec struct {
			domain, name, status, class, desc string
			tags                              []string
		}
		specs := []spec{
			{"checkout", "100% Orange", models.StatusActive, models.ClassPublic, "Juice sales.", nil},
			{"checkout", "1000 Apples", models.StatusActive, models.ClassInternal, "Fruit.", nil},
			{"checkout", "Snake_case Data", models.StatusDraft, models.ClassInternal, "Underscores.", nil},
			{"checkout", "Tree Cover", models.StatusDeprecated, models.ClassConfidential, "Forests.", []string{"nature"}},
			{"logistics", "Shipments", models.StatusActive, models.ClassInternal, `Exported to C:\data\ship.`, nil},
			{"logistics", "Parcels", models.StatusRetired, models.ClassRestricted, "Parcel events.", []string{"tracking"}},
			{"logistics", "Warehouses", models.StatusDraft, models.ClassPublic, "Where stock is.", nil},
		}
		for _, sp := range specs {
			in := productInput(sp.domain, sp.name)
			in.Classification, in.Description, in.Tags = sp.class, sp.desc, sp.tags
			p, err := s.CreateProduct(ctx, admin, in)
			mustOK(t, err, "create "+sp.name)
			for _, st := range pathTo(sp.status) {
				_, err = s.SetProductStatus(ctx, admin, sp.domain, p.Slug, st)
				mustOK(t, err, "walk "+sp.name+" to "+st)
			}
		}

		tests := []struct {
			name   string
			filter models.ProductFilter
			want   []string // names, in the order listed
		}{
			{"all by name", models.ProductFilter{}, []string{"100% Orange", "1000 Apples", "Parcels", "Shipments", "Snake_case Data", "Tree Cover", "Warehouses"}},
			{"percent matches literally", models.ProductFilter{Q: "100%"}, []string{"100% Orange"}},
			{"underscore matches literally", models.ProductFilter{Q: "e_c"}, []string{"Snake_case Data"}},
			{"backslash matches literally", models.ProductFilter{Q: `c:\data`}, []string{"Shipments"}},
			{"text ignores case", models.ProductFilter{Q: "  ORANGE "}, []string{"100% Orange"}},
			{"text in description", models.ProductFilter{Q: "forests"}, []string{"Tree Cover"}},
			{"text in tag", models.ProductFilter{Q: "tracking"}, []string{"Parcels"}},
			{"text in owner", models.ProductFilter{Q: "data-team@"}, []string{"100% Orange", "1000 Apples", "Parcels", "Shipments", "Snake_case Data", "Tree Cover", "Warehouses"}},
			{"text matching nothing", models.ProductFilter{Q: "zebra"}, nil},
			{"domain", models.ProductFilter{Domain: "Logistics"}, []string{"Parcels", "Shipments", "Warehouses"}},
			{"unknown domain", models.ProductFilter{Domain: "nowhere"}, nil},
			{"status", models.ProductFilter{Status: "active"}, []string{"100% Orange", "1000 Apples", "Shipments"}},
			{"classification", models.ProductFilter{Classification: "PUBLIC"}, []string{"100% Orange", "Warehouses"}},
			{"combined", models.ProductFilter{Domain: "checkout", Status: "active", Classification: "internal"}, []string{"1000 Apples"}},
			{"text and domain", models.ProductFilter{Q: "s", Domain: "logistics", Status: "retired"}, []string{"Parcels"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				page, err := s.ListProducts(ctx, tt.filter)
				mustOK(t, err, "list products")
				if got := productNames(page.Items); !reflect.DeepEqual(got, tt.want) {
					t.Errorf("ListProducts(%+v) = %q, want %q", tt.filter, got, tt.want)
				}
				if page.Total != int64(len(tt.want)) {
					t.Errorf("total = %d, want %d", page.Total, len(tt.want))
				}
				for _, p := range page.Items {
					if p.Domain == nil || p.Domain.ID != p.DomainID {
						t.Errorf("listed product %s has no domain loaded", p.Name)
					}
				}
			})
		}

		t.Run("paging", func(t *testing.T) {
			all := []string{"100% Orange", "1000 Apples", "Parcels", "Shipments", "Snake_case Data", "Tree Cover", "Warehouses"}
			for _, tt := range []struct {
				page int
				want []string
			}{{1, all[0:3]}, {2, all[3:6]}, {3, all[6:7]}, {4, nil}} {
				page, err := s.ListProducts(ctx, models.ProductFilter{Page: tt.page, PerPage: 3})
				mustOK(t, err, "list page")
				if got := productNames(page.Items); !reflect.DeepEqual(got, tt.want) {
					t.Errorf("page %d of 3 = %q, want %q", tt.page, got, tt.want)
				}
				if page.Total != 7 || page.Pages() != 3 || page.Page != tt.page || page.PerPage != 3 {
					t.Errorf("page %d: total %d, pages %d, page %d, per page %d; want 7, 3, %d, 3",
						tt.page, page.Total, page.Pages(), page.Page, page.PerPage, tt.page)
				}
			}
			filtered, err := s.ListProducts(ctx, models.ProductFilter{Domain: "checkout", Page: 2, PerPage: 3})
			mustOK(t, err, "list filtered page")
			if got := productNames(filtered.Items); filtered.Total != 4 || filtered.Pages() != 2 || !reflect.DeepEqual(got, []string{"Tree Cover"}) {
				t.Errorf("checkout page 2 of 3 = %q (total %d, pages %d), want [Tree Cover] of 4 in 2 pages", got, filtered.Total, filtered.Pages())
			}
		})

		t.Run("paging bounds", func(t *testing.T) {
			for _, tt := range []struct {
				page, perPage         int
				wantPage, wantPerPage int
			}{
				{0, 0, 1, 50},
				{-3, -1, 1, 50},
				{1, 100, 1, 100},
				{1, 101, 1, 100}, // too many is clamped to the maximum
				{1, 1_000_000, 1, 100},
			} {
				page, err := s.ListProducts(ctx, models.ProductFilter{Page: tt.page, PerPage: tt.perPage})
				mustOK(t, err, "list products")
				if page.Page != tt.wantPage || page.PerPage != tt.wantPerPage || len(page.Items) != 7 {
					t.Errorf("page %d per page %d gave page %d per page %d with %d items; want %d, %d, 7 items",
						tt.page, tt.perPage, page.Page, page.PerPage, len(page.Items), tt.wantPage, tt.wantPerPage)
				}
			}
		})

		t.Run("long text", func(t *testing.T) {
			// Search text is cut to 200 bytes; the cut must not split a
			// character, or PostgreSQL rejects the query as invalid UTF-8.
			for _, q := range []string{strings.Repeat("a", 199) + "é", strings.Repeat("é", 150)} {
				page, err := s.ListProducts(ctx, models.ProductFilter{Q: q})
				if err != nil {
					t.Errorf("ListProducts with a %d-byte query: %v", len(q), err)
				} else if page.Total != 0 {
					t.Errorf("a long query matched %d products", page.Total)
				}
			}
		})
	})
}

func TestProductFilterValidate(t *testing.T) {
	t.Parallel()
	f := models.ProductFilter{Status: " Bogus ", Classification: "secret"}
	f.Normalize()
	errs := f.Validate()
	if _, ok := errs["status"]; !ok {
		t.Errorf("unknown status not reported: %v", errs)
	}
	if _, ok := errs["classification"]; !ok {
		t.Errorf("unknown classification not reported: %v", errs)
	}
	ok := models.ProductFilter{Status: "Active", Classification: "internal"}
	ok.Normalize()
	if errs := ok.Validate(); len(errs) != 0 {
		t.Errorf("valid filter reported %v", errs)
	}
}

func TestProductStatusTransitions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from, to string
		allowed  bool
	}{
		{models.StatusDraft, models.StatusActive, true},
		{models.StatusDraft, models.StatusRetired, true},
		{models.StatusActive, models.StatusDeprecated, true},
		{models.StatusDeprecated, models.StatusRetired, true},
		{models.StatusDeprecated, models.StatusActive, true},
		{models.StatusDraft, models.StatusDeprecated, false},
		{models.StatusActive, models.StatusRetired, false},
		{models.StatusActive, models.StatusDraft, false},
		{models.StatusDeprecated, models.StatusDraft, false},
		{models.StatusRetired, models.StatusActive, false},
		{models.StatusRetired, models.StatusDeprecated, false},
		{models.StatusRetired, models.StatusDraft, false},
	}
	for _, tt := range tests {
		if got := models.CanTransition(tt.from, tt.to); got != tt.allowed {
			t.Errorf("CanTransition(%s, %s) = %v, want %v", tt.from, tt.to, got, tt.allowed)
		}
	}
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		createDomain(t, s, "Checkout", "checkout-team")
		for i, tt := range tests {
			name := fmt.Sprintf("%s to %s", tt.from, tt.to)
			t.Run("SetProductStatus "+name, func(t *testing.T) {
				p := createProduct(t, s, "checkout", fmt.Sprintf("Set %d", i), tt.from)
				before := rowCounts(t, s)
				got, err := s.SetProductStatus(ctx, admin, "checkout", p.Slug, tt.to)
				if !tt.allowed {
					assertErr(t, err, models.ECONFLICT, "status")
					assertNothingWritten(t, s, before)
					assertStatus(t, s, p.Slug, tt.from)
					return
				}
				mustOK(t, err, name)
				if got.Status != tt.to {
					t.Errorf("returned status %q, want %q", got.Status, tt.to)
				}
				assertStatus(t, s, p.Slug, tt.to)
				if n := countRows(t, s, "audit_entries"); n != before["audit_entries"]+1 {
					t.Fatalf("status change wrote %d audit entries, want 1", n-before["audit_entries"])
				}
				e := lastAudit(t, s)
				if e.Action != "status changed" || e.EntityKey != "checkout/"+p.Slug {
					t.Errorf("audit entry = %+v", e)
				}
				if want := []string{"status"}; !reflect.DeepEqual(changedFields(e), want) {
					t.Errorf("audit entry records %v, want only status", changedFields(e))
				}
				assertChange(t, e, "status", tt.from, tt.to)
			})
			t.Run("UpdateProduct "+name, func(t *testing.T) {
				p := createProduct(t, s, "checkout", fmt.Sprintf("Update %d", i), tt.from)
				in := p.Input()
				in.Domain, in.Status = "checkout", tt.to
				before := rowCounts(t, s)
				_, err := s.UpdateProduct(ctx, admin, "checkout", p.Slug, in)
				if !tt.allowed {
					assertErr(t, err, models.EINVALID, "status")
					assertNothingWritten(t, s, before)
					assertStatus(t, s, p.Slug, tt.from)
					return
				}
				mustOK(t, err, name)
				assertStatus(t, s, p.Slug, tt.to)
			})
		}

		p := createProduct(t, s, "checkout", "Odd", models.StatusActive)
		before := rowCounts(t, s)
		_, err := s.SetProductStatus(ctx, admin, "checkout", p.Slug, "finished")
		assertErr(t, err, models.EINVALID, "status")
		_, err = s.SetProductStatus(ctx, viewer, "checkout", p.Slug, models.StatusDeprecated)
		assertErr(t, err, models.EFORBIDDEN, "")
		_, err = s.SetProductStatus(ctx, admin, "checkout", "nothing", models.StatusDeprecated)
		assertErr(t, err, models.ENOTFOUND, "")
		// Staying in the same status is allowed and writes nothing.
		_, err = s.SetProductStatus(ctx, admin, "checkout", p.Slug, models.StatusActive)
		mustOK(t, err, "set the same status")
		assertNothingWritten(t, s, before)

		// The ports survive a status change.
		_, err = s.SetProductStatus(ctx, admin, "checkout", p.Slug, models.StatusDeprecated)
		mustOK(t, err, "deprecate")
		got, _ := s.GetProduct(ctx, "checkout", p.Slug)
		if want := []string{"main table analytics.main"}; got == nil || !reflect.DeepEqual(portStrings(got.OutputPorts), want) {
			t.Errorf("ports after a status change = %v, want %q", got, want)
		}
		if n := countRows(t, s, "output_ports"); n != before["output_ports"] {
			t.Errorf("a status change changed output_ports from %d to %d rows", before["output_ports"], n)
		}
	})
}

func TestProductDelete(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		createDomain(t, s, "Checkout", "checkout-team")
		for _, st := range []string{models.StatusActive, models.StatusDeprecated} {
			p := createProduct(t, s, "checkout", "Live "+st, st)
			before := rowCounts(t, s)
			err := s.DeleteProduct(ctx, admin, "checkout", p.Slug)
			assertErr(t, err, models.ECONFLICT, "")
			assertNothingWritten(t, s, before)
		}

		draft := createProduct(t, s, "checkout", "Draft", models.StatusDraft)
		before := rowCounts(t, s)
		assertErr(t, s.DeleteProduct(ctx, viewer, "checkout", draft.Slug), models.EFORBIDDEN, "")
		assertErr(t, s.DeleteProduct(ctx, storetest.Owner("other-team"), "checkout", draft.Slug), models.EFORBIDDEN, "")
		assertErr(t, s.DeleteProduct(ctx, admin, "checkout", "nothing"), models.ENOTFOUND, "")
		assertNothingWritten(t, s, before)

		for _, st := range []string{models.StatusDraft, models.StatusRetired} {
			p := createProduct(t, s, "checkout", "Gone "+st, st)
			before := rowCounts(t, s)
			mustOK(t, s.DeleteProduct(ctx, storetest.Owner("checkout-team"), "checkout", p.Slug), "delete "+st+" product")
			assertErr(t, func() error { _, err := s.GetProduct(ctx, "checkout", p.Slug); return err }(), models.ENOTFOUND, "")
			after := rowCounts(t, s)
			if after["products"] != before["products"]-1 || after["output_ports"] != before["output_ports"]-1 || after["audit_entries"] != before["audit_entries"]+1 {
				t.Errorf("deleting a %s product changed row counts from %v to %v; want one product and its port gone, one audit entry", st, before, after)
			}
			e := lastAudit(t, s)
			if e.Action != "deleted" || e.EntityID != p.ID || e.EntityKey != "checkout/"+p.Slug || e.Actor != "owner@example.com" {
				t.Errorf("audit entry = %+v", e)
			}
			assertChange(t, e, "status", st, "")
		}
	})
}

func TestProductMove(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		createDomain(t, s, "Alpha", "team-a")
		createDomain(t, s, "Beta", "team-b")
		createDomain(t, s, "Gamma", "team-a", "team-b")
		createProduct(t, s, "beta", "Taken", models.StatusDraft)
		createProduct(t, s, "gamma", "Gone", models.StatusRetired)
		_, err := s.SetDomainStatus(ctx, admin, "gamma", models.DomainRetired)
		mustOK(t, err, "retire gamma")
		p := createProduct(t, s, "alpha", "Orders", models.StatusActive)

		move := func(who models.Principal, to, slug string) error {
			in := p.Input()
			in.Domain, in.Slug = to, slug
			_, err := s.UpdateProduct(ctx, who, "alpha", "orders", in)
			return err
		}
		before := rowCounts(t, s)
		assertErr(t, move(storetest.Owner("team-a"), "beta", ""), models.EFORBIDDEN, "")
		assertErr(t, move(storetest.Owner("team-b"), "beta", ""), models.EFORBIDDEN, "")
		assertErr(t, move(admin, "nowhere", ""), models.EINVALID, "domain")
		assertErr(t, move(admin, "gamma", ""), models.EINVALID, "domain")
		assertErr(t, move(admin, "beta", "taken"), models.ECONFLICT, "slug")
		assertNothingWritten(t, s, before)

		mustOK(t, move(storetest.Owner("team-a", "team-b"), "beta", ""), "owner of both moves the product")
		moved, err := s.GetProduct(ctx, "beta", "orders")
		mustOK(t, err, "get moved product")
		if moved.ID != p.ID || moved.Domain.Slug != "beta" || len(moved.OutputPorts) != 1 {
			t.Errorf("moved product = %+v", moved)
		}
		assertErr(t, func() error { _, err := s.GetProduct(ctx, "alpha", "orders"); return err }(), models.ENOTFOUND, "")
		e := lastAudit(t, s)
		if e.Action != "updated" || e.EntityKey != "beta/orders" || e.Actor != "owner@example.com" {
			t.Errorf("audit entry = %+v", e)
		}
		assertChange(t, e, "domain", "alpha", "beta")

		list, _ := s.ListDomains(ctx)
		for _, d := range list {
			if d.Slug == "alpha" && d.Products != 0 || d.Slug == "beta" && d.Products != 2 {
				t.Errorf("after the move %s counts %d products", d.Slug, d.Products)
			}
		}

		// A product already in a retired domain can still be edited there.
		retired, err := s.GetProduct(ctx, "gamma", "gone")
		mustOK(t, err, "get product in retired domain")
		in := retired.Input()
		in.Description = "Kept for the record."
		_, err = s.UpdateProduct(ctx, admin, "gamma", "gone", in)
		mustOK(t, err, "edit product in retired domain")
	})
}

func TestProductSameSlugInOtherDomain(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		createDomain(t, s, "Checkout", "checkout-team")
		createDomain(t, s, "Logistics", "logistics-team")
		a := createProduct(t, s, "checkout", "Events", models.StatusDraft)
		b := createProduct(t, s, "logistics", "Events", models.StatusDraft)
		if a.Slug != "events" || b.Slug != "events" || a.ID == b.ID {
			t.Fatalf("products = %s#%d and %s#%d; want two products named events", a.Slug, a.ID, b.Slug, b.ID)
		}
		for _, d := range []string{"checkout", "logistics"} {
			p, err := s.GetProduct(ctx, d, "events")
			mustOK(t, err, "get "+d+"/events")
			if p.Domain.Slug != d {
				t.Errorf("GetProduct(%s, events) returned the product of %s", d, p.Domain.Slug)
			}
		}
	})
}

func TestProductCreateBadInput(t *testing.T) {
	t.Parallel()
	ports := func(n int) []models.PortInput {
		out := make([]models.PortInput, n)
		for i := range out {
			out[i] = models.PortInput{Name: fmt.Sprintf("p%d", i), Type: "table", Location: fmt.Sprintf("s.t%d", i)}
		}
		return out
	}
	port := func(name, typ, loc string) []models.PortInput {
		return []models.PortInput{{Name: name, Type: typ, Location: loc}}
	}
	tests := []struct {
		name   string
		p      models.Principal
		change func(in *models.ProductInput)
		code   string
		field  string
	}{
		{"empty name", admin, func(in *models.ProductInput) { in.Name = "" }, models.EINVALID, "name"},
		{"name over 100", admin, func(in *models.ProductInput) { in.Name = strings.Repeat("n", 101) }, models.EINVALID, "name"},
		{"bad slug", admin, func(in *models.ProductInput) { in.Slug = "Bad Slug!" }, models.EINVALID, "slug"},
		{"no domain", admin, func(in *models.ProductInput) { in.Domain = "" }, models.EINVALID, "domain"},
		{"unknown domain", admin, func(in *models.ProductInput) { in.Domain = "nowhere" }, models.EINVALID, "domain"},
		{"retired domain", admin, func(in *models.ProductInput) { in.Domain = "archive" }, models.EINVALID, "domain"},
		{"duplicate slug in domain", admin, func(in *models.ProductInput) { in.Name = "Taken" }, models.ECONFLICT, "slug"},
		{"duplicate explicit slug", admin, func(in *models.ProductInput) { in.Slug = "taken" }, models.ECONFLICT, "slug"},
		{"duplicate slug and bad tag", admin, func(in *models.ProductInput) { in.Slug = "taken"; in.Tags = []string{"a b"} }, models.EINVALID, "tags"},
		{"bad status", admin, func(in *models.ProductInput) { in.Status = "finished" }, models.EINVALID, "status"},
		{"new product retired", admin, func(in *models.ProductInput) { in.Status = models.StatusRetired }, models.EINVALID, "status"},
		{"new product deprecated", admin, func(in *models.ProductInput) { in.Status = models.StatusDeprecated }, models.EINVALID, "status"},
		{"bad classification", admin, func(in *models.ProductInput) { in.Classification = "secret" }, models.EINVALID, "classification"},
		{"no classification", admin, func(in *models.ProductInput) { in.Classification = "" }, models.EINVALID, "classification"},
		{"SLA soon", admin, func(in *models.ProductInput) { in.FreshnessSLA = "soon" }, models.EINVALID, "freshness_sla"},
		{"SLA 0m", admin, func(in *models.ProductInput) { in.FreshnessSLA = "0m" }, models.EINVALID, "freshness_sla"},
		{"SLA 400d", admin, func(in *models.ProductInput) { in.FreshnessSLA = "400d" }, models.EINVALID, "freshness_sla"},
		{"tag with space", admin, func(in *models.ProductInput) { in.Tags = []string{"ok", "not ok"} }, models.EINVALID, "tags"},
		{"tag over 32", admin, func(in *models.ProductInput) { in.Tags = []string{strings.Repeat("t", 33)} }, models.EINVALID, "tags"},
		{"21 tags", admin, func(in *models.ProductInput) { in.Tags = manyTags(21) }, models.EINVALID, "tags"},
		{"port without name", admin, func(in *models.ProductInput) { in.OutputPorts = port("", "table", "s.t") }, models.EINVALID, "output_ports[0].name"},
		{"port name with space", admin, func(in *models.ProductInput) { in.OutputPorts = port("my port", "table", "s.t") }, models.EINVALID, "output_ports[0].name"},
		{"duplicate port names", admin, func(in *models.ProductInput) {
			in.OutputPorts = []models.PortInput{{Name: "orders", Type: "table", Location: "s.a"}, {Name: "Orders", Type: "table", Location: "s.b"}}
		}, models.EINVALID, "output_ports[1].name"},
		{"port without location", admin, func(in *models.ProductInput) { in.OutputPorts = port("p", "table", "") }, models.EINVALID, "output_ports[0].location"},
		{"port type unknown", admin, func(in *models.ProductInput) { in.OutputPorts = port("p", "warehouse", "s.t") }, models.EINVALID, "output_ports[0].type"},
		{"table not a table", admin, func(in *models.ProductInput) { in.OutputPorts = port("p", "table", "not a table") }, models.EINVALID, "output_ports[0].location"},
		{"table without schema", admin, func(in *models.ProductInput) { in.OutputPorts = port("p", "table", "orders") }, models.EINVALID, "output_ports[0].location"},
		{"view with four parts", admin, func(in *models.ProductInput) { in.OutputPorts = port("p", "view", "a.b.c.d") }, models.EINVALID, "output_ports[0].location"},
		{"api over ftp", admin, func(in *models.ProductInput) { in.OutputPorts = port("p", "api", "ftp://x") }, models.EINVALID, "output_ports[0].location"},
		{"api without host", admin, func(in *models.ProductInput) { in.OutputPorts = port("p", "api", "https://") }, models.EINVALID, "output_ports[0].location"},
		{"file relative", admin, func(in *models.ProductInput) { in.OutputPorts = port("p", "file", "data/orders.csv") }, models.EINVALID, "output_ports[0].location"},
		{"location over 500", admin, func(in *models.ProductInput) {
			in.OutputPorts = port("p", "file", "/"+strings.Repeat("x", 500))
		}, models.EINVALID, "output_ports[0].location"},
		{"second port bad", admin, func(in *models.ProductInput) {
			in.OutputPorts = append(ports(1), models.PortInput{Name: "x", Type: "api", Location: "nope"})
		}, models.EINVALID, "output_ports[1].location"},
		{"21 ports", admin, func(in *models.ProductInput) { in.OutputPorts = ports(21) }, models.EINVALID, "output_ports"},
		{"no owner", admin, func(in *models.ProductInput) { in.Owner = "" }, models.EINVALID, "owner"},
		{"owner invalid", admin, func(in *models.ProductInput) { in.Owner = "<script>" }, models.EINVALID, "owner"},
		{"owner bad email", admin, func(in *models.ProductInput) { in.Owner = "not an email@" }, models.EINVALID, "owner"},
		{"description over 2000", admin, func(in *models.ProductInput) { in.Description = strings.Repeat("d", 2001) }, models.EINVALID, "description"},
		{"purpose over 2000", admin, func(in *models.ProductInput) { in.Purpose = strings.Repeat("p", 2001) }, models.EINVALID, "purpose"},
		{"owner of another domain", storetest.Owner("logistics-team"), func(in *models.ProductInput) {}, models.EFORBIDDEN, ""},
		{"viewer", viewer, func(in *models.ProductInput) {}, models.EFORBIDDEN, ""},
		{"read-only owner", readOnly(storetest.Owner("checkout-team")), func(in *models.ProductInput) {}, models.EFORBIDDEN, ""},
		{"read-only admin", readOnly(admin), func(in *models.ProductInput) {}, models.EFORBIDDEN, ""},
		{"unverified email owner", unverified(storetest.Owner()), func(in *models.ProductInput) { in.Domain = "personal" }, models.EFORBIDDEN, ""},
	}
	valid := func() models.ProductInput {
		in := productInput("checkout", "Orders")
		in.Tags = []string{"sales"}
		in.FreshnessSLA = "24h"
		in.OutputPorts = append(ports(2), models.PortInput{Name: "api", Type: "api", Location: "https://data.example.com/orders"})
		return in
	}
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		createDomain(t, s, "Checkout", "checkout-team")
		createDomain(t, s, "Personal", "owner@example.com")
		createDomain(t, s, "Logistics", "logistics-team")
		createDomain(t, s, "Archive", "archive-team")
		mustOK(t, func() error { _, err := s.SetDomainStatus(ctx, admin, "archive", models.DomainRetired); return err }(), "retire archive")
		createProduct(t, s, "checkout", "Taken", models.StatusDraft)

		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := valid()
				tt.change(&in)
				before := rowCounts(t, s)
				p, err := s.CreateProduct(ctx, tt.p, in)
				assertErr(t, err, tt.code, tt.field)
				if p != nil {
					t.Errorf("failed create returned a product: %+v", p)
				}
				assertNothingWritten(t, s, before)
			})
		}
		// The valid input itself passes, for an admin and for owners by
		// group and by verified email.
		for i, who := range []models.Principal{admin, storetest.Owner("checkout-team"), storetest.Owner()} {
			in := valid()
			in.Name = fmt.Sprintf("Valid %d", i)
			if len(who.Groups) == 0 && !who.Admin {
				in.Domain = "personal"
			}
			_, err := s.CreateProduct(ctx, who, in)
			mustOK(t, err, "create the valid product as "+who.Label())
		}
	})
}

func manyTags(n int) []string {
	tags := make([]string, n)
	for i := range tags {
		tags[i] = fmt.Sprintf("tag%d", i)
	}
	return tags
}

func portStrings(ports []models.OutputPort) []string {
	var out []string
	for _, p := range ports {
		out = append(out, p.Name+" "+p.Type+" "+p.Location)
	}
	return out
}

func productNames(ps []models.Product) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}

func assertStatus(t *testing.T, s *models.Store, slug, want string) {
	t.Helper()
	p, err := s.GetProduct(ctx, "checkout", slug)
	mustOK(t, err, "get product "+slug)
	if p.Status != want {
		t.Errorf("stored status of %s = %q, want %q", slug, p.Status, want)
	}
}

// TestListSeesWritesOfOtherStores: two stores on one database stand for two
// replicas of the portal; after every kind of write, lists on both must
// show it, whatever either had cached before.
func TestListSeesWritesOfOtherStores(t *testing.T) {
	t.Parallel()
	// Compare versions on every read: this test is about correctness across
	// replicas, not the recheck interval (tested below).
	everyRead := models.Options{CatalogRecheck: -1}
	storetest.EachWith(t, everyRead, func(t *testing.T, a *models.Store) {
		b := models.NewStore(a.DB(), everyRead)
		stores := map[string]*models.Store{"a": a, "b": b}
		// check lists on both stores, which also fills their caches for
		// the next write to invalidate.
		check := func(after string, f models.ProductFilter, products []string, domains string) {
			t.Helper()
			for name, s := range stores {
				page, err := s.ListProducts(ctx, f)
				mustOK(t, err, "list products")
				if got := productNames(page.Items); !reflect.DeepEqual(got, products) {
					t.Errorf("after %s, store %s lists %+v as %q, want %q", after, name, f, got, products)
				}
				list, err := s.ListDomains(ctx)
				mustOK(t, err, "list domains")
				var got []string
				for _, d := range list {
					got = append(got, fmt.Sprintf("%s:%s:%d", d.Slug, d.Status, d.Products))
				}
				if strings.Join(got, " ") != domains {
					t.Errorf("after %s, store %s lists domains %q, want %q", after, name, strings.Join(got, " "), domains)
				}
			}
		}
		check("nothing", models.ProductFilter{}, nil, "")

		createDomain(t, a, "Checkout", "checkout-team")
		check("a created a domain", models.ProductFilter{}, nil, "checkout:active:0")

		createProduct(t, b, "checkout", "Orders", models.StatusDraft)
		check("b created a product", models.ProductFilter{}, []string{"Orders"}, "checkout:active:1")

		_, err := a.SetProductStatus(ctx, admin, "checkout", "orders", models.StatusActive)
		mustOK(t, err, "activate on a")
		check("a activated it", models.ProductFilter{Status: "active"}, []string{"Orders"}, "checkout:active:1")

		in := productInput("checkout", "Orders")
		in.Status, in.Description = models.StatusActive, "Card payments"
		_, err = b.UpdateProduct(ctx, admin, "checkout", "orders", in)
		mustOK(t, err, "update on b")
		check("b described it", models.ProductFilter{Q: "card"}, []string{"Orders"}, "checkout:active:1")

		_, err = a.UpdateDomain(ctx, admin, "checkout", models.DomainInput{Name: "Shop", Slug: "shop", Owners: []string{"x"}})
		mustOK(t, err, "rename domain on a")
		check("a renamed the domain", models.ProductFilter{Domain: "shop"}, []string{"Orders"}, "shop:active:1")

		for _, st := range []string{models.StatusDeprecated, models.StatusRetired} {
			_, err = b.SetProductStatus(ctx, admin, "shop", "orders", st)
			mustOK(t, err, "retire on b")
		}
		_, err = b.SetDomainStatus(ctx, admin, "shop", models.DomainRetired)
		mustOK(t, err, "retire domain on b")
		check("b retired the domain", models.ProductFilter{Status: "retired"}, []string{"Orders"}, "shop:retired:1")

		mustOK(t, a.DeleteProduct(ctx, admin, "shop", "orders"), "delete product on a")
		check("a deleted the product", models.ProductFilter{}, nil, "shop:retired:0")

		mustOK(t, b.DeleteDomain(ctx, admin, "shop"), "delete domain on b")
		check("b deleted the domain", models.ProductFilter{}, nil, "")
	})
}

// Products of the same name list in the order they were created, on every
// page alike.
func TestListSameNames(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		var want []string
		for _, d := range []string{"Zulu", "Alpha", "Mike"} {
			createDomain(t, s, d, "team")
			p := createProduct(t, s, strings.ToLower(d), "Events", models.StatusDraft)
			want = append(want, fmt.Sprintf("%s#%d", strings.ToLower(d), p.ID))
		}
		var got []string
		for page := 1; page <= 3; page++ {
			res, err := s.ListProducts(ctx, models.ProductFilter{Page: page, PerPage: 1})
			mustOK(t, err, "list products")
			for _, p := range res.Items {
				got = append(got, fmt.Sprintf("%s#%d", p.Domain.Slug, p.ID))
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("same-named products listed as %v, want by id %v", got, want)
		}
	})
}

// A filter on a domain that does not exist matches nothing. (Unknown
// statuses and classifications are for callers to refuse with
// ProductFilter.Validate; see TestProductFilterValidate.)
func TestListUnknownDomain(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		createDomain(t, s, "Checkout", "checkout-team")
		createProduct(t, s, "checkout", "Orders", models.StatusActive)
		page, err := s.ListProducts(ctx, models.ProductFilter{Domain: "nowhere"})
		mustOK(t, err, "list products")
		if page.Total != 0 || len(page.Items) != 0 {
			t.Errorf("ListProducts(domain nowhere) = %q (total %d), want nothing", productNames(page.Items), page.Total)
		}
	})
}

// TestCatalogRecheckInterval: with the default interval a store shows its
// own writes at once and another replica's once the interval has passed.
func TestCatalogRecheckInterval(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, a *models.Store) {
		b := models.NewStore(a.DB(), models.Options{CatalogRecheck: 2 * time.Second}) // long enough that a slow machine stays within it
		createDomain(t, a, "Checkout", "checkout-team")
		createProduct(t, a, "checkout", "Orders", models.StatusDraft)
		names := func(s *models.Store) []string {
			page, err := s.ListProducts(ctx, models.ProductFilter{})
			mustOK(t, err, "list products")
			return productNames(page.Items)
		}
		if got := names(b); !reflect.DeepEqual(got, []string{"Orders"}) {
			t.Fatalf("b lists %q before any cache, want [Orders]", got)
		}
		createProduct(t, b, "checkout", "Payments", models.StatusDraft)
		if got := names(b); !reflect.DeepEqual(got, []string{"Orders", "Payments"}) {
			t.Fatalf("b does not see its own write at once: %q", got)
		}
		createProduct(t, a, "checkout", "Refunds", models.StatusDraft)
		if got := names(b); !reflect.DeepEqual(got, []string{"Orders", "Payments"}) {
			t.Fatalf("within the interval b lists %q; the snapshot should still be trusted", got)
		}
		time.Sleep(2100 * time.Millisecond)
		if got := names(b); !reflect.DeepEqual(got, []string{"Orders", "Payments", "Refunds"}) {
			t.Fatalf("after the interval b lists %q, want a's write too", got)
		}
	})
}
