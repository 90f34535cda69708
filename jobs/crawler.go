package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/meshport/meshport/jobs/connectors"
	"github.com/meshport/meshport/models"
)

// CrawlerOptions tune the crawler; zero values take the defaults.
type CrawlerOptions struct {
	// Parallel is how many sources are crawled at once (default 4).
	Parallel int
	// Timeout bounds one crawl (default 30 minutes).
	Timeout time.Duration
	// TestTimeout bounds "Test connection" (default 10 s).
	TestTimeout time.Duration
	// StaleAfter is how long a running crawl may go without a heartbeat
	// before it counts as interrupted (default 2 minutes).
	StaleAfter time.Duration
	// Open makes connectors (default connectors.Open); tests replace it.
	Open func(models.SourceSettings, models.SourcePolicy) (connectors.Connector, error)
	// AfterCrawl, when set, runs after each successful crawl, in the
	// crawl's slot with a deadline of Timeout: the contracts' quality checks.
	AfterCrawl func(ctx context.Context, sourceID uint)
}

// Crawler runs crawls of sources: claimed once across replicas, bounded in
// parallel, each in its own goroutine with a deadline, recording progress
// and heartbeats, and ending succeeded, failed or interrupted.
type Crawler struct {
	store    *models.Store
	log      *slog.Logger
	opts     CrawlerOptions
	slots    chan struct{}
	instance string
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

// NewCrawler makes a crawler; its crawls stop when Shutdown is called.
func NewCrawler(store *models.Store, log *slog.Logger, opts CrawlerOptions) *Crawler {
	if opts.Parallel <= 0 {
		opts.Parallel = 4
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Minute
	}
	if opts.TestTimeout <= 0 {
		opts.TestTimeout = 10 * time.Second
	}
	if opts.StaleAfter <= 0 {
		opts.StaleAfter = 2 * time.Minute
	}
	if opts.Open == nil {
		opts.Open = connectors.Open
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	ctx, cancel := context.WithCancel(context.Background())
	return &Crawler{store: store, log: log, opts: opts, slots: make(chan struct{}, opts.Parallel),
		instance: fmt.Sprintf("%s/%d/%s", processSpace(), os.Getpid(), hex.EncodeToString(b)), ctx: ctx, cancel: cancel}
}

// StaleAfter is the heartbeat age after which a run counts as interrupted.
func (c *Crawler) StaleAfter() time.Duration { return c.opts.StaleAfter }

// Start claims a run of the source and crawls it in the background. It
// returns models.ErrRunClaimed when the source is being crawled already or
// the scheduled tick was claimed by another replica.
func (c *Crawler) Start(src *models.Source, trigger string, scheduledFor *time.Time, actor string) (*models.CrawlRun, error) {
	if c.ctx.Err() != nil {
		return nil, models.Errorf(models.EUNAVAILABLE, "meshport is shutting down; crawls are not started.")
	}
	run, err := c.store.ClaimRun(c.ctx, src.ID, trigger, scheduledFor, actor, c.instance)
	if err != nil {
		return nil, err
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		c.crawl(run, src)
	}()
	return run, nil
}

// crawl runs one claimed run to its end; a panic in a connector fails the
// run instead of the process.
func (c *Crawler) crawl(run *models.CrawlRun, src *models.Source) {
	log := c.log.With("source", src.Slug, "run", run.ID)
	start := time.Now()
	defer func() {
		if r := recover(); r != nil {
			log.Error("crawl panicked", "panic", fmt.Sprint(r))
			_ = c.store.FailRun(context.Background(), run.ID, models.RunFailed, models.FailureOther, "The crawler failed unexpectedly; the error is in the portal's log.")
		}
	}()
	// The heartbeat starts at once: a run waiting for a free slot is alive,
	// not interrupted. If the run stops being "running" (another replica
	// marked it interrupted), the heartbeat cancels the crawl.
	runCtx, cancelRun := context.WithCancel(c.ctx)
	defer cancelRun()
	stopBeat := c.heartbeat(runCtx, cancelRun, run.ID)
	defer stopBeat()
	select {
	case c.slots <- struct{}{}:
		defer func() { <-c.slots }()
	case <-runCtx.Done():
		_ = c.store.FailRun(context.Background(), run.ID, models.RunInterrupted, "", "meshport was shut down before this crawl started.")
		return
	}
	ctx, cancel := context.WithTimeout(runCtx, c.opts.Timeout)
	defer cancel()

	// The stored assets load while the connector reads the source.
	type loaded struct {
		assets []models.Asset
		err    error
	}
	stored := make(chan loaded, 1)
	go func() {
		assets, err := c.store.SourceAssets(ctx, src.ID)
		stored <- loaded{assets, err}
	}()
	// Whatever happens to the read (a connector panic included), the load
	// ends before the crawl does: nothing of a crawl outlives it.
	var prev loaded
	received := false
	defer func() {
		if !received {
			<-stored
		}
	}()
	snap, err := c.read(ctx, src, run.ID)
	prev, received = <-stored, true
	if err == nil && prev.err != nil {
		err = prev.err
	}
	if err == nil {
		_, err = c.store.RecordCrawl(ctx, run, src, snap, prev.assets)
	}
	if err != nil {
		status, reason, message := failure(ctx, c.ctx, err)
		if ferr := c.store.FailRun(context.Background(), run.ID, status, reason, message); ferr != nil {
			log.Error("record failed run", "error", ferr)
		}
		log.Warn("crawl failed", "duration_ms", time.Since(start).Milliseconds(), "reason", reason, "error", message, "cause", cause(err))
		return
	}
	log.Info("crawl done", "duration_ms", time.Since(start).Milliseconds(), "assets", run.AssetsSeen,
		"new", run.AssetsNew, "changed", run.AssetsChanged, "gone", run.AssetsGone)
	if c.opts.AfterCrawl != nil {
		// The run has ended: its heartbeat would now take the crawl for
		// abandoned and cancel it. The checks get a deadline of their own,
		// still within the crawler's life and its slot.
		stopBeat()
		checksCtx, cancelChecks := context.WithTimeout(c.ctx, c.opts.Timeout)
		defer cancelChecks()
		c.opts.AfterCrawl(checksCtx, src.ID)
	}
}

// Instance names this process for claims other replicas can judge.
func (c *Crawler) Instance() string { return c.instance }

// read opens the connector and crawls, reporting progress.
func (c *Crawler) read(ctx context.Context, src *models.Source, runID uint) (*models.CrawlSnapshot, error) {
	settings, err := c.store.ConnectorSettings(src)
	if err != nil {
		return nil, err
	}
	conn, err := c.opts.Open(settings, c.store.SourcePolicy())
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	var last time.Time
	snap, err := conn.Crawl(ctx, func(n int) {
		if time.Since(last) >= 2*time.Second {
			last = time.Now()
			_ = c.store.RunProgress(ctx, runID, n)
		}
	})
	if err != nil {
		return nil, err
	}
	snap.Warnings = append(snap.Warnings, models.FreshnessWarnings(settings.FreshnessColumns, snap)...)
	return snap, nil
}

// heartbeat keeps the run's heartbeat fresh while a long query runs without
// progress, so other replicas do not take it for interrupted.
func (c *Crawler) heartbeat(ctx context.Context, abandon context.CancelFunc, runID uint) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(c.opts.StaleAfter / 4)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				run, err := c.store.GetRun(ctx, runID)
				switch {
				case err != nil:
				case run.Status != models.RunRunning:
					abandon() // ended elsewhere: its results would not be kept
					return
				default:
					_ = c.store.RunProgress(ctx, runID, run.Progress)
				}
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { cancel(); <-done }) }
}

// failure tells how a crawl ended: interrupted by shutdown, timed out, or
// failed with the connector's plain-words error.
func failure(ctx, appCtx context.Context, err error) (status, reason, message string) {
	if appCtx.Err() != nil {
		return models.RunInterrupted, "", "meshport was shut down during this crawl."
	}
	var ce *models.SourceError
	if errors.As(err, &ce) {
		return models.RunFailed, ce.Reason, ce.Message
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return models.RunFailed, models.FailureTimeout, "The crawl took longer than allowed and was stopped."
	}
	var me *models.Error
	if errors.As(err, &me) {
		return models.RunFailed, models.FailureOther, me.Message
	}
	return models.RunFailed, models.FailureOther, "The crawl failed; the details are in the portal's log."
}

// cause is what lies under a plain-words error, for the log: the driver's
// own message (connectors strip passwords from it) or an internal error.
func cause(err error) string {
	var ce *models.SourceError
	if errors.As(err, &ce) {
		if ce.Err != nil {
			return ce.Err.Error()
		}
		return ce.Message
	}
	return err.Error()
}

// TestConnection connects with the settings and says what it sees, within
// the test timeout.
func (c *Crawler) TestConnection(ctx context.Context, settings models.SourceSettings) (models.ConnectionTest, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.TestTimeout)
	defer cancel()
	conn, err := c.opts.Open(settings, c.store.SourcePolicy())
	if err != nil {
		return models.ConnectionTest{}, err
	}
	defer conn.Close()
	res, err := conn.Test(ctx)
	if err != nil {
		c.log.Info("test connection failed", "kind", settings.Kind, "cause", cause(err))
	}
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		var ce *models.SourceError
		if !errors.As(err, &ce) {
			err = &models.SourceError{Reason: models.FailureTimeout, Message: fmt.Sprintf("No answer within %s.", c.opts.TestTimeout), Err: err}
		}
	}
	return res, err
}

// Shutdown stops starting crawls, cancels running ones and waits for them
// to record that they were interrupted (or for ctx to end).
func (c *Crawler) Shutdown(ctx context.Context) {
	c.cancel()
	done := make(chan struct{})
	go func() { c.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
	if err := c.store.InterruptRunsOf(context.Background(), c.instance); err != nil {
		c.log.Error("mark runs interrupted", "error", err)
	}
}

// Wait blocks until every started crawl has ended (tests).
func (c *Crawler) Wait() { c.wg.Wait() }

func itoa(id uint) string { return fmt.Sprint(id) }

// InterruptOrphans marks runs as interrupted whose process is gone: at once
// for processes of this machine that no longer exist (killed, crashed), and
// for any other once their heartbeat is older than StaleAfter.
func (c *Crawler) InterruptOrphans(ctx context.Context) error {
	running, err := c.store.RunningRuns(ctx)
	if err != nil {
		return err
	}
	space := processSpace()
	for _, run := range running {
		sp, pid, ok := parseInstance(run.Instance)
		if ok && sp == space && pid != os.Getpid() && !processAlive(pid) {
			if err := c.store.FailRun(ctx, run.ID, models.RunInterrupted, "", "The process running this crawl stopped (killed or crashed) before it finished."); err != nil {
				return err
			}
			c.log.Warn("crawl interrupted by the end of its process", "run", run.ID, "instance", run.Instance)
		}
	}
	_, err = c.store.InterruptStaleRuns(ctx, c.opts.StaleAfter)
	return err
}

// processSpace names the set of processes whose ids this process can check:
// the host name with the PID namespace, so that replicas in containers that
// share a host name never judge each other's process ids.
func processSpace() string {
	host, _ := os.Hostname()
	ns, err := os.Readlink("/proc/self/ns/pid")
	if err != nil {
		ns = "unknown"
	}
	return strings.NewReplacer("/", "_").Replace(host + "@" + ns)
}

// parseInstance reads "space/pid/random".
func parseInstance(instance string) (space string, pid int, ok bool) {
	parts := strings.Split(instance, "/")
	if len(parts) != 3 {
		return "", 0, false
	}
	pid, err := strconv.Atoi(parts[1])
	return parts[0], pid, err == nil
}

// processAlive asks the kernel whether a process exists (signal 0).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
