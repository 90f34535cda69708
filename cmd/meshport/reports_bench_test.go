package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/seed"
)

// seedOwners gives the portal 1,000 domains, each owned by a person of its
// own (owner-N@example.com), with 10,000 products and 20,000 crawled assets
// (findings included), so every owner's report has products, health and
// dark data to show.
func seedOwners(b testing.TB, app *testApp) {
	b.Helper()
	ctx := context.Background()
	if err := seed.Bulk(ctx, app.Store, 1000, 10000); err != nil {
		b.Fatal(err)
	}
	if _, err := seed.Assets(ctx, app.Store, 10, 20000); err != nil {
		b.Fatal(err)
	}
	// One email per domain instead of the seeded group.
	if err := app.Store.DB().Exec(`UPDATE domains SET owners = '["owner-' || id || '@example.com"]'`).Error; err != nil {
		b.Fatal(err)
	}
	if err := app.Store.DB().Exec("UPDATE catalog_versions SET version = version + 1").Error; err != nil {
		b.Fatal(err)
	}
}

// BenchmarkQueueReports1000 builds, renders and queues the weekly reports
// of 1,000 owners (target: under 5 s), on SQLite and PostgreSQL. Each
// iteration queues a new period's reports.
func BenchmarkQueueReports1000(b *testing.B) {
	for _, db := range []string{"sqlite", "postgres"} {
		b.Run(db, func(b *testing.B) {
			url := b.TempDir() + "/meshport.db"
			if db == "postgres" {
				url = "postgres://postgres@127.0.0.1:5432/" + newSourceDatabase(b) + "?sslmode=disable"
			}
			cfg := testConfig(url)
			cfg.SMTPHost, cfg.SMTPFrom = "127.0.0.1", "meshport@example.com" // queued only: nothing is sent
			cfg.Dev = true
			app := newTestAppWithConfig(b, cfg)
			seedOwners(b, app)
			ctx := context.Background()
			week := 0
			for b.Loop() {
				week++
				// A new period each time, as a new week would be.
				if err := app.Store.DB().Exec("DELETE FROM outbox_messages").Error; err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				n, err := app.Reports.Queue(ctx, models.ReportWeekly, fmt.Sprint("bench ", week))
				if err != nil {
					b.Fatal(err)
				}
				if n < 1000 { // the 1,000 owners, and the demo data's few
					b.Fatalf("%d reports queued, want at least 1000", n)
				}
				b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms/1000-reports")
			}
		})
	}
}

// BenchmarkSendReports sends 1,000 queued reports to a local mailpit
// (target: 50 messages a second or more) and reports the rate.
func BenchmarkSendReports(b *testing.B) {
	mp := startMailpit(b)
	cfg := testConfig(b.TempDir() + "/meshport.db")
	mp.smtpConfig(&cfg)
	app := newTestAppWithConfig(b, cfg)
	seedOwners(b, app)
	ctx := context.Background()
	week := 0
	for b.Loop() {
		week++
		b.StopTimer()
		if err := app.Store.DB().Exec("DELETE FROM outbox_messages").Error; err != nil {
			b.Fatal(err)
		}
		people, err := app.Store.ReportRecipients(ctx)
		if err != nil {
			b.Fatal(err)
		}
		reps, err := app.Store.BuildReports(ctx, people)
		if err != nil {
			b.Fatal(err)
		}
		msgs := make([]models.OutboxMessage, 0, len(reps))
		for _, rep := range reps {
			subject, html, text, err := app.Reports.Render(ctx, rep)
			if err != nil {
				b.Fatal(err)
			}
			msgs = append(msgs, models.OutboxMessage{Recipient: rep.Recipient.Email, Period: fmt.Sprint("bench ", week), Subject: subject, HTML: html, Text: text})
		}
		if _, err := app.Store.QueueMessages(ctx, msgs); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		// The portal's own sender works beside this one, as it would.
		if _, failed, err := app.Reports.Deliver(ctx); err != nil || failed > 0 {
			b.Fatalf("%d failed (%v)", failed, err)
		}
		var sent int64
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			app.Store.DB().Model(&models.OutboxMessage{}).Where("status = ?", models.OutboxSent).Count(&sent)
			if int(sent) == len(msgs) {
				break
			}
		}
		if int(sent) != len(msgs) {
			b.Fatalf("sent %d of %d", sent, len(msgs))
		}
		b.ReportMetric(float64(sent)/time.Since(start).Seconds(), "messages/s")
	}
}
