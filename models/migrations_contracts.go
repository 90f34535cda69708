package models

import (
	"time"

	"gorm.io/gorm"
)

// migrateContracts creates the contract tables and gives findings a
// detail (what drifted, which checks failed). The types are frozen here, as
// in the other migrations, so later changes of the models cannot change
// what this migration did.
func migrateContracts(tx *gorm.DB) error {
	type Product struct{ ID uint }
	type Contract struct {
		ID         uint      `gorm:"primaryKey"`
		ProductID  uint      `gorm:"not null;uniqueIndex:idx_contracts_port,priority:1"`
		Product    *Product  `gorm:"constraint:OnDelete:CASCADE"`
		PortName   string    `gorm:"size:63;not null;uniqueIndex:idx_contracts_port,priority:2"`
		DocumentID string    `gorm:"size:200;not null;index:idx_contracts_document"`
		Version    string    `gorm:"size:64;not null"`
		Status     string    `gorm:"size:32;not null"`
		Document   string    `gorm:"type:text;not null"`
		Expect     string    `gorm:"type:text;not null;default:'[]'"`
		UpdatedBy  string    `gorm:"size:300;not null;default:''"`
		CreatedAt  time.Time `gorm:"not null"`
		UpdatedAt  time.Time `gorm:"not null"`
	}
	type ContractVersion struct {
		ID         uint      `gorm:"primaryKey"`
		ContractID uint      `gorm:"not null;uniqueIndex:idx_contract_versions_version,priority:1"`
		Contract   *Contract `gorm:"constraint:OnDelete:CASCADE"`
		Version    string    `gorm:"size:64;not null;uniqueIndex:idx_contract_versions_version,priority:2"`
		Status     string    `gorm:"size:32;not null"`
		Document   string    `gorm:"type:text;not null"`
		Breaking   bool      `gorm:"not null;default:false"`
		Changes    string    `gorm:"type:text;not null"`
		CreatedBy  string    `gorm:"size:300;not null;default:''"`
		CreatedAt  time.Time `gorm:"not null"`
	}
	type CheckResult struct {
		ID         uint      `gorm:"primaryKey"`
		ContractID uint      `gorm:"not null;index:idx_check_results_contract,priority:1"`
		Contract   *Contract `gorm:"constraint:OnDelete:CASCADE"`
		RuleID     string    `gorm:"size:300;not null;index:idx_check_results_contract,priority:2"`
		RuleName   string    `gorm:"size:300;not null;default:''"`
		Property   string    `gorm:"size:300;not null;default:''"`
		Metric     string    `gorm:"size:64;not null;default:''"`
		Severity   string    `gorm:"size:32;not null;default:''"`
		Status     string    `gorm:"size:16;not null"`
		Measured   *float64
		Threshold  string    `gorm:"size:200;not null;default:''"`
		Message    string    `gorm:"type:text;not null"`
		TookMS     int64     `gorm:"column:took_ms;not null;default:0"`
		Trigger    string    `gorm:"size:16;not null"`
		RanAt      time.Time `gorm:"not null;index:idx_check_results_contract,priority:3"`
	}
	type ContractWatcher struct {
		ContractID uint      `gorm:"primaryKey;autoIncrement:false"`
		Contract   *Contract `gorm:"constraint:OnDelete:CASCADE"`
		Email      string    `gorm:"size:254;primaryKey"`
		CreatedAt  time.Time `gorm:"not null"`
	}
	type Finding struct {
		Detail string `gorm:"type:text;not null;default:''"`
	}
	if err := tx.Migrator().CreateTable(&Contract{}, &ContractVersion{}, &CheckResult{}, &ContractWatcher{}); err != nil {
		return err
	}
	return tx.Migrator().AddColumn(&Finding{}, "Detail")
}
