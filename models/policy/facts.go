package policy

import "time"

// Product is what a policy sees of a data product as `product`. Fields
// that may be unknown (a time never measured, a size never crawled) are
// unset: test them with has(), e.g. has(product.health.last_change).
type Product struct {
	Name           string        `cel:"name"`
	Slug           string        `cel:"slug"`
	Domain         string        `cel:"domain"` // the owning domain's slug
	Owner          string        `cel:"owner"`
	Description    string        `cel:"description"`
	Purpose        string        `cel:"purpose"`
	Status         string        `cel:"status"`
	Classification string        `cel:"classification"`
	ContainsPII    bool          `cel:"contains_pii"`
	Tags           []string      `cel:"tags"`
	FreshnessSLA   time.Duration `cel:"freshness_sla"` // 0s when none
	Created        time.Time     `cel:"created"`
	Updated        time.Time     `cel:"updated"`
	OutputPorts    []Port        `cel:"output_ports"`
	Health         Health        `cel:"health"`
}

// Port is one output port and, when a crawler found it, its asset.
type Port struct {
	Name     string `cel:"name"`
	Type     string `cel:"type"`
	Location string `cel:"location"`
	// Source is the slug of the crawled source the port names, "" when it
	// names none; SourceKind its kind (postgres, mysql, files, ...).
	Source     string `cel:"source"`
	SourceKind string `cel:"source_kind"`
	// Crawled: the crawler has seen the asset (now or before it went).
	Crawled bool `cel:"crawled"`
	// Gone: the asset was seen once and is no longer there.
	Gone        bool      `cel:"gone"`
	SizeBytes   int64     `cel:"size_bytes"`
	Rows        int64     `cel:"rows"`
	Columns     []Column  `cel:"columns"`
	LastChange  time.Time `cel:"last_change"`
	ReadsPerDay float64   `cel:"reads_per_day"`
	LastRead    time.Time `cel:"last_read"`
	// UsageKnown: the source counts reads, so reads_per_day means something.
	UsageKnown bool `cel:"usage_known"`
	// Contract is the port's data contract (exists is false without one).
	Contract Contract `cel:"contract"`
	// Checks are the latest results of the contract's quality rules.
	Checks []Check `cel:"checks"`
}

// Contract is a port's data contract, as `port.contract`.
type Contract struct {
	Exists  bool   `cel:"exists"`
	Version string `cel:"version"`
	Status  string `cel:"status"`
	// Drift: the contract disagrees with the crawled table (an open
	// contract drift finding).
	Drift bool `cel:"drift"`
}

// Check is the latest result of one quality rule, in `port.checks`.
type Check struct {
	Name     string `cel:"name"`
	Property string `cel:"property"`
	Metric   string `cel:"metric"`
	// Status is passed, failed, not run or error.
	Status string `cel:"status"`
	// Severity is the rule's own (ODCS severity, e.g. error, warning).
	Severity string `cel:"severity"`
}

// Column is one column of a port's table or view.
type Column struct {
	Name string `cel:"name"`
	Type string `cel:"type"`
}

// Health is the product's freshness and usage, as `product.health`.
type Health struct {
	// Freshness is fresh, stale, unknown (no change seen) or "no SLA".
	Freshness string `cel:"freshness"`
	// StaleFor is how long the product has been past its SLA (0s if not).
	StaleFor    time.Duration `cel:"stale_for"`
	LastChange  time.Time     `cel:"last_change"`
	UsageKnown  bool          `cel:"usage_known"`
	ReadsPerDay float64       `cel:"reads_per_day"`
	Reads30d    int64         `cel:"reads_30d"`
	LastRead    time.Time     `cel:"last_read"`
	// UnreadFor is how long nobody has read any port, counted from the last
	// read or from when counting began (0s when reads are not known).
	UnreadFor time.Duration `cel:"unread_for"`
	SizeBytes int64         `cel:"size_bytes"`
}

// Domain is the product's domain, as `domain`.
type Domain struct {
	Slug   string   `cel:"slug"`
	Name   string   `cel:"name"`
	Owners []string `cel:"owners"`
	// DarkDataBytes and DarkDataCost sum the domain's open dark-data
	// findings; the cost is per month in the portal's currency.
	DarkDataBytes   int64   `cel:"dark_data_bytes"`
	DarkDataCost    float64 `cel:"dark_data_cost"`
	UnreadAfterDays int64   `cel:"unread_after_days"`
}

// Input is one product to judge, with its domain.
type Input struct {
	Product *Product
	Domain  *Domain
}
