package models_test

import (
	"reflect"
	"testing"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

func TestMigrations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ids, err := s.AppliedMigrations(ctx)
		mustOK(t, err, "applied migrations")
		if want := []string{"0001_initial"}; !reflect.DeepEqual(ids, want) {
			t.Fatalf("applied migrations = %v, want %v", ids, want)
		}

		for _, table := range []string{"schema_migrations", "domains", "products", "output_ports",
			"audit_entries", "users", "sessions", "api_tokens"} {
			if !s.DB().Migrator().HasTable(table) {
				t.Errorf("table %s is missing after migration", table)
			}
		}

		// A second run (every start of the portal) changes nothing and
		// keeps the data.
		createDomain(t, s, "Checkout", "checkout-team")
		mustOK(t, s.Migrate(ctx), "second migrate")
		ids, err = s.AppliedMigrations(ctx)
		mustOK(t, err, "applied migrations after second migrate")
		if want := []string{"0001_initial"}; !reflect.DeepEqual(ids, want) {
			t.Errorf("applied migrations after second migrate = %v, want %v", ids, want)
		}
		if n := countRows(t, s, "schema_migrations"); n != 1 {
			t.Errorf("schema_migrations has %d rows after a second migrate, want 1", n)
		}
		if n := countRows(t, s, "domains"); n != 1 {
			t.Errorf("domains has %d rows after a second migrate, want the 1 created before", n)
		}
	})
}

// The models' GORM tags must agree with the schema the migration creates:
// a column the model needs but the migration lacks would fail at run time.
func TestMigrationMatchesModels(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		m := s.DB().Migrator()
		for _, model := range []any{&models.Domain{}, &models.Product{}, &models.OutputPort{},
			&models.AuditEntry{}, &models.User{}, &models.Session{}, &models.APIToken{}} {
			stmt := s.DB().Model(model).Statement
			if err := stmt.Parse(model); err != nil {
				t.Fatalf("parse %T: %v", model, err)
			}
			for _, field := range stmt.Schema.Fields {
				if field.DBName == "" {
					continue
				}
				if !m.HasColumn(model, field.DBName) {
					t.Errorf("%s.%s (%T.%s) is not in the migrated schema", stmt.Schema.Table, field.DBName, model, field.Name)
				}
			}
		}
	})
}
