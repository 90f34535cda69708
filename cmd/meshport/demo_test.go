package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDemoWarehouse is what `make run` shows under Sources: a SQLite demo
// source beside the database, crawled once at start.
func TestDemoWarehouse(t *testing.T) {
	t.Parallel()
	cfg := testConfig(filepath.Join(t.TempDir(), "meshport.db"))
	cfg.DemoWarehouse = true
	app := newTestAppWithConfig(t, cfg)
	vera := app.signedIn(t, "vera")
	deadline := time.Now().Add(15 * time.Second)
	for {
		page := vera.get("/sources/demo-warehouse")
		if page.StatusCode != http.StatusOK {
			t.Fatalf("demo source page: %d", page.StatusCode)
		}
		rows := page.texts("#asset-table tbody tr")
		if len(rows) == 5 {
			all := strings.Join(rows, "\n")
			for _, want := range []string{"main.orders", "main.order_lines", "main.customers", "main.tmp_export_2023", "main.revenue_by_day"} {
				if !strings.Contains(all, want) {
					t.Errorf("demo assets lack %s", want)
				}
			}
			if !strings.Contains(rows[0], "5000") && !strings.Contains(all, "5000") {
				t.Errorf("orders row count missing: %q", all)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the demo crawl did not show its assets: %q", rows)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The demo Orders product reads from the warehouse: its health shows.
	page := vera.get("/products/checkout/orders")
	if state := text(page.Doc.Find("#freshness-state")); state != "fresh" {
		t.Errorf("demo Orders freshness %q: %s", state, text(page.Doc.Find("#health")))
	}
	// Its contract promises a column the table lacks (drift), and the
	// crawl ran its quality checks.
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		contract := vera.get("/products/checkout/orders/ports/orders/contract")
		drift, checks := text(contract.Doc.Find("#drift")), contract.texts("#checks tbody tr")
		if strings.Contains(drift, "currency") && len(checks) == 4 {
			for _, row := range checks {
				if !strings.Contains(row, "passed") {
					t.Errorf("demo check did not pass: %q", row)
				}
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("demo contract: drift %q, checks %q", drift, checks)
		}
	}
	// A second start finds the source and does not crawl again by itself.
	if n := app.count(t, "crawl_runs"); n != 1 {
		t.Errorf("%d runs after start, want 1", n)
	}
}
