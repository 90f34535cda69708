package models

import "time"

// Run statuses.
const (
	RunRunning     = "running"
	RunSucceeded   = "succeeded"
	RunFailed      = "failed"
	RunInterrupted = "interrupted"
)

// Run triggers.
const (
	TriggerSchedule = "schedule"
	TriggerManual   = "manual"
)

// CrawlRun is one crawl of one source. At most one run per source is
// running (a partial unique index), and a scheduled tick is claimed once per
// source across replicas (unique source and scheduled_for).
type CrawlRun struct {
	ID            uint       `gorm:"primaryKey" json:"id"`
	SourceID      uint       `gorm:"not null;index:idx_crawl_runs_source,priority:1;uniqueIndex:idx_crawl_runs_tick,priority:1" json:"source_id"`
	Source        *Source    `gorm:"constraint:OnDelete:CASCADE" json:"-"`
	Trigger       string     `gorm:"size:16;not null" json:"trigger"`
	ScheduledFor  *time.Time `gorm:"uniqueIndex:idx_crawl_runs_tick,priority:2" json:"scheduled_for,omitempty"`
	StartedAt     time.Time  `gorm:"not null;index:idx_crawl_runs_source,priority:2" json:"started_at"`
	FinishedAt    *time.Time `json:"finished_at,omitempty"`
	HeartbeatAt   time.Time  `gorm:"not null" json:"-"`
	Status        string     `gorm:"size:16;not null" json:"status"`
	Actor         string     `gorm:"size:300;not null;default:''" json:"actor,omitempty"`
	Instance      string     `gorm:"size:100;not null;default:''" json:"-"`
	Progress      int        `gorm:"not null;default:0" json:"progress"`
	AssetsSeen    int        `gorm:"not null;default:0" json:"assets_seen"`
	AssetsNew     int        `gorm:"not null;default:0" json:"assets_new"`
	AssetsChanged int        `gorm:"not null;default:0" json:"assets_changed"`
	AssetsGone    int        `gorm:"not null;default:0" json:"assets_gone"`
	ServerVersion string     `gorm:"size:200;not null;default:''" json:"server_version,omitempty"`
	ErrorReason   string     `gorm:"size:32;not null;default:''" json:"error_reason,omitempty"`
	Error         string     `gorm:"size:2000;not null;default:''" json:"error,omitempty"`
	UsageNote     string     `gorm:"size:500;not null;default:''" json:"usage_note,omitempty"`
	// Warnings are problems the crawl went on past, such as a freshness
	// column that does not exist (at most maxRunWarnings).
	Warnings StringList `gorm:"type:text;not null;default:'[]'" json:"warnings,omitempty"`
}

// maxRunWarnings bounds a run's warnings; the last one says how many more.
const maxRunWarnings = 50

// Duration is how long the run took (so far).
func (r *CrawlRun) Duration(now time.Time) time.Duration {
	end := now
	if r.FinishedAt != nil {
		end = *r.FinishedAt
	}
	return end.Sub(r.StartedAt)
}

// How a last change or a read was measured.
const (
	MeasuredCounters        = "write counters"
	MeasuredSize            = "size"
	MeasuredFreshnessColumn = "freshness column"
	MeasuredUpdateTime      = "update time"
	MeasuredFileTime        = "file modification time"
	MeasuredScanTime        = "last scan time"
	MeasuredReadCounters    = "read counters"
	MeasuredAccessTime      = "file access time"
)

// Asset is a table, view or file dataset a crawl found in a source, with the
// figures derived from its observations.
type Asset struct {
	ID          uint       `gorm:"primaryKey" json:"id"`
	SourceID    uint       `gorm:"not null;uniqueIndex:idx_assets_source_key,priority:1" json:"-"`
	Source      *Source    `gorm:"constraint:OnDelete:CASCADE" json:"-"`
	Key         string     `gorm:"type:text;not null;uniqueIndex:idx_assets_source_key,priority:2" json:"key"`
	Schema      string     `gorm:"type:text;not null" json:"schema"`
	Name        string     `gorm:"type:text;not null" json:"name"`
	Kind        string     `gorm:"size:32;not null" json:"kind"`
	Parent      string     `gorm:"type:text;not null;default:''" json:"parent,omitempty"`
	Columns     string     `gorm:"type:text;not null" json:"-"`
	FirstSeenAt time.Time  `gorm:"not null" json:"first_seen_at"`
	LastSeenAt  time.Time  `gorm:"not null" json:"last_seen_at"`
	GoneAt      *time.Time `json:"gone_at,omitempty"`

	SizeBytes   *int64 `json:"size_bytes"`
	RowEstimate *int64 `json:"rows"`
	FileCount   *int64 `json:"files,omitempty"`

	LastChangeAt  *time.Time `json:"last_change_at"`
	LastChangeHow string     `gorm:"size:32;not null;default:''" json:"last_change_measured_by,omitempty"`
	// UsageKnown is false where the source keeps no read statistics; such
	// assets are never counted as unused.
	UsageKnown  bool     `gorm:"not null;default:false" json:"usage_known"`
	ReadsPerDay *float64 `json:"reads_per_day"`
	// ReadsDaily holds reads per UTC day for the last 60 days (JSON object
	// day → reads); each crawl adds the reads since the crawl before to its
	// own day. UsageSince is when read counting began for the asset.
	ReadsDaily  string     `gorm:"type:text;not null;default:'{}'" json:"-"`
	UsageSince  *time.Time `json:"-"`
	LastReadAt  *time.Time `json:"last_read_at"`
	LastReadHow string     `gorm:"size:32;not null;default:''" json:"last_read_measured_by,omitempty"`

	// The raw counters of the last observation, to diff the next one.
	CountersEpoch string `gorm:"size:200;not null;default:''" json:"-"`
	Writes        *int64 `json:"-"`
	ReadCount     *int64 `gorm:"column:read_count" json:"-"`
}

// AssetObservation is one asset at one crawl: the raw counters and the
// deltas since the crawl before (nil when not comparable, such as after a
// statistics reset without a known baseline).
type AssetObservation struct {
	ID          uint      `gorm:"primaryKey"`
	AssetID     uint      `gorm:"not null;index:idx_observations_asset_at,priority:1"`
	Asset       *Asset    `gorm:"constraint:OnDelete:CASCADE"`
	RunID       uint      `gorm:"not null;index:idx_observations_run"`
	At          time.Time `gorm:"not null;index:idx_observations_asset_at,priority:2"`
	SizeBytes   *int64
	RowEstimate *int64
	Writes      *int64
	ReadCount   *int64 `gorm:"column:read_count"`
	WritesDelta *int64
	ReadsDelta  *int64
	// Since is the start of the interval the deltas cover (the previous
	// observation, or a counters reset).
	Since          *time.Time
	LastModified   *time.Time
	LastRead       *time.Time
	FreshnessValue *time.Time
	Epoch          string `gorm:"size:200;not null;default:''"`
}
