package models

import (
	"context"
	"crypto/sha256"
	"fmt"
	"html"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ContractWatcher is a person who asked to be told of breaking changes of
// a contract (its consumers, until input ports name them).
type ContractWatcher struct {
	ContractID uint      `gorm:"primaryKey;autoIncrement:false"`
	Contract   *Contract `gorm:"constraint:OnDelete:CASCADE"`
	Email      string    `gorm:"size:254;primaryKey"`
	CreatedAt  time.Time `gorm:"not null"`
}

// WatchContract starts (on) or stops telling p of the contract's breaking
// changes. Anyone signed in with an email may: consumers are often only
// viewers.
func (s *Store) WatchContract(ctx context.Context, p Principal, domainSlug, productSlug, portName string, on bool) error {
	email := strings.ToLower(strings.TrimSpace(p.Email))
	if p.UserID == 0 || p.ReadOnly || !p.EmailVerified || email == "" {
		// Emails go only to an address its owner proved, as reports do.
		return Errorf(EFORBIDDEN, "Only a person signed in with a verified email address can be told of changes.")
	}
	return internal("watch contract", s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		prod, err := getProduct(tx, domainSlug, productSlug)
		if err != nil {
			return err
		}
		port, err := portNamed(prod, portName)
		if err != nil {
			return err
		}
		c, err := contractOf(tx, prod.ID, port.Name)
		if err != nil {
			return err
		}
		if c == nil {
			return Errorf(ENOTFOUND, "Port %s has no contract to follow.", port.Name)
		}
		if !on {
			return tx.Where("contract_id = ? AND email = ?", c.ID, email).Delete(&ContractWatcher{}).Error
		}
		return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&ContractWatcher{ContractID: c.ID, Email: email, CreatedAt: s.now()}).Error
	}))
}

// Watching reports whether email follows the contract.
func (s *Store) Watching(ctx context.Context, contractID uint, email string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&ContractWatcher{}).Where("contract_id = ? AND email = ?", contractID, strings.ToLower(email)).Count(&n).Error
	return n > 0, internal("watching", err)
}

// queueBreakingNotices queues, in the save's transaction, one message per
// watcher of c about a breaking new version; unique per watcher and version,
// so a retried save sends one.
func (s *Store) queueBreakingNotices(tx *gorm.DB, prod *Product, c *Contract, v *ContractVersion, by string) error {
	var emails []string
	if err := tx.Model(&ContractWatcher{}).Where("contract_id = ?", c.ID).Order("email").Pluck("email", &emails).Error; err != nil {
		return err
	}
	if len(emails) == 0 {
		return nil
	}
	link := s.baseURL + "/products/" + prod.Domain.Slug + "/" + prod.Slug + "/ports/" + c.PortName + "/contract/versions/" + v.Version
	subject := truncate(fmt.Sprintf("Breaking change: %s · %s contract %s", prod.Name, c.PortName, v.Version), 298)
	var text, body strings.Builder
	fmt.Fprintf(&text, "%s changed the contract of %s · %s to version %s. These changes can break what reads it:\n\n", by, prod.Name, c.PortName, v.Version)
	fmt.Fprintf(&body, "<p>%s changed the contract of <strong>%s · %s</strong> to version %s. These changes can break what reads it:</p><ul>",
		html.EscapeString(by), html.EscapeString(prod.Name), html.EscapeString(c.PortName), html.EscapeString(v.Version))
	for _, ch := range v.Changes {
		fmt.Fprintf(&text, "- %s\n", ch)
		fmt.Fprintf(&body, "<li>%s</li>", html.EscapeString(ch))
	}
	fmt.Fprintf(&text, "\nSee the version and its diff: %s\n\nYou get this because you follow this contract; stop on its page.\n", link)
	fmt.Fprintf(&body, `</ul><p><a href="%s">See the version and its diff</a>.</p><p>You get this because you follow this contract; stop on its page.</p>`, html.EscapeString(link))
	now := s.now()
	// The period keys the outbox row (one notice per follower and version)
	// and has 40 characters: the version goes in as a short hash.
	sum := sha256.Sum256([]byte(v.Version))
	period := fmt.Sprintf("contract %d %x", c.ID, sum[:6])
	msgs := make([]OutboxMessage, len(emails))
	for i, e := range emails {
		msgs[i] = OutboxMessage{Recipient: e, Period: period, Subject: subject, HTML: body.String(), Text: text.String(),
			Status: OutboxQueued, NextAttemptAt: now, QueuedAt: now, QueuedBy: truncate(by, 298)}
	}
	return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&msgs).Error
}
