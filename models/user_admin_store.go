package models

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// UserSummary is a user as admins see them: who, role and live sessions.
type UserSummary struct {
	User
	ActiveSessions int64
}

// CanManageUsers: admins see everyone and end their sessions.
func (p Principal) CanManageUsers() bool { return !p.ReadOnly && p.Admin }

// ListUsers returns everyone known to the portal, most recent sign-in first,
// with the number of sessions that are still live.
func (s *Store) ListUsers(ctx context.Context, p Principal, life SessionLifetime) ([]UserSummary, error) {
	if !p.CanManageUsers() {
		return nil, Errorf(EFORBIDDEN, "Only admins see the list of users.")
	}
	var users []User
	if err := s.db.WithContext(ctx).Order("last_login_at DESC NULLS LAST, id").Limit(1000).Find(&users).Error; err != nil {
		return nil, internal("list users", err)
	}
	type count struct {
		UserID uint
		N      int64
	}
	var counts []count
	now := s.now()
	err := s.db.WithContext(ctx).Model(&Session{}).Select("user_id, count(*) AS n").
		Where("expires_at > ? AND last_seen_at > ?", now, now.Add(-life.Idle)).Group("user_id").Scan(&counts).Error
	if err != nil {
		return nil, internal("count sessions", err)
	}
	live := make(map[uint]int64, len(counts))
	for _, c := range counts {
		live[c.UserID] = c.N
	}
	out := make([]UserSummary, len(users))
	for i, u := range users {
		out[i] = UserSummary{User: u, ActiveSessions: live[u.ID]}
	}
	return out, nil
}

// RevokeSessions signs a user out everywhere: every session ends, on every
// replica within the session cache's few seconds. It is audited.
func (s *Store) RevokeSessions(ctx context.Context, p Principal, userID uint) (int64, error) {
	if !p.CanManageUsers() {
		return 0, Errorf(EFORBIDDEN, "Only admins end other people's sessions.")
	}
	var ended int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var u User
		if err := tx.Take(&u, userID).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return Errorf(ENOTFOUND, "There is no such user.")
			}
			return internal("find user", err)
		}
		res := tx.Where("user_id = ?", userID).Delete(&Session{})
		if res.Error != nil {
			return internal("end sessions", res.Error)
		}
		ended = res.RowsAffected
		return s.audit(tx, p, "sessions revoked", "user", u.ID, u.Email,
			map[string]string{"sessions": fmt.Sprint(ended)}, map[string]string{"sessions": "0"})
	})
	if err == nil {
		s.sessions.forgetUser(userID)
	}
	return ended, err
}
