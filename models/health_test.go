package models

import (
	"encoding/json"
	"testing"
	"time"
)

func TestHealthOf(t *testing.T) {
	now := time.Date(2030, 6, 30, 12, 0, 0, 0, time.UTC)
	id := uint(1)
	product := &Product{FreshnessSLA: 24 * 60, OutputPorts: []OutputPort{
		{Name: "orders", SourceID: &id, Location: "s.orders"},
		{Name: "lines", SourceID: &id, Location: "s.lines"},
		{Name: "old", SourceID: &id, Location: "s.old"},
		{Name: "later", SourceID: &id, Location: "s.later"},
		{Name: "api", Location: "https://x"},
	}}
	daily := func(m map[string]int64) string { b, _ := json.Marshal(m); return string(b) }
	ago := func(d time.Duration) *time.Time { t := now.Add(-d); return &t }
	f := func(v float64) *float64 { return &v }
	i := func(v int64) *int64 { return &v }
	assets := map[int]Asset{
		0: {Key: "s.orders", SizeBytes: i(1000), LastChangeAt: ago(30 * time.Hour), LastChangeHow: MeasuredCounters,
			UsageKnown: true, ReadsPerDay: f(3), UsageSince: ago(90 * 24 * time.Hour),
			ReadsDaily: daily(map[string]int64{"2030-06-30": 5, "2030-06-01": 10, "2030-05-20": 4})},
		1: {Key: "s.lines", SizeBytes: i(500), LastChangeAt: ago(26 * time.Hour), LastChangeHow: MeasuredSize,
			UsageKnown: true, ReadsPerDay: f(1), UsageSince: ago(70 * 24 * time.Hour),
			ReadsDaily: daily(map[string]int64{"2030-06-29": 1})},
		2: {Key: "s.old", SizeBytes: i(99), GoneAt: ago(time.Hour), LastChangeAt: ago(time.Minute)},
	}
	h := HealthOf(product, assets, now)
	if h.Ports != 4 || h.Seen != 2 || h.Gone != 1 {
		t.Errorf("ports %d seen %d gone %d", h.Ports, h.Seen, h.Gone)
	}
	if h.SizeBytes == nil || *h.SizeBytes != 1500 {
		t.Errorf("size %v (a gone asset does not count)", h.SizeBytes)
	}
	fr := h.Freshness
	if fr.State != Stale || fr.Asset != "s.lines" || fr.How != MeasuredSize || !fr.StaleSince.Equal(now.Add(-2*time.Hour)) {
		t.Errorf("freshness %+v", fr)
	}
	u := h.Usage
	if !u.Known || u.ReadsPerDay != 4 || u.Last30 != 16 || u.Prev30 != 4 || u.Trend != "up" || len(u.Daily) != 30 || u.Daily[29] != 5 || u.Daily[28] != 1 {
		t.Errorf("usage %+v", u)
	}

	// Within the SLA, no SLA, nothing measured.
	product.FreshnessSLA = 48 * 60
	if h := HealthOf(product, assets, now); h.Freshness.State != Fresh {
		t.Errorf("within 48h: %s", h.Freshness.State)
	}
	product.FreshnessSLA = 0
	if h := HealthOf(product, assets, now); h.Freshness.State != NoSLA {
		t.Errorf("no SLA: %s", h.Freshness.State)
	}
	product.FreshnessSLA = 60
	if h := HealthOf(product, map[int]Asset{}, now); h.Freshness.State != FreshnessUnknown || h.Usage.Known || h.SizeBytes != nil {
		t.Errorf("nothing seen: %+v", h)
	}
	// A short history has no trend.
	short := assets[0]
	short.UsageSince = ago(20 * 24 * time.Hour)
	if h := HealthOf(product, map[int]Asset{0: short}, now); h.Usage.Trend != "" {
		t.Errorf("trend %q from 20 days of history", h.Usage.Trend)
	}
}

func TestTrend(t *testing.T) {
	for _, tc := range []struct {
		last, prev int64
		want       string
	}{{10, 0, "new"}, {0, 0, "flat"}, {13, 10, "up"}, {7, 10, "down"}, {10, 10, "flat"}, {11, 10, "flat"}} {
		if got := trend(tc.last, tc.prev); got != tc.want {
			t.Errorf("trend(%d, %d) = %q, want %q", tc.last, tc.prev, got, tc.want)
		}
	}
}
