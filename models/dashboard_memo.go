package models

import (
	"sync"
	"time"
)

// dashboardMemo keeps the home and domain pages' health counts and trends
// for a few seconds: under load every view would otherwise judge all
// 10,000 products and read the trend table again, for figures that move
// by the minute at most.
type dashboardMemo struct {
	mu     sync.Mutex
	counts map[healthKey]memoEntry[HealthCounts]
	trends map[trendKey]memoEntry[[]HealthDay]
}

type healthKey struct {
	snap   *catalogSnapshot
	domain string
}

type trendKey struct {
	domain uint
	days   int
}

type memoEntry[T any] struct {
	value T
	until time.Time
}

const (
	healthMemoFor = 5 * time.Second
	trendMemoFor  = 30 * time.Second
)

func newDashboardMemo() *dashboardMemo {
	return &dashboardMemo{counts: map[healthKey]memoEntry[HealthCounts]{}, trends: map[trendKey]memoEntry[[]HealthDay]{}}
}

func memoGet[K comparable, T any](mu *sync.Mutex, m map[K]memoEntry[T], k K, now time.Time) (T, bool) {
	mu.Lock()
	defer mu.Unlock()
	e, ok := m[k]
	if !ok || now.After(e.until) {
		var zero T
		return zero, false
	}
	return e.value, true
}

func memoPut[K comparable, T any](mu *sync.Mutex, m map[K]memoEntry[T], k K, v T, until time.Time) {
	mu.Lock()
	defer mu.Unlock()
	if len(m) > 1000 { // old snapshots' entries: start over
		clear(m)
	}
	m[k] = memoEntry[T]{value: v, until: until}
}

// forgetTrends drops the remembered trends after this process wrote a day.
func (d *dashboardMemo) forgetTrends() {
	d.mu.Lock()
	defer d.mu.Unlock()
	clear(d.trends)
}
