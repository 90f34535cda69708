package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestStaleTemplatesAreDropped: a template left by a killed test process
// (over two hours old) goes the next time a template is made; a recent one,
// perhaps another process's in use, stays.
func TestStaleTemplatesAreDropped(t *testing.T) {
	_, admin := postgresAdmin(t)
	ctx := context.Background()
	old := fmt.Sprintf("meshport_tpl_%d_%s", time.Now().Add(-3*time.Hour).Unix(), randomHex(4))
	recent := fmt.Sprintf("meshport_tpl_%d_%s", time.Now().Add(-time.Hour).Unix(), randomHex(4))
	for _, name := range []string{old, recent} {
		if _, err := admin.ExecContext(ctx, `CREATE DATABASE "`+name+`"`); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, name := range []string{old, recent} {
			_, _ = admin.ExecContext(context.Background(), `DROP DATABASE IF EXISTS "`+name+`" WITH (FORCE)`)
		}
	})
	dropStaleTemplates(ctx, admin)
	exists := func(name string) bool {
		var n int
		if err := admin.QueryRowContext(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n == 1
	}
	if exists(old) {
		t.Errorf("the three-hour-old template %s was not dropped", old)
	}
	if !exists(recent) {
		t.Errorf("the one-hour-old template %s was dropped", recent)
	}
}
