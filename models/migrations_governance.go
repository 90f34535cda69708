package models

import (
	"encoding/json"
	"time"

	"gorm.io/gorm"
)

// migrateGovernance creates the policy tables, adds domain representatives
// and product scores, and installs the starter pack (so it is installed
// once, at the first start of a database, and never comes back after an
// owner retires one of its policies).
func migrateGovernance(tx *gorm.DB) error {
	type Domain struct {
		ID              uint
		Representatives string `gorm:"type:text;not null;default:'[]'"`
	}
	type Product struct {
		ID          uint
		PolicyScore *int
		PolicyLevel string `gorm:"size:16;not null;default:''"`
	}
	// Spec is exported: GORM skips unexported fields, embedded or not, so
	// an unexported spec would leave the policies table without its columns.
	type Spec struct {
		Name        string `gorm:"size:100;not null"`
		Description string `gorm:"size:2000;not null;default:''"`
		Severity    string `gorm:"size:16;not null"`
		AppliesTo   string `gorm:"size:16;not null;default:product"`
		Condition   string `gorm:"type:text;not null;default:''"`
		Rule        string `gorm:"type:text;not null"`
		Message     string `gorm:"type:text;not null;default:''"`
		Field       string `gorm:"size:32;not null;default:''"`
		Level       string `gorm:"size:16;not null;default:''"`
		EnforceFrom *time.Time
	}
	type Policy struct {
		ID        uint    `gorm:"primaryKey"`
		Key       string  `gorm:"size:63;not null;uniqueIndex:idx_policies_key"`
		Scope     string  `gorm:"size:16;not null"`
		DomainID  *uint   `gorm:"index:idx_policies_domain"`
		Domain    *Domain `gorm:"constraint:OnDelete:CASCADE"`
		Spec      `gorm:"embedded"`
		State     string `gorm:"size:16;not null;index:idx_policies_state"`
		Version   int    `gorm:"not null;default:0"`
		Starter   bool   `gorm:"not null;default:false"`
		CreatedBy string `gorm:"size:300;not null;default:''"`
		CreatedAt time.Time
		UpdatedAt time.Time
	}
	type PolicyProposal struct {
		ID         uint    `gorm:"primaryKey"`
		PolicyID   uint    `gorm:"not null;index:idx_policy_proposals_policy"`
		Policy     *Policy `gorm:"constraint:OnDelete:CASCADE"`
		Action     string  `gorm:"size:16;not null"`
		Spec       string  `gorm:"type:text;not null"`
		State      string  `gorm:"size:16;not null;index:idx_policy_proposals_state"`
		Comment    string  `gorm:"size:2000;not null;default:''"`
		ProposedBy string  `gorm:"size:300;not null"`
		CreatedAt  time.Time
		DecidedAt  *time.Time
		DecidedBy  string `gorm:"size:300;not null;default:''"`
		Direct     bool   `gorm:"not null;default:false"`
	}
	type PolicyVote struct {
		ID         uint            `gorm:"primaryKey"`
		ProposalID uint            `gorm:"not null;uniqueIndex:idx_policy_votes_domain,priority:1"`
		Proposal   *PolicyProposal `gorm:"constraint:OnDelete:CASCADE"`
		DomainID   uint            `gorm:"not null;uniqueIndex:idx_policy_votes_domain,priority:2"`
		Domain     *Domain         `gorm:"constraint:OnDelete:CASCADE"`
		Voter      string          `gorm:"size:300;not null"`
		Approve    bool            `gorm:"not null"`
		Comment    string          `gorm:"size:2000;not null;default:''"`
		CreatedAt  time.Time
	}
	type PolicyVersion struct {
		ID         uint    `gorm:"primaryKey"`
		PolicyID   uint    `gorm:"not null;uniqueIndex:idx_policy_versions,priority:1"`
		Policy     *Policy `gorm:"constraint:OnDelete:CASCADE"`
		Version    int     `gorm:"not null;uniqueIndex:idx_policy_versions,priority:2"`
		Spec       string  `gorm:"type:text;not null"`
		ProposalID *uint
		AdoptedBy  string    `gorm:"size:300;not null"`
		Direct     bool      `gorm:"not null;default:false"`
		Changes    string    `gorm:"type:text;not null"`
		AdoptedAt  time.Time `gorm:"not null"`
	}
	type PolicyResult struct {
		PolicyID  uint     `gorm:"primaryKey;autoIncrement:false"`
		Policy    *Policy  `gorm:"constraint:OnDelete:CASCADE"`
		ProductID uint     `gorm:"primaryKey;autoIncrement:false;index:idx_policy_results_product"`
		Product   *Product `gorm:"constraint:OnDelete:CASCADE"`
		Outcome   string   `gorm:"size:16;not null"`
		Message   string   `gorm:"type:text;not null;default:''"`
		WaiverID  *uint
		Since     time.Time `gorm:"not null"`
		CheckedAt time.Time `gorm:"not null"`
	}
	type PolicyResultEvent struct {
		ID        uint      `gorm:"primaryKey"`
		PolicyID  uint      `gorm:"not null;index:idx_policy_result_events,priority:1"`
		Policy    *Policy   `gorm:"constraint:OnDelete:CASCADE"`
		ProductID uint      `gorm:"not null;index:idx_policy_result_events,priority:2"`
		Product   *Product  `gorm:"constraint:OnDelete:CASCADE"`
		Outcome   string    `gorm:"size:16;not null"`
		Message   string    `gorm:"type:text;not null;default:''"`
		At        time.Time `gorm:"not null"`
	}
	type PolicyWaiver struct {
		ID           uint      `gorm:"primaryKey"`
		PolicyID     uint      `gorm:"not null;index:idx_policy_waivers_policy"`
		Policy       *Policy   `gorm:"constraint:OnDelete:CASCADE"`
		ProductID    uint      `gorm:"not null;index:idx_policy_waivers_product"`
		Product      *Product  `gorm:"constraint:OnDelete:CASCADE"`
		Reason       string    `gorm:"size:2000;not null"`
		ExpiresAt    time.Time `gorm:"not null"`
		State        string    `gorm:"size:16;not null"`
		RequestedBy  string    `gorm:"size:300;not null"`
		RequestedAt  time.Time `gorm:"not null"`
		DecidedBy    string    `gorm:"size:300;not null;default:''"`
		DecidedAt    *time.Time
		DecisionNote string `gorm:"size:2000;not null;default:''"`
	}
	type ComplianceDay struct {
		Day      string `gorm:"size:10;primaryKey"`
		DomainID uint   `gorm:"primaryKey;autoIncrement:false"` // 0: the whole mesh
		Scored   int    `gorm:"not null"`
		ScoreSum int64  `gorm:"not null"`
	}
	if err := tx.Migrator().AddColumn(&Domain{}, "Representatives"); err != nil {
		return err
	}
	for _, col := range []string{"PolicyScore", "PolicyLevel"} {
		if err := tx.Migrator().AddColumn(&Product{}, col); err != nil {
			return err
		}
	}
	if err := tx.Migrator().CreateTable(&Policy{}, &PolicyProposal{}, &PolicyVote{}, &PolicyVersion{},
		&PolicyResult{}, &PolicyResultEvent{}, &PolicyWaiver{}, &ComplianceDay{}); err != nil {
		return err
	}
	now := time.Now().UTC()
	for _, sp := range starterPolicies() {
		p := Policy{Key: sp.Key, Scope: sp.Scope, State: sp.State, Version: sp.Version, Starter: true, CreatedBy: sp.CreatedBy}
		p.Spec = Spec(sp.PolicySpec)
		p.CreatedAt, p.UpdatedAt = now, now
		if err := tx.Omit("Domain").Create(&p).Error; err != nil {
			return err
		}
		specJSON, _ := json.Marshal(sp.PolicySpec)
		changes, _ := diffFields(nil, sp.PolicySpec.auditFields()).Value()
		if err := tx.Exec("INSERT INTO policy_versions (policy_id, version, spec, adopted_by, direct, changes, adopted_at) VALUES (?, 1, ?, ?, ?, ?, ?)",
			p.ID, string(specJSON), p.CreatedBy, true, changes, now).Error; err != nil {
			return err
		}
	}
	return nil
}
