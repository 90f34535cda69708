package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
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

var assetColumns = []string{"id", "source_id", "key", "schema", "name", "kind", "parent", "columns", "first_seen_at", "last_seen_at",
	"gone_at", "size_bytes", "row_estimate", "file_count", "last_change_at", "last_change_how", "usage_known", "reads_per_day",
	"last_read_at", "last_read_how", "counters_epoch", "writes", "read_count", "reads_daily", "usage_since"}

// upsertAssets writes back assets that exist already, by id.
func upsertAssets(ctx context.Context, tx *gorm.DB, assets []Asset) error {
	rows := make([][]any, len(assets))
	for i, a := range assets {
		rows[i] = []any{a.ID, a.SourceID, a.Key, a.Schema, a.Name, a.Kind, a.Parent, a.Columns, a.FirstSeenAt, a.LastSeenAt,
			a.GoneAt, a.SizeBytes, a.RowEstimate, a.FileCount, a.LastChangeAt, a.LastChangeHow, a.UsageKnown, a.ReadsPerDay,
			a.LastReadAt, a.LastReadHow, a.CountersEpoch, a.Writes, a.ReadCount, a.ReadsDaily, a.UsageSince}
	}
	w := newBulkWriter(tx, "assets", assetColumns, "ON CONFLICT (id) DO UPDATE SET "+excludedUpdates(assetColumns))
	return w.write(ctx, tx, rows)
}

var observationColumns = []string{"asset_id", "run_id", "at", "size_bytes", "row_estimate", "writes", "read_count",
	"writes_delta", "reads_delta", "since", "last_modified", "last_read", "freshness_value", "epoch"}

// insertObservations appends one observation per asset.
func insertObservations(ctx context.Context, tx *gorm.DB, obs []AssetObservation) error {
	rows := make([][]any, len(obs))
	for i, o := range obs {
		rows[i] = []any{o.AssetID, o.RunID, o.At, o.SizeBytes, o.RowEstimate, o.Writes, o.ReadCount,
			o.WritesDelta, o.ReadsDelta, o.Since, o.LastModified, o.LastRead, o.FreshnessValue, o.Epoch}
	}
	return newBulkWriter(tx, "asset_observations", observationColumns, "").write(ctx, tx, rows)
}

// SourceAssets loads every asset of a source, gone ones included. The
// crawler loads them while the connector crawls, and hands them to
// RecordCrawl; only crawls change assets, and one crawl per source runs at
// a time, so they cannot go stale in between.
func (s *Store) SourceAssets(ctx context.Context, sourceID uint) ([]Asset, error) {
	var stored []Asset
	err := s.db.WithContext(ctx).Where("source_id = ?", sourceID).Find(&stored).Error
	return stored, internal("load assets", err)
}

// RecordCrawl stores what a crawl saw, derives freshness and usage, marks
// assets not seen as gone, and ends the run as succeeded, all in one
// transaction; then it brings what depends on the assets up to date: the
// health of the products whose ports are in the source, the source's
// findings and policies. The search entries of its assets follow inside
// the transaction. stored are the source's assets (SourceAssets); nil loads them.
//
// Those follow-ups run after the commit, so a failure there does not undo
// the crawl: it is logged, and the scheduled evaluation catches up.
func (s *Store) RecordCrawl(ctx context.Context, run *CrawlRun, src *Source, snap *CrawlSnapshot, stored []Asset) (*CrawlRun, error) {
	run, err := s.recordCrawl(ctx, run, src, snap, stored)
	if err != nil {
		return run, err
	}
	// The crawl's deadline may be nearly spent; the follow-ups are short.
	ctx = context.WithoutCancel(ctx)
	log := s.log.With("source", src.Slug, "run", run.ID)
	if err := s.RefreshSourceHealth(ctx, src.ID); err != nil {
		log.Error("refresh product health after a crawl", "error", err)
	}
	if _, err := s.EvaluateSourceFindings(ctx, src.ID); err != nil {
		log.Error("evaluate findings after a crawl", "error", err)
	}
	if err := s.EvaluateSourcePolicies(ctx, src.ID); err != nil {
		log.Error("evaluate policies after a crawl", "error", err)
	}
	return run, nil
}

// recordCrawl is RecordCrawl's transaction, without the follow-ups. It
// also replaces the source's asset edges by what this crawl's views read
// (ObservedAsset.DependsOn), writing only what changed.
func (s *Store) recordCrawl(ctx context.Context, run *CrawlRun, src *Source, snap *CrawlSnapshot, stored []Asset) (*CrawlRun, error) {
	at := s.now()
	cc := crawlContext{at: at, kind: SourceKind(src.Kind), epoch: snap.CountersEpoch, usageKnown: snap.UsageKnown}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if stored == nil {
			if err := tx.Where("source_id = ?", src.ID).Find(&stored).Error; err != nil {
				return err
			}
		}
		byKey := make(map[string]*Asset, len(stored))
		for i := range stored {
			byKey[stored[i].Key] = &stored[i]
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
			res.observation.RunID = run.ID
			if res.isNew {
				newCount++
			} else if res.changed {
				changedCount++
			}
			if prev == nil {
				inserts, insertObs = append(inserts, res.asset), append(insertObs, res.observation)
				continue
			}
			res.observation.AssetID = prev.ID
			updateObs = append(updateObs, res.observation)
			// Unchanged assets are not rewritten: only last_seen_at moves,
			// for all of them in one statement below.
			if assetDiffers(prev, &res.asset) {
				updates = append(updates, res.asset)
			}
		}
		var goneIDs []uint
		for i := range stored {
			if stored[i].GoneAt == nil && !seen[stored[i].Key] {
				goneIDs = append(goneIDs, stored[i].ID)
			}
		}
		if len(inserts) > 0 {
			// New assets need their ids back, so these go through GORM.
			if err := tx.Omit("Source").CreateInBatches(&inserts, 500).Error; err != nil {
				return err
			}
		}
		if err := upsertAssets(ctx, tx, updates); err != nil {
			return err
		}
		for i := range inserts {
			insertObs[i].AssetID = inserts[i].ID
		}
		if err := syncAssetEdges(ctx, tx, src.ID, crawlEdges(snap, seen, byKey, inserts)); err != nil {
			return err
		}
		if err := insertObservations(ctx, tx, append(insertObs, updateObs...)); err != nil {
			return err
		}
		for start := 0; start < len(goneIDs); start += 500 {
			ids := goneIDs[start:min(start+500, len(goneIDs))]
			if err := tx.Model(&Asset{}).Where("id IN ?", ids).Update("gone_at", at).Error; err != nil {
				return err
			}
		}
		err := tx.Model(&Asset{}).Where("source_id = ? AND gone_at IS NULL AND last_seen_at < ?", src.ID, at).Update("last_seen_at", at).Error
		if err != nil {
			return err
		}
		// The search follows the crawl in its transaction: gone assets
		// leave, new columns are found (only what changed is written).
		if err := indexSourceAssets(tx, at, src.ID); err != nil {
			return err
		}
		run.Status, run.FinishedAt, run.HeartbeatAt = RunSucceeded, &at, at
		run.AssetsSeen, run.AssetsNew, run.AssetsChanged, run.AssetsGone = len(seen), newCount, changedCount, len(goneIDs)
		run.Progress, run.ServerVersion, run.UsageNote = len(seen), truncate(snap.ServerVersion, 199), truncate(snap.UsageNote, 499)
		run.Warnings = runWarnings(snap.Warnings)
		res := tx.Model(&CrawlRun{}).Where("id = ? AND status = ?", run.ID, RunRunning).Updates(map[string]any{
			"status": run.Status, "finished_at": at, "heartbeat_at": at, "assets_seen": run.AssetsSeen,
			"assets_new": run.AssetsNew, "assets_changed": run.AssetsChanged, "assets_gone": run.AssetsGone,
			"progress": run.Progress, "server_version": run.ServerVersion, "usage_note": run.UsageNote,
			"warnings": run.Warnings,
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

// PruneObservations deletes observations older than keep, in batches so a
// large backlog does not hold one long transaction. Assets keep their
// derived figures (and 60 days of daily reads) whatever is pruned.
func (s *Store) PruneObservations(ctx context.Context, keep time.Duration) (int64, error) {
	cutoff := s.now().Add(-keep)
	var total int64
	for {
		res := s.db.WithContext(ctx).Where("id IN (?)",
			s.db.Model(&AssetObservation{}).Select("id").Where("at < ?", cutoff).Limit(5000)).Delete(&AssetObservation{})
		if res.Error != nil {
			return total, internal("prune observations", res.Error)
		}
		total += res.RowsAffected
		if res.RowsAffected < 5000 {
			return total, nil
		}
	}
}

// runWarnings keeps the first maxRunWarnings warnings, each cut to 300
// characters, and says how many more there were.
func runWarnings(all []string) StringList {
	out := StringList{}
	for i, w := range all {
		if i == maxRunWarnings-1 && len(all) > maxRunWarnings {
			out = append(out, fmt.Sprintf("and %d more", len(all)-i))
			break
		}
		out = append(out, truncate(w, 300))
	}
	return out
}
