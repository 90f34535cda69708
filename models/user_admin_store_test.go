package models_test

import (
	"testing"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

func TestListUsersAndRevokeSessions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		c := newClock()
		s = withClock(s, c)
		admin := upsertUser(t, s, "ada", true)
		omar := upsertUser(t, s, "omar", false, "checkout-team")
		c.Advance(time.Minute)
		vera := upsertUser(t, s, "vera", false)
		for range 2 {
			_, err := s.CreateSession(ctx, omar.ID, life)
			mustOK(t, err, "session")
		}
		token, err := s.CreateSession(ctx, vera.ID, life)
		mustOK(t, err, "session")
		if _, err := s.SessionUser(ctx, token, life); err != nil {
			t.Fatal(err)
		}

		if _, err := s.ListUsers(ctx, omar.Principal(), life); models.ErrorCode(err) != models.EFORBIDDEN {
			t.Fatalf("a non-admin listed users: %v", err)
		}
		list, err := s.ListUsers(ctx, admin.Principal(), life)
		mustOK(t, err, "list users")
		if len(list) != 3 || list[0].ID != vera.ID {
			t.Fatalf("users %+v, want 3 with the latest sign-in (vera) first", list)
		}
		live := map[uint]int64{}
		for _, u := range list {
			live[u.ID] = u.ActiveSessions
		}
		if live[omar.ID] != 2 || live[vera.ID] != 1 || live[admin.ID] != 0 {
			t.Errorf("live sessions %v", live)
		}

		// Refused: a non-admin, a read-only admin token, an unknown user.
		before := auditCount(t, s)
		if _, err := s.RevokeSessions(ctx, omar.Principal(), vera.ID); models.ErrorCode(err) != models.EFORBIDDEN {
			t.Errorf("owner revoking: %v", err)
		}
		readOnly := admin.Principal()
		readOnly.ReadOnly = true
		if _, err := s.RevokeSessions(ctx, readOnly, vera.ID); models.ErrorCode(err) != models.EFORBIDDEN {
			t.Errorf("read-only revoking: %v", err)
		}
		if _, err := s.RevokeSessions(ctx, admin.Principal(), 99999); models.ErrorCode(err) != models.ENOTFOUND {
			t.Errorf("unknown user: %v", err)
		}
		if _, err := s.SessionUser(ctx, token, life); err != nil {
			t.Fatalf("a refused revoke ended the session: %v", err)
		}
		if n := auditCount(t, s); n != before {
			t.Errorf("refused revokes wrote %d audit entries", n-before)
		}

		ended, err := s.RevokeSessions(ctx, admin.Principal(), vera.ID)
		mustOK(t, err, "revoke")
		if ended != 1 {
			t.Errorf("ended %d sessions, want 1", ended)
		}
		// At once in this process, although the session was just cached.
		if _, err := s.SessionUser(ctx, token, life); models.ErrorCode(err) != models.EUNAUTHORIZED {
			t.Errorf("revoked session still works: %v", err)
		}
		entries, err := s.AuditLog(ctx, "user", vera.ID, 5)
		mustOK(t, err, "audit")
		if len(entries) != 1 || entries[0].Action != "sessions revoked" || entries[0].Actor != "ada@example.com" {
			t.Errorf("audit %+v", entries)
		}
		list, _ = s.ListUsers(ctx, admin.Principal(), life)
		for _, u := range list {
			if u.ID == omar.ID && u.ActiveSessions != 2 {
				t.Errorf("revoking vera touched omar's sessions: %d left", u.ActiveSessions)
			}
		}
	})
}

func auditCount(t *testing.T, s *models.Store) int64 {
	t.Helper()
	var n int64
	if err := s.DB().Model(&models.AuditEntry{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}
