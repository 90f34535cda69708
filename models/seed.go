package models

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"gorm.io/gorm"
)

// DevIssuer marks users of the local development sign-in.
const DevIssuer = "meshport-dev"

// DemoUsers are the people offered by the local development sign-in: one per role.
func DemoUsers() []User {
	return []User{
		{Issuer: DevIssuer, Subject: "ada", Email: "ada@example.com", EmailVerified: true, Name: "Ada Admin", Groups: StringList{"platform-team"}, Admin: true},
		{Issuer: DevIssuer, Subject: "omar", Email: "omar@example.com", EmailVerified: true, Name: "Omar Owner", Groups: StringList{"checkout-team"}},
		{Issuer: DevIssuer, Subject: "vera", Email: "vera@example.com", EmailVerified: true, Name: "Vera Viewer", Groups: StringList{"analysts"}},
	}
}

// SeedDemo fills an empty database with a few domains and products so a
// newcomer sees a working portal; it does nothing when domains exist.
func (s *Store) SeedDemo(ctx context.Context) error {
	var n int64
	if err := s.db.WithContext(ctx).Model(&Domain{}).Count(&n).Error; err != nil || n > 0 {
		return internal("seed demo", err)
	}
	seeder := Principal{Name: "demo seed", Admin: true, Via: "cli"}
	domains := []DomainInput{
		{Name: "Checkout", Description: "Carts, orders and payments from the web shop.", Owners: []string{"checkout-team", "omar@example.com"}},
		{Name: "Customer", Description: "Customer accounts, consents and segments.", Owners: []string{"crm-team"}},
		{Name: "Logistics", Description: "Warehouses, shipments and delivery tracking.", Owners: []string{"logistics-team"}},
	}
	for _, d := range domains {
		if _, err := s.CreateDomain(ctx, seeder, d); err != nil {
			return err
		}
	}
	products := []ProductInput{
		{Name: "Orders", Domain: "checkout", Owner: "omar@example.com", Description: "Every order placed in the web shop, one row per order line.", Purpose: "Revenue reporting and demand forecasting.", Status: StatusActive, Classification: ClassInternal, Tags: []string{"sales", "daily"}, FreshnessSLA: "24h",
			OutputPorts: []PortInput{{Name: "orders", Type: "table", Location: "analytics.orders"}, {Name: "orders-api", Type: "api", Location: "https://data.example.com/checkout/orders"}}},
		{Name: "Payments", Domain: "checkout", Owner: "checkout-team", Description: "Captured and refunded payments.", Status: StatusActive, Classification: ClassConfidential, ContainsPII: true, FreshnessSLA: "1h",
			OutputPorts: []PortInput{{Name: "payments", Type: "table", Location: "analytics.payments"}}},
		{Name: "Abandoned carts", Domain: "checkout", Owner: "checkout-team", Description: "Carts left without an order.", Status: StatusDraft, Classification: ClassInternal, Tags: []string{"marketing"}},
		{Name: "Customer profiles", Domain: "customer", Owner: "crm-team", Description: "One row per customer with consent flags.", Status: StatusActive, Classification: ClassRestricted, ContainsPII: true, FreshnessSLA: "7d",
			OutputPorts: []PortInput{{Name: "profiles", Type: "view", Location: "crm.customer_profiles"}}},
		{Name: "Shipments", Domain: "logistics", Owner: "logistics-team", Description: "Parcels and their tracking events.", Status: StatusActive, Classification: ClassInternal, FreshnessSLA: "6h",
			OutputPorts: []PortInput{{Name: "shipments", Type: "file", Location: "/data/logistics/shipments/*.parquet"}}},
		{Name: "Legacy stock levels", Domain: "logistics", Owner: "logistics-team", Description: "Nightly stock export from the old ERP.", Status: StatusDraft, Classification: ClassPublic},
	}
	for _, p := range products {
		if _, err := s.CreateProduct(ctx, seeder, p); err != nil {
			return err
		}
	}
	// Walk one product through its lifecycle so the demo shows history.
	if _, err := s.SetProductStatus(ctx, seeder, "logistics", "legacy-stock-levels", StatusRetired); err != nil {
		return err
	}
	return nil
}

// SeedBulk adds nDomains domains and nProducts products spread over them, for
// load tests. It writes in batches without audit entries.
func (s *Store) SeedBulk(ctx context.Context, nDomains, nProducts int) error {
	if nDomains < 1 || nProducts < 0 {
		return Errorf(EINVALID, "Seed at least one domain and zero or more products.")
	}
	words := strings.Fields("orders payments customers shipments invoices returns stock clicks sessions campaigns refunds reviews carts prices suppliers contracts tickets leads churn forecasts")
	rng := rand.New(rand.NewPCG(1, 2)) // fixed seed: repeatable benchmarks
	return s.writeCatalog(ctx, func(tx *gorm.DB) error {
		var existing int64
		tx.Model(&Domain{}).Count(&existing)
		domains := make([]Domain, nDomains)
		for i := range domains {
			n := int(existing) + i + 1
			domains[i] = Domain{Slug: fmt.Sprintf("domain-%d", n), Name: fmt.Sprintf("Domain %d", n),
				Description: "Seeded domain", Owners: StringList{fmt.Sprintf("team-%d", n)}, Status: DomainActive}
		}
		if err := tx.CreateInBatches(domains, 500).Error; err != nil {
			return err
		}
		batch := make([]Product, 0, 500)
		for i := 0; i < nProducts; i++ {
			d := domains[i%nDomains]
			w := words[rng.IntN(len(words))]
			p := Product{DomainID: d.ID, Domain: &d}
			p.apply(ProductInput{
				Name: fmt.Sprintf("%s %d", strings.ToUpper(w[:1])+w[1:], i+1), Slug: fmt.Sprintf("%s-%d", w, i+1),
				Owner: d.Owners[0], Description: "Seeded " + w + " data for load tests.",
				Status: Statuses()[rng.IntN(3)], Classification: Classifications()[rng.IntN(4)],
				Tags: []string{w}, FreshnessSLA: "24h",
			})
			p.Domain, p.OutputPorts = nil, nil
			batch = append(batch, p)
			if len(batch) == cap(batch) || i == nProducts-1 {
				if err := tx.Omit("Domain", "OutputPorts").CreateInBatches(batch, 500).Error; err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
		return nil
	})
}
