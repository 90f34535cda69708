package models

import (
	"time"
)

// Freshness states of a product against its SLA.
const (
	Fresh            = "fresh"
	Stale            = "stale"
	FreshnessUnknown = "unknown"
	NoSLA            = "no SLA"
)

// Freshness is how current a product is, with the evidence.
type Freshness struct {
	State      string
	SLA        FreshnessSLA
	LastChange *time.Time // the newest change seen at any of its ports
	How        string     // how that change was measured
	Asset      string     // which asset changed last
	StaleSince *time.Time // when the SLA was broken
}

// Usage is how much a product is read, from its ports' assets.
type Usage struct {
	Known bool
	// Measuring: reads are counted, but a rate needs a second crawl.
	Measuring   bool
	ReadsPerDay float64
	// Daily are reads per UTC day for the last 30 days, oldest first.
	Daily          []int64
	Last30, Prev30 int64
	// Trend compares the last 30 days with the 30 before: up, down, flat,
	// new (nothing before), or "" when the history is shorter than 60 days.
	Trend    string
	LastRead *time.Time
	// Since is when read counting began at the earliest measured port.
	Since *time.Time
	// Unmeasured counts ports found whose source keeps no read counts.
	Unmeasured int
}

// ProductHealth is a product's freshness, usage and size, from the assets
// the crawlers saw at its output ports.
type ProductHealth struct {
	Freshness Freshness
	Usage     Usage
	SizeBytes *int64
	// Ports counts ports that name a source; Seen and Gone how many of
	// them the crawlers found and lost.
	Ports, Seen, Gone int
}

// HealthOf derives a product's health from its ports' assets (by port
// position, as PortAssets returns them).
func HealthOf(p *Product, assets map[int]Asset, now time.Time) ProductHealth {
	h := ProductHealth{Freshness: Freshness{SLA: p.FreshnessSLA}}
	var size int64
	sized := false
	var usageSince *time.Time
	daily := map[string]int64{}
	for i, port := range p.OutputPorts {
		if port.SourceID == nil {
			continue
		}
		h.Ports++
		a, ok := assets[i]
		if !ok {
			continue
		}
		if a.GoneAt != nil {
			h.Gone++
			continue
		}
		h.Seen++
		if a.SizeBytes != nil {
			size += *a.SizeBytes
			sized = true
		}
		if a.LastChangeAt != nil && (h.Freshness.LastChange == nil || a.LastChangeAt.After(*h.Freshness.LastChange)) {
			h.Freshness.LastChange, h.Freshness.How, h.Freshness.Asset = a.LastChangeAt, a.LastChangeHow, a.Key
		}
		if !a.UsageKnown {
			h.Usage.Unmeasured++
		}
		if a.UsageKnown && a.ReadsPerDay == nil {
			h.Usage.Measuring = true
		}
		if a.UsageKnown && a.ReadsPerDay != nil {
			h.Usage.Known = true
			h.Usage.ReadsPerDay += *a.ReadsPerDay
			for d, n := range a.DailyReads() {
				daily[d] += n
			}
			if a.UsageSince != nil && (usageSince == nil || a.UsageSince.Before(*usageSince)) {
				usageSince = a.UsageSince
			}
		}
		if a.LastReadAt != nil && (h.Usage.LastRead == nil || a.LastReadAt.After(*h.Usage.LastRead)) {
			h.Usage.LastRead = a.LastReadAt
		}
	}
	if sized {
		h.SizeBytes = &size
	}

	switch f := &h.Freshness; {
	case f.SLA == 0:
		f.State = NoSLA
	case f.LastChange == nil:
		f.State = FreshnessUnknown
	default:
		deadline := f.LastChange.Add(time.Duration(f.SLA) * time.Minute)
		if now.After(deadline) {
			f.State, f.StaleSince = Stale, &deadline
		} else {
			f.State = Fresh
		}
	}

	h.Usage.Since = usageSince
	if h.Usage.Known {
		today := now.UTC()
		h.Usage.Daily = make([]int64, 30)
		for i := range 60 {
			day := today.AddDate(0, 0, -i).Format(time.DateOnly)
			if i < 30 {
				h.Usage.Daily[29-i] = daily[day]
				h.Usage.Last30 += daily[day]
			} else {
				h.Usage.Prev30 += daily[day]
			}
		}
		if usageSince != nil && now.Sub(*usageSince) >= 60*24*time.Hour {
			h.Usage.Trend = trend(h.Usage.Last30, h.Usage.Prev30)
		}
	}
	return h
}

func trend(last, prev int64) string {
	switch {
	case prev == 0 && last > 0:
		return "new"
	case prev == 0:
		return "flat"
	case float64(last) > 1.2*float64(prev):
		return "up"
	case float64(last) < 0.8*float64(prev):
		return "down"
	}
	return "flat"
}

// HealthSummary is what the product list shows and sorts by, kept on the
// product and refreshed after each crawl of a source its ports name.
type HealthSummary struct {
	LastChange  *time.Time `json:"last_change,omitempty"`
	How         string     `json:"how,omitempty"`
	ReadsPerDay *float64   `json:"reads_per_day,omitempty"`
	SizeBytes   *int64     `json:"size_bytes,omitempty"`
	Ports       int        `json:"ports,omitempty"`
	Seen        int        `json:"seen,omitempty"`
	Gone        int        `json:"gone,omitempty"`
	// For the unused-product finding: the newest read at any port, when
	// read counting began, and how many ports found have no read counts.
	LastRead   *time.Time `json:"last_read,omitempty"`
	ReadSince  *time.Time `json:"read_since,omitempty"`
	Unmeasured int        `json:"unmeasured,omitempty"`
	// Trend of reads: up, down, flat or new against the 30 days before.
	Trend string `json:"trend,omitempty"`
	// Reads30 is the reads of the last 30 days, for policies.
	Reads30 int64 `json:"reads_30d,omitempty"`
}

// Summary keeps what the list needs of a product's health.
func (h ProductHealth) Summary() HealthSummary {
	sum := HealthSummary{LastChange: h.Freshness.LastChange, How: h.Freshness.How, SizeBytes: h.SizeBytes,
		Ports: h.Ports, Seen: h.Seen, Gone: h.Gone, LastRead: h.Usage.LastRead, ReadSince: h.Usage.Since, Unmeasured: h.Usage.Unmeasured, Trend: h.Usage.Trend, Reads30: h.Usage.Last30}
	if h.Usage.Known {
		r := h.Usage.ReadsPerDay
		sum.ReadsPerDay = &r
	}
	return sum
}

// FreshnessAt is the product's freshness state at now, from its summary.
func (p *Product) FreshnessAt(now time.Time) string {
	switch {
	case p.FreshnessSLA == 0:
		return NoSLA
	case p.Health.LastChange == nil:
		return FreshnessUnknown
	case now.After(p.StaleAt()):
		return Stale
	}
	return Fresh
}

// StaleAt is when the product breaks its SLA without a new change (zero
// when there is no SLA or no change seen).
func (p *Product) StaleAt() time.Time {
	if p.FreshnessSLA == 0 || p.Health.LastChange == nil {
		return time.Time{}
	}
	return p.Health.LastChange.Add(time.Duration(p.FreshnessSLA) * time.Minute)
}

// UnusedAt reports whether the product's ports, all of them measured, went
// unread for at least days before now.
func (p *Product) UnusedAt(now time.Time, days int) (bool, *time.Time) {
	h := &p.Health
	if h.Seen == 0 || h.Unmeasured > 0 || h.ReadsPerDay == nil {
		return false, nil
	}
	since := unreadSince(true, h.LastRead, h.ReadSince)
	if since == nil || since.After(now.AddDate(0, 0, -days)) {
		return false, nil
	}
	return true, since
}
