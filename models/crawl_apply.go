package models

import (
	"encoding/json"
	"time"
)

// crawlContext is what every observation of one crawl shares.
type crawlContext struct {
	at         time.Time
	kind       SourceKind
	epoch      string
	usageKnown bool
}

// observationResult is one asset's new state after a crawl.
type observationResult struct {
	asset       Asset
	observation AssetObservation
	isNew       bool
	changed     bool
}

// applyObservation folds one observation into the asset's derived figures.
// prev is the asset as stored (nil when first seen). Counters are compared
// only with the previous observation; when they went down or the source's
// counters epoch moved (restart, statistics reset), every count now shown
// happened after the previous crawl, so the new value itself is the delta:
// never negative, never invented.
func applyObservation(prev *Asset, o *ObservedAsset, cc crawlContext) observationResult {
	var a Asset
	isNew := prev == nil || prev.GoneAt != nil
	if prev != nil {
		a = *prev
	} else {
		a = Asset{Key: o.Key(), FirstSeenAt: cc.at}
	}
	a.Schema, a.Name, a.Kind, a.Parent = o.Schema, o.Name, string(o.Kind), o.Parent
	a.LastSeenAt, a.GoneAt = cc.at, nil
	columns := columnsJSON(o.Columns)
	changed := prev != nil && !isNew && (prev.Columns != columns || prev.Kind != string(o.Kind))
	a.Columns = columns

	writes := sumCounters(o.Inserts, o.Updates, o.Deletes)
	reads := sumCounters(o.SeqScans, o.IdxScans, o.Reads)
	var since *time.Time
	var writesDelta, readsDelta *int64
	if prev != nil && prev.GoneAt == nil {
		s := prev.LastSeenAt
		since = &s
		reset := prev.CountersEpoch != cc.epoch && prev.CountersEpoch != "" && cc.epoch != ""
		writesDelta = counterDelta(prev.Writes, writes, reset)
		readsDelta = counterDelta(prev.ReadCount, reads, reset)
	}

	// Freshness: the configured column wins, then a change time the source
	// keeps, then movement of the write counters or of the size between
	// this crawl and the one before.
	sizeMoved := prev != nil && prev.SizeBytes != nil && o.SizeBytes != nil && *prev.SizeBytes != *o.SizeBytes
	switch {
	case o.FreshnessValue != nil:
		a.LastChangeAt, a.LastChangeHow = timePtr(*o.FreshnessValue), MeasuredFreshnessColumn
	case o.LastModified != nil:
		how := MeasuredUpdateTime
		if cc.kind == KindFiles || cc.kind == KindSQLite {
			how = MeasuredFileTime
		}
		a.LastChangeAt, a.LastChangeHow = timePtr(*o.LastModified), how
	case writesDelta != nil && *writesDelta > 0:
		a.LastChangeAt, a.LastChangeHow = timePtr(cc.at), MeasuredCounters
	case sizeMoved:
		a.LastChangeAt, a.LastChangeHow = timePtr(cc.at), MeasuredSize
	}
	if prev != nil && !isNew && !timeEqual(prev.LastChangeAt, a.LastChangeAt) || sizeMoved {
		changed = true
	}

	// Usage: reads are known where the source counts them for this asset.
	a.UsageKnown = cc.usageKnown && (reads != nil || o.LastRead != nil)
	switch {
	case o.LastRead != nil:
		how := MeasuredScanTime
		if cc.kind == KindFiles {
			how = MeasuredAccessTime
		}
		if a.LastReadAt == nil || o.LastRead.After(*a.LastReadAt) {
			a.LastReadAt, a.LastReadHow = timePtr(*o.LastRead), how
		}
	case readsDelta != nil && *readsDelta > 0:
		a.LastReadAt, a.LastReadHow = timePtr(cc.at), MeasuredReadCounters
	}

	if readsDelta != nil && a.UsageKnown {
		addReads(&a, *readsDelta, *since, cc.at)
	}
	if a.ReadsDaily == "" {
		a.ReadsDaily = "{}"
	}
	a.SizeBytes, a.RowEstimate, a.FileCount = o.SizeBytes, o.RowEstimate, o.FileCount
	a.CountersEpoch, a.Writes, a.ReadCount = cc.epoch, writes, reads
	return observationResult{
		asset: a, isNew: isNew, changed: changed,
		observation: AssetObservation{
			At: cc.at, SizeBytes: o.SizeBytes, RowEstimate: o.RowEstimate, Writes: writes, ReadCount: reads,
			WritesDelta: writesDelta, ReadsDelta: readsDelta, Since: since, LastModified: o.LastModified,
			LastRead: o.LastRead, FreshnessValue: o.FreshnessValue, Epoch: cc.epoch,
		},
	}
}

// counterDelta is how much a counter grew since the previous observation.
func counterDelta(prev, now *int64, reset bool) *int64 {
	switch {
	case now == nil || prev == nil:
		return nil
	case reset || *now < *prev:
		d := *now // everything counted since the reset happened after the previous crawl
		return &d
	default:
		d := *now - *prev
		return &d
	}
}

func sumCounters(values ...*int64) *int64 {
	var sum *int64
	for _, v := range values {
		if v == nil {
			continue
		}
		if sum == nil {
			sum = new(int64)
		}
		*sum += *v
	}
	return sum
}

// readsDays is how many days of daily read counts an asset keeps: 30 for
// the rate and 30 before them for the trend.
const readsDays = 60

// addReads adds a crawl's read delta to the asset's daily counts, drops
// days older than the window, and recomputes reads per day over the last
// 30 days (or the time since counting began, at least one day, so two
// crawls a minute apart do not extrapolate wildly).
func addReads(a *Asset, delta int64, since, at time.Time) {
	daily := a.DailyReads()
	day := at.UTC().Format(time.DateOnly)
	daily[day] += delta
	oldest := at.UTC().AddDate(0, 0, -readsDays+1).Format(time.DateOnly)
	for d := range daily {
		if d < oldest {
			delete(daily, d)
		}
	}
	b, _ := json.Marshal(daily)
	a.ReadsDaily = string(b)
	if a.UsageSince == nil {
		a.UsageSince = timePtr(since)
	}
	from := at.UTC().AddDate(0, 0, -29).Format(time.DateOnly)
	var total int64
	for d, n := range daily {
		if d >= from {
			total += n
		}
	}
	days := min(at.Sub(*a.UsageSince).Hours()/24, 30)
	if days < 1 {
		days = 1
	}
	rate := float64(total) / days
	a.ReadsPerDay = &rate
}

// DailyReads decodes the asset's reads per UTC day ("2006-01-02" → reads).
func (a *Asset) DailyReads() map[string]int64 {
	daily := map[string]int64{}
	_ = json.Unmarshal([]byte(a.ReadsDaily), &daily)
	return daily
}

func columnsJSON(cols []Column) string {
	if len(cols) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(cols)
	return string(b)
}

// ColumnList decodes the asset's columns.
func (a *Asset) ColumnList() []Column {
	var cols []Column
	_ = json.Unmarshal([]byte(a.Columns), &cols)
	return cols
}

func timePtr(t time.Time) *time.Time { t = t.UTC(); return &t }

func timeEqual(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// assetDiffers reports whether a crawl changed anything about an asset
// besides when it was last seen.
func assetDiffers(a, b *Asset) bool {
	return a.Schema != b.Schema || a.Name != b.Name || a.Kind != b.Kind || a.Parent != b.Parent || a.Columns != b.Columns ||
		!timeEqual(a.GoneAt, b.GoneAt) || !int64Equal(a.SizeBytes, b.SizeBytes) || !int64Equal(a.RowEstimate, b.RowEstimate) ||
		!int64Equal(a.FileCount, b.FileCount) || !timeEqual(a.LastChangeAt, b.LastChangeAt) || a.LastChangeHow != b.LastChangeHow ||
		a.UsageKnown != b.UsageKnown || !floatEqual(a.ReadsPerDay, b.ReadsPerDay) || a.ReadsDaily != b.ReadsDaily ||
		!timeEqual(a.UsageSince, b.UsageSince) || !timeEqual(a.LastReadAt, b.LastReadAt) || a.LastReadHow != b.LastReadHow ||
		a.CountersEpoch != b.CountersEpoch || !int64Equal(a.Writes, b.Writes) || !int64Equal(a.ReadCount, b.ReadCount) ||
		!a.FirstSeenAt.Equal(b.FirstSeenAt)
}

func int64Equal(a, b *int64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func floatEqual(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// crawlEdges are the asset edges a crawl saw: each view reads its
// DependsOn. Only assets this crawl saw count (seen; their ids are those of
// stored, or of inserts for new ones): a dependency on anything else (not
// crawled, gone) and on the view itself is dropped.
func crawlEdges(snap *CrawlSnapshot, seen map[string]bool, stored map[string]*Asset, inserts []Asset) map[edgeKey]bool {
	edges := map[edgeKey]bool{}
	var ids map[string]uint // built only when some view has dependencies
	for i := range snap.Assets {
		o := &snap.Assets[i]
		if len(o.DependsOn) == 0 {
			continue
		}
		if ids == nil {
			ids = make(map[string]uint, len(seen))
			for key := range seen {
				if a := stored[key]; a != nil {
					ids[key] = a.ID
				}
			}
			for j := range inserts {
				ids[inserts[j].Key] = inserts[j].ID
			}
		}
		from, ok := ids[o.Key()]
		if !ok {
			continue
		}
		for _, dep := range o.DependsOn {
			if to, ok := ids[dep]; ok && to != from {
				edges[edgeKey{from, to}] = true
			}
		}
	}
	return edges
}
