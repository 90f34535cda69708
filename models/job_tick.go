package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// JobTick records that one replica took one tick of a scheduled portal job,
// so the job runs once per tick however many replicas run it.
type JobTick struct {
	Job       string    `gorm:"size:64;primaryKey"`
	Tick      time.Time `gorm:"primaryKey"`
	ClaimedBy string    `gorm:"size:100;not null"`
	ClaimedAt time.Time `gorm:"not null"`
}

// ClaimJobTick claims the tick (its time truncated to the minute) for
// instance; false means another replica has it. Ticks older than a week are
// dropped on the way.
func (s *Store) ClaimJobTick(ctx context.Context, job string, tick time.Time, instance string) (bool, error) {
	tick = tick.UTC().Truncate(time.Minute)
	db := s.db.WithContext(ctx)
	err := db.Create(&JobTick{Job: job, Tick: tick, ClaimedBy: truncate(instance, 100), ClaimedAt: s.now()}).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return false, nil
	}
	if err != nil {
		return false, internal("claim job tick", err)
	}
	if err := db.Where("job = ? AND tick < ?", job, tick.Add(-7*24*time.Hour)).Delete(&JobTick{}).Error; err != nil {
		return true, internal("drop old job ticks", err)
	}
	return true, nil
}
