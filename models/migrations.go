package models

import (
	"context"
	"fmt"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Migrate applies every pending schema migration; applied ones are recorded
// in the table schema_migrations. It is safe to run at every start.
func (s *Store) Migrate(ctx context.Context) error {
	m := gormigrate.New(s.db.WithContext(ctx), &gormigrate.Options{
		TableName:                 "schema_migrations",
		IDColumnName:              "id",
		IDColumnSize:              255,
		UseTransaction:            true,
		ValidateUnknownMigrations: true,
	}, migrations())
	if err := m.Migrate(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// AppliedMigrations lists the ids of applied migrations, oldest first.
func (s *Store) AppliedMigrations(ctx context.Context) ([]string, error) {
	var ids []string
	err := s.db.WithContext(ctx).Table("schema_migrations").Order("id").Pluck("id", &ids).Error
	return ids, err
}

// migrations lists the schema's versions. Each one declares the tables as
// they were at that version (types local to the function), so that later
// changes to the models never change what an old migration does.
func migrations() []*gormigrate.Migration {
	return []*gormigrate.Migration{{
		ID: "0001_initial",
		Migrate: func(tx *gorm.DB) error {
			type Domain struct {
				ID          uint   `gorm:"primaryKey"`
				Slug        string `gorm:"size:63;not null;uniqueIndex:idx_domains_slug"`
				Name        string `gorm:"size:100;not null;index:idx_domains_name"`
				Description string `gorm:"size:2000;not null;default:''"`
				Owners      string `gorm:"type:text;not null"`
				Status      string `gorm:"size:16;not null;default:active"`
				CreatedAt   time.Time
				UpdatedAt   time.Time
			}
			type Product struct {
				ID                  uint    `gorm:"primaryKey"`
				DomainID            uint    `gorm:"not null;uniqueIndex:idx_products_domain_slug,priority:1"`
				Domain              *Domain `gorm:"constraint:OnDelete:RESTRICT"`
				Slug                string  `gorm:"size:63;not null;uniqueIndex:idx_products_domain_slug,priority:2"`
				Name                string  `gorm:"size:100;not null;index:idx_products_name"`
				Owner               string  `gorm:"size:254;not null"`
				Description         string  `gorm:"size:2000;not null;default:''"`
				Purpose             string  `gorm:"size:2000;not null;default:''"`
				Status              string  `gorm:"size:16;not null;index:idx_products_status"`
				Classification      string  `gorm:"size:16;not null;index:idx_products_classification"`
				ContainsPII         bool    `gorm:"column:contains_pii;not null;default:false"`
				Tags                string  `gorm:"type:text;not null"`
				FreshnessSLAMinutes int64   `gorm:"column:freshness_sla_minutes;not null;default:0"`
				SearchText          string  `gorm:"type:text;not null"`
				CreatedAt           time.Time
				UpdatedAt           time.Time
			}
			type OutputPort struct {
				ID        uint     `gorm:"primaryKey"`
				ProductID uint     `gorm:"not null;index:idx_output_ports_product"`
				Product   *Product `gorm:"constraint:OnDelete:CASCADE"`
				Position  int      `gorm:"not null"`
				Name      string   `gorm:"size:63;not null"`
				Type      string   `gorm:"size:16;not null"`
				Location  string   `gorm:"size:500;not null"`
			}
			type AuditEntry struct {
				ID         uint      `gorm:"primaryKey"`
				At         time.Time `gorm:"not null;index:idx_audit_entity,priority:3"`
				Actor      string    `gorm:"size:300;not null"`
				Action     string    `gorm:"size:32;not null"`
				EntityType string    `gorm:"size:32;not null;index:idx_audit_entity,priority:1"`
				EntityID   uint      `gorm:"not null;index:idx_audit_entity,priority:2"`
				EntityKey  string    `gorm:"size:200;not null"`
				Changes    string    `gorm:"type:text;not null"`
			}
			type User struct {
				ID            uint   `gorm:"primaryKey"`
				Issuer        string `gorm:"size:300;not null;uniqueIndex:idx_users_identity,priority:1"`
				Subject       string `gorm:"size:300;not null;uniqueIndex:idx_users_identity,priority:2"`
				Email         string `gorm:"size:254;not null;index:idx_users_email"`
				EmailVerified bool   `gorm:"not null;default:false"`
				Name          string `gorm:"size:200;not null"`
				Groups        string `gorm:"type:text;not null"`
				Admin         bool   `gorm:"not null;default:false"`
				CreatedAt     time.Time
				UpdatedAt     time.Time
				LastLoginAt   *time.Time
			}
			type Session struct {
				ID         uint      `gorm:"primaryKey"`
				TokenHash  string    `gorm:"size:64;not null;uniqueIndex:idx_sessions_token"`
				UserID     uint      `gorm:"not null;index:idx_sessions_user"`
				User       *User     `gorm:"constraint:OnDelete:CASCADE"`
				CreatedAt  time.Time `gorm:"not null"`
				LastSeenAt time.Time `gorm:"not null"`
				ExpiresAt  time.Time `gorm:"not null;index:idx_sessions_expires"`
			}
			type APIToken struct {
				ID         uint   `gorm:"primaryKey"`
				UserID     uint   `gorm:"not null;index:idx_api_tokens_user"`
				User       *User  `gorm:"constraint:OnDelete:CASCADE"`
				Name       string `gorm:"size:100;not null"`
				TokenHash  string `gorm:"size:64;not null;uniqueIndex:idx_api_tokens_hash"`
				Role       string `gorm:"size:16;not null;default:''"`
				CreatedAt  time.Time
				ExpiresAt  *time.Time
				LastUsedAt *time.Time
				RevokedAt  *time.Time
			}
			return tx.Migrator().CreateTable(&Domain{}, &Product{}, &OutputPort{}, &AuditEntry{}, &User{}, &Session{}, &APIToken{})
		},
		Rollback: func(tx *gorm.DB) error {
			return tx.Migrator().DropTable("api_tokens", "sessions", "users", "audit_entries", "output_ports", "products", "domains")
		},
	}, {
		// A counter every domain/product write bumps, so each replica knows
		// when its in-memory catalog is stale (see catalog.go).
		ID: "0002_catalog_version",
		Migrate: func(tx *gorm.DB) error {
			type CatalogVersion struct {
				ID      uint  `gorm:"primaryKey;autoIncrement:false"`
				Version int64 `gorm:"not null"`
			}
			if err := tx.Migrator().CreateTable(&CatalogVersion{}); err != nil {
				return err
			}
			return tx.Create(&CatalogVersion{ID: 1, Version: 1}).Error
		},
		Rollback: func(tx *gorm.DB) error { return tx.Migrator().DropTable("catalog_versions") },
	}, {
		// Sources, their crawl runs, the assets found and one observation
		// per asset and crawl.
		ID:      "0003_sources",
		Migrate: migrateSources,
		Rollback: func(tx *gorm.DB) error {
			return tx.Migrator().DropTable("asset_observations", "assets", "crawl_runs", "sources")
		},
	}, {
		// Output ports name the crawled source their location is in.
		ID: "0004_output_port_sources",
		Migrate: func(tx *gorm.DB) error {
			type OutputPort struct {
				SourceID *uint `gorm:"index:idx_output_ports_source"`
			}
			if err := tx.Migrator().AddColumn(&OutputPort{}, "SourceID"); err != nil {
				return err
			}
			return tx.Migrator().CreateIndex(&OutputPort{}, "idx_output_ports_source")
		},
		Rollback: func(tx *gorm.DB) error {
			type OutputPort struct{ SourceID *uint }
			return tx.Migrator().DropColumn(&OutputPort{}, "SourceID")
		},
	}, {
		// A product keeps a summary of its health for the list to show and
		// sort by.
		ID: "0005_product_health",
		Migrate: func(tx *gorm.DB) error {
			type Product struct {
				Health string `gorm:"type:text;not null;default:'{}'"`
			}
			return tx.Migrator().AddColumn(&Product{}, "Health")
		},
		Rollback: func(tx *gorm.DB) error {
			type Product struct{ Health string }
			return tx.Migrator().DropColumn(&Product{}, "Health")
		},
	}, {
		// Dark-data, stale-product and unused-product findings with their
		// history, daily health totals for the trends, a domain's own
		// unread threshold, and the findings' cache version.
		ID:      "0006_findings",
		Migrate: migrateFindings,
		Rollback: func(tx *gorm.DB) error {
			type Domain struct{ UnreadDays int }
			if err := tx.Migrator().DropColumn(&Domain{}, "UnreadDays"); err != nil {
				return err
			}
			if err := tx.Exec("DELETE FROM catalog_versions WHERE id = 2").Error; err != nil {
				return err
			}
			return tx.Migrator().DropTable("finding_events", "findings", "health_days")
		},
	}, {
		// Scheduled portal jobs (findings, reports) claim each tick once
		// across replicas.
		ID: "0007_job_ticks",
		Migrate: func(tx *gorm.DB) error {
			type JobTick struct {
				Job       string    `gorm:"size:64;primaryKey"`
				Tick      time.Time `gorm:"primaryKey"`
				ClaimedBy string    `gorm:"size:100;not null"`
				ClaimedAt time.Time `gorm:"not null"`
			}
			return tx.Migrator().CreateTable(&JobTick{})
		},
		Rollback: func(tx *gorm.DB) error { return tx.Migrator().DropTable("job_ticks") },
	}, {
		// Ownership reports: each person's choice of how often, and the
		// outbox the delivery worker sends from.
		ID: "0008_reports",
		Migrate: func(tx *gorm.DB) error {
			type ReportPreference struct {
				Email     string `gorm:"size:254;primaryKey"`
				Frequency string `gorm:"size:16;not null"`
				Always    bool   `gorm:"not null;default:false"`
				UpdatedAt time.Time
			}
			type OutboxMessage struct {
				ID            uint      `gorm:"primaryKey"`
				Recipient     string    `gorm:"size:254;not null;uniqueIndex:idx_outbox_recipient_period,priority:1"`
				Period        string    `gorm:"size:40;not null;uniqueIndex:idx_outbox_recipient_period,priority:2"`
				Subject       string    `gorm:"size:300;not null"`
				HTML          string    `gorm:"column:html;type:text;not null"`
				Text          string    `gorm:"type:text;not null"`
				Status        string    `gorm:"size:16;not null;index:idx_outbox_due,priority:1"`
				NextAttemptAt time.Time `gorm:"not null;index:idx_outbox_due,priority:2"`
				Attempts      int       `gorm:"not null;default:0"`
				LastError     string    `gorm:"size:1000;not null;default:''"`
				ClaimedBy     string    `gorm:"size:100;not null;default:''"`
				ClaimedUntil  *time.Time
				QueuedAt      time.Time `gorm:"not null;index:idx_outbox_queued"`
				QueuedBy      string    `gorm:"size:300;not null;default:''"`
				SentAt        *time.Time
				MessageID     string `gorm:"size:200;not null;default:''"`
			}
			return tx.Migrator().CreateTable(&ReportPreference{}, &OutboxMessage{})
		},
		Rollback: func(tx *gorm.DB) error { return tx.Migrator().DropTable("outbox_messages", "report_preferences") },
	}, {
		// A crawl's warnings, such as a freshness column that does not exist.
		ID: "0009_crawl_run_warnings",
		Migrate: func(tx *gorm.DB) error {
			type CrawlRun struct {
				Warnings string `gorm:"type:text;not null;default:'[]'"`
			}
			return tx.Migrator().AddColumn(&CrawlRun{}, "Warnings")
		},
		Rollback: func(tx *gorm.DB) error {
			type CrawlRun struct{ Warnings string }
			return tx.Migrator().DropColumn(&CrawlRun{}, "Warnings")
		},
	}, {
		// Governance: policies, proposals and votes, versions, results and
		// waivers; domain representatives; product scores; the starter pack.
		ID:      "0010_governance",
		Migrate: migrateGovernance,
		Rollback: func(tx *gorm.DB) error {
			return tx.Migrator().DropTable("compliance_days", "policy_waivers", "policy_result_events", "policy_results",
				"policy_versions", "policy_votes", "policy_proposals", "policies")
		},
	}, {
		// Data contracts on output ports, their versions and quality check
		// results; findings say what drifted or failed.
		ID:      "0011_contracts",
		Migrate: migrateContracts,
		Rollback: func(tx *gorm.DB) error {
			type Finding struct{ Detail string }
			if err := tx.Migrator().DropColumn(&Finding{}, "Detail"); err != nil {
				return err
			}
			return tx.Migrator().DropTable("contract_watchers", "check_results", "contract_versions", "contracts")
		},
	}, {
		// Lineage: which crawled asset reads which (views and what they
		// select from), replaced by every crawl of the source.
		ID:       "0012_asset_lineage",
		Migrate:  migrateLineage,
		Rollback: func(tx *gorm.DB) error { return tx.Migrator().DropTable("asset_edges") },
	}, {
		// Search: one entry per thing a person can find, and the database's
		// own text index over them. Existing rows are indexed here once;
		// the writes keep the index from then on.
		ID:       "0013_search",
		Migrate:  func(tx *gorm.DB) error { return migrateSearchAndIndex(tx) },
		Rollback: rollbackSearch,
	}}
}

func migrateFindings(tx *gorm.DB) error {
	type Domain struct {
		ID         uint
		UnreadDays int `gorm:"not null;default:0"`
	}
	type Asset struct{ ID uint }
	type Product struct{ ID uint }
	type Finding struct {
		ID          uint     `gorm:"primaryKey"`
		Kind        string   `gorm:"size:16;not null;uniqueIndex:idx_findings_subject,priority:1"`
		SubjectID   uint     `gorm:"not null;uniqueIndex:idx_findings_subject,priority:2"`
		AssetID     *uint    `gorm:"index:idx_findings_asset"`
		Asset       *Asset   `gorm:"constraint:OnDelete:CASCADE"`
		ProductID   *uint    `gorm:"index:idx_findings_product"`
		Product     *Product `gorm:"constraint:OnDelete:CASCADE"`
		SourceID    *uint    `gorm:"index:idx_findings_source"`
		DomainID    uint     `gorm:"not null;index:idx_findings_domain"`
		Domain      *Domain  `gorm:"constraint:OnDelete:CASCADE"`
		Title       string   `gorm:"type:text;not null"`
		Unowned     bool     `gorm:"not null;default:false"`
		Unread      bool     `gorm:"not null;default:false"`
		UsageKnown  bool     `gorm:"not null;default:false"`
		SizeBytes   *int64
		Since       *time.Time
		Status      string    `gorm:"size:16;not null;index:idx_findings_status"`
		OpenedAt    time.Time `gorm:"not null"`
		ClosedAt    *time.Time
		CloseReason string `gorm:"size:300;not null;default:''"`
		Note        string `gorm:"size:500;not null;default:''"`
		Until       *time.Time
		DecidedBy   string    `gorm:"size:300;not null;default:''"`
		UpdatedAt   time.Time `gorm:"not null"`
	}
	type FindingEvent struct {
		ID        uint      `gorm:"primaryKey"`
		FindingID uint      `gorm:"not null;index:idx_finding_events_finding"`
		Finding   *Finding  `gorm:"constraint:OnDelete:CASCADE"`
		At        time.Time `gorm:"not null"`
		Event     string    `gorm:"size:16;not null"`
		Actor     string    `gorm:"size:300;not null;default:''"`
		Note      string    `gorm:"size:500;not null;default:''"`
	}
	type HealthDay struct {
		Day           string  `gorm:"size:10;primaryKey"`
		DomainID      uint    `gorm:"primaryKey;autoIncrement:false"` // 0: the whole portal
		Products      int     `gorm:"not null"`
		Stale         int     `gorm:"not null"`
		Unused        int     `gorm:"not null"`
		DarkAssets    int     `gorm:"not null"`
		DarkBytes     int64   `gorm:"not null"`
		DarkCost      float64 `gorm:"not null"`
		UnknownAssets int     `gorm:"not null"`
		UnknownBytes  int64   `gorm:"not null"`
	}
	if err := tx.Migrator().AddColumn(&Domain{}, "UnreadDays"); err != nil {
		return err
	}
	if err := tx.Migrator().CreateTable(&Finding{}, &FindingEvent{}, &HealthDay{}); err != nil {
		return err
	}
	return tx.Exec("INSERT INTO catalog_versions (id, version) VALUES (2, 1)").Error
}

func migrateSources(tx *gorm.DB) error {
	type Domain struct{ ID uint }
	type Source struct {
		ID               uint    `gorm:"primaryKey"`
		DomainID         uint    `gorm:"not null;index:idx_sources_domain"`
		Domain           *Domain `gorm:"constraint:OnDelete:RESTRICT"`
		Slug             string  `gorm:"size:63;not null;uniqueIndex:idx_sources_slug"`
		Name             string  `gorm:"size:100;not null"`
		Kind             string  `gorm:"size:16;not null"`
		DSNSealed        string  `gorm:"column:dsn_sealed;type:text;not null"`
		DSNHint          string  `gorm:"column:dsn_hint;size:500;not null"`
		Include          string  `gorm:"type:text;not null"`
		Exclude          string  `gorm:"type:text;not null"`
		FreshnessColumns string  `gorm:"type:text;not null"`
		Schedule         string  `gorm:"size:100;not null"`
		TimeZone         string  `gorm:"size:64;not null"`
		Enabled          bool    `gorm:"not null;default:true"`
		CreatedAt        time.Time
		UpdatedAt        time.Time
	}
	type CrawlRun struct {
		ID            uint       `gorm:"primaryKey"`
		SourceID      uint       `gorm:"not null;index:idx_crawl_runs_source,priority:1;uniqueIndex:idx_crawl_runs_tick,priority:1"`
		Source        *Source    `gorm:"constraint:OnDelete:CASCADE"`
		Trigger       string     `gorm:"size:16;not null"`
		ScheduledFor  *time.Time `gorm:"uniqueIndex:idx_crawl_runs_tick,priority:2"`
		StartedAt     time.Time  `gorm:"not null;index:idx_crawl_runs_source,priority:2"`
		FinishedAt    *time.Time
		HeartbeatAt   time.Time `gorm:"not null"`
		Status        string    `gorm:"size:16;not null"`
		Actor         string    `gorm:"size:300;not null;default:''"`
		Instance      string    `gorm:"size:100;not null;default:''"`
		Progress      int       `gorm:"not null;default:0"`
		AssetsSeen    int       `gorm:"not null;default:0"`
		AssetsNew     int       `gorm:"not null;default:0"`
		AssetsChanged int       `gorm:"not null;default:0"`
		AssetsGone    int       `gorm:"not null;default:0"`
		ServerVersion string    `gorm:"size:200;not null;default:''"`
		ErrorReason   string    `gorm:"size:32;not null;default:''"`
		Error         string    `gorm:"size:2000;not null;default:''"`
		UsageNote     string    `gorm:"size:500;not null;default:''"`
	}
	type Asset struct {
		ID            uint      `gorm:"primaryKey"`
		SourceID      uint      `gorm:"not null;uniqueIndex:idx_assets_source_key,priority:1"`
		Source        *Source   `gorm:"constraint:OnDelete:CASCADE"`
		Key           string    `gorm:"type:text;not null;uniqueIndex:idx_assets_source_key,priority:2"`
		Schema        string    `gorm:"type:text;not null"`
		Name          string    `gorm:"type:text;not null"`
		Kind          string    `gorm:"size:32;not null"`
		Parent        string    `gorm:"type:text;not null;default:''"`
		Columns       string    `gorm:"type:text;not null"`
		FirstSeenAt   time.Time `gorm:"not null"`
		LastSeenAt    time.Time `gorm:"not null"`
		GoneAt        *time.Time
		SizeBytes     *int64
		RowEstimate   *int64
		FileCount     *int64
		LastChangeAt  *time.Time
		LastChangeHow string `gorm:"size:32;not null;default:''"`
		UsageKnown    bool   `gorm:"not null;default:false"`
		ReadsPerDay   *float64
		ReadsDaily    string `gorm:"type:text;not null;default:'{}'"`
		UsageSince    *time.Time
		LastReadAt    *time.Time
		LastReadHow   string `gorm:"size:32;not null;default:''"`
		CountersEpoch string `gorm:"size:200;not null;default:''"`
		Writes        *int64
		ReadCount     *int64 `gorm:"column:read_count"`
	}
	type AssetObservation struct {
		ID             uint      `gorm:"primaryKey"`
		AssetID        uint      `gorm:"not null;index:idx_observations_asset_at,priority:1"`
		Asset          *Asset    `gorm:"constraint:OnDelete:CASCADE"`
		RunID          uint      `gorm:"not null;index:idx_observations_run"`
		At             time.Time `gorm:"not null;index:idx_observations_asset_at,priority:2"`
		SizeBytes      *int64
		RowEstimate    *int64
		Writes         *int64
		ReadCount      *int64 `gorm:"column:read_count"`
		WritesDelta    *int64
		ReadsDelta     *int64
		Since          *time.Time
		LastModified   *time.Time
		LastRead       *time.Time
		FreshnessValue *time.Time
		Epoch          string `gorm:"size:200;not null;default:''"`
	}
	if err := tx.Migrator().CreateTable(&Source{}, &CrawlRun{}, &Asset{}, &AssetObservation{}); err != nil {
		return err
	}
	// At most one running crawl per source, whichever replica started it.
	return tx.Exec("CREATE UNIQUE INDEX idx_crawl_runs_one_running ON crawl_runs (source_id) WHERE status = 'running'").Error
}
