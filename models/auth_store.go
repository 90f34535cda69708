package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// NewSecret returns a random URL-safe secret with the given prefix, for
// session ids and API tokens.
func NewSecret(prefix string) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// HashSecret is what we store instead of a secret.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// UpsertUser creates or refreshes the user with u's (issuer, subject),
// updating name, email and groups, and returns the stored user.
func (s *Store) UpsertUser(ctx context.Context, u User) (*User, error) {
	now := s.now()
	u.ID = 0
	u.LastLoginAt = &now
	if u.Groups == nil {
		u.Groups = StringList{}
	}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "issuer"}, {Name: "subject"}},
		DoUpdates: clause.AssignmentColumns([]string{"email", "email_verified", "name", "groups", "admin", "updated_at", "last_login_at"}),
	}).Create(&u).Error
	if err != nil {
		return nil, internal("save user", err)
	}
	var stored User
	err = s.db.WithContext(ctx).Where("issuer = ? AND subject = ?", u.Issuer, u.Subject).Take(&stored).Error
	return &stored, internal("load user", err)
}

// SessionLifetime bounds a session: it ends after Idle without requests or
// after Absolute since sign-in, whichever comes first.
type SessionLifetime struct {
	Idle     time.Duration
	Absolute time.Duration
}

// CreateSession starts a session for the user and returns the cookie value.
func (s *Store) CreateSession(ctx context.Context, userID uint, life SessionLifetime) (string, error) {
	token := NewSecret("")
	now := s.now()
	err := s.db.WithContext(ctx).Create(&Session{
		TokenHash: HashSecret(token), UserID: userID, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(life.Absolute),
	}).Error
	return token, internal("create session", err)
}

// SessionUser returns the user behind a live session cookie value, and
// refreshes the session's idle clock (at most once a minute, to keep reads
// from turning into writes).
func (s *Store) SessionUser(ctx context.Context, token string, life SessionLifetime) (*User, error) {
	if token == "" {
		return nil, Errorf(EUNAUTHORIZED, "Please sign in.")
	}
	hash, now := HashSecret(token), s.now()
	if e, ok := s.sessions.get(hash, now); ok && sessionLive(e.lastSeen, e.expiresAt, now, life) && now.Sub(e.lastSeen) <= time.Minute {
		u := e.user
		return &u, nil
	}
	// One plain query: this runs on every page view the cache cannot answer.
	hot, err := s.statements(ctx)
	if err != nil {
		return nil, internal("prepare", err)
	}
	var sess Session
	var u User
	err = hot.sessionWithOwner.QueryRowContext(ctx, hash).Scan(&sess.ID, &sess.LastSeenAt, &sess.ExpiresAt, &u.ID, &u.Issuer, &u.Subject, &u.Email, &u.EmailVerified, &u.Name, &u.Groups, &u.Admin)
	if errors.Is(err, sql.ErrNoRows) {
		s.sessions.forget(hash)
		return nil, Errorf(EUNAUTHORIZED, "Your session has ended. Please sign in again.")
	}
	if err != nil {
		return nil, internal("load session", err)
	}
	if !sessionLive(sess.LastSeenAt, sess.ExpiresAt, now, life) {
		s.sessions.forget(hash)
		s.lastUse.deleteLater(s.db, "sessions", sess.ID) // not on the page view's path
		return nil, Errorf(EUNAUTHORIZED, "Your session has ended. Please sign in again.")
	}
	if now.Sub(sess.LastSeenAt) > time.Minute {
		s.lastUse.later(s.db, "sessions", sess.ID, "last_seen_at", now)
		sess.LastSeenAt = now
	}
	s.sessions.put(hash, cachedSession{user: u, lastSeen: sess.LastSeenAt, expiresAt: sess.ExpiresAt, checkedAt: now})
	return &u, nil
}

// sessionLive: neither past its absolute lifetime nor idle too long.
func sessionLive(lastSeen, expiresAt, now time.Time, life SessionLifetime) bool {
	return !now.After(expiresAt) && now.Sub(lastSeen) <= life.Idle
}

// DeleteSession ends a session (sign-out).
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	s.sessions.forget(HashSecret(token))
	err := s.db.WithContext(ctx).Where("token_hash = ?", HashSecret(token)).Delete(&Session{}).Error
	return internal("delete session", err)
}

// DeleteExpiredSessions removes sessions past their absolute lifetime or idle
// timeout; run periodically.
func (s *Store) DeleteExpiredSessions(ctx context.Context, life SessionLifetime) (int64, error) {
	now := s.now()
	res := s.db.WithContext(ctx).Where("expires_at < ? OR last_seen_at < ?", now, now.Add(-life.Idle)).Delete(&Session{})
	return res.RowsAffected, internal("delete expired sessions", res.Error)
}

// CreateToken issues an API token for a user and returns its secret, which
// is shown once and never stored.
func (s *Store) CreateToken(ctx context.Context, userID uint, name, role string, expiresAt *time.Time) (string, *APIToken, error) {
	name = strings.TrimSpace(name)
	errs := FieldErrors{}
	switch {
	case name == "":
		errs.Add("name", "Name the token, e.g. after the script that uses it.")
	case len(name) > 100:
		errs.Add("name", "Use at most 100 characters.")
	}
	if role != TokenRoleAdmin && role != TokenRoleViewer && role != TokenRolePersonal {
		errs.Add("role", "Choose admin, viewer or no role.")
	}
	if expiresAt != nil && !expiresAt.After(s.now()) {
		errs.Add("expires_at", "Choose a time in the future.")
	}
	if err := errs.Err(); err != nil {
		return "", nil, err
	}
	secret := NewSecret("mp_")
	t := &APIToken{UserID: userID, Name: name, TokenHash: HashSecret(secret), Role: role, ExpiresAt: expiresAt}
	if err := s.db.WithContext(ctx).Create(t).Error; err != nil {
		return "", nil, internal("create token", err)
	}
	return secret, t, nil
}

// TokenPrincipal authenticates a bearer token.
func (s *Store) TokenPrincipal(ctx context.Context, secret string) (Principal, error) {
	var t APIToken
	err := s.db.WithContext(ctx).Preload("User").Where("token_hash = ?", HashSecret(secret)).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Principal{}, Errorf(EUNAUTHORIZED, "The API token is not valid.")
	}
	if err != nil {
		return Principal{}, internal("load token", err)
	}
	now := s.now()
	switch {
	case t.RevokedAt != nil:
		return Principal{}, Errorf(EUNAUTHORIZED, "The API token was revoked.")
	case t.ExpiresAt != nil && now.After(*t.ExpiresAt):
		return Principal{}, Errorf(EUNAUTHORIZED, "The API token has expired.")
	case t.User == nil:
		return Principal{}, Errorf(EUNAUTHORIZED, "The API token's user no longer exists.")
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
		s.lastUse.later(s.db, "api_tokens", t.ID, "last_used_at", now)
	}
	p := t.User.Principal()
	p.Via = "token " + t.Name
	switch t.Role {
	case TokenRoleAdmin:
		p.Admin = true
	case TokenRoleViewer:
		p.Admin, p.ReadOnly = false, true
	}
	return p, nil
}

// ListTokens returns a user's API tokens, newest first (hashes included only
// because the struct has them; views never show them).
func (s *Store) ListTokens(ctx context.Context, userID uint) ([]APIToken, error) {
	var tokens []APIToken
	err := s.db.WithContext(ctx).Where("user_id = ?", userID).Order("created_at DESC, id DESC").Find(&tokens).Error
	return tokens, internal("list tokens", err)
}

// RevokeToken ends one of the user's own tokens; other users' tokens are
// reported as missing, so ids cannot be probed.
func (s *Store) RevokeToken(ctx context.Context, userID, tokenID uint) error {
	now := s.now()
	res := s.db.WithContext(ctx).Model(&APIToken{}).
		Where("id = ? AND user_id = ? AND revoked_at IS NULL", tokenID, userID).Update("revoked_at", now)
	if res.Error != nil {
		return internal("revoke token", res.Error)
	}
	if res.RowsAffected == 0 {
		return Errorf(ENOTFOUND, "There is no such active token of yours.")
	}
	return nil
}

// GetUser finds a user by id.
func (s *Store) GetUser(ctx context.Context, id uint) (*User, error) {
	var u User
	err := s.db.WithContext(ctx).Take(&u, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, Errorf(ENOTFOUND, "There is no such user.")
	}
	return &u, internal("get user", err)
}
