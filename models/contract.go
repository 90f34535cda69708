package models

import "time"

// Contract is the ODCS data contract of one output port. It is keyed by
// the product and the port's name, because a product's ports are written
// anew on every save; a contract whose port is renamed or removed stays
// (inactive) and comes back with a port of that name.
type Contract struct {
	ID        uint     `gorm:"primaryKey"`
	ProductID uint     `gorm:"not null;uniqueIndex:idx_contracts_port,priority:1"`
	Product   *Product `gorm:"constraint:OnDelete:CASCADE"`
	PortName  string   `gorm:"size:63;not null;uniqueIndex:idx_contracts_port,priority:2"`
	// DocumentID is the contract's own ODCS id.
	DocumentID string `gorm:"size:200;not null;index:idx_contracts_document"`
	Version    string `gorm:"size:64;not null"`
	Status     string `gorm:"size:32;not null"`
	// Document is the whole ODCS document as canonical JSON: everything the
	// standard allows is kept and exported unchanged.
	Document string `gorm:"type:text;not null"`
	// Expect is what drift and checks need from the document (objects,
	// properties, quality rules), so an evaluation after a crawl reads a
	// small JSON instead of parsing and validating every document.
	Expect    string    `gorm:"type:text;not null;default:'[]'"`
	UpdatedBy string    `gorm:"size:300;not null;default:''"`
	CreatedAt time.Time `gorm:"not null"`
	UpdatedAt time.Time `gorm:"not null"`
}

// ContractVersion is one saved state of a contract; the newest is the
// contract itself.
type ContractVersion struct {
	ID         uint      `gorm:"primaryKey" json:"-"`
	ContractID uint      `gorm:"not null;uniqueIndex:idx_contract_versions_version,priority:1" json:"-"`
	Contract   *Contract `gorm:"constraint:OnDelete:CASCADE" json:"-"`
	Version    string    `gorm:"size:64;not null;uniqueIndex:idx_contract_versions_version,priority:2" json:"version"`
	Status     string    `gorm:"size:32;not null" json:"status"`
	Document   string    `gorm:"type:text;not null" json:"-"`
	// Breaking says the change from the version before broke consumers;
	// Changes lists what changed, as sentences.
	Breaking  bool       `gorm:"not null;default:false" json:"breaking"`
	Changes   StringList `gorm:"type:text;not null" json:"changes"`
	CreatedBy string     `gorm:"size:300;not null;default:''" json:"created_by"`
	CreatedAt time.Time  `gorm:"not null" json:"created_at"`
}

// CheckResult is one run of one quality rule of a contract.
type CheckResult struct {
	ID         uint      `gorm:"primaryKey" json:"-"`
	ContractID uint      `gorm:"not null;index:idx_check_results_contract,priority:1" json:"-"`
	Contract   *Contract `gorm:"constraint:OnDelete:CASCADE" json:"-"`
	RuleID     string    `gorm:"size:300;not null;index:idx_check_results_contract,priority:2" json:"rule"`
	RuleName   string    `gorm:"size:300;not null;default:''" json:"name,omitempty"`
	Property   string    `gorm:"size:300;not null;default:''" json:"property,omitempty"`
	Metric     string    `gorm:"size:64;not null;default:''" json:"metric,omitempty"`
	Severity   string    `gorm:"size:32;not null;default:''" json:"severity,omitempty"`
	// Status is passed, failed, not run or error; only passed and failed
	// say anything about the data.
	Status    string    `gorm:"size:16;not null" json:"status"`
	Measured  *float64  `json:"measured"`
	Threshold string    `gorm:"size:200;not null;default:''" json:"threshold,omitempty"`
	Message   string    `gorm:"type:text;not null" json:"message,omitempty"`
	TookMS    int64     `gorm:"column:took_ms;not null;default:0" json:"took_ms"`
	Trigger   string    `gorm:"size:16;not null" json:"trigger"`
	RanAt     time.Time `gorm:"not null;index:idx_check_results_contract,priority:3" json:"ran_at"`
}

// Check statuses.
const (
	CheckPassed = "passed"
	CheckFailed = "failed"
	CheckNotRun = "not run"
	CheckError  = "error"
)

// Finding kinds of contracts: the contract against the crawled table, and
// its quality checks.
const (
	FindingContractDrift = "contract drift"
	FindingQuality       = "quality"
)

// ContractExpect is the part of a contract drift and checks use: one entry
// per schema object.
type ContractExpect struct {
	Name         string           `json:"name"`
	PhysicalName string           `json:"physical_name,omitempty"`
	Properties   []ExpectProperty `json:"properties"`
	Rules        []ExpectRule     `json:"rules,omitempty"`
}

// ExpectProperty is one property as a contract states it.
type ExpectProperty struct {
	Name         string `json:"name"`
	LogicalType  string `json:"logical_type,omitempty"`
	PhysicalType string `json:"physical_type,omitempty"`
	Required     bool   `json:"required,omitempty"`
}

// ExpectRule is one executable quality rule.
type ExpectRule struct {
	ID        string         `json:"id"`
	Name      string         `json:"name,omitempty"`
	Type      string         `json:"type"`
	Metric    string         `json:"metric,omitempty"`
	Property  string         `json:"property,omitempty"`
	Arguments map[string]any `json:"arguments,omitempty"`
	Query     string         `json:"query,omitempty"`
	Operator  string         `json:"operator,omitempty"`
	Value     float64        `json:"value,omitempty"`
	Values    [2]float64     `json:"values,omitzero"`
	Unit      string         `json:"unit,omitempty"`
	Severity  string         `json:"severity,omitempty"`
}

// Table is the object's table name: its physical name, else its name.
func (o ContractExpect) Table() string {
	if o.PhysicalName != "" {
		return o.PhysicalName
	}
	return o.Name
}
