package models

import (
	"cmp"
	"context"
	"slices"

	"gorm.io/gorm"
)

// Lineage between crawled assets, as the sources' own catalogs tell it
// without query logs: a view (or materialized view) reads the tables and
// views its query names. The connectors report them (ObservedAsset.
// DependsOn); RecordCrawl keeps them as asset edges, in the crawl's
// transaction; these read them.

// AssetEdge says that the asset FromAssetID reads the asset ToAssetID; both
// are assets of the source SourceID, seen by its last crawl. Deleting
// either asset or the source deletes the edge.
type AssetEdge struct {
	FromAssetID uint    `gorm:"primaryKey;autoIncrement:false" json:"from_asset_id"`
	FromAsset   *Asset  `gorm:"foreignKey:FromAssetID;constraint:OnDelete:CASCADE" json:"-"`
	ToAssetID   uint    `gorm:"primaryKey;autoIncrement:false;index:idx_asset_edges_to" json:"to_asset_id"`
	ToAsset     *Asset  `gorm:"foreignKey:ToAssetID;constraint:OnDelete:CASCADE" json:"-"`
	SourceID    uint    `gorm:"not null;index:idx_asset_edges_source" json:"-"`
	Source      *Source `gorm:"constraint:OnDelete:CASCADE" json:"-"`
}

// ProductEdge says that product From reads product To: an output port of
// From is an asset that reads an asset which is an output port of To.
type ProductEdge struct {
	From, To uint // product ids
	// Via says how the edge was found: "view" (a view port reading another
	// product's port, from the source's catalog).
	Via string
}

// ProductEdgeVia values.
const ProductEdgeViaView = "view"

// lineageBatch bounds the ids of one IN list.
const lineageBatch = 500

// AssetLineage returns, for each of assetIDs that has any, the assets it
// reads (reads[id]) and the assets that read it (readBy[id]), each list of
// asset ids sorted. The edges are those of the last crawl of each asset's
// source: a view seen reading a table then, not since, is no longer
// listed. An id without edges (or unknown) is absent from both maps. The
// assets are not loaded; callers that show them look them up by id.
func (s *Store) AssetLineage(ctx context.Context, assetIDs []uint) (reads, readBy map[uint][]uint, err error) {
	reads, readBy = map[uint][]uint{}, map[uint][]uint{}
	ids := slices.Clone(assetIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	db := s.db.WithContext(ctx)
	for start := 0; start < len(ids); start += lineageBatch {
		batch := ids[start:min(start+lineageBatch, len(ids))]
		var edges []AssetEdge
		err := db.Select("from_asset_id", "to_asset_id").
			Where("from_asset_id IN ? OR to_asset_id IN ?", batch, batch).Find(&edges).Error
		if err != nil {
			return nil, nil, internal("asset lineage", err)
		}
		for _, e := range edges {
			if _, ok := slices.BinarySearch(batch, e.FromAssetID); ok {
				reads[e.FromAssetID] = append(reads[e.FromAssetID], e.ToAssetID)
			}
			if _, ok := slices.BinarySearch(batch, e.ToAssetID); ok {
				readBy[e.ToAssetID] = append(readBy[e.ToAssetID], e.FromAssetID)
			}
		}
	}
	for _, m := range []map[uint][]uint{reads, readBy} {
		for id, list := range m {
			slices.Sort(list)
			m[id] = slices.Compact(list)
		}
	}
	return reads, readBy, nil
}

// ProductAssetEdges derives which product reads which from the asset edges:
// where an output port of product A is a crawled asset (the port's source
// and location are the asset's source and key) that reads an asset which
// is an output port of product B, A reads B. Only direct edges count (a
// port view reading another product's port), not chains through assets
// that are no product's port; a product reading its own port is left out.
// Products of every status are included: callers filter retired ones if
// they must. Sorted by From, then To, each pair once.
func (s *Store) ProductAssetEdges(ctx context.Context) ([]ProductEdge, error) {
	rows, err := s.db.WithContext(ctx).Raw(`SELECT DISTINCT pf.product_id, pt.product_id` + productEdgesFrom + ` ORDER BY 1, 2`).Rows()
	if err != nil {
		return nil, internal("product asset edges", err)
	}
	defer rows.Close()
	var out []ProductEdge
	for rows.Next() {
		e := ProductEdge{Via: ProductEdgeViaView}
		if err := rows.Scan(&e.From, &e.To); err != nil {
			return nil, internal("product asset edges", err)
		}
		out = append(out, e)
	}
	return out, internal("product asset edges", rows.Err())
}

// edgeKey is one edge between two assets, by id.
type edgeKey struct{ from, to uint }

// syncAssetEdges makes the source's stored edges exactly want, writing only
// the difference: a crawl that sees the same views reading the same tables
// writes nothing.
func syncAssetEdges(ctx context.Context, tx *gorm.DB, sourceID uint, want map[edgeKey]bool) error {
	var have []AssetEdge
	if err := tx.WithContext(ctx).Select("from_asset_id", "to_asset_id").
		Where("source_id = ?", sourceID).Find(&have).Error; err != nil {
		return err
	}
	var gone [][]any
	for _, e := range have {
		k := edgeKey{e.FromAssetID, e.ToAssetID}
		if want[k] {
			delete(want, k) // stored already
			continue
		}
		gone = append(gone, []any{e.FromAssetID, e.ToAssetID})
	}
	for start := 0; start < len(gone); start += lineageBatch {
		batch := gone[start:min(start+lineageBatch, len(gone))]
		if err := tx.WithContext(ctx).Where("source_id = ? AND (from_asset_id, to_asset_id) IN ?", sourceID, batch).
			Delete(&AssetEdge{}).Error; err != nil {
			return err
		}
	}
	if len(want) == 0 {
		return nil
	}
	add := make([]edgeKey, 0, len(want))
	for k := range want {
		add = append(add, k)
	}
	slices.SortFunc(add, func(a, b edgeKey) int {
		return cmp.Or(cmp.Compare(a.from, b.from), cmp.Compare(a.to, b.to))
	})
	rows := make([][]any, len(add))
	for i, k := range add {
		rows[i] = []any{k.from, k.to, sourceID}
	}
	return newBulkWriter(tx, "asset_edges", []string{"from_asset_id", "to_asset_id", "source_id"}, "").write(ctx, tx, rows)
}

// productEdgesFrom joins asset edges to the ports at both ends: pf is the
// port of the product that reads, pt of the one read.
const productEdgesFrom = `
		FROM asset_edges e
		JOIN assets af ON af.id = e.from_asset_id
		JOIN assets ta ON ta.id = e.to_asset_id
		JOIN output_ports pf ON pf.source_id = af.source_id AND pf.location = af.key
		JOIN output_ports pt ON pt.source_id = ta.source_id AND pt.location = ta.key
		WHERE pf.product_id <> pt.product_id`
