package main

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/meshport/meshport/models"
)

// TestTwoReplicasCrawlEachTickOnce runs two portals on one PostgreSQL with
// the same source schedule: both fire at every tick, one crawl happens.
func TestTwoReplicasCrawlEachTickOnce(t *testing.T) {
	t.Parallel()
	portalDB := newSourceDatabase(t) // an empty database for the portal itself
	portalURL := "postgres://postgres@127.0.0.1:5432/" + portalDB + "?sslmode=disable"
	a := newTestAppWithDB(t, portalURL)
	b := newTestAppWithDB(t, portalURL)
	sourceDB := newSourceDatabase(t, "CREATE TABLE public.orders (id int)")

	ctx := context.Background()
	admin := models.Principal{Name: "test", Admin: true, Via: "cli"}
	src, err := a.Store.CreateSource(ctx, admin, models.SourceInput{Name: "Orders", Domain: "checkout", Kind: "postgres",
		DSN: "postgres://postgres@127.0.0.1:5432/" + sourceDB + "?sslmode=disable", Schedule: "0 2 * * *", TimeZone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	for _, app := range []*testApp{a, b} {
		if err := app.Sources.Sync(ctx); err != nil || app.Sources.Scheduled() != 1 {
			t.Fatalf("sync: %v, %d scheduled", err, app.Sources.Scheduled())
		}
	}

	tick := time.Date(2030, 1, 1, 2, 0, 0, 0, time.UTC)
	for day := range 3 {
		now := tick.AddDate(0, 0, day)
		var wg sync.WaitGroup
		for _, app := range []*testApp{a, b, a, b} { // each replica even fires twice
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := app.Sources.Tick(ctx, src.ID, now.Add(time.Duration(day)*time.Second)); err != nil {
					t.Errorf("tick: %v", err)
				}
			}()
		}
		wg.Wait()
		a.Sources.Wait()
		b.Sources.Wait()
	}
	var runs []models.CrawlRun
	if err := a.Store.DB().Where("source_id = ?", src.ID).Order("scheduled_for").Find(&runs).Error; err != nil {
		t.Fatal(err)
	}
	if len(runs) != 3 {
		t.Fatalf("%d runs for 3 ticks on two replicas, want 3", len(runs))
	}
	for i, r := range runs {
		if r.Status != models.RunSucceeded || r.ScheduledFor == nil || !r.ScheduledFor.Equal(tick.AddDate(0, 0, i)) {
			t.Errorf("run %d: %s scheduled for %v", i, r.Status, r.ScheduledFor)
		}
	}
}
