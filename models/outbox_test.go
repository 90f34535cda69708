package models_test

import (
	"testing"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

func TestOutboxClaimsAndRetries(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		c := newClock()
		s = withClock(s, c)
		msg := func(to string) models.OutboxMessage {
			return models.OutboxMessage{Recipient: to, Period: "2030-W22", Subject: "s", HTML: "<p>h</p>", Text: "t"}
		}
		n, err := s.QueueMessages(ctx, []models.OutboxMessage{msg("a@example.com"), msg("B@example.com")})
		mustOK(t, err, "queue")
		if n != 2 {
			t.Fatalf("queued %d", n)
		}
		// The same period again: nothing new.
		n, err = s.QueueMessages(ctx, []models.OutboxMessage{msg("b@example.com"), msg("c@example.com")})
		mustOK(t, err, "queue again")
		if n != 1 || countRows(t, s, "outbox_messages") != 3 {
			t.Fatalf("queued %d more, %d in all", n, countRows(t, s, "outbox_messages"))
		}

		// One sender claims all three; a second finds nothing.
		first, err := s.ClaimDue(ctx, "one", 10, 3, time.Minute)
		mustOK(t, err, "claim")
		second, err := s.ClaimDue(ctx, "two", 10, 3, time.Minute)
		mustOK(t, err, "claim again")
		if len(first) != 3 || len(second) != 0 {
			t.Fatalf("claims %d and %d", len(first), len(second))
		}
		mustOK(t, s.MarkSent(ctx, first[0].ID, "one", "id-1"), "sent")
		mustOK(t, s.MarkFailed(ctx, first[1].ID, "one", "421 try later", c.Now().Add(time.Minute), false), "failed")

		// The first sender dies holding the third: after its lease the
		// second takes it over, and the first can no longer mark it.
		c.Advance(2 * time.Minute)
		taken, err := s.ClaimDue(ctx, "two", 10, 3, time.Minute)
		mustOK(t, err, "take over")
		if len(taken) != 2 || taken[0].ID != first[1].ID || taken[1].ID != first[2].ID || taken[1].Attempts != 2 {
			t.Fatalf("taken over %+v", taken)
		}
		mustOK(t, s.MarkSent(ctx, first[2].ID, "one", "late"), "late mark")
		got, err := s.GetMessage(ctx, first[2].ID)
		mustOK(t, err, "get")
		if got.Status != models.OutboxSending || got.ClaimedBy != "two" {
			t.Errorf("a dead sender's late mark counted: %s by %s", got.Status, got.ClaimedBy)
		}
		// Out of attempts: failed for good, until an admin retries.
		mustOK(t, s.MarkFailed(ctx, first[1].ID, "two", "550 no such user", c.Now(), true), "final")
		_, err = s.RetryMessage(ctx, viewer, first[1].ID)
		assertErr(t, err, models.EFORBIDDEN, "")
		_, err = s.RetryMessage(ctx, admin, first[0].ID)
		assertErr(t, err, models.ECONFLICT, "") // sent already
		retried, err := s.RetryMessage(ctx, admin, first[1].ID)
		mustOK(t, err, "retry")
		if retried.Status != models.OutboxQueued || retried.Attempts != 0 {
			t.Errorf("retried %+v", retried)
		}
		list, counts, err := s.ListOutbox(ctx, models.OutboxFilter{})
		mustOK(t, err, "list")
		if len(list) != 3 || counts[models.OutboxSent] != 1 || counts[models.OutboxQueued] != 1 || counts[models.OutboxSending] != 1 {
			t.Errorf("list %d, counts %v", len(list), counts)
		}
		_, _, err = s.ListOutbox(ctx, models.OutboxFilter{Status: "lost"})
		assertErr(t, err, models.EINVALID, "status")
	})
}

func TestReportPreferences(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		p := models.Principal{UserID: 7, Email: "Omar@example.com", EmailVerified: true, Via: "session"}
		pref, err := s.ReportPreferenceOf(ctx, "omar@example.com")
		mustOK(t, err, "default")
		if pref.Frequency != models.ReportWeekly || pref.Always {
			t.Errorf("default %+v", pref)
		}
		_, err = s.SetReportPreference(ctx, p, "monthly", false)
		assertErr(t, err, models.EINVALID, "frequency")
		unverified := p
		unverified.EmailVerified = false
		_, err = s.SetReportPreference(ctx, unverified, models.ReportDaily, false)
		assertErr(t, err, models.EINVALID, "")
		if countRows(t, s, "report_preferences") != 0 {
			t.Fatal("a refused choice was stored")
		}
		_, err = s.SetReportPreference(ctx, p, models.ReportDaily, true)
		mustOK(t, err, "daily")
		_, err = s.SetReportPreference(ctx, p, models.ReportNever, false)
		mustOK(t, err, "never")
		pref, err = s.ReportPreferenceOf(ctx, "OMAR@example.com")
		mustOK(t, err, "read")
		if pref.Frequency != models.ReportNever || pref.Always || countRows(t, s, "report_preferences") != 1 {
			t.Errorf("stored %+v", pref)
		}
	})
}
