package models

import (
	"path/filepath"
	"testing"
	"time"
)

func TestLastUseWritesARowOncePerMinuteWithoutBlocking(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "last_use.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.db.Exec("CREATE TABLE things (id integer PRIMARY KEY, seen_at datetime)").Error; err != nil {
		t.Fatal(err)
	}
	for id := 1; id <= 400; id++ {
		if err := s.db.Exec("INSERT INTO things (id) VALUES (?)", id).Error; err != nil {
			t.Fatal(err)
		}
	}
	seen := func(id int) time.Time {
		t.Helper()
		var at *time.Time
		if err := s.db.Raw("SELECT seen_at FROM things WHERE id = ?", id).Scan(&at).Error; err != nil {
			t.Fatal(err)
		}
		if at == nil {
			return time.Time{}
		}
		return at.UTC()
	}
	l := &lastUse{}
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	l.later(s.db, "things", 1, "seen_at", t0)
	l.later(s.db, "things", 1, "seen_at", t0.Add(30*time.Second)) // within the minute: not again
	l.wait()
	if got := seen(1); !got.Equal(t0) {
		t.Errorf("seen_at %v, want %v", got, t0)
	}
	l.later(s.db, "things", 1, "seen_at", t0.Add(61*time.Second))
	l.wait()
	if got := seen(1); !got.Equal(t0.Add(61 * time.Second)) {
		t.Errorf("a minute later: seen_at %v", got)
	}

	// Another transaction holds SQLite's write lock: queuing does not wait
	// for it, and beyond the queue's room writes are dropped, not piled up.
	tx := s.db.Begin()
	if err := tx.Exec("UPDATE things SET seen_at = NULL WHERE id = 400").Error; err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for id := 2; id <= 399; id++ {
		l.later(s.db, "things", uint(id), "seen_at", t0)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("queuing 398 writes behind a held lock took %v", took)
	}
	if n := len(l.queue); n > lastUseQueue {
		t.Errorf("%d writes queued, room for %d", n, lastUseQueue)
	}
	if err := tx.Rollback().Error; err != nil {
		t.Fatal(err)
	}
	l.wait()
	var written int64
	s.db.Raw("SELECT count(*) FROM things WHERE id BETWEEN 2 AND 399 AND seen_at IS NOT NULL").Scan(&written)
	if written == 0 || written > lastUseQueue+1 {
		t.Errorf("%d of 398 rows written; want some, at most the queue's room plus the one in flight", written)
	}

	l.close(t.Context())
	l.later(s.db, "things", 400, "seen_at", t0) // after close: ignored, no panic
	l.wait()
}
