package main

import (
	"context"
	"strings"
	"testing"

	"github.com/meshport/meshport/models"
)

// TestLineageFromCrawledViews: a product whose port is a view over another
// product's table reads that product, after a real PostgreSQL crawl; both
// product pages say so, and a hostile name is escaped.
func TestLineageFromCrawledViews(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	db := newSourceDatabase(t, `CREATE TABLE public.orders (id int, amount numeric)`,
		`CREATE VIEW public.daily_revenue AS SELECT sum(amount) AS revenue FROM public.orders`)
	ctx := context.Background()
	src, err := app.Store.CreateSource(ctx, storeAdmin, models.SourceInput{Name: "Shop", Domain: "checkout", Kind: "postgres",
		DSN: "postgres://postgres@127.0.0.1:5432/" + db + "?sslmode=disable", Schedule: "0 2 * * *", TimeZone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []models.ProductInput{
		{Name: "Order lines <b>raw</b>", Slug: "order-lines", Domain: "checkout", Owner: "omar@example.com", Status: models.StatusDraft, Classification: models.ClassInternal,
			OutputPorts: []models.PortInput{{Name: "orders", Type: "table", Location: "public.orders", Source: "shop"}}},
		{Name: "Daily revenue", Domain: "checkout", Owner: "omar@example.com", Status: models.StatusDraft, Classification: models.ClassInternal,
			OutputPorts: []models.PortInput{{Name: "revenue", Type: "view", Location: "public.daily_revenue", Source: "shop"}}},
	} {
		if _, err := app.Store.CreateProduct(ctx, storeAdmin, p); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := app.Sources.Start(src, models.TriggerManual, nil, "test"); err != nil {
		t.Fatal(err)
	}
	app.Sources.Wait()
	vera := app.signedIn(t, "vera")
	revenue := vera.get("/products/checkout/daily-revenue")
	if got := text(revenue.Doc.Find("#lineage")); !strings.Contains(got, "Reads from Order lines <b>raw</b>") {
		t.Errorf("the view's product: %q", got)
	}
	if strings.Contains(revenue.Body, "<b>raw</b>") {
		t.Error("a product name went into the page unescaped")
	}
	lines := vera.get("/products/checkout/order-lines")
	if got := text(lines.Doc.Find("#lineage")); !strings.Contains(got, "Read by Daily revenue") {
		t.Errorf("the table's product: %q", got)
	}
	// A product without lineage shows no section.
	if vera.get("/products/checkout/orders").Doc.Find("#lineage").Length() != 0 {
		t.Error("a lineage section without lineage")
	}
}
