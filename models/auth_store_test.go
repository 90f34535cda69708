package models_test

import (
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

var life = models.SessionLifetime{Idle: 30 * time.Minute, Absolute: 8 * time.Hour}

func upsertUser(t *testing.T, s *models.Store, subject string, admin bool, groups ...string) *models.User {
	t.Helper()
	u, err := s.UpsertUser(ctx, models.User{
		Issuer: "https://idp.example.com", Subject: subject, Email: subject + "@example.com",
		EmailVerified: true, Name: strings.ToUpper(subject[:1]) + subject[1:], Groups: groups, Admin: admin,
	})
	mustOK(t, err, "upsert user "+subject)
	return u
}

func TestUpsertUser(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		c := newClock()
		s = withClock(s, c)

		first, err := s.UpsertUser(ctx, models.User{ID: 77, Issuer: "https://idp.example.com", Subject: "u1",
			Email: "ada@example.com", EmailVerified: true, Name: "Ada", Groups: models.StringList{"team-a"}})
		mustOK(t, err, "create user")
		if first.ID == 0 || first.Name != "Ada" || !reflect.DeepEqual(first.Groups, models.StringList{"team-a"}) || first.Admin {
			t.Errorf("created user = %+v", first)
		}
		if first.LastLoginAt == nil || !first.LastLoginAt.Equal(c.Now()) {
			t.Errorf("last login = %v, want the store's clock %v", first.LastLoginAt, c.Now())
		}

		c.Advance(time.Hour)
		again, err := s.UpsertUser(ctx, models.User{Issuer: "https://idp.example.com", Subject: "u1",
			Email: "ada.l@example.com", Name: "Ada L.", Groups: nil, Admin: true})
		mustOK(t, err, "refresh user")
		if again.ID != first.ID {
			t.Fatalf("refreshing the same identity made a new user: id %d, then %d", first.ID, again.ID)
		}
		if again.Name != "Ada L." || again.Email != "ada.l@example.com" || again.EmailVerified || !again.Admin || len(again.Groups) != 0 {
			t.Errorf("refreshed user = %+v; want the new name, email, verification, admin flag and no groups", again)
		}
		if again.LastLoginAt == nil || !again.LastLoginAt.Equal(c.Now()) {
			t.Errorf("last login after refresh = %v, want %v", again.LastLoginAt, c.Now())
		}
		if !again.CreatedAt.Equal(first.CreatedAt) {
			t.Errorf("refresh changed created_at from %v to %v", first.CreatedAt, again.CreatedAt)
		}

		// The same subject from another issuer is another person.
		other, err := s.UpsertUser(ctx, models.User{Issuer: "https://other.example.com", Subject: "u1", Email: "x@example.com", Name: "X"})
		mustOK(t, err, "create user of another issuer")
		if other.ID == first.ID {
			t.Errorf("a user of another issuer got the same id %d", other.ID)
		}
		if n := countRows(t, s, "users"); n != 2 {
			t.Errorf("users has %d rows, want 2", n)
		}

		p := again.Principal()
		if p.UserID != again.ID || p.Email != "ada.l@example.com" || !p.Admin || p.Via != "session" || p.Label() != "ada.l@example.com" {
			t.Errorf("user's principal = %+v, label %q", p, p.Label())
		}
	})
}

func TestSessions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		c := newClock()
		s = withClock(s, c)
		u := upsertUser(t, s, "ada", false, "team-a")

		token, err := s.CreateSession(ctx, u.ID, life)
		mustOK(t, err, "create session")
		if len(token) < 40 {
			t.Errorf("session token %q is too short to be unguessable", token)
		}
		got, err := s.SessionUser(ctx, token, life)
		mustOK(t, err, "session user")
		if got.ID != u.ID || got.Email != "ada@example.com" || !reflect.DeepEqual(got.Groups, models.StringList{"team-a"}) {
			t.Errorf("session user = %+v, want ada", got)
		}

		// Only the hash is stored.
		if n := rowsContaining(t, s, "sessions", token); n != 0 {
			t.Errorf("the session secret appears in %d sessions rows", n)
		}
		if n := rowsContaining(t, s, "sessions", models.HashSecret(token)); n != 1 {
			t.Errorf("the session's hash appears in %d rows, want 1", n)
		}

		for _, bad := range []string{"", "bogus", models.HashSecret(token)} {
			_, err := s.SessionUser(ctx, bad, life)
			assertErr(t, err, models.EUNAUTHORIZED, "")
		}

		t.Run("idle timeout", func(t *testing.T) {
			token, err := s.CreateSession(ctx, u.ID, life)
			mustOK(t, err, "create session")
			// Each request within the idle timeout keeps the session alive.
			for i := 0; i < 3; i++ {
				c.Advance(25 * time.Minute)
				_, err := s.SessionUser(ctx, token, life)
				mustOK(t, err, "session used within the idle timeout")
				s.WaitForTouches() // written in the background; the clock jumps
			}
			c.Advance(31 * time.Minute)
			_, err = s.SessionUser(ctx, token, life)
			assertErr(t, err, models.EUNAUTHORIZED, "")
			s.WaitForTouches() // deleted in the background
			var n int64
			s.DB().Table("sessions").Where("token_hash = ?", models.HashSecret(token)).Count(&n)
			if n != 0 {
				t.Errorf("an idle session was refused but not deleted")
			}
		})

		t.Run("absolute lifetime", func(t *testing.T) {
			token, err := s.CreateSession(ctx, u.ID, life)
			mustOK(t, err, "create session")
			for elapsed := time.Duration(0); elapsed < 8*time.Hour; elapsed += 20 * time.Minute {
				_, err := s.SessionUser(ctx, token, life)
				mustOK(t, err, "session within its lifetime, after "+elapsed.String())
				s.WaitForTouches()
				c.Advance(20 * time.Minute)
			}
			// 8h were reached; now one more minute, though the session was
			// used 20 minutes ago.
			c.Advance(time.Minute)
			_, err = s.SessionUser(ctx, token, life)
			assertErr(t, err, models.EUNAUTHORIZED, "")
		})

		t.Run("sign out", func(t *testing.T) {
			token, err := s.CreateSession(ctx, u.ID, life)
			mustOK(t, err, "create session")
			mustOK(t, s.DeleteSession(ctx, token), "delete session")
			_, err = s.SessionUser(ctx, token, life)
			assertErr(t, err, models.EUNAUTHORIZED, "")
			mustOK(t, s.DeleteSession(ctx, token), "delete a session twice")
		})

		t.Run("delete expired", func(t *testing.T) {
			mustOK(t, s.DB().Exec("DELETE FROM sessions").Error, "clear sessions")
			long := models.SessionLifetime{Idle: 30 * time.Minute, Absolute: time.Hour}
			use := func(token string) {
				t.Helper()
				_, err := s.SessionUser(ctx, token, long)
				mustOK(t, err, "use session")
				s.WaitForTouches()
			}
			oldest, err := s.CreateSession(ctx, u.ID, long) // kept busy until past its lifetime
			mustOK(t, err, "create session")
			c.Advance(25 * time.Minute)
			use(oldest)
			c.Advance(15 * time.Minute)
			idle, err := s.CreateSession(ctx, u.ID, long) // will sit idle
			mustOK(t, err, "create session")
			use(oldest)
			c.Advance(10 * time.Minute)
			live, err := s.CreateSession(ctx, u.ID, long)
			mustOK(t, err, "create session")
			use(oldest)
			// 25 minutes on, oldest is 75 minutes old but was used 25 ago;
			// idle has been idle for 35 minutes; live for 25.
			c.Advance(25 * time.Minute)

			n, err := s.DeleteExpiredSessions(ctx, long)
			mustOK(t, err, "delete expired sessions")
			if n != 2 {
				t.Errorf("deleted %d expired sessions, want 2 (one past its lifetime, one idle)", n)
			}
			if left := countRows(t, s, "sessions"); left != 1 {
				t.Errorf("%d sessions left, want 1", left)
			}
			if _, err := s.SessionUser(ctx, live, long); err != nil {
				t.Errorf("the live session was deleted: %v", err)
			}
			for _, gone := range []string{oldest, idle} {
				_, err := s.SessionUser(ctx, gone, long)
				assertErr(t, err, models.EUNAUTHORIZED, "")
			}
			n, err = s.DeleteExpiredSessions(ctx, long)
			if err != nil || n != 0 {
				t.Errorf("second cleanup deleted %d sessions (%v), want 0", n, err)
			}
		})
	})
}

func TestTokens(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		c := newClock()
		s = withClock(s, c)
		plain := upsertUser(t, s, "omar", false, "checkout-team")
		boss := upsertUser(t, s, "ada", true)

		t.Run("bad input", func(t *testing.T) {
			past := c.Now().Add(-time.Minute)
			now := c.Now()
			tests := []struct {
				name, tokenName, role string
				expires               *time.Time
				field                 string
			}{
				{"empty name", "", models.TokenRoleAdmin, nil, "name"},
				{"blank name", "   ", models.TokenRoleAdmin, nil, "name"},
				{"name over 100", strings.Repeat("n", 101), models.TokenRoleAdmin, nil, "name"},
				{"bad role", "ci", "superuser", nil, "role"},
				{"role in capitals", "ci", "Admin", nil, "role"},
				{"expiry in the past", "ci", models.TokenRoleViewer, &past, "expires_at"},
				{"expiry now", "ci", models.TokenRoleViewer, &now, "expires_at"},
			}
			for _, tt := range tests {
				before := countRows(t, s, "api_tokens")
				secret, tok, err := s.CreateToken(ctx, plain.ID, tt.tokenName, tt.role, tt.expires)
				assertErr(t, err, models.EINVALID, tt.field)
				if secret != "" || tok != nil {
					t.Errorf("%s: a refused token returned %q, %+v", tt.name, secret, tok)
				}
				if n := countRows(t, s, "api_tokens"); n != before {
					t.Errorf("%s: a refused token was stored", tt.name)
				}
			}
		})

		t.Run("roles", func(t *testing.T) {
			tests := []struct {
				user             *models.User
				role             string
				admin, readOnly  bool
				wantOwnsCheckout bool
			}{
				{plain, models.TokenRoleAdmin, true, false, true},
				{plain, models.TokenRoleViewer, false, true, true},
				{plain, models.TokenRolePersonal, false, false, true},
				{boss, models.TokenRoleViewer, false, true, false},
				{boss, models.TokenRolePersonal, true, false, false},
			}
			checkout := &models.Domain{Owners: models.StringList{"checkout-team"}, Status: models.DomainActive}
			for _, tt := range tests {
				name := strings.TrimSpace("script " + tt.user.Name + " " + tt.role)
				secret, tok, err := s.CreateToken(ctx, tt.user.ID, "  "+name+" ", tt.role, nil)
				mustOK(t, err, "create token")
				if !strings.HasPrefix(secret, "mp_") || tok.TokenHash != models.HashSecret(secret) || tok.Name != name {
					t.Errorf("token %q: secret %q, stored %+v", name, secret, tok)
				}
				p, err := s.TokenPrincipal(ctx, secret)
				mustOK(t, err, "token principal")
				if p.UserID != tt.user.ID || p.Admin != tt.admin || p.ReadOnly != tt.readOnly {
					t.Errorf("%s token of %s: principal %+v; want admin %v, read-only %v", tt.role, tt.user.Name, p, tt.admin, tt.readOnly)
				}
				if want := tt.user.Email + " (token " + name + ")"; p.Label() != want {
					t.Errorf("token principal label = %q, want %q", p.Label(), want)
				}
				if p.Owns(checkout) != tt.wantOwnsCheckout {
					t.Errorf("%s token of %s owns checkout: %v, want %v", tt.role, tt.user.Name, p.Owns(checkout), tt.wantOwnsCheckout)
				}
				canWrite := p.CanManageProducts(checkout)
				if wantWrite := !tt.readOnly && (tt.admin || tt.wantOwnsCheckout); canWrite != wantWrite {
					t.Errorf("%s token of %s may manage checkout products: %v, want %v", tt.role, tt.user.Name, canWrite, wantWrite)
				}
				if n := rowsContaining(t, s, "api_tokens", secret); n != 0 {
					t.Errorf("the token secret appears in %d api_tokens rows", n)
				}
			}
		})

		t.Run("refused", func(t *testing.T) {
			for _, bad := range []string{"", "mp_bogus"} {
				_, err := s.TokenPrincipal(ctx, bad)
				assertErr(t, err, models.EUNAUTHORIZED, "")
			}

			revoked, tok, err := s.CreateToken(ctx, plain.ID, "revoked", models.TokenRoleViewer, nil)
			mustOK(t, err, "create token")
			mustOK(t, s.DB().Model(tok).Update("revoked_at", c.Now()).Error, "revoke token")
			_, err = s.TokenPrincipal(ctx, revoked)
			assertErr(t, err, models.EUNAUTHORIZED, "")

			in := c.Now().Add(time.Hour)
			expiring, _, err := s.CreateToken(ctx, plain.ID, "expiring", models.TokenRoleViewer, &in)
			mustOK(t, err, "create expiring token")
			_, err = s.TokenPrincipal(ctx, expiring)
			mustOK(t, err, "token before its expiry")
			c.Advance(time.Hour + time.Second)
			_, err = s.TokenPrincipal(ctx, expiring)
			assertErr(t, err, models.EUNAUTHORIZED, "")
		})

		t.Run("last used", func(t *testing.T) {
			secret, tok, err := s.CreateToken(ctx, plain.ID, "used", models.TokenRolePersonal, nil)
			mustOK(t, err, "create token")
			_, err = s.TokenPrincipal(ctx, secret)
			mustOK(t, err, "use token")
			s.WaitForTouches()
			var stored models.APIToken
			mustOK(t, s.DB().Take(&stored, tok.ID).Error, "reload token")
			if stored.LastUsedAt == nil || !stored.LastUsedAt.Equal(c.Now()) {
				t.Errorf("last_used_at = %v, want %v", stored.LastUsedAt, c.Now())
			}
			// A token's user's deletion takes the token along.
			mustOK(t, s.DB().Delete(&models.User{}, plain.ID).Error, "delete user")
			var left int64
			s.DB().Model(&models.APIToken{}).Where("user_id = ?", plain.ID).Count(&left)
			if left != 0 {
				t.Errorf("%d tokens of a deleted user are left; the foreign key should cascade", left)
			}
			_, err = s.TokenPrincipal(ctx, secret)
			assertErr(t, err, models.EUNAUTHORIZED, "")
		})
	})
}

// TestAuthRefreshWritesOnlyTimestamps: refreshing a session's or token's
// last use runs on every request, so it must write that timestamp and
// nothing else; in particular it must not re-insert the user (which would
// also bring back a user deleted meanwhile).
func TestAuthRefreshWritesOnlyTimestamps(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		c := newClock()
		s = withClock(s, c)
		u := upsertUser(t, s, "ada", false)
		session, err := s.CreateSession(ctx, u.ID, life)
		mustOK(t, err, "create session")
		token, _, err := s.CreateToken(ctx, u.ID, "ci", models.TokenRolePersonal, nil)
		mustOK(t, err, "create token")

		var mu sync.Mutex
		var inserts []string
		err = s.DB().Callback().Create().Before("gorm:create").Register("test:record_inserts", func(db *gorm.DB) {
			mu.Lock()
			defer mu.Unlock()
			inserts = append(inserts, db.Statement.Table)
		})
		mustOK(t, err, "register callback")

		c.Advance(10 * time.Minute)
		_, err = s.SessionUser(ctx, session, life)
		mustOK(t, err, "session user")
		_, err = s.TokenPrincipal(ctx, token)
		mustOK(t, err, "token principal")
		s.WaitForTouches()
		mu.Lock()
		defer mu.Unlock()
		if len(inserts) != 0 {
			t.Errorf("refreshing a session and a token inserted into %v; want no inserts", inserts)
		}
		var lastSeen time.Time
		mustOK(t, s.DB().Table("sessions").Select("last_seen_at").Where("token_hash = ?", models.HashSecret(session)).Scan(&lastSeen).Error, "read session")
		if !lastSeen.Equal(c.Now()) {
			t.Errorf("last_seen_at = %v, want %v", lastSeen, c.Now())
		}
	})
}

// A session due for its minutely refresh must not wait for another write
// transaction (on SQLite a findings evaluation holds the write lock for a
// second or two); the refresh is written once the lock is free.
func TestSessionRefreshDoesNotWaitForWriters(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		life := models.SessionLifetime{Idle: time.Hour, Absolute: 24 * time.Hour}
		c := newClock()
		s = withClock(s, c)
		u := upsertUser(t, s, "ada", false)
		session, err := s.CreateSession(ctx, u.ID, life)
		mustOK(t, err, "create session")
		c.Advance(10 * time.Minute)

		// Another transaction holds the session row (PostgreSQL) or the
		// whole database (SQLite) for writing.
		tx := s.DB().Begin()
		mustOK(t, tx.Error, "begin")
		mustOK(t, tx.Exec("UPDATE sessions SET expires_at = expires_at WHERE token_hash = ?", models.HashSecret(session)).Error, "hold the row")
		done := make(chan error, 1)
		go func() {
			_, err := s.SessionUser(ctx, session, life)
			done <- err
		}()
		select {
		case err := <-done:
			mustOK(t, err, "session user")
		case <-time.After(3 * time.Second):
			t.Error("the session check waited for another transaction's write lock")
		}
		mustOK(t, tx.Commit().Error, "commit")
		s.WaitForTouches()
		var lastSeen time.Time
		mustOK(t, s.DB().Table("sessions").Select("last_seen_at").Where("token_hash = ?", models.HashSecret(session)).Scan(&lastSeen).Error, "read session")
		if !lastSeen.Equal(c.Now()) {
			t.Errorf("last_seen_at = %v, want %v once the lock was free", lastSeen, c.Now())
		}
	})
}
