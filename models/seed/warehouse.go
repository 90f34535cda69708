package seed

import (
	"context"
	"fmt"
	"os"

	"github.com/glebarez/sqlite"
	"github.com/meshport/meshport/models"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// WarehouseSlug is the slug of the demo source `make run` registers.
const WarehouseSlug = "demo-warehouse"

// DemoWarehouse writes a small SQLite "warehouse" at path (unless it
// exists) and registers it as a source of the Checkout domain, so the
// local demo has something to crawl. It does nothing when the source exists.
func DemoWarehouse(ctx context.Context, s *models.Store, path string) (*models.Source, error) {
	if src, err := s.GetSource(ctx, WarehouseSlug); err == nil {
		return src, nil
	}
	if _, err := os.Stat(path); os.IsNotExist(err) {
		if err := writeDemoWarehouse(path); err != nil {
			return nil, fmt.Errorf("demo warehouse %s: %w", path, err)
		}
	}
	seeder := models.Principal{Name: "demo seed", Admin: true, Via: "cli"}
	src, err := s.CreateSource(ctx, seeder, models.SourceInput{
		Name: "Demo warehouse", Slug: WarehouseSlug, Domain: "checkout", Kind: "sqlite", DSN: path,
		FreshnessColumns: []string{"main.orders=placed_at"}, Schedule: "0 2 * * *", TimeZone: "UTC",
	})
	if err != nil {
		return nil, err
	}
	// The demo's Orders product reads from the warehouse, so its health
	// shows after the first crawl.
	_, err = s.PatchProduct(ctx, seeder, "checkout", "orders", func(in *models.ProductInput) error {
		for i := range in.OutputPorts {
			if in.OutputPorts[i].Name == "orders" {
				in.OutputPorts[i].Location, in.OutputPorts[i].Source = "main.orders", WarehouseSlug
			}
		}
		return nil
	})
	if models.ErrorCode(err) == models.ENOTFOUND {
		return src, nil // the demo product was deleted; the source stands alone
	}
	if err != nil {
		return nil, err
	}
	return src, demoContract(ctx, s, seeder)
}

func writeDemoWarehouse(path string) error {
	db, err := gorm.Open(sqlite.Open(path), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		return err
	}
	sqlDB, _ := db.DB()
	defer sqlDB.Close()
	return db.Transaction(func(tx *gorm.DB) error {
		for _, stmt := range []string{
			`CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, total NUMERIC, placed_at TIMESTAMP)`,
			`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
			 INSERT INTO orders SELECT i, i % 700, round(abs(random() % 20000) / 100.0, 2), datetime('now', '-' || (i % 90) || ' days') FROM n`,
			`CREATE TABLE order_lines (order_id INTEGER, sku TEXT, quantity INTEGER)`,
			`INSERT INTO order_lines SELECT id, 'SKU-' || (id % 120), 1 + id % 4 FROM orders`,
			`CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT, country TEXT)`,
			`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 700)
			 INSERT INTO customers SELECT i, 'customer' || i || '@example.com', CASE i % 3 WHEN 0 THEN 'DE' WHEN 1 THEN 'FR' ELSE 'NL' END FROM n`,
			`CREATE TABLE tmp_export_2023 (line TEXT)`,
			`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
			 INSERT INTO tmp_export_2023 SELECT hex(randomblob(200)) FROM n`,
			`CREATE VIEW revenue_by_day AS SELECT date(placed_at) AS day, sum(total) AS revenue FROM orders GROUP BY 1`,
		} {
			if err := tx.Exec(stmt).Error; err != nil {
				return err
			}
		}
		return nil
	})
}
