package models_test

import (
	"testing"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

// TestSessionCache: sign-out in the same process ends a session at once;
// sign-out through another replica ends it here within the cache lifetime.
func TestSessionCache(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, a *models.Store) {
		b := models.NewStore(a.DB(), models.Options{SessionCacheTTL: 2 * time.Second})
		life := models.SessionLifetime{Idle: time.Hour, Absolute: 24 * time.Hour}
		u, err := a.UpsertUser(ctx, models.User{Issuer: "test", Subject: "s", Email: "s@example.com", Name: "S"})
		mustOK(t, err, "user")
		signIn := func() string {
			token, err := a.CreateSession(ctx, u.ID, life)
			mustOK(t, err, "session")
			return token
		}

		local := signIn()
		_, err = b.SessionUser(ctx, local, life)
		mustOK(t, err, "first use")
		mustOK(t, b.DeleteSession(ctx, local), "sign out on b")
		if _, err := b.SessionUser(ctx, local, life); models.ErrorCode(err) != models.EUNAUTHORIZED {
			t.Fatalf("after signing out on the same store the session still works (err %v)", err)
		}

		remote := signIn()
		_, err = b.SessionUser(ctx, remote, life)
		mustOK(t, err, "first use")
		mustOK(t, a.DeleteSession(ctx, remote), "sign out on a")
		if _, err := b.SessionUser(ctx, remote, life); err != nil {
			t.Fatalf("within the cache lifetime b should still trust its cached check, got %v", err)
		}
		time.Sleep(2100 * time.Millisecond)
		if _, err := b.SessionUser(ctx, remote, life); models.ErrorCode(err) != models.EUNAUTHORIZED {
			t.Fatalf("after the cache lifetime a session ended on another replica still works (err %v)", err)
		}
	})
}
