package jobs

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/robfig/cron/v3"
)

// SourceSchedules keeps one cron entry per enabled source, in the source's
// time zone. Every replica runs the same entries; the crawler's claim makes
// each tick crawl once. Run syncs the entries with the stored sources
// whenever this process writes a source (the store signals it) and every
// 30 seconds, so changes made on another replica arrive too.
type SourceSchedules struct {
	store     *models.Store
	crawler   *Crawler
	scheduler *Scheduler

	mu      sync.Mutex
	entries map[uint]scheduledSource
}

type scheduledSource struct {
	entry cron.EntryID
	spec  string
}

// NewSourceSchedules ties sources' schedules to the scheduler.
func NewSourceSchedules(store *models.Store, crawler *Crawler, scheduler *Scheduler) *SourceSchedules {
	return &SourceSchedules{store: store, crawler: crawler, scheduler: scheduler, entries: map[uint]scheduledSource{}}
}

// Sync adds, changes and removes entries to match the sources as stored.
func (s *SourceSchedules) Sync(ctx context.Context) error {
	sources, err := s.store.ListSources(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	wanted := map[uint]bool{}
	for i := range sources {
		src := sources[i]
		if !src.Enabled {
			continue
		}
		spec := "CRON_TZ=" + src.TimeZone + " " + src.Schedule
		wanted[src.ID] = true
		if cur, ok := s.entries[src.ID]; ok {
			if cur.spec == spec {
				continue
			}
			s.scheduler.Remove(cur.entry)
			delete(s.entries, src.ID)
		}
		id := src.ID
		entry, err := s.scheduler.AddEntry("crawl "+src.Slug, spec, func(ctx context.Context) error {
			return s.Tick(ctx, id, time.Now())
		})
		if err != nil {
			continue // validated on save; a schedule that no longer parses is skipped, not fatal
		}
		s.entries[src.ID] = scheduledSource{entry: entry, spec: spec}
	}
	for id, cur := range s.entries {
		if !wanted[id] {
			s.scheduler.Remove(cur.entry)
			delete(s.entries, id)
		}
	}
	return nil
}

// Tick claims the run of the source for the minute of now; every replica's
// cron fires in the same minute, so only one claim succeeds.
func (s *SourceSchedules) Tick(ctx context.Context, sourceID uint, now time.Time) error {
	src, err := s.store.GetSource(ctx, itoa(sourceID))
	if err != nil {
		return err
	}
	if !src.Enabled {
		return nil
	}
	minute := now.UTC().Truncate(time.Minute)
	_, err = s.crawler.Start(src, models.TriggerSchedule, &minute, "")
	if errors.Is(err, models.ErrRunClaimed) {
		return nil // another replica has it, or the previous run is still going
	}
	return err
}

// Scheduled reports how many sources have an entry (tests, metrics).
func (s *SourceSchedules) Scheduled() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries)
}

// Run syncs the schedules until ctx ends: after every source write of this
// process (models.Store.SourcesChanged) and every interval (default 30 s).
// Serve syncs once before the scheduler starts; Run does not repeat it.
func (s *SourceSchedules) Run(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = 30 * time.Second
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.store.SourcesChanged():
		case <-t.C:
		}
		s.syncLogged(ctx)
	}
}

// syncLogged is one Sync whose failure, or panic, is logged: this loop
// runs outside the cron chain that recovers the other jobs.
func (s *SourceSchedules) syncLogged(ctx context.Context) {
	defer func() {
		if r := recover(); r != nil {
			s.crawler.log.Error("sync source schedules panicked", "panic", fmt.Sprint(r))
		}
	}()
	syncCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := s.Sync(syncCtx); err != nil && ctx.Err() == nil {
		s.crawler.log.Error("sync source schedules", "error", err)
	}
}

// Sources is the crawler and the source schedules together; the HTTP
// handlers use it to start crawls and test connections.
type Sources struct {
	*Crawler
	*SourceSchedules
}
