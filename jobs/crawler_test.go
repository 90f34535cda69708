package jobs_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meshport/meshport/jobs"
	"github.com/meshport/meshport/jobs/connectors"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/secrets"
	"github.com/meshport/meshport/models/storetest"
)

// fakeConnector crawls by calling crawl.
type fakeConnector struct {
	crawl func(ctx context.Context) (*models.CrawlSnapshot, error)
}

func (f fakeConnector) Test(context.Context) (models.ConnectionTest, error) {
	return models.ConnectionTest{Summary: "fake"}, nil
}
func (f fakeConnector) Crawl(ctx context.Context, progress func(int)) (*models.CrawlSnapshot, error) {
	progress(1)
	return f.crawl(ctx)
}
func (f fakeConnector) Close() error { return nil }

// crawlerWith is a store with n sources and a crawler whose connectors all
// run crawl.
func crawlerWith(t *testing.T, n int, opts jobs.CrawlerOptions, crawl func(ctx context.Context) (*models.CrawlSnapshot, error)) (*models.Store, *jobs.Crawler, []*models.Source) {
	t.Helper()
	sealer, _ := secrets.NewSealer("test-secret-key-0123456789-abcdefghij")
	s := storetest.SQLiteWith(t, models.Options{Sealer: sealer, SourcePolicy: models.SourcePolicy{AllowLoopback: true}})
	admin := storetest.Admin()
	if _, err := s.CreateDomain(context.Background(), admin, models.DomainInput{Name: "Sales", Owners: []string{"sales"}}); err != nil {
		t.Fatal(err)
	}
	var srcs []*models.Source
	for i := range n {
		src, err := s.CreateSource(context.Background(), admin, models.SourceInput{Name: fmt.Sprintf("Source %d", i), Domain: "sales",
			Kind: "postgres", DSN: "postgres://x@127.0.0.1/db", Schedule: "@daily", TimeZone: "UTC"})
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, src)
	}
	opts.Open = func(models.SourceSettings, models.SourcePolicy) (connectors.Connector, error) {
		return fakeConnector{crawl: crawl}, nil
	}
	c := jobs.NewCrawler(s, slog.New(slog.NewTextHandler(io.Discard, nil)), opts)
	t.Cleanup(func() { c.Shutdown(context.Background()) })
	return s, c, srcs
}

func TestCrawlerBoundsParallelCrawls(t *testing.T) {
	t.Parallel()
	var running, most atomic.Int32
	release := make(chan struct{})
	_, c, srcs := crawlerWith(t, 5, jobs.CrawlerOptions{Parallel: 2}, func(ctx context.Context) (*models.CrawlSnapshot, error) {
		n := running.Add(1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		<-release
		running.Add(-1)
		return &models.CrawlSnapshot{}, nil
	})
	for _, src := range srcs {
		if _, err := c.Start(src, models.TriggerManual, nil, "test"); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(200 * time.Millisecond)
	close(release)
	c.Wait()
	if most.Load() != 2 {
		t.Fatalf("at most %d crawls ran at once, want 2", most.Load())
	}
}

func TestCrawlerFailuresEndTheirRunOnly(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		opts       jobs.CrawlerOptions
		crawl      func(ctx context.Context) (*models.CrawlSnapshot, error)
		status     string
		reason     string
		errorMatch string
	}{
		{"panic", jobs.CrawlerOptions{}, func(context.Context) (*models.CrawlSnapshot, error) { panic("boom") },
			models.RunFailed, models.FailureOther, "failed unexpectedly"},
		{"connector error", jobs.CrawlerOptions{}, func(context.Context) (*models.CrawlSnapshot, error) {
			return nil, &models.SourceError{Reason: models.FailureAuth, Message: "The server refused the user name or password."}
		}, models.RunFailed, models.FailureAuth, "refused the user name"},
		{"timeout", jobs.CrawlerOptions{Timeout: 100 * time.Millisecond}, func(ctx context.Context) (*models.CrawlSnapshot, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		}, models.RunFailed, models.FailureTimeout, "longer than allowed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, c, srcs := crawlerWith(t, 1, tc.opts, tc.crawl)
			run, err := c.Start(srcs[0], models.TriggerManual, nil, "test")
			if err != nil {
				t.Fatal(err)
			}
			c.Wait()
			got, err := s.GetRun(context.Background(), run.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != tc.status || got.ErrorReason != tc.reason || !contains(got.Error, tc.errorMatch) || got.FinishedAt == nil {
				t.Errorf("run %s / %s: %q", got.Status, got.ErrorReason, got.Error)
			}
			// The source can be crawled again at once.
			if _, err := c.Start(srcs[0], models.TriggerManual, nil, "test"); err != nil {
				t.Errorf("after a failed run: %v", err)
			}
			c.Wait()
		})
	}
}

func TestCrawlerShutdownInterruptsRunningCrawls(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	var once sync.Once
	s, c, srcs := crawlerWith(t, 1, jobs.CrawlerOptions{}, func(ctx context.Context) (*models.CrawlSnapshot, error) {
		once.Do(func() { close(started) })
		<-ctx.Done()
		return nil, ctx.Err()
	})
	run, err := c.Start(srcs[0], models.TriggerManual, nil, "test")
	if err != nil {
		t.Fatal(err)
	}
	<-started
	c.Shutdown(context.Background())
	got, _ := s.GetRun(context.Background(), run.ID)
	if got.Status != models.RunInterrupted || !contains(got.Error, "shut down") {
		t.Fatalf("run after shutdown: %s %q", got.Status, got.Error)
	}
	if _, err := c.Start(srcs[0], models.TriggerManual, nil, "test"); models.ErrorCode(err) != models.EUNAVAILABLE {
		t.Errorf("a crawl started after shutdown: %v", err)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// TestCrawlerQueuedRunsStayAlive: a run waiting for a free slot keeps
// beating, so stale-run detection does not interrupt it.
func TestCrawlerQueuedRunsStayAlive(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var first sync.Once
	s, c, srcs := crawlerWith(t, 2, jobs.CrawlerOptions{Parallel: 1, StaleAfter: 400 * time.Millisecond}, func(ctx context.Context) (*models.CrawlSnapshot, error) {
		first.Do(func() { <-release }) // the first crawl holds the only slot
		return &models.CrawlSnapshot{}, nil
	})
	var runs []*models.CrawlRun
	for _, src := range srcs {
		run, err := c.Start(src, models.TriggerManual, nil, "test")
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, run)
	}
	for range 8 { // two seconds of stale checks while the second run waits
		time.Sleep(250 * time.Millisecond)
		if _, err := s.InterruptStaleRuns(context.Background(), 400*time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
	close(release)
	c.Wait()
	for i, run := range runs {
		got, _ := s.GetRun(context.Background(), run.ID)
		if got.Status != models.RunSucceeded {
			t.Errorf("run %d: %s %q", i, got.Status, got.Error)
		}
	}
}

// TestCrawlerAbandonsRunEndedElsewhere: when another process marks a run
// interrupted, the crawl stops instead of reading the source for nothing.
func TestCrawlerAbandonsRunEndedElsewhere(t *testing.T) {
	t.Parallel()
	stopped := make(chan struct{})
	s, c, srcs := crawlerWith(t, 1, jobs.CrawlerOptions{StaleAfter: 400 * time.Millisecond}, func(ctx context.Context) (*models.CrawlSnapshot, error) {
		<-ctx.Done()
		close(stopped)
		return nil, ctx.Err()
	})
	run, err := c.Start(srcs[0], models.TriggerManual, nil, "test")
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if err := s.FailRun(context.Background(), run.ID, models.RunInterrupted, "", "marked by another replica"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-stopped:
	case <-time.After(3 * time.Second):
		t.Fatal("the crawl went on after its run was ended elsewhere")
	}
	c.Wait()
	if got, _ := s.GetRun(context.Background(), run.ID); got.Status != models.RunInterrupted || got.Error != "marked by another replica" {
		t.Errorf("run: %s %q", got.Status, got.Error)
	}
}
