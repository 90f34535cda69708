package models

import (
	"context"
	"sync"
	"time"

	"gorm.io/gorm"
)

// lastUse writes sessions' and API tokens' time of last use (and deletes
// expired sessions) in the background, one row at a time. A page view need not wait for it: on
// SQLite the write waits for any open write transaction (a findings
// evaluation holds one for a second or two). One writer with a bounded
// queue holds at most one pool connection while it waits, and a row queued
// in the last minute is not queued again, so a busy API client or many
// users during an evaluation cannot fill the pool or pile up goroutines. A
// write dropped (queue full) or failed only means the row keeps its older
// time, which the minutely refresh corrects at a later check.
type lastUse struct {
	mu      sync.Mutex
	queued  map[lastUseKey]time.Time // when each row was last queued
	queue   chan lastUseWrite
	closed  bool
	started bool
	pending sync.WaitGroup // queued writes not yet done
}

type lastUseKey struct {
	table string
	id    uint
}

type lastUseWrite struct {
	lastUseKey
	column string // "" deletes the row
	at     time.Time
}

const (
	lastUseQueue   = 256
	lastUseTimeout = 10 * time.Second
)

// later queues setting column of the row to at.
func (l *lastUse) later(db *gorm.DB, table string, id uint, column string, at time.Time) {
	l.enqueue(db, lastUseWrite{lastUseKey{table, id}, column, at}, true)
}

// deleteLater queues deleting the row (an expired session, found on a page
// view's path).
func (l *lastUse) deleteLater(db *gorm.DB, table string, id uint) {
	l.enqueue(db, lastUseWrite{lastUseKey: lastUseKey{table, id}}, false)
}

// enqueue queues w; once a minute per row when onceAMinute.
func (l *lastUse) enqueue(db *gorm.DB, w lastUseWrite, onceAMinute bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	key, at := w.lastUseKey, w.at
	if l.closed || onceAMinute && at.Sub(l.queued[key]) < time.Minute {
		return
	}
	if !l.started {
		l.started, l.queue, l.queued = true, make(chan lastUseWrite, lastUseQueue), map[lastUseKey]time.Time{}
		go l.write(db)
	}
	l.pending.Add(1) // before the send: the writer may be done at once
	select {
	case l.queue <- w:
		if !onceAMinute {
			break
		}
		if len(l.queued) >= 10000 { // rows of long ago: start over
			clear(l.queued)
		}
		l.queued[key] = at
	default: // full: dropped
		l.pending.Done()
	}
}

func (l *lastUse) write(db *gorm.DB) {
	for w := range l.queue {
		ctx, cancel := context.WithTimeout(context.Background(), lastUseTimeout)
		row := db.WithContext(ctx).Table(w.table).Where("id = ?", w.id)
		if w.column == "" {
			row.Delete(nil)
		} else {
			row.Update(w.column, w.at)
		}
		cancel()
		l.pending.Done()
	}
}

// wait waits for the queued writes (tests read them afterwards).
func (l *lastUse) wait() { l.pending.Wait() }

// close stops taking writes and waits for the queued ones, at most until
// ctx ends.
func (l *lastUse) close(ctx context.Context) {
	l.mu.Lock()
	if !l.closed {
		l.closed = true
		if l.started {
			close(l.queue)
		}
	}
	l.mu.Unlock()
	done := make(chan struct{})
	go func() { l.pending.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}
