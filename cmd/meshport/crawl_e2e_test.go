package main

import (
	"context"
	"testing"
	"time"

	"github.com/meshport/meshport/models"
)

// TestCrawlSeesWritesAndReads crawls a real PostgreSQL database twice
// through the portal, with one table written and another read in between:
// the written one changed (by its write counters), the read one has reads,
// the untouched one neither.
func TestCrawlSeesWritesAndReads(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	db := newSourceDatabase(t,
		"CREATE TABLE public.orders (id serial PRIMARY KEY, total int)",
		"CREATE TABLE public.customers (id int PRIMARY KEY, name text)",
		"INSERT INTO public.customers SELECT g, 'c' || g FROM generate_series(1, 100) g",
		"CREATE TABLE public.archive (id int)")
	ctx := context.Background()
	src, err := app.Store.CreateSource(ctx, models.Principal{Name: "test", Admin: true, Via: "cli"}, models.SourceInput{
		Name: "Shop", Domain: "checkout", Kind: "postgres", DSN: "postgres://postgres@127.0.0.1:5432/" + db + "?sslmode=disable",
		Schedule: "0 2 * * *", TimeZone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	crawl := func() models.CrawlRun {
		t.Helper()
		run, err := app.Sources.Start(src, models.TriggerManual, nil, "test")
		if err != nil {
			t.Fatal(err)
		}
		app.Sources.Wait()
		got, _ := app.Store.GetRun(ctx, run.ID)
		if got.Status != models.RunSucceeded {
			t.Fatalf("crawl %s: %s", got.Status, got.Error)
		}
		return *got
	}
	// The setup's inserts must be in the statistics before the first crawl,
	// or the second would take them for new writes.
	waitForStats(t, db, `SELECT n_tup_ins >= 100 FROM pg_stat_user_tables WHERE relname = 'customers'`)
	crawl()

	// Write one table and read another, then wait for the statistics.
	work := connectSourceDatabase(t, db)
	for _, stmt := range []string{
		"INSERT INTO public.orders (total) VALUES (10), (20)",
		"SELECT count(*) FROM public.customers",
		"SELECT name FROM public.customers WHERE id = 7",
		"SELECT pg_stat_force_next_flush()",
	} {
		if _, err := work.Exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	work.Close(ctx)
	waitForStats(t, db, `SELECT (SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 'orders') >= 2
		AND (SELECT seq_scan + coalesce(idx_scan, 0) FROM pg_stat_user_tables WHERE relname = 'customers') >= 2`)

	second := crawl()
	if second.AssetsChanged < 1 {
		t.Errorf("second run counts %d changed", second.AssetsChanged)
	}
	asset := func(key string) *models.Asset {
		a, err := app.Store.GetAsset(ctx, src.ID, key)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	orders, customers, archive := asset("public.orders"), asset("public.customers"), asset("public.archive")
	if orders.LastChangeAt == nil || orders.LastChangeHow != models.MeasuredCounters || orders.LastChangeAt.Before(second.StartedAt) {
		t.Errorf("orders: changed %v by %q, want during the second crawl by write counters", orders.LastChangeAt, orders.LastChangeHow)
	}
	if customers.LastChangeAt != nil || archive.LastChangeAt != nil {
		t.Errorf("unwritten tables changed: customers %v, archive %v", customers.LastChangeAt, archive.LastChangeAt)
	}
	if !customers.UsageKnown || customers.ReadsPerDay == nil || *customers.ReadsPerDay < 2 || customers.LastReadHow != models.MeasuredReadCounters {
		t.Errorf("customers: usage known %v, reads/day %v, last read by %q", customers.UsageKnown, customers.ReadsPerDay, customers.LastReadHow)
	}
	if !archive.UsageKnown || archive.ReadsPerDay == nil || *archive.ReadsPerDay != 0 || archive.LastReadAt != nil {
		t.Errorf("archive: usage known %v, reads/day %v, last read %v", archive.UsageKnown, archive.ReadsPerDay, archive.LastReadAt)
	}

	// The same through the asset list filters a person uses.
	vera := app.signedIn(t, "vera")
	unread := vera.get("/sources/" + src.Slug + "?usage=unread&sort=name").texts("#asset-table tbody tr code")
	read := vera.get("/sources/" + src.Slug + "?usage=read").texts("#asset-table tbody tr code")
	if !sameStrings(unread, []string{"public.archive", "public.orders"}) || !sameStrings(read, []string{"public.customers"}) {
		t.Errorf("unread %q, read %q", unread, read)
	}
}

// waitForStats polls the source database until cond (a boolean query) holds.
func waitForStats(t *testing.T, database, cond string) {
	t.Helper()
	conn := connectSourceDatabase(t, database)
	defer conn.Close(context.Background())
	deadline := time.Now().Add(20 * time.Second)
	for {
		var ok *bool
		if err := conn.QueryRow(context.Background(), cond).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		if ok != nil && *ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("statistics did not show the work within 20 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
