package models

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// How often a person gets their ownership report.
const (
	ReportWeekly = "weekly"
	ReportDaily  = "daily"
	ReportNever  = "never"
)

// ReportFrequencies lists the choices, default first.
func ReportFrequencies() []string { return []string{ReportWeekly, ReportDaily, ReportNever} }

// ReportPreference is one person's choice, by email (owners named on
// domains and products get reports before they ever sign in; without a
// preference they get the weekly one).
type ReportPreference struct {
	Email     string `gorm:"size:254;primaryKey"`
	Frequency string `gorm:"size:16;not null"`
	// Always sends the report even when it has nothing new to say.
	Always    bool `gorm:"not null;default:false"`
	UpdatedAt time.Time
}

// Outbox statuses. A message is queued, claimed for sending (with a lease,
// so a dead sender's claim runs out), then sent; failed ones wait for their
// next attempt, and after the last attempt stay failed until retried.
const (
	OutboxQueued  = "queued"
	OutboxSending = "sending"
	OutboxSent    = "sent"
	OutboxFailed  = "failed"
)

// OutboxMessage is one report to one person for one period: unique per
// (recipient, period), so queueing twice, on one replica or several, gives
// one message.
type OutboxMessage struct {
	ID            uint       `gorm:"primaryKey" json:"id"`
	Recipient     string     `gorm:"size:254;not null;uniqueIndex:idx_outbox_recipient_period,priority:1" json:"recipient"`
	Period        string     `gorm:"size:40;not null;uniqueIndex:idx_outbox_recipient_period,priority:2" json:"period"`
	Subject       string     `gorm:"size:300;not null" json:"subject"`
	HTML          string     `gorm:"column:html;type:text;not null" json:"-"`
	Text          string     `gorm:"type:text;not null" json:"-"`
	Status        string     `gorm:"size:16;not null;index:idx_outbox_due,priority:1" json:"status"`
	NextAttemptAt time.Time  `gorm:"not null;index:idx_outbox_due,priority:2" json:"next_attempt_at"`
	Attempts      int        `gorm:"not null;default:0" json:"attempts"`
	LastError     string     `gorm:"size:1000;not null;default:''" json:"last_error,omitempty"`
	ClaimedBy     string     `gorm:"size:100;not null;default:''" json:"-"`
	ClaimedUntil  *time.Time `json:"-"`
	QueuedAt      time.Time  `gorm:"not null;index:idx_outbox_queued" json:"queued_at"`
	QueuedBy      string     `gorm:"size:300;not null;default:''" json:"queued_by"`
	SentAt        *time.Time `json:"sent_at,omitempty"`
	MessageID     string     `gorm:"size:200;not null;default:''" json:"-"`
}

// ReportPreferenceOf returns the person's choice (the weekly default when
// none is stored).
func (s *Store) ReportPreferenceOf(ctx context.Context, email string) (ReportPreference, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	pref := ReportPreference{Email: email, Frequency: ReportWeekly}
	err := s.db.WithContext(ctx).Where("email = ?", email).Take(&pref).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return pref, nil
	}
	return pref, internal("report preference", err)
}

// reportPreferences maps email to choice, for queueing.
func (s *Store) reportPreferences(ctx context.Context) (map[string]ReportPreference, error) {
	var all []ReportPreference
	if err := s.db.WithContext(ctx).Find(&all).Error; err != nil {
		return nil, internal("report preferences", err)
	}
	out := make(map[string]ReportPreference, len(all))
	for _, p := range all {
		out[p.Email] = p
	}
	return out, nil
}

// SetReportPreference stores the signed-in person's choice; it needs a
// verified email, as reports go there.
func (s *Store) SetReportPreference(ctx context.Context, p Principal, frequency string, always bool) (ReportPreference, error) {
	frequency = strings.ToLower(strings.TrimSpace(frequency))
	if p.ReadOnly || p.UserID == 0 {
		return ReportPreference{}, Errorf(EFORBIDDEN, "Sign in to choose your reports.")
	}
	if !p.EmailVerified || p.Email == "" {
		return ReportPreference{}, Errorf(EINVALID, "Your identity provider vouches for no email address, so meshport cannot send you reports.")
	}
	if !contains(ReportFrequencies(), frequency) {
		errs := FieldErrors{}
		errs.Add("frequency", "Choose weekly, daily or never.")
		return ReportPreference{}, errs.Err()
	}
	pref := ReportPreference{Email: strings.ToLower(p.Email), Frequency: frequency, Always: always, UpdatedAt: s.now()}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "email"}},
		DoUpdates: clause.AssignmentColumns([]string{"frequency", "always", "updated_at"})}).Create(&pref).Error
	return pref, internal("save report preference", err)
}

// QueueMessages writes messages to the outbox; a (recipient, period) that
// is already there is left as it is. It reports how many were new.
func (s *Store) QueueMessages(ctx context.Context, msgs []OutboxMessage) (int, error) {
	if len(msgs) == 0 {
		return 0, nil
	}
	now := s.now()
	db := s.db.WithContext(ctx)
	columns := []string{"recipient", "period", "subject", "html", "text", "status", "next_attempt_at", "attempts",
		"last_error", "claimed_by", "queued_at", "queued_by", "sent_at", "message_id"}
	rows := make([][]any, len(msgs))
	for i, m := range msgs {
		rows[i] = []any{strings.ToLower(m.Recipient), m.Period, truncate(m.Subject, 300), m.HTML, m.Text, OutboxQueued, now, 0,
			"", "", now, truncate(m.QueuedBy, 300), nil, ""}
	}
	var before, after int64
	if err := db.Model(&OutboxMessage{}).Count(&before).Error; err != nil {
		return 0, internal("count outbox", err)
	}
	err := db.Transaction(func(tx *gorm.DB) error {
		return newBulkWriter(tx, "outbox_messages", columns, "ON CONFLICT (recipient, period) DO NOTHING").write(ctx, tx, rows)
	})
	if err != nil {
		return 0, internal("queue reports", err)
	}
	if err := db.Model(&OutboxMessage{}).Count(&after).Error; err != nil {
		return 0, internal("count outbox", err)
	}
	return int(after - before), nil
}

// ClaimDue claims up to limit messages due for sending for instance, for
// lease: queued and failed ones whose next attempt has come (failed ones
// only while attempts remain), and ones whose sender's lease ran out.
func (s *Store) ClaimDue(ctx context.Context, instance string, limit, maxAttempts int, lease time.Duration) ([]OutboxMessage, error) {
	now := s.now()
	var claimed []OutboxMessage
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		q := tx.Model(&OutboxMessage{}).Select("id").
			Where("(status = ? AND next_attempt_at <= ? AND attempts < ?) OR (status = ? AND claimed_until < ?)",
				OutboxQueued, now, maxAttempts, OutboxSending, now).
			Order("next_attempt_at, id").Limit(limit)
		if tx.Dialector.Name() == "postgres" {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		var ids []uint
		if err := q.Pluck("id", &ids).Error; err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		until := now.Add(lease)
		if err := tx.Model(&OutboxMessage{}).Where("id IN ?", ids).Updates(map[string]any{
			"status": OutboxSending, "claimed_by": truncate(instance, 100), "claimed_until": until,
			"attempts": gorm.Expr("attempts + 1"),
		}).Error; err != nil {
			return err
		}
		return tx.Where("id IN ?", ids).Order("id").Find(&claimed).Error
	})
	return claimed, internal("claim outbox", err)
}

// MarkSent records that the server accepted the message. Only the claim's
// holder may: a sender whose lease ran out and was taken over writes
// nothing.
func (s *Store) MarkSent(ctx context.Context, id uint, instance, messageID string) error {
	now := s.now()
	err := s.db.WithContext(ctx).Model(&OutboxMessage{}).Where("id = ? AND claimed_by = ? AND status = ?", id, truncate(instance, 100), OutboxSending).
		Updates(map[string]any{"status": OutboxSent, "sent_at": now, "claimed_until": nil, "last_error": "", "message_id": truncate(messageID, 200)}).Error
	return internal("mark sent", err)
}

// MarkFailed records a refused or failed attempt: queued again for retry
// at next, or failed for good when no attempts remain.
func (s *Store) MarkFailed(ctx context.Context, id uint, instance, problem string, next time.Time, final bool) error {
	status := OutboxQueued
	if final {
		status = OutboxFailed
	}
	err := s.db.WithContext(ctx).Model(&OutboxMessage{}).Where("id = ? AND claimed_by = ? AND status = ?", id, truncate(instance, 100), OutboxSending).
		Updates(map[string]any{"status": status, "next_attempt_at": next, "claimed_until": nil, "last_error": truncate(problem, 1000)}).Error
	return internal("mark failed", err)
}

// RetryMessage puts a failed or waiting message back to be sent now, for
// admins; its attempts start over.
func (s *Store) RetryMessage(ctx context.Context, p Principal, id uint) (*OutboxMessage, error) {
	if p.ReadOnly || !p.Admin {
		return nil, Errorf(EFORBIDDEN, "Only admins can retry deliveries.")
	}
	var m OutboxMessage
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.First(&m, id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return Errorf(ENOTFOUND, "There is no message %d.", id)
			}
			return err
		}
		if m.Status != OutboxFailed && m.Status != OutboxQueued {
			return Errorf(ECONFLICT, "This message is %s; only failed or waiting messages can be retried.", m.Status)
		}
		m.Status, m.Attempts, m.NextAttemptAt = OutboxQueued, 0, s.now()
		if err := tx.Model(&m).Updates(map[string]any{"status": m.Status, "attempts": 0, "next_attempt_at": m.NextAttemptAt}).Error; err != nil {
			return err
		}
		return s.audit(tx, p, "retried", "message", m.ID, truncate(m.Recipient+" "+m.Period, 200), nil, nil)
	})
	if err != nil {
		return nil, internal("retry message", err)
	}
	return &m, nil
}

// OutboxFilter selects messages for the delivery page.
type OutboxFilter struct {
	Status string
	Limit  int
}

// OutboxCounts counts messages by status.
type OutboxCounts map[string]int64

// ListOutbox returns the newest messages (without their bodies) and the
// counts by status.
func (s *Store) ListOutbox(ctx context.Context, f OutboxFilter) ([]OutboxMessage, OutboxCounts, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	if f.Status != "" && !contains([]string{OutboxQueued, OutboxSending, OutboxSent, OutboxFailed}, f.Status) {
		errs := FieldErrors{}
		errs.Add("status", "Choose queued, sending, sent or failed.")
		return nil, nil, errs.Err()
	}
	db := s.db.WithContext(ctx)
	q := db.Model(&OutboxMessage{}).Omit("html", "text").Order("queued_at DESC, id DESC").Limit(f.Limit)
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	var msgs []OutboxMessage
	if err := q.Find(&msgs).Error; err != nil {
		return nil, nil, internal("list outbox", err)
	}
	var rows []struct {
		Status string
		N      int64
	}
	if err := db.Model(&OutboxMessage{}).Select("status, count(*) AS n").Group("status").Scan(&rows).Error; err != nil {
		return nil, nil, internal("count outbox", err)
	}
	counts := OutboxCounts{}
	for _, r := range rows {
		counts[r.Status] = r.N
	}
	return msgs, counts, nil
}

// GetMessage returns one outbox message with its bodies.
func (s *Store) GetMessage(ctx context.Context, id uint) (*OutboxMessage, error) {
	var m OutboxMessage
	err := s.db.WithContext(ctx).First(&m, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, Errorf(ENOTFOUND, "There is no message %d.", id)
	}
	return &m, internal("get message", err)
}

// LastReportSent is when the person's last report was accepted by the
// server (nil when never), for "what changed since".
func (s *Store) LastReportSent(ctx context.Context, email string) (*time.Time, error) {
	var m OutboxMessage
	err := s.db.WithContext(ctx).Where("recipient = ? AND status = ?", strings.ToLower(email), OutboxSent).Order("sent_at DESC").Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, internal("last report", err)
	}
	return m.SentAt, nil
}
