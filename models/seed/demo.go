package seed

import (
	"context"

	"github.com/meshport/meshport/models"
)

// Demo fills an empty database with a few domains and products so a
// newcomer sees a working portal; it does nothing when domains exist.
func Demo(ctx context.Context, s *models.Store) error {
	if domains, err := s.AllDomains(ctx); err != nil || len(domains) > 0 {
		return err
	}
	seeder := models.Principal{Name: "demo seed", Admin: true, Via: "cli"}
	domains := []models.DomainInput{
		{Name: "Checkout", Description: "Carts, orders and payments from the web shop.", Owners: []string{"checkout-team", "omar@example.com"}},
		{Name: "Customer", Description: "Customer accounts, consents and segments.", Owners: []string{"crm-team"}},
		{Name: "Logistics", Description: "Warehouses, shipments and delivery tracking.", Owners: []string{"logistics-team"}},
	}
	for _, d := range domains {
		if _, err := s.CreateDomain(ctx, seeder, d); err != nil {
			return err
		}
	}
	products := []models.ProductInput{
		{Name: "Orders", Domain: "checkout", Owner: "omar@example.com", Description: "Every order placed in the web shop, one row per order line.", Purpose: "Revenue reporting and demand forecasting.", Status: models.StatusActive, Classification: models.ClassInternal, Tags: []string{"sales", "daily"}, FreshnessSLA: "24h",
			OutputPorts: []models.PortInput{{Name: "orders", Type: "table", Location: "analytics.orders"}, {Name: "orders-api", Type: "api", Location: "https://data.example.com/checkout/orders"}}},
		{Name: "Payments", Domain: "checkout", Owner: "checkout-team", Description: "Captured and refunded payments.", Status: models.StatusActive, Classification: models.ClassConfidential, ContainsPII: true, FreshnessSLA: "1h",
			OutputPorts: []models.PortInput{{Name: "payments", Type: "table", Location: "analytics.payments"}}},
		{Name: "Abandoned carts", Domain: "checkout", Owner: "checkout-team", Description: "Carts left without an order.", Status: models.StatusDraft, Classification: models.ClassInternal, Tags: []string{"marketing"}},
		{Name: "Customer profiles", Domain: "customer", Owner: "crm-team", Description: "One row per customer with consent flags.", Status: models.StatusActive, Classification: models.ClassRestricted, ContainsPII: true, FreshnessSLA: "7d",
			OutputPorts: []models.PortInput{{Name: "profiles", Type: "view", Location: "crm.customer_profiles"}}},
		{Name: "Shipments", Domain: "logistics", Owner: "logistics-team", Description: "Parcels and their tracking events.", Status: models.StatusActive, Classification: models.ClassInternal, FreshnessSLA: "6h",
			OutputPorts: []models.PortInput{{Name: "shipments", Type: "file", Location: "/data/logistics/shipments/*.parquet"}}},
		{Name: "Legacy stock levels", Domain: "logistics", Owner: "logistics-team", Description: "Nightly stock export from the old ERP.", Status: models.StatusDraft, Classification: models.ClassPublic},
	}
	for _, p := range products {
		if _, err := s.CreateProduct(ctx, seeder, p); err != nil {
			return err
		}
	}
	// Walk one product through its lifecycle so the demo shows history.
	if _, err := s.SetProductStatus(ctx, seeder, "logistics", "legacy-stock-levels", models.StatusRetired); err != nil {
		return err
	}
	return demoGovernance(ctx, s)
}
