package models

import (
	"context"
	"errors"
	"time"

	"github.com/meshport/meshport/jobs/connectors"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ErrRunClaimed says a run could not start because the source is already
// being crawled or this scheduled tick was claimed by another process.
var ErrRunClaimed = errors.New("run already claimed")

// ClaimRun starts a run of the source. It fails with ErrRunClaimed when a
// run of the source is still running (on any replica) or, for a scheduled
// run, when another replica already claimed the same tick: the database's
// unique indexes decide, so each tick runs exactly once.
func (s *Store) ClaimRun(ctx context.Context, sourceID uint, trigger string, scheduledFor *time.Time, actor, instance string) (*CrawlRun, error) {
	now := s.now()
	run := &CrawlRun{SourceID: sourceID, Trigger: trigger, ScheduledFor: scheduledFor, StartedAt: now,
		HeartbeatAt: now, Status: RunRunning, Actor: truncate(actor, 299), Instance: truncate(instance, 99)}
	err := s.db.WithContext(ctx).Omit("Source").Create(run).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return nil, ErrRunClaimed
	}
	return run, internal("claim run", err)
}

// RunProgress records how many assets a running crawl has read, which is
// also its heartbeat.
func (s *Store) RunProgress(ctx context.Context, runID uint, assets int) error {
	err := s.db.WithContext(ctx).Model(&CrawlRun{}).Where("id = ? AND status = ?", runID, RunRunning).
		Updates(map[string]any{"progress": assets, "heartbeat_at": s.now()}).Error
	return internal("run progress", err)
}

// FailRun ends a run with a plain-words error.
func (s *Store) FailRun(ctx context.Context, runID uint, status, reason, message string) error {
	now := s.now()
	err := s.db.WithContext(ctx).Model(&CrawlRun{}).Where("id = ? AND status = ?", runID, RunRunning).
		Updates(map[string]any{"status": status, "finished_at": now, "heartbeat_at": now,
			"error_reason": truncate(reason, 31), "error": truncate(message, 1999)}).Error
	return internal("fail run", err)
}

// InterruptStaleRuns marks runs whose process stopped beating as
// interrupted (the process was killed); run at start and periodically.
func (s *Store) InterruptStaleRuns(ctx context.Context, staleAfter time.Duration) (int64, error) {
	now := s.now()
	res := s.db.WithContext(ctx).Model(&CrawlRun{}).
		Where("status = ? AND heartbeat_at < ?", RunRunning, now.Add(-staleAfter)).
		Updates(map[string]any{"status": RunInterrupted, "finished_at": now,
			"error": "The process running this crawl stopped before it finished."})
	return res.RowsAffected, internal("interrupt stale runs", res.Error)
}

// InterruptRunsOf marks this process's running runs as interrupted, when it
// shuts down before they finish.
func (s *Store) InterruptRunsOf(ctx context.Context, instance string) error {
	now := s.now()
	err := s.db.WithContext(ctx).Model(&CrawlRun{}).Where("status = ? AND instance = ?", RunRunning, instance).
		Updates(map[string]any{"status": RunInterrupted, "finished_at": now,
			"error": "meshport was shut down during this crawl."}).Error
	return internal("interrupt runs", err)
}

const observationBatch = 500

// RecordCrawl stores what a crawl saw, derives freshness and usage, marks
// assets not seen as gone, and ends the run as succeeded, all in one
// transaction.
func (s *Store) RecordCrawl(ctx context.Context, run *CrawlRun, src *Source, snap *connectors.Snapshot) (*CrawlRun, error) {
	at := s.now()
	cc := crawlContext{at: at, kind: connectors.Kind(src.Kind), epoch: snap.CountersEpoch, usageKnown: snap.UsageKnown}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var stored []Asset
		if err := tx.Where("source_id = ?", src.ID).Find(&stored).Error; err != nil {
			return err
		}
		byKey := make(map[string]*Asset, len(stored))
		for i := range stored {
			byKey[stored[i].Key] = &stored[i]
		}
		window, err := readWindows(tx, src.ID, at.Add(-30*24*time.Hour))
		if err != nil {
			return err
		}

		seen := make(map[string]bool, len(snap.Assets))
		var inserts, updates []Asset
		var insertObs, updateObs []AssetObservation
		newCount, changedCount := 0, 0
		for i := range snap.Assets {
			o := &snap.Assets[i]
			key := o.Key()
			if seen[key] {
				continue // a connector listing an asset twice must not fail the crawl
			}
			seen[key] = true
			prev := byKey[key]
			res := applyObservation(prev, o, cc)
			res.asset.SourceID = src.ID
			if res.observation.ReadsDelta != nil && res.asset.UsageKnown {
				w := window[res.asset.ID]
				total, since := w.total+*res.observation.ReadsDelta, *res.observation.Since
				if w.since != nil && w.since.Before(since) {
					since = *w.since
				}
				rate := readsPerDay(total, since, at)
				res.asset.ReadsPerDay = &rate
			}
			res.observation.RunID = run.ID
			if res.isNew {
				newCount++
			} else if res.changed {
				changedCount++
			}
			if prev == nil {
				inserts, insertObs = append(inserts, res.asset), append(insertObs, res.observation)
			} else {
				updates, updateObs = append(updates, res.asset), append(updateObs, res.observation)
			}
		}
		if len(inserts) > 0 {
			if err := tx.Omit("Source").CreateInBatches(&inserts, observationBatch).Error; err != nil {
				return err
			}
		}
		if len(updates) > 0 {
			err := tx.Omit("Source").Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "id"}}, UpdateAll: true}).
				CreateInBatches(&updates, observationBatch).Error
			if err != nil {
				return err
			}
		}
		observations := make([]AssetObservation, 0, len(inserts)+len(updates))
		for i := range inserts {
			insertObs[i].AssetID = inserts[i].ID
			observations = append(observations, insertObs[i])
		}
		for i := range updates {
			updateObs[i].AssetID = updates[i].ID
			observations = append(observations, updateObs[i])
		}
		if len(observations) > 0 {
			if err := tx.Omit("Asset").CreateInBatches(&observations, observationBatch).Error; err != nil {
				return err
			}
		}
		gone := tx.Model(&Asset{}).Where("source_id = ? AND gone_at IS NULL AND last_seen_at < ?", src.ID, at).Update("gone_at", at)
		if gone.Error != nil {
			return gone.Error
		}
		run.Status, run.FinishedAt, run.HeartbeatAt = RunSucceeded, &at, at
		run.AssetsSeen, run.AssetsNew, run.AssetsChanged, run.AssetsGone = len(seen), newCount, changedCount, int(gone.RowsAffected)
		run.Progress, run.ServerVersion, run.UsageNote = len(seen), truncate(snap.ServerVersion, 199), truncate(snap.UsageNote, 499)
		res := tx.Model(&CrawlRun{}).Where("id = ? AND status = ?", run.ID, RunRunning).Updates(map[string]any{
			"status": run.Status, "finished_at": at, "heartbeat_at": at, "assets_seen": run.AssetsSeen,
			"assets_new": run.AssetsNew, "assets_changed": run.AssetsChanged, "assets_gone": run.AssetsGone,
			"progress": run.Progress, "server_version": run.ServerVersion, "usage_note": run.UsageNote,
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return Errorf(ECONFLICT, "The run was marked interrupted while it was recording; its results were not kept.")
		}
		return nil
	})
	return run, internal("record crawl", err)
}

type readWindow struct {
	total int64
	since *time.Time
}

// readWindows sums each asset's known read deltas since from, and the start
// of the interval they cover.
func readWindows(tx *gorm.DB, sourceID uint, from time.Time) (map[uint]readWindow, error) {
	rows, err := tx.Table("asset_observations AS o").
		Select("o.asset_id, CAST(SUM(o.reads_delta) AS BIGINT) AS total, MIN(o.since) AS since").
		Joins("JOIN assets a ON a.id = o.asset_id").
		Where("a.source_id = ? AND o.at > ? AND o.reads_delta IS NOT NULL", sourceID, from).
		Group("o.asset_id").Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[uint]readWindow{}
	for rows.Next() {
		var id uint
		var total int64
		var since any // an aggregate loses the column type on SQLite: a string there
		if err := rows.Scan(&id, &total, &since); err != nil {
			return nil, err
		}
		out[id] = readWindow{total: total, since: dbTime(since)}
	}
	return out, rows.Err()
}

// dbTime reads a time from an aggregate column: time.Time on PostgreSQL, a
// string in one of the driver's layouts on SQLite.
func dbTime(v any) *time.Time {
	switch t := v.(type) {
	case time.Time:
		return timePtr(t)
	case string:
		for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"} {
			if parsed, err := time.Parse(layout, t); err == nil {
				return timePtr(parsed)
			}
		}
	case []byte:
		return dbTime(string(t))
	}
	return nil
}

// RunningRuns lists the runs marked running, on any replica.
func (s *Store) RunningRuns(ctx context.Context) ([]CrawlRun, error) {
	var runs []CrawlRun
	err := s.db.WithContext(ctx).Where("status = ?", RunRunning).Find(&runs).Error
	return runs, internal("running runs", err)
}

// ListRuns returns a source's newest runs first.
func (s *Store) ListRuns(ctx context.Context, sourceID uint, limit int) ([]CrawlRun, error) {
	var runs []CrawlRun
	err := s.db.WithContext(ctx).Where("source_id = ?", sourceID).Order("started_at DESC, id DESC").Limit(limit).Find(&runs).Error
	return runs, internal("list runs", err)
}

// GetRun finds a run by id.
func (s *Store) GetRun(ctx context.Context, id uint) (*CrawlRun, error) {
	var run CrawlRun
	err := s.db.WithContext(ctx).Take(&run, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, Errorf(ENOTFOUND, "There is no run %d.", id)
	}
	return &run, internal("get run", err)
}
