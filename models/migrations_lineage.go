package models

import "gorm.io/gorm"

// migrateLineage creates asset_edges: which asset reads which, as the
// crawls of a source see it (a view reads the tables and views its query
// names). The types are frozen here, as in the other migrations, so later
// changes of the models cannot change what this migration did.
func migrateLineage(tx *gorm.DB) error {
	type Source struct{ ID uint }
	type Asset struct{ ID uint }
	type AssetEdge struct {
		FromAssetID uint    `gorm:"primaryKey;autoIncrement:false"`
		FromAsset   *Asset  `gorm:"foreignKey:FromAssetID;constraint:OnDelete:CASCADE"`
		ToAssetID   uint    `gorm:"primaryKey;autoIncrement:false;index:idx_asset_edges_to"`
		ToAsset     *Asset  `gorm:"foreignKey:ToAssetID;constraint:OnDelete:CASCADE"`
		SourceID    uint    `gorm:"not null;index:idx_asset_edges_source"`
		Source      *Source `gorm:"constraint:OnDelete:CASCADE"`
	}
	return tx.Migrator().CreateTable(&AssetEdge{})
}
