package models

import "time"

// Finding kinds.
const (
	FindingDarkData      = "dark data"
	FindingStaleProduct  = "stale product"
	FindingUnusedProduct = "unused product"
)

// FindingKinds lists the kinds in the order pages show them.
func FindingKinds() []string {
	return []string{FindingDarkData, FindingStaleProduct, FindingUnusedProduct, FindingContractDrift, FindingQuality}
}

// Finding statuses. A kept archive and an ignored finding are decisions by
// a person that hold until their expiry; closed means the condition cleared.
const (
	FindingOpen    = "open"
	FindingKept    = "kept"
	FindingIgnored = "ignored"
	FindingClosed  = "closed"
)

// FindingStatuses lists the statuses in the order pages show them.
func FindingStatuses() []string {
	return []string{FindingOpen, FindingKept, FindingIgnored, FindingClosed}
}

// Events in a finding's history.
const (
	EventOpened   = "opened"
	EventReopened = "reopened"
	EventChanged  = "changed"
	EventClosed   = "closed"
	EventKept     = "kept"
	EventIgnored  = "ignored"
	EventExpired  = "expired"
	EventUndone   = "undone"
)

// Finding is something an owner should act on: an asset that is stored but
// owned by no product or read by nobody (dark data), a product that broke
// its freshness SLA, or a product nobody reads. There is one finding per
// kind and subject; it opens, closes and reopens as the condition comes and
// goes, and its events keep the history.
type Finding struct {
	ID        uint   `gorm:"primaryKey" json:"id"`
	Kind      string `gorm:"size:16;not null;uniqueIndex:idx_findings_subject,priority:1" json:"kind"`
	SubjectID uint   `gorm:"not null;uniqueIndex:idx_findings_subject,priority:2" json:"-"`
	AssetID   *uint  `gorm:"index:idx_findings_asset" json:"-"`
	ProductID *uint  `gorm:"index:idx_findings_product" json:"-"`
	SourceID  *uint  `gorm:"index:idx_findings_source" json:"-"`
	DomainID  uint   `gorm:"not null;index:idx_findings_domain" json:"-"`
	// Title is the asset's key or the product's name, for lists.
	Title string `gorm:"type:text;not null" json:"title"`
	// Dark data: the reasons, and whether reads are counted at all (an
	// unowned asset whose usage is unknown is listed apart, never as
	// unused).
	Unowned    bool   `gorm:"not null;default:false" json:"unowned,omitempty"`
	Unread     bool   `gorm:"not null;default:false" json:"unread,omitempty"`
	UsageKnown bool   `gorm:"not null;default:false" json:"usage_known"`
	SizeBytes  *int64 `json:"size_bytes"`
	// Since is when the condition began, where known: the last read (or
	// the start of read counting), the moment the SLA was broken, the
	// asset's first sighting.
	Since       *time.Time `json:"since,omitempty"`
	Status      string     `gorm:"size:16;not null;index:idx_findings_status" json:"status"`
	OpenedAt    time.Time  `gorm:"not null" json:"opened_at"`
	ClosedAt    *time.Time `json:"closed_at,omitempty"`
	CloseReason string     `gorm:"size:300;not null;default:''" json:"close_reason,omitempty"`
	// Note, Until and DecidedBy record a person's decision to keep or
	// ignore the finding.
	Note      string     `gorm:"size:500;not null;default:''" json:"note,omitempty"`
	Until     *time.Time `json:"until,omitempty"`
	DecidedBy string     `gorm:"size:300;not null;default:''" json:"decided_by,omitempty"`
	// Detail says what a contract finding is about: what drifted, which
	// checks failed.
	Detail    string    `gorm:"type:text;not null;default:''" json:"detail,omitempty"`
	UpdatedAt time.Time `gorm:"not null" json:"updated_at"`
}

// FindingEvent is one step in a finding's history.
type FindingEvent struct {
	ID        uint      `gorm:"primaryKey" json:"-"`
	FindingID uint      `gorm:"not null;index:idx_finding_events_finding" json:"-"`
	At        time.Time `gorm:"not null" json:"at"`
	Event     string    `gorm:"size:16;not null" json:"event"`
	Actor     string    `gorm:"size:300;not null;default:''" json:"actor,omitempty"`
	Note      string    `gorm:"size:500;not null;default:''" json:"note,omitempty"`
}

// Reasons names why a dark-data finding was raised.
func (f *Finding) Reasons() string {
	switch {
	case f.Detail != "":
		return f.Detail
	case f.Kind != FindingDarkData:
		return f.Kind
	case f.Unowned && f.Unread:
		return "unowned and unread"
	case f.Unowned:
		return "unowned"
	case f.Unread:
		return "unread"
	}
	return ""
}

// Decided reports whether a person's keep or ignore decision holds at now.
func (f *Finding) Decided(now time.Time) bool {
	return (f.Status == FindingKept || f.Status == FindingIgnored) && (f.Until == nil || now.Before(*f.Until))
}

// FindingRules are the thresholds and prices findings are judged by.
type FindingRules struct {
	// UnreadDays is how long an asset or product may go unread before it
	// is reported; a domain may set its own.
	UnreadDays int
	// PricePerGBMonth estimates what storing a gigabyte (10^9 bytes) costs
	// per month; KindPrices overrides it per source kind (postgres, mysql,
	// sqlite, files).
	PricePerGBMonth float64
	KindPrices      map[string]float64
	Currency        string
}

// DefaultFindingRules: 90 days unread; 0.10 USD per GB-month, about what
// managed database storage costs.
func DefaultFindingRules() FindingRules {
	return FindingRules{UnreadDays: 90, PricePerGBMonth: 0.10, Currency: "USD"}
}

// PriceFor is the price per GB-month of storage in a source of kind.
func (r FindingRules) PriceFor(kind string) float64 {
	if p, ok := r.KindPrices[kind]; ok {
		return p
	}
	return r.PricePerGBMonth
}

// MonthlyCost estimates what size bytes cost per month in a source of kind.
func (r FindingRules) MonthlyCost(kind string, size *int64) float64 {
	if size == nil {
		return 0
	}
	return float64(*size) / 1e9 * r.PriceFor(kind)
}

// FindingRules returns the rules in force.
func (s *Store) FindingRules() FindingRules { return s.findingRules }

// storesData reports whether an asset of kind keeps data of its own (views
// and partitioned parents do not; a partition does).
func storesData(kind string) bool {
	switch kind {
	case "table", "partition", "materialized view", "file dataset":
		return true
	}
	return false
}

// unreadSince is since when an asset has provably not been read: its last
// read, or the start of read counting when no read was ever seen; nil when
// reads are not counted.
func unreadSince(usageKnown bool, lastRead, usageSince *time.Time) *time.Time {
	switch {
	case !usageKnown:
		return nil
	case lastRead != nil:
		return lastRead
	}
	return usageSince
}
