package models

import (
	"time"

	"gorm.io/gorm"
)

// migrateSearch creates the search index: one row per thing a person can
// find (product, domain, source, asset, column, contract property,
// policy), kept by the writes themselves, and the database's own text
// index over it (SQLite FTS5 with the trigram tokenizer, an external
// content table kept by triggers; PostgreSQL pg_trgm and a tsvector).
func migrateSearch(tx *gorm.DB) error {
	type Domain struct{ ID uint }
	type Product struct{ ID uint }
	type Source struct{ ID uint }
	type Asset struct{ ID uint }
	type Policy struct{ ID uint }
	type SearchEntry struct {
		ID   uint   `gorm:"primaryKey"`
		Kind string `gorm:"size:16;not null;uniqueIndex:idx_search_ref,priority:1;index:idx_search_kind"`
		// KindRank orders kinds (products first) inside the name index.
		KindRank int    `gorm:"not null;default:0"`
		Ref      string `gorm:"size:600;not null;uniqueIndex:idx_search_ref,priority:2"`
		Name     string `gorm:"type:text;not null"`
		// NameKey is the name lower-cased by Go (SQLite's lower() folds
		// ASCII only), for the name index's prefix ranges.
		NameKey string `gorm:"type:text;not null"`
		Title   string `gorm:"type:text;not null"`
		// Context says where it is ("column of public.orders in Shop").
		Context        string   `gorm:"type:text;not null;default:''"`
		Tags           string   `gorm:"type:text;not null;default:''"`
		Body           string   `gorm:"type:text;not null;default:''"`
		URL            string   `gorm:"type:text;not null"`
		DomainID       *uint    `gorm:"index:idx_search_domain"`
		Domain         *Domain  `gorm:"constraint:OnDelete:CASCADE"`
		ProductID      *uint    `gorm:"index:idx_search_product"`
		Product        *Product `gorm:"constraint:OnDelete:CASCADE"`
		SourceID       *uint    `gorm:"index:idx_search_source"`
		Source         *Source  `gorm:"constraint:OnDelete:CASCADE"`
		AssetID        *uint    `gorm:"index:idx_search_asset"`
		Asset          *Asset   `gorm:"constraint:OnDelete:CASCADE"`
		PolicyID       *uint    `gorm:"index:idx_search_policy"`
		Policy         *Policy  `gorm:"constraint:OnDelete:CASCADE"`
		DomainSlug     string   `gorm:"size:63;not null;default:''"`
		Classification string   `gorm:"size:16;not null;default:''"`
		Status         string   `gorm:"size:16;not null;default:''"`
		SourceKind     string   `gorm:"size:16;not null;default:''"`
		// Digest tells a crawl's reindex which rows changed.
		Digest    string    `gorm:"size:64;not null;default:''"`
		UpdatedAt time.Time `gorm:"not null"`
	}
	if err := tx.Migrator().CreateTable(&SearchEntry{}); err != nil {
		return err
	}
	if tx.Dialector.Name() == "postgres" {
		for _, q := range []string{
			`CREATE EXTENSION IF NOT EXISTS pg_trgm`,
			`ALTER TABLE search_entries ADD COLUMN search_vector tsvector GENERATED ALWAYS AS
				(to_tsvector('simple', name || ' ' || tags || ' ' || body)) STORED`,
			`CREATE INDEX idx_search_vector ON search_entries USING gin (search_vector)`,
			`CREATE INDEX idx_search_name_trgm ON search_entries USING gin (lower(name) gin_trgm_ops)`,
			`CREATE INDEX idx_search_name_key ON search_entries ((name_key COLLATE "C"), kind_rank)`,
			`CREATE INDEX idx_search_text_trgm ON search_entries USING gin (lower(name || ' ' || tags || ' ' || body) gin_trgm_ops)`,
		} {
			if err := tx.Exec(q).Error; err != nil {
				return err
			}
		}
		return nil
	}
	for _, q := range []string{
		`CREATE INDEX idx_search_name_key ON search_entries (name_key, kind_rank)`,
		`CREATE VIRTUAL TABLE search_fts USING fts5(name, tags, body, content='search_entries', content_rowid='id', tokenize='trigram case_sensitive 0')`,
		`CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN
			INSERT INTO search_fts(rowid, name, tags, body) VALUES (new.id, new.name, new.tags, new.body); END`,
		`CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN
			INSERT INTO search_fts(search_fts, rowid, name, tags, body) VALUES ('delete', old.id, old.name, old.tags, old.body); END`,
		`CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN
			INSERT INTO search_fts(search_fts, rowid, name, tags, body) VALUES ('delete', old.id, old.name, old.tags, old.body);
			INSERT INTO search_fts(rowid, name, tags, body) VALUES (new.id, new.name, new.tags, new.body); END`,
	} {
		if err := tx.Exec(q).Error; err != nil {
			return err
		}
	}
	return nil
}

func rollbackSearch(tx *gorm.DB) error {
	if tx.Dialector.Name() != "postgres" {
		for _, q := range []string{`DROP TRIGGER IF EXISTS search_entries_ai`, `DROP TRIGGER IF EXISTS search_entries_ad`,
			`DROP TRIGGER IF EXISTS search_entries_au`, `DROP TABLE IF EXISTS search_fts`} {
			if err := tx.Exec(q).Error; err != nil {
				return err
			}
		}
	}
	return tx.Migrator().DropTable("search_entries")
}

// migrateSearchAndIndex creates the index and fills it from what an
// installation already holds. The filling uses the index code of the
// version that adds it, so a later change of the entries' columns must
// come with a migration of its own (and a reindex).
func migrateSearchAndIndex(tx *gorm.DB) error {
	if err := migrateSearch(tx); err != nil {
		return err
	}
	return reindexIn(tx, time.Now().UTC())
}
