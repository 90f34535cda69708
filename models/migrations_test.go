package models_test

import (
	"reflect"
	"testing"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

func TestMigrations(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ids, err := s.AppliedMigrations(ctx)
		mustOK(t, err, "applied migrations")
		if len(ids) == 0 || ids[0] != "0001_initial" {
			t.Fatalf("applied migrations = %v, want 0001_initial first", ids)
		}
		for i := 1; i < len(ids); i++ {
			if ids[i] <= ids[i-1] {
				t.Errorf("applied migrations %v are not in order of their ids", ids)
			}
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
		again, err := s.AppliedMigrations(ctx)
		mustOK(t, err, "applied migrations after second migrate")
		if !reflect.DeepEqual(again, ids) {
			t.Errorf("applied migrations after second migrate = %v, want %v as before", again, ids)
		}
		if n := countRows(t, s, "schema_migrations"); n != int64(len(ids)) {
			t.Errorf("schema_migrations has %d rows after a second migrate, want %d", n, len(ids))
		}
		if n := countRows(t, s, "domains"); n != 1 {
			t.Errorf("domains has %d rows after a second migrate, want the 1 created before", n)
		}
	})
}

// The models' GORM tags must agree with the schema the migration creates:
// a column the model needs but the migration lacks would fail at run time.
func TestMigrationMatchesModels(t *testing.T) {
	t.Parallel()
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
