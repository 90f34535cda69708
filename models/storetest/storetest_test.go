package storetest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

func TestEachGivesFreshMigratedStores(t *testing.T) {
	dialects := map[string]bool{}
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		dialects[s.Dialect()] = true
		if err := s.Ping(context.Background()); err != nil {
			t.Fatalf("ping: %v", err)
		}
		ids, err := s.AppliedMigrations(context.Background())
		if err != nil || len(ids) == 0 {
			t.Fatalf("store is not migrated: %v %v", ids, err)
		}
		var n int64
		if err := s.DB().Table("domains").Count(&n).Error; err != nil || n != 0 {
			t.Fatalf("fresh store has %d domains (%v), want 0", n, err)
		}
	})
	switch {
	case !dialects["sqlite"]:
		t.Errorf("Each ran on %v, without sqlite", dialects)
	case !dialects["postgres"] && !testing.Short(): // -short leaves PostgreSQL out
		t.Errorf("Each ran on %v, want sqlite and postgres", dialects)
	}
}

func TestPostgresDropsDatabaseAtCleanup(t *testing.T) {
	var name string
	t.Run("create", func(t *testing.T) {
		s := storetest.Postgres(t)
		name = s.DB().Migrator().CurrentDatabase()
		if !strings.HasPrefix(name, "meshport_test_") {
			t.Fatalf("database name %q lacks the meshport_test_ prefix", name)
		}
	})
	// The subtest's cleanup has run; ask another test database whether
	// the first one is gone.
	s := storetest.Postgres(t)
	var n int64
	if err := s.DB().Raw("SELECT count(*) FROM pg_database WHERE datname = ?", name).Scan(&n).Error; err != nil {
		t.Fatalf("query pg_database: %v", err)
	}
	if n != 0 {
		t.Errorf("database %s still exists after its test ended", name)
	}
}

func TestPrincipals(t *testing.T) {
	for name, p := range map[string]models.Principal{
		"admin": storetest.Admin(), "owner": storetest.Owner("team"), "viewer": storetest.Viewer(),
	} {
		if p.UserID == 0 || !p.EmailVerified || !p.SignedIn() {
			t.Errorf("%s principal %+v: want a signed-in user with a verified email", name, p)
		}
	}
	d := &models.Domain{Owners: models.StringList{"team"}}
	if !storetest.Owner("team").CanEditDomain(d) || storetest.Viewer().CanEditDomain(d) || !storetest.Admin().CanCreateDomain() {
		t.Errorf("principals do not have the rights their names promise")
	}
}
