package models

import "time"

// User is a person known to the portal, keyed by (issuer, subject) of the
// identity provider that vouched for them.
type User struct {
	ID            uint       `gorm:"primaryKey"`
	Issuer        string     `gorm:"size:300;not null;uniqueIndex:idx_users_identity,priority:1"`
	Subject       string     `gorm:"size:300;not null;uniqueIndex:idx_users_identity,priority:2"`
	Email         string     `gorm:"size:254;not null;index:idx_users_email"`
	EmailVerified bool       `gorm:"not null;default:false"`
	Name          string     `gorm:"size:200;not null"`
	Groups        StringList `gorm:"type:text;not null"`
	Admin         bool       `gorm:"not null;default:false"`
	CreatedAt     time.Time
	UpdatedAt     time.Time
	LastLoginAt   *time.Time
}

// Principal returns the user acting through a browser session.
func (u *User) Principal() Principal {
	return Principal{
		UserID: u.ID, Email: u.Email, EmailVerified: u.EmailVerified, Name: u.Name,
		Groups: u.Groups, Admin: u.Admin, Via: "session", Issuer: u.Issuer,
	}
}

// Session is a signed-in browser session. Only a hash of the cookie's value
// is stored, so a database leak does not hand out sessions.
type Session struct {
	ID         uint      `gorm:"primaryKey"`
	TokenHash  string    `gorm:"size:64;not null;uniqueIndex:idx_sessions_token"`
	UserID     uint      `gorm:"not null;index:idx_sessions_user"`
	User       *User     `gorm:"constraint:OnDelete:CASCADE"`
	CreatedAt  time.Time `gorm:"not null"`
	LastSeenAt time.Time `gorm:"not null"`
	ExpiresAt  time.Time `gorm:"not null;index:idx_sessions_expires"`
}

// Token roles: an admin token acts as an admin, a viewer token only reads, and
// a personal token (no role) carries exactly its user's rights.
const (
	TokenRoleAdmin    = "admin"
	TokenRoleViewer   = "viewer"
	TokenRolePersonal = ""
)

// APIToken authenticates API clients with "Authorization: Bearer <token>".
// Only the token's SHA-256 is stored.
type APIToken struct {
	ID         uint   `gorm:"primaryKey"`
	UserID     uint   `gorm:"not null;index:idx_api_tokens_user"`
	User       *User  `gorm:"constraint:OnDelete:CASCADE"`
	Name       string `gorm:"size:100;not null"`
	TokenHash  string `gorm:"size:64;not null;uniqueIndex:idx_api_tokens_hash"`
	Role       string `gorm:"size:16;not null;default:''"`
	CreatedAt  time.Time
	ExpiresAt  *time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}
