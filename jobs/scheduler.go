package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
)

// Scheduler runs named jobs on cron schedules. Each job is wrapped so that a
// panic is logged instead of killing the process, and a run still going
// when the next tick comes is skipped rather than doubled. The order
// matters: with Recover outside SkipIfStillRunning, a panic would leave the
// job marked running forever (robfig/cron v3.0.1).
type Scheduler struct {
	cron *cron.Cron
	log  *slog.Logger
	ctx  context.Context
	stop context.CancelFunc
}

// NewScheduler makes a scheduler whose jobs get a context that is cancelled
// when Stop is called.
func NewScheduler(log *slog.Logger, loc *time.Location) *Scheduler {
	cl := cronLogger{log: log}
	ctx, stop := context.WithCancel(context.Background())
	return &Scheduler{
		cron: cron.New(cron.WithLocation(loc), cron.WithLogger(cl),
			cron.WithChain(cron.SkipIfStillRunning(cl), cron.Recover(cl))),
		log: log, ctx: ctx, stop: stop,
	}
}

// Add schedules fn under name with a standard 5-field cron expression or a
// descriptor such as "@every 1h".
func (s *Scheduler) Add(name, spec string, fn func(ctx context.Context) error) error {
	_, err := s.AddEntry(name, spec, fn)
	return err
}

// AddEntry is Add returning the entry's id, for jobs that come and go (one
// per source).
func (s *Scheduler) AddEntry(name, spec string, fn func(ctx context.Context) error) (cron.EntryID, error) {
	id, err := s.cron.AddFunc(spec, func() {
		start := time.Now()
		if err := fn(s.ctx); err != nil {
			s.log.Error("job failed", "job", name, "duration_ms", time.Since(start).Milliseconds(), "error", err)
			return
		}
		s.log.Debug("job done", "job", name, "duration_ms", time.Since(start).Milliseconds())
	})
	if err != nil {
		return 0, fmt.Errorf("schedule %s (%q): %w", name, spec, err)
	}
	return id, nil
}

// Remove unschedules an entry added with AddEntry.
func (s *Scheduler) Remove(id cron.EntryID) { s.cron.Remove(id) }

// Context is cancelled when the scheduler stops.
func (s *Scheduler) Context() context.Context { return s.ctx }

// Start runs the scheduler in the background.
func (s *Scheduler) Start() { s.cron.Start() }

// Stop stops scheduling, cancels running jobs' context and waits for them
// to return or for ctx to end.
func (s *Scheduler) Stop(ctx context.Context) {
	done := s.cron.Stop()
	s.stop()
	select {
	case <-done.Done():
	case <-ctx.Done():
		s.log.Warn("jobs still running at shutdown")
	}
}

// cronLogger adapts slog to cron's logger interface.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) {
	if msg == "wake" || msg == "run" || msg == "schedule" || msg == "added" || msg == "start" || msg == "stop" {
		return // cron's own chatter; job outcomes are logged by Add
	}
	l.log.Info("cron: "+msg, kv...)
}

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "error", err)...)
}
